import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  buildInventory,
  editInventoryText,
  InventoryError,
  parseInventory,
  planChanges,
  readInventory,
  toAnsibleList,
  type VmInput,
  validateInventory,
  writeIni,
  writeYaml,
} from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../docs/reference/kubespray/inventories");
const vm = (name: string, ip: string, extra: Partial<VmInput> = {}): VmInput => ({
  name,
  nics: [{ ip, network: "lan" }],
  ...extra,
});

describe("buildInventory (replacement for contrib/inventory_builder)", () => {
  test("reproduces a real builder output (ks-pr10362, KUBE_CONTROL_HOSTS=3)", () => {
    const built = buildInventory(
      [vm("node2", "10.200.10.51"), vm("node1", "10.200.10.50"), vm("node3", "10.200.10.52")],
      {
        controlPlaneCount: 3,
      },
    );
    const real = toAnsibleList(readInventory(join(DIR, "ks-pr10362-builder-output.yaml")));
    const mine = toAnsibleList(built);
    expect(mine._meta).toEqual(real._meta);
    for (const g of ["kube_control_plane", "kube_node", "etcd", "k8s_cluster"])
      expect(mine[g]).toEqual(real[g]);
  });

  test("builder rules: etcd = first 3, 2 control planes, all workers; small clusters get 1 etcd", () => {
    const inv = buildInventory(["a", "b", "c", "d"].map((n, i) => vm(n, `10.0.0.${i + 1}`)));
    expect(inv.groups.get("etcd")!.hosts).toEqual(["a", "b", "c"]);
    expect(inv.groups.get("kube_control_plane")!.hosts).toEqual(["a", "b"]);
    expect(inv.groups.get("kube_node")!.hosts).toEqual(["a", "b", "c", "d"]);
    expect(buildInventory([vm("x", "10.0.0.1"), vm("y", "10.0.0.2")]).groups.get("etcd")!.hosts).toEqual([
      "x",
    ]);
  });

  test("≥ 50 hosts: control plane after etcd, etcd hosts become route reflectors", () => {
    const vms = Array.from({ length: 60 }, (_, i) =>
      vm(`n${i + 1}`, `10.0.${Math.floor(i / 200)}.${(i % 200) + 1}`),
    );
    const inv = buildInventory(vms);
    expect(inv.groups.get("etcd")!.hosts).toEqual(["n1", "n2", "n3"]);
    expect(inv.groups.get("calico_rr")!.hosts).toEqual(["n1", "n2", "n3"]);
    expect(inv.groups.get("kube_control_plane")!.hosts).toEqual(["n4", "n5"]);
    expect(inv.groups.get("kube_node")!.hosts).not.toContain("n1");
    expect(inv.groups.get("k8s_cluster")!.children).toContain("calico_rr");
  });

  test("roles by label, NIC selection, deterministic output", () => {
    const vms: VmInput[] = [
      {
        name: "Worker_2",
        nics: [
          { ip: "192.168.1.12", network: "lan" },
          { ip: "10.1.0.12", network: "k8s" },
        ],
        labels: { "kubespray.role": "worker" },
      },
      {
        name: "cp-1",
        nics: [
          { ip: "192.168.1.11", network: "lan" },
          { ip: "10.1.0.11", network: "k8s" },
        ],
        labels: { "kubespray.role": "control-plane,etcd" },
      },
    ];
    const opts = { nodeNetwork: "k8s", accessNetwork: "lan" };
    const inv = buildInventory(vms, opts);
    expect([...inv.hosts.keys()]).toEqual(["cp-1", "worker-2"]);
    expect(inv.hosts.get("cp-1")!.vars).toEqual({
      ansible_host: "192.168.1.11",
      ip: "10.1.0.11",
      access_ip: "192.168.1.11",
    });
    expect(validateInventory(inv).filter((f) => f.severity === "error")).toEqual([]);
    expect(writeYaml(buildInventory([...vms].reverse(), opts))).toBe(writeYaml(inv));
    expect(() => buildInventory([{ name: "x", nics: [], labels: {} }])).toThrow(InventoryError);
    expect(() => buildInventory([vm("x", "1.1.1.1", { labels: { "kubespray.role": "master" } })])).toThrow(
      /unknown role/,
    );
  });
});

