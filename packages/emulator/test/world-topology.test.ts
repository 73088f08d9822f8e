import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_TOPOLOGY_YAML,
  defaultTopology,
  loadTopologyFile,
  parseTopologyYaml,
  TopologyError,
} from "@homelab-kit/emulator/world";
import { describe, expect, it } from "vitest";

function problems(text: string) {
  try {
    parseTopologyYaml(text, "t.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return (error as TopologyError).problems.map((p) => `${p.line ?? "-"} ${p.path}: ${p.message}`);
  }
  throw new Error("expected a TopologyError");
}

describe("topology files", () => {
  it("the default is the reference stack of docs/DESIGN.md §1", () => {
    const t = defaultTopology();
    expect(
      t.hosts.map((h) => [h.name, h.model, h.memoryGiB, h.cpu.cores, h.cpu.threads, h.ilo.generation]),
    ).toEqual([
      ["node1", "ProLiant DL360 G7", 36, 8, 16, "ilo3"],
      ["node2", "ProLiant DL360 G7", 47, 8, 16, "ilo3"],
      ["node3", "ProLiant DL360 G7", 49, 8, 16, "ilo3"],
    ]);
    expect(t.hosts.every((h) => (h.ceph?.osds ?? 0) > 0)).toBe(true);
    expect(t.opennebula?.datastores.find((d) => d.type === "image")).toMatchObject({
      driver: "ceph",
      pool: "rbd",
    });
    expect(t.kubernetes?.rbdPool).toBe("rbd");
    expect(t.opennebula?.templates.map((x) => x.name)).toEqual(["k8s-node", "mysql", "prometheus"]);
    expect(t.opennebula?.networks[0]?.range).toEqual({ ip: "192.168.1.100", size: 50 });
    expect(t.opennebula?.vms.map((v) => v.name)).toEqual(["mysql", "prometheus"]);
  });

  it("errors name the file, the line, the path and what was expected", () => {
    expect(problems("hosts:\n  - name: a\n    memoryGiB: lots\n")).toEqual([
      "3 hosts[0].memoryGiB: Invalid input: expected number, received string",
    ]);
    expect(problems("hosts:\n  - name: a\n    memoryGiB: 4\n    memry: 4\n")).toEqual([
      '2 hosts[0]: unknown key(s) "memry"',
    ]);
    expect(problems("hosts: []\n")).toEqual(["1 hosts: a topology needs at least one host"]);
    try {
      parseTopologyYaml("hosts: []\n", "my.yaml");
    } catch (error) {
      expect((error as Error).message).toBe(
        "invalid topology my.yaml:\n  my.yaml:1 hosts: a topology needs at least one host",
      );
    }
  });

  it("YAML syntax errors carry their line", () => {
    expect(problems("hosts:\n  - name: a\n   bad: [\n")[0]).toMatch(/^\d+ : YAML syntax: /);
  });

  it("cross references and duplicate names are checked", () => {
    const text = `hosts:
  - { name: a, memoryGiB: 4 }
  - { name: a, memoryGiB: 4 }
opennebula:
  templates: [{ name: t, cpu: 1, vcpu: 1, memoryMiB: 1024, image: nope }]
  vms: [{ name: v, template: t, host: b }]
`;
    expect(problems(text)).toEqual([
      '3 hosts[1].name: duplicate name "a"',
      '5 opennebula.templates[0].image: unknown image "nope" (known: none)',
      '6 opennebula.vms[0].host: unknown host "b" (known: a)',
    ]);
  });

  it("VM memory and CPU count against the host's real figures", () => {
    const text = `hosts:
  - { name: a, memoryGiB: 4, cpu: { sockets: 1, cores: 2, threads: 2 } }
opennebula:
  templates: [{ name: big, cpu: 2, vcpu: 2, memoryMiB: 3072 }]
  vms: [{ name: v1, template: big, host: a }, { name: v2, template: big, host: a }]
`;
    expect(problems(text)).toEqual([
      '5 opennebula.vms[1].host: host "a" has 4 GiB; its VMs would need 6144 MiB',
      '5 opennebula.vms[1].host: host "a" has 2 threads; its VMs would need CPU 4',
    ]);
  });

  it("loads files, and says which one it could not read", () => {
    const dir = mkdtempSync(join(tmpdir(), "topology-"));
    const file = join(dir, "t.yaml");
    writeFileSync(file, DEFAULT_TOPOLOGY_YAML.replace("name: reference", "name: mine"));
    expect(loadTopologyFile(file).name).toBe("mine");
    expect(() => loadTopologyFile(join(dir, "missing.yaml"))).toThrow(
      /missing\.yaml.*cannot read the file \(ENOENT\)/s,
    );
  });
});

describe("JSON topologies", () => {
  it("are read as YAML's JSON subset, errors still with lines", () => {
    const json = JSON.stringify({ name: "j", hosts: [{ name: "a", memoryGiB: 4 }] });
    expect(parseTopologyYaml(json).hosts[0]?.cpu.threads).toBe(16);
    expect(problems('{\n"hosts": [\n{"name": "a", "memoryGiB": "x"}\n]\n}\n')).toEqual([
      "3 hosts[0].memoryGiB: Invalid input: expected number, received string",
    ]);
  });
});
