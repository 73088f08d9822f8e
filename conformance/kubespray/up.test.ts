/**
 * The user's path: `homelab-emulator up` (conformance/topologies/mixed-ilo.yaml: iLO 3, 4 and 5 hosts),
 * the bootstrap example run against the endpoints in the env file `up` writes (examples/bootstrap:
 * power on through the iLOs, wait for Ceph, create the node VMs in OpenNebula, write hosts.yaml), then
 * the real `ansible-inventory --list` on the inventory it wrote and on the INI form of it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  readInventory,
  toAnsibleJson,
  toAnsibleList,
  validateInventory,
  writeIni,
} from "@homelab-kit/kubespray-inventory";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runBootstrap } from "../../examples/bootstrap/src/bootstrap.js";
import { configFromEnv } from "../../examples/bootstrap/src/config.js";
import { rootDir } from "../../vitest.shared.js";
import { type RunningUp, startUp } from "../emulator-up.js";
import { ansibleList, cleanupAnsible } from "./ansible.js";

const dir = mkdtempSync(join(tmpdir(), "ks-up-"));
let up: RunningUp | undefined;
let inventoryFile = "";
let passed = 0;
let checks = 0;

/** The topology the up-path peer suites share: node01 iLO 3, node02 iLO 4, node03 iLO 5, Ceph, OpenNebula. */
const TOPOLOGY = join(rootDir, "conformance/topologies/mixed-ilo.yaml");

/** The env file `up` wrote, read as a shell would source it (single-quoted values). */
function sourceEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (m) env[m[1]!] = m[2]!.replace(/'\\''/g, "'");
  }
  return env;
}

beforeAll(async () => {
  // x600: a 30 s POST takes 50 ms, VM boots a few ms
  up = await startUp({ topologyYaml: readFileSync(TOPOLOGY, "utf8"), speed: 600 });
  console.log(
    `homelab-emulator up: ${up.endpoints.ilo.map((i) => `${i.host} ${i.generation}`).join(", ")}; env file ${up.endpoints.envFile}`,
  );
  inventoryFile = join(dir, "hosts.yaml");
  const summary = await runBootstrap(configFromEnv(sourceEnv(up.endpoints.envFile)), {
    inventoryFile,
    // the VM template that topology defines
    template: "ubuntu-small",
    interval: 50,
    timeout: 120_000,
    log: (line) => console.log(`bootstrap: ${line}`),
  });
  expect(summary.inventory?.hosts.length).toBe(3);
}, 300_000);

afterAll(async () => {
  await up?.stop();
  rmSync(dir, { recursive: true, force: true });
  cleanupAnsible();
  console.log(`ansible-inventory against homelab-emulator up: ${passed}/${checks} checks passed`);
});

/** Counts a check as passed once its assertions held. */
function check(name: string, body: () => Promise<void> | void) {
  test(name, async () => {
    checks++;
    await body();
    passed++;
  });
}

describe("the inventory the bootstrap example writes against homelab-emulator up, read by ansible-inventory", () => {
  check(
    "ansible-inventory reads hosts.yaml, and prints what kubespray-inventory list prints, byte for byte",
    async () => {
      const r = await ansibleList(inventoryFile);
      expect(r.code, r.stderr).toBe(0);
      expect(toAnsibleJson(toAnsibleList(readInventory(inventoryFile)))).toBe(r.stdout.trimEnd());
    },
  );

  check(
    "the inventory holds the three node VMs in Kubespray's groups, with the IPs OpenNebula gave",
    async () => {
      const list = JSON.parse((await ansibleList(inventoryFile)).stdout) as Record<
        string,
        { hosts?: string[]; children?: string[] }
      > & { _meta: { hostvars: Record<string, { ansible_host?: string; ip?: string }> } };
      const hosts = Object.keys(list._meta.hostvars).sort();
      expect(hosts).toEqual(["k8s-1", "k8s-2", "k8s-3"]);
      for (const h of hosts) expect(list._meta.hostvars[h]!.ansible_host).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(list.kube_control_plane?.hosts?.length).toBeGreaterThan(0);
      expect(list.etcd?.hosts?.length).toBeGreaterThan(0);
      expect(list.k8s_cluster?.children).toEqual(expect.arrayContaining(["kube_control_plane", "kube_node"]));
    },
  );

  check(
    "its INI form (writeIni) reads back in ansible-inventory to the same hosts, groups and variables",
    async () => {
      const ini = join(dir, "inventory.ini");
      writeFileSync(ini, writeIni(readInventory(inventoryFile)));
      const [a, b] = [await ansibleList(inventoryFile), await ansibleList(ini)];
      expect(b.code, b.stderr).toBe(0);
      const { all: _a, ...fromYaml } = JSON.parse(a.stdout) as Record<string, unknown>;
      const { all: _b, ...fromIni } = JSON.parse(b.stdout) as Record<string, unknown>;
      expect(fromIni).toEqual(fromYaml);
    },
  );

  check("Kubespray's asserts hold for it (validate: no errors)", () => {
    const findings = validateInventory(readInventory(inventoryFile));
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
