/**
 * The bootstrap walk-through against the emulator over real sockets (as `pnpm demo` runs it), and
 * from an env file as `homelab-emulator up` writes it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { envFileText } from "@homelab-kit/emulator/cli";
import { createEmulator, type Emulator, realClock } from "@homelab-kit/emulator/world";
import { parseInventory } from "@homelab-kit/kubespray-inventory";
import { afterEach, describe, expect, it } from "vitest";
import { formatSummary, runBootstrap } from "../src/bootstrap.js";
import { configFromEnv } from "../src/config.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  expect(emulator?.world.violations ?? []).toEqual([]);
  emulator = undefined;
});

describe("bootstrap example", () => {
  it("powers on, waits for Ceph and OpenNebula, creates the node VMs and writes a valid inventory", async () => {
    emulator = createEmulator({ clock: realClock({ speed: 600 }), checkInvariants: true });
    const endpoints = await emulator.listen();
    const dir = mkdtempSync(join(tmpdir(), "bootstrap-"));
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, endpoints.iloCa);
    const env = Object.fromEntries(
      envFileText(endpoints, caFile)
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 2, -1)]),
    );
    const lines: string[] = [];
    const inventoryFile = join(dir, "hosts.yaml");
    const summary = await runBootstrap(configFromEnv(env), {
      interval: 20,
      timeout: 20_000,
      inventoryFile,
      log: (line) => lines.push(line),
    });
    expect(summary.hosts.map((h) => h.power)).toEqual(["On", "On", "On"]);
    expect(summary.ceph).toEqual({ health: "HEALTH_OK", osdsUp: 6, osds: 6 });
    expect(summary.opennebula?.hosts).toEqual({ node1: "MONITORED", node2: "MONITORED", node3: "MONITORED" });
    expect(summary.opennebula?.vms.map((vm) => [vm.name, vm.state])).toEqual([
      ["k8s-1", "ACTIVE/RUNNING"],
      ["k8s-2", "ACTIVE/RUNNING"],
      ["k8s-3", "ACTIVE/RUNNING"],
    ]);
    const inventory = parseInventory(readFileSync(inventoryFile, "utf8"), { format: "yaml" });
    const ips = summary.opennebula?.vms.map((vm) => vm.ip) ?? [];
    expect(new Set(ips).size).toBe(3);
    for (const ip of ips) expect(readFileSync(inventoryFile, "utf8")).toContain(ip);
    expect([...inventory.hosts.keys()].sort()).toEqual(["k8s-1", "k8s-2", "k8s-3"]);
    expect(lines.join("\n")).toMatch(/Ceph: HEALTH_OK/);
    expect(formatSummary(summary)).toContain("Kubespray inventory");

    // a second run finds the VMs and does not create them again
    const again = await runBootstrap(configFromEnv(env), {
      interval: 20,
      timeout: 20_000,
      inventoryFile,
      log: () => {},
    });
    expect(again.opennebula?.vms.map((vm) => vm.id)).toEqual(summary.opennebula?.vms.map((vm) => vm.id));
  });

  it("says what is missing from the environment", () => {
    expect(() => configFromEnv({ ILO_HOSTS: "node1" })).toThrow("missing ILO_NODE1_URL in the environment");
  });
});
