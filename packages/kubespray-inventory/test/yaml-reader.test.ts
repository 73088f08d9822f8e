import { describe, expect, test } from "vitest";
import {
  InventoryParseError,
  PyFloat,
  parseYamlInventory,
  readVarsFile,
  toAnsibleList,
} from "../src/index.js";

const list = (text: string) => toAnsibleList(parseYamlInventory(text, { file: "t.yaml" }));

function parseError(text: string, opts = {}): InventoryParseError {
  try {
    parseYamlInventory(text, { file: "t.yaml", ...opts });
  } catch (e) {
    if (e instanceof InventoryParseError) return e;
    throw e;
  }
  throw new Error("expected an InventoryParseError");
}

describe("YAML reader (Ansible yaml plugin + PyYAML typing)", () => {
  test("builder output shape", () => {
    const out = list(`all:
  hosts:
    node1: {ansible_host: 10.0.0.1, ip: 10.0.0.1}
    node2:
  children:
    kube_control_plane:
      hosts:
        node1:
    kube_node:
      hosts:
        node1:
        node2:
    k8s_cluster:
      children:
        kube_control_plane:
        kube_node:
    calico_rr:
      hosts: {}
`);
    // checked with ansible-inventory 2.14: groups listed under all.children stay children of all
    expect(out.all).toEqual({
      children: ["ungrouped", "kube_control_plane", "kube_node", "k8s_cluster", "calico_rr"],
    });
    expect(out.k8s_cluster).toEqual({ children: ["kube_control_plane", "kube_node"] });
    expect(out.ungrouped).toBeUndefined();
    expect(out._meta.hostvars).toEqual({ node1: { ansible_host: "10.0.0.1", ip: "10.0.0.1" } });
  });

  test("YAML 1.1 scalars as PyYAML reads them", () => {
    const hv = list(`all:
  hosts:
    h:
      a: yes
      b: Off
      c: y
      d: 010
      e: 1:20
      f: 1e3
      g: 1.0e+3
      h: ~
      i: "yes"
      j: 10.74.8.090
      k: 2024-01-02
      l: 0x1F
      m: 00:e0:4c:68:cb:bf
      n: !unsafe "{{ x }}"
`)._meta.hostvars.h;
    expect(hv).toEqual({
      a: true,
      b: false,
      c: "y",
      d: 8,
      e: 80,
      f: "1e3",
      g: new PyFloat(1000),
      h: null,
      i: "yes",
      j: "10.74.8.090",
      k: "2024-01-02",
      l: 31,
      m: "00:e0:4c:68:cb:bf",
      n: "{{ x }}",
    });
  });

  test("anchors and merge keys", () => {
    const out = list(`all:
  children:
    a:
      hosts: &nodes
        n1:
        n2:
    b:
      hosts:
        <<: *nodes
        n3:
`);
    expect(out.b).toEqual({ hosts: ["n1", "n2", "n3"] });
  });

  test("a group given as a string, hosts with ranges", () => {
    const out = list("all:\n  children:\n    g:\n      hosts: web[1:2]\n");
    expect(out.g).toEqual({ hosts: ["web1", "web2"] });
  });

  test("unexpected keys are kept as warnings, never silently", () => {
    const inv = parseYamlInventory("all:\n  host:\n    a:\n");
    expect(inv.warnings.map((w) => w.code)).toEqual(["YAML_UNEXPECTED_KEY"]);
    expect(inv.warnings[0]!.location).toMatchObject({ line: 2, column: 3 });
  });

  test("hosts as a list is an error (Ansible refuses it too)", () => {
    const e = parseError("all:\n  hosts:\n    - a\n    - b\n");
    expect(e.code).toBe("YAML_SECTION_NOT_MAPPING");
    expect(e.line).toBe(3);
    expect(e.hint).toMatch(/node1:/);
  });

  test("syntax errors have line and column", () => {
    const e = parseError("all:\n  hosts:\n    a: [1, 2\n");
    expect(e.code).toMatch(/^YAML_/);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  test("empty and non-mapping documents", () => {
    expect(parseError("").code).toBe("YAML_EMPTY");
    expect(parseError("- a\n").code).toBe("YAML_NOT_MAPPING");
    expect(parseError("plugin: aws_ec2\n").code).toBe("YAML_PLUGIN_CONFIG");
    expect(parseError("all:\n  hosts:\n    1:\n").code).toBe("YAML_HOST_PATTERN_TYPE");
  });

  test("alias expansion bombs are bounded", () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(",")}]`);
    }
    const bomb = `all:\n  vars:\n    ${lines.join("\n    ")}\n  hosts:\n    h:\n`;
    const e = parseError(bomb);
    expect(e.code).toBe("YAML_ALIAS_BOMB");
    expect(() => parseYamlInventory(bomb, { maxAliasNodes: 10 })).toThrow(InventoryParseError);
  });
});

describe("duplicate keys, as Ansible's YAML constructor treats them", () => {
  test("last value wins at the first key's place, with Ansible's warning (merged keys too)", () => {
    const text =
      "all:\n  vars:\n    base: &b\n      p: 1\n      q: 2\n    m:\n      <<: *b\n      p: 3\n  hosts:\n    h1:\n      a: 1\n      b: 2\n    h2:\n    h1:\n      z: 1\n";
    const inv = parseYamlInventory(text, { file: "m.yaml" });
    expect([...inv.hosts.keys()]).toEqual(["h1", "h2"]);
    expect(inv.hostVars("h1")).toMatchObject({ z: 1, m: { p: 3, q: 2 } });
    expect(inv.hostVars("h1")).not.toHaveProperty("a");
    expect(Object.keys(inv.hostVars("h1").m as object)).toEqual(["p", "q"]);
    const messages = inv.warnings
      .filter((w) => w.code === "YAML_DUPLICATE_KEY")
      .map((w) => w.message)
      .sort();
    // Ansible prints the same two warnings (its order follows PyYAML's construction order)
    expect(messages).toEqual([
      "While constructing a mapping from m.yaml, line 10, column 5, found a duplicate dict key (h1). Using last defined value only.",
      "While constructing a mapping from m.yaml, line 7, column 7, found a duplicate dict key (p). Using last defined value only.",
    ]);
    // the full yaml package path gives the same
    const slow = parseYamlInventory(text, { file: "m.yaml", fast: false });
    expect(slow.warnings.map((w) => w.message).sort()).toEqual(messages);
    expect(slow.hostVars("h1")).toEqual(inv.hostVars("h1"));
  });

  test("group_vars/host_vars files warn about duplicate keys too", () => {
    const r = readVarsFile("group_vars/all.yml", "a: 1\nb: 2\na: 3\n");
    expect(r.vars).toEqual({ a: 3, b: 2 });
    expect(Object.keys(r.vars)).toEqual(["a", "b"]);
    expect(r.warnings).toMatchObject([
      { code: "YAML_DUPLICATE_KEY", location: { file: "group_vars/all.yml", line: 3, column: 1 } },
    ]);
  });
});
