import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InventoryParseError, readInventory, toAnsibleList } from "../src/index.js";

/** The 37 real inventories and docs/reference/kubespray/SOURCES.md's table (host count, ok/REJECTED) are the ground truth here. */
const REF = join(import.meta.dirname, "../../../docs/reference/kubespray");
const DIR = join(REF, "inventories");

const table = new Map<string, { hosts: number; ok: boolean }>();
for (const line of readFileSync(join(REF, "SOURCES.md"), "utf8").split("\n")) {
  const cells = line.split("|").map((c) => c.trim());
  const name = /^`([^`]+?)\/?`/.exec(cells[1] ?? "")?.[1];
  if (!name || cells.length < 7) continue;
  const hosts = Number(cells[cells.length - 3]);
  if (Number.isInteger(hosts)) table.set(name, { hosts, ok: /ok/.test(cells[cells.length - 2]!) });
}

describe("reference inventories", () => {
  test("docs/reference/kubespray/SOURCES.md lists all 37 fixtures, 2 of them rejected", () => {
    expect(readdirSync(DIR).length).toBe(37);
    expect(table.size).toBe(37);
    expect([...table.values()].filter((x) => !x.ok).length).toBe(2);
  });

  for (const name of readdirSync(DIR)) {
    test(name, () => {
      const row = table.get(name);
      expect(row).toBeDefined();
      if (!row!.ok) {
        expect(() => readInventory(join(DIR, name), { directory: "kubespray" })).toThrow(InventoryParseError);
        return;
      }
      const inv = readInventory(join(DIR, name), { directory: "kubespray" });
      expect(inv.hosts.size).toBe(row!.hosts);
      const out = toAnsibleList(inv);
      // every host appears in at least one group of the printed list: nothing is dropped
      const listed = new Set(
        Object.entries(out)
          .filter(([k]) => k !== "_meta")
          .flatMap(([, v]) => (v as { hosts?: string[] }).hosts ?? []),
      );
      expect(listed).toEqual(new Set(inv.hosts.keys()));
    });
  }

  test("group_vars/all is applied, group_vars/k8s_cluster is not when k8s_cluster is not declared", () => {
    const out = toAnsibleList(
      readInventory(join(DIR, "ks-v2.31.0-docs-with-sample-groupvars"), { directory: "kubespray" }),
    );
    const node1 = out._meta.hostvars.node1!;
    expect(node1.bin_dir).toBe("/usr/local/bin");
    expect(node1.etcd_deployment_type).toBe("host");
    expect(node1.kube_network_plugin).toBeUndefined();
  });

  test("group_vars/<group>.yml files and nested groups (genestack)", () => {
    const inv = readInventory(join(DIR, "genestack-openstack-lab"));
    expect(inv.groupVarsFiles.get("etcd")?.files[0]).toMatch(/group_vars\/etcd\.yml$/);
    const hv = toAnsibleList(inv)._meta.hostvars;
    expect(hv["ceph-01.env1.example.local"]!.ansible_host).toBe("10.74.8.090");
    expect(hv["k8s-01.env1.example.local"]!.kube_proxy_strict_arp).toBe(true);
  });

  test("the rejected inventories fail with Ansible's reason", () => {
    expect(() => readInventory(join(DIR, "issue2767-yaml-in-ini-file.ini"))).toThrow(
      /Invalid host pattern 'all:'/,
    );
    expect(() => readInventory(join(DIR, "issue4681-undefined-child-group.ini"))).toThrow(
      /:27:1: Section \[kubernetes-noce:children\] includes undefined group: kube-noce/,
    );
  });
});
