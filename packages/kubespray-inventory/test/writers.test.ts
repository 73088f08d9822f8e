import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type AnsibleValue,
  Inventory,
  migrateInventory,
  parseIniInventory,
  parseYamlInventory,
  readInventory,
  writeIni,
  writeYaml,
} from "../src/index.js";
import { fileOnlyList, roundTripView } from "./helpers.js";

const DIR = join(import.meta.dirname, "../../../docs/reference/kubespray/inventories");
const accepted = readdirSync(DIR).filter((f) => !f.startsWith("issue"));

describe("writers round-trip every reference inventory", () => {
  for (const name of accepted) {
    test(name, () => {
      const inv = readInventory(join(DIR, name), { directory: "kubespray" });
      const want = roundTripView(fileOnlyList(migrateInventory(inv).inventory));
      const ini = writeIni(inv);
      expect(roundTripView(fileOnlyList(parseIniInventory(ini)))).toEqual(want);
      const yaml = writeYaml(inv);
      expect(roundTripView(fileOnlyList(parseYamlInventory(yaml)))).toEqual(want);
      expect(ini).not.toMatch(/^\[(?:kube-master|kube-node|k8s-cluster|calico-rr)[\]:]/m);
    });
  }
});

describe("canonical layout", () => {
  test("legacy names migrated, k8s_cluster explicit, Kubespray groups first", () => {
    const inv = parseIniInventory(
      "n1 ansible_host=10.0.0.1\nn2\n[kube-node]\nn2\n[vault]\nn1\n[kube-master]\nn1\n[etcd]\nn1\n",
    );
    expect(writeIni(inv)).toBe(
      [
        "n1 ansible_host=10.0.0.1",
        "n2",
        "",
        "[kube_control_plane]",
        "n1",
        "",
        "[etcd]",
        "n1",
        "",
        "[kube_node]",
        "n2",
        "",
        "[k8s_cluster:children]",
        "kube_control_plane",
        "kube_node",
        "",
        "[vault]",
        "n1",
        "",
      ].join("\n"),
    );
    expect(writeYaml(inv)).toContain(
      "    k8s_cluster:\n      children:\n        kube_control_plane:\n        kube_node:\n",
    );
  });

  test("values keep their types through INI and YAML", () => {
    const inv = new Inventory();
    inv.addGroup("g");
    inv.addHost("h", "g");
    const values: Record<string, AnsibleValue> = {
      t: true,
      one: 1,
      s1: "1",
      st: "True",
      yes: "yes",
      sp: "a b",
      q: `it's "q"`,
      e: "",
      l: [1, "x", null],
      d: { k: [true] },
      f: 1.5,
      j: "{{ x }}/y",
      hash: "a#b",
      nl: "a\nb",
    };
    for (const [k, v] of Object.entries(values)) {
      inv.setVariable("h", k, v);
      inv.setVariable("g", `g_${k}`, v);
    }
    inv.reconcile();
    const want = roundTripView(fileOnlyList(inv));
    expect(roundTripView(fileOnlyList(parseIniInventory(writeIni(inv, { canonical: false }))))).toEqual(want);
    expect(roundTripView(fileOnlyList(parseYamlInventory(writeYaml(inv, { canonical: false }))))).toEqual(
      want,
    );
  });

  test("migration report", () => {
    const { changes } = migrateInventory(
      parseIniInventory("[kube-master]\na\n[kube_node]\nb\n[kube-node]\nc\n"),
    );
    expect(changes.map((c) => `${c.kind}:${c.from ?? ""}->${c.to}`)).toEqual([
      "renamed-group:kube-master->kube_control_plane",
      "merged-group:kube-node->kube_node",
      "added-k8s-cluster:->k8s_cluster",
      "added-k8s-cluster-child:->kube_control_plane",
      "added-k8s-cluster-child:->kube_node",
    ]);
  });
});

describe("property: write → read keeps hosts, groups, order and typed values", () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);
  const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
  const scalar: fc.Arbitrary<AnsibleValue> = fc.oneof(
    fc.boolean(),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.constant(null),
    fc.string({ maxLength: 12 }),
    fc.constantFrom("yes", "True", "1", "010", "1:20", "~", "a b", "x=y", "#c", "'q'", '"d"', "", " pad "),
  );
  const value = fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(key, scalar, { maxKeys: 3 }),
  );
  const spec = fc.record({
    hosts: fc.uniqueArray(name, { minLength: 1, maxLength: 8 }),
    groups: fc.uniqueArray(fc.stringMatching(/^g_[a-z]{1,5}$/), { maxLength: 4 }),
    memberships: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
    hostVars: fc.array(fc.tuple(fc.nat(), key, value), { maxLength: 10 }),
    groupVars: fc.array(fc.tuple(fc.nat(), key, value), { maxLength: 6 }),
  });
  test("INI and YAML", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const inv = new Inventory();
        for (const g of s.groups) inv.addGroup(g);
        for (const h of s.hosts) inv.addHost(h);
        if (s.groups.length) {
          for (const [gi, hi] of s.memberships)
            inv.addHost(s.hosts[hi % s.hosts.length]!, s.groups[gi % s.groups.length]!);
          for (const [gi, k, v] of s.groupVars) inv.setVariable(s.groups[gi % s.groups.length]!, k, v);
        }
        for (const [hi, k, v] of s.hostVars) {
          const h = s.hosts[hi % s.hosts.length]!;
          if (!inv.groups.has(h)) inv.setVariable(h, k, v);
        }
        inv.reconcile();
        const want = roundTripView(fileOnlyList(inv));
        expect(roundTripView(fileOnlyList(parseIniInventory(writeIni(inv, { canonical: false }))))).toEqual(
          want,
        );
        expect(roundTripView(fileOnlyList(parseYamlInventory(writeYaml(inv, { canonical: false }))))).toEqual(
          want,
        );
      }),
      { numRuns: 300 },
    );
  });
});