describe("scale-up and remove-node edits keep everything else untouched", () => {
  const iniText = readFileSync(join(DIR, "ks-pr11746-all-section.ini"), "utf8");
  const yamlText = readFileSync(join(DIR, "ks-pr10362-builder-output.yaml"), "utf8");

  test("INI: adding a worker only adds lines; removing it restores the file byte for byte", () => {
    const inv = parseInventory(iniText, { format: "ini" });
    const plan = planChanges(inv, [
      ...[...inv.hosts.keys()].map((h) => vm(h, "10.9.9.9")),
      vm("node99", "10.0.0.99"),
    ]);
    expect(plan).toEqual({
      add: [
        {
          host: "node99",
          vars: { ansible_host: "10.0.0.99", ip: "10.0.0.99", access_ip: "10.0.0.99" },
          groups: ["kube_node"],
        },
      ],
      remove: [],
    });
    const added = editInventoryText(
      iniText,
      "ini",
      plan.add.map((a) => ({ op: "add-host", ...a })),
    );
    const before = iniText.split("\n");
    const after = added.split("\n");
    expect(after.length).toBe(before.length + 2);
    expect(after.filter((l) => !before.includes(l))).toEqual([
      "node99 ansible_host=10.0.0.99 ip=10.0.0.99 access_ip=10.0.0.99",
      "node99",
    ]);
    const out = toAnsibleList(parseInventory(added, { format: "ini" }));
    expect((out.kube_node as { hosts: string[] }).hosts.at(-1)).toBe("node99");
    expect(editInventoryText(added, "ini", [{ op: "remove-host", host: "node99" }])).toBe(iniText);
  });

  test("INI: set a host variable in place", () => {
    const edited = editInventoryText(iniText, "ini", [
      { op: "set-host-var", host: "soluna-6", key: "ip", value: "10.3.0.100" },
    ]);
    const diff = edited.split("\n").filter((l, i) => l !== iniText.split("\n")[i]);
    expect(diff.length).toBe(1);
    expect(parseInventory(edited, { format: "ini" }).hostVars("soluna-6")).toEqual({
      ansible_host: "10.250.3.15",
      etcd_member_name: "etcd1",
      ip: "10.3.0.100",
    });
  });

  test("YAML: scale-up keeps comments and every other line; remove-node removes only that host", () => {
    const text = `# my cluster\n${yamlText}`;
    const added = editInventoryText(text, "yaml", [
      {
        op: "add-host",
        host: "node4",
        vars: { ansible_host: "10.200.10.53", ip: "10.200.10.53" },
        groups: ["kube_node"],
      },
    ]);
    expect(added.startsWith("# my cluster\n")).toBe(true);
    const before = text.split("\n");
    expect(added.split("\n").filter((l) => !before.includes(l))).toEqual([
      "    node4:",
      "      ansible_host: 10.200.10.53",
      "      ip: 10.200.10.53",
      "        node4:",
    ]);
    const removed = editInventoryText(added, "yaml", [{ op: "remove-host", host: "node4" }]);
    expect(removed).toBe(text);
  });

  test("YAML edits keep inline comment spacing and comments after a key that opens a block", () => {
    const text =
      "all:\n  hosts:\n    n1:  # first node\n      ansible_host: 10.0.0.1  # mgmt\n    n2:\n      ansible_host: 10.0.0.2    # two\n  children:   # groups\n    kube_node:  #  workers\n      hosts:\n        n1:\n        n2:\n";
    const added = editInventoryText(text, "yaml", [
      { op: "add-host", host: "n3", vars: { ansible_host: "10.0.0.3" }, groups: ["kube_node"] },
    ]);
    const before = text.split("\n");
    const after = added.split("\n");
    expect(after.filter((l) => !before.includes(l))).toEqual([
      "    n3:",
      "      ansible_host: 10.0.0.3",
      "        n3:",
    ]);
    expect(before.filter((l) => !after.includes(l))).toEqual([]);
    expect(editInventoryText(added, "yaml", [{ op: "remove-host", host: "n3" }])).toBe(text);
  });

  test("a host inside a range cannot be removed alone; the first control plane is protected", () => {
    expect(() =>
      editInventoryText("[kube_node]\nn[1:3]\n", "ini", [{ op: "remove-host", host: "n2" }]),
    ).toThrow(/EDIT_HOST_IN_RANGE|range/);
    const inv = parseInventory(iniText, { format: "ini" });
    expect(() => planChanges(inv, [vm("node2", "1.1.1.1")], { removeMissing: true })).toThrow(
      /first control plane/,
    );
  });

  test("INI written by writeIni accepts edits too", () => {
    const text = writeIni(buildInventory([vm("a", "10.0.0.1"), vm("b", "10.0.0.2"), vm("c", "10.0.0.3")]));
    const edited = editInventoryText(text, "ini", [
      { op: "add-host", host: "d", vars: { ip: "10.0.0.4" }, groups: ["kube_node"] },
    ]);
    const inv = parseInventory(edited, { format: "ini" });
    expect(inv.groups.get("kube_node")!.hosts).toEqual(["a", "b", "c", "d"]);
    expect(inv.hostVars("d")).toEqual({ ip: "10.0.0.4" });
  });
});
