/**
 * The bootstrap walk-through (docs/DESIGN.md §7), with the clients only: power on the physical hosts
 * through their iLOs, wait until their OSDs are up (POST done) and Ceph is HEALTH_OK, check the
 * OpenNebula hosts are MONITORED, create the Kubernetes node VMs from a template and wait for
 * RUNNING, then write a validated Kubespray inventory for them. Runs against the emulator or a
 * real stack alike.
 */
import { writeFileSync } from "node:fs";
import { createCephClient } from "@homelab-kit/ceph";
import { waitFor } from "@homelab-kit/core";
import { createIloClient } from "@homelab-kit/ilo";
import { buildInventory, validateInventory, writeYaml } from "@homelab-kit/kubespray-inventory";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import type { StackConfig } from "./config.js";

export interface BootstrapOptions {
  /** How many Kubernetes nodes (VMs named `<prefix>1..n`). Default 3. */
  nodes?: number;
  prefix?: string;
  /** OpenNebula VM template of the nodes. Default "k8s-node". */
  template?: string;
  /** Where the Kubespray inventory goes. Default "hosts.yaml". */
  inventoryFile?: string;
  /** Poll interval in ms (default 1000; the demo polls faster). */
  interval?: number;
  /** Deadline of each wait in ms (default 15 minutes: real POST takes minutes). */
  timeout?: number;
  log?: (line: string) => void;
}

export interface BootstrapSummary {
  hosts: Array<{ name: string; power: string }>;
  ceph: { health: string; osdsUp: number; osds: number };
  opennebula:
    | { hosts: Record<string, string>; vms: Array<{ id: number; name: string; ip: string; state: string }> }
    | undefined;
  inventory: { file: string; hosts: string[]; errors: number; warnings: number } | undefined;
}

export async function runBootstrap(
  config: StackConfig,
  options: BootstrapOptions = {},
): Promise<BootstrapSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const interval = options.interval ?? 1_000;
  const timeout = options.timeout ?? 15 * 60_000;
  const ilos = config.ilo.map((i) => ({
    host: i.host,
    client: createIloClient({
      baseUrl: i.url,
      username: i.username,
      password: i.password,
      ...(config.iloCa === undefined ? {} : { tls: { ca: config.iloCa } }),
    }),
  }));
  const ceph = createCephClient({
    baseUrl: config.ceph.url,
    username: config.ceph.username,
    password: config.ceph.password,
  });
  const one = config.opennebula === undefined ? undefined : createOpenNebulaClient(config.opennebula);
  try {
    // 1. Power on through iLO
    log(`1. Powering on ${ilos.length} hosts through iLO`);
    for (const { host, client } of ilos) {
      const result = await client.power.on();
      log(`   ${host}: ${result.changed ? "power on requested" : "already on"} (${await client.protocol()})`);
    }
    for (const { host, client } of ilos) {
      await client.power.waitFor("On", { interval, timeout });
      log(`   ${host}: On`);
    }

    // 2. POST done (the host's OSDs come up), then HEALTH_OK
    log("2. Waiting for POST (each host's OSDs up in Ceph), then Ceph HEALTH_OK");
    const osds = await waitFor(
      () => ceph.osds.list(),
      (list) => ilos.every(({ host }) => list.some((o) => o.host.name === host && o.up === 1)),
      { interval, timeout, description: "every host's OSDs up" },
    );
    log(`   OSDs up: ${osds.filter((o) => o.up === 1).length}/${osds.length}`);
    const health = await waitFor(
      () => ceph.health.minimal(),
      (h) => h.health.status === "HEALTH_OK",
      { interval, timeout, description: "Ceph HEALTH_OK" },
    );
    log(`   Ceph: ${health.health.status}`);

    // 3. + 4. OpenNebula hosts, then the Kubernetes node VMs
    let opennebula: BootstrapSummary["opennebula"];
    let inventory: BootstrapSummary["inventory"];
    if (one === undefined) {
      log("3. OpenNebula: no ONE_XMLRPC/ONE_AUTH given — skipping the VM and inventory steps");
    } else {
      log("3. Checking the OpenNebula hosts are MONITORED");
      const hostPool = await waitFor(
        () => one.hostpool.info(),
        (pool) => pool.every((h) => h.STATE.name === "MONITORED"),
        { interval, timeout, description: "OpenNebula hosts MONITORED" },
      );
      for (const h of hostPool) log(`   ${h.NAME}: ${h.STATE.name}`);

      const templateName = options.template ?? "k8s-node";
      const count = options.nodes ?? 3;
      const prefix = options.prefix ?? "k8s-";
      log(`4. Creating ${count} Kubernetes node VMs from template "${templateName}"`);
      const template = (await one.templatepool.info(-2, -1, -1)).find((t) => t.NAME === templateName);
      if (template === undefined) throw new Error(`OpenNebula has no VM template "${templateName}"`);
      const existing = new Map<string, number>();
      for await (const vm of one.vmpool.iterate({ filter: -2 })) {
        if (vm.STATE.name !== "DONE") existing.set(vm.NAME, vm.ID);
      }
      const ids: number[] = [];
      for (let n = 1; n <= count; n++) {
        const name = `${prefix}${n}`;
        const found = existing.get(name);
        const id = found ?? (await one.template.instantiate(template.ID, name));
        log(`   ${name}: VM ${id}${found === undefined ? " created" : " exists"}`);
        ids.push(id);
      }
      const vms: NonNullable<BootstrapSummary["opennebula"]>["vms"] = [];
      for (const id of ids) {
        const status = await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", { interval, timeout });
        const info = await one.vm.info(id);
        const ip = String(info.TEMPLATE.NIC[0]?.IP ?? "");
        vms.push({ id, name: info.NAME, ip, state: `${status.state}/${status.lcmState}` });
        log(`   ${info.NAME}: RUNNING at ${ip}`);
      }
      opennebula = {
        hosts: Object.fromEntries((await one.hostpool.info()).map((h) => [h.NAME, String(h.STATE.name)])),
        vms,
      };

      // 5. The Kubespray inventory, validated
      const file = options.inventoryFile ?? "hosts.yaml";
      log(`5. Writing the Kubespray inventory ${file}`);
      const built = buildInventory(vms.map((vm) => ({ name: vm.name, nics: [{ ip: vm.ip }] })));
      const findings = validateInventory(built);
      const errors = findings.filter((f) => f.severity === "error");
      if (errors.length > 0)
        throw new Error(
          `the inventory does not pass Kubespray's checks:\n${errors.map((f) => `  ${f.message}`).join("\n")}`,
        );
      writeFileSync(file, writeYaml(built));
      inventory = {
        file,
        hosts: vms.map((vm) => vm.name),
        errors: 0,
        warnings: findings.length - errors.length,
      };
      log(`   ${vms.length} hosts, Kubespray's static checks pass (${inventory.warnings} warnings)`);
    }

    return {
      hosts: await Promise.all(
        ilos.map(async ({ host, client }) => ({ name: host, power: await client.power.get() })),
      ),
      ceph: {
        health: (await ceph.health.minimal()).health.status,
        osdsUp: (await ceph.osds.list()).filter((o) => o.up === 1).length,
        osds: osds.length,
      },
      opennebula,
      inventory,
    };
  } finally {
    await Promise.all([...ilos.map(({ client }) => client.close()), ceph.close(), one?.close()]);
  }
}

export function formatSummary(summary: BootstrapSummary): string {
  const lines = [
    "Summary",
    `  physical hosts: ${summary.hosts.map((h) => `${h.name} ${h.power}`).join(", ")}`,
  ];
  lines.push(`  Ceph: ${summary.ceph.health}, ${summary.ceph.osdsUp}/${summary.ceph.osds} OSDs up`);
  if (summary.opennebula === undefined) lines.push("  OpenNebula: not configured");
  else {
    lines.push(
      `  OpenNebula hosts: ${Object.entries(summary.opennebula.hosts)
        .map(([n, s]) => `${n} ${s}`)
        .join(", ")}`,
    );
    for (const vm of summary.opennebula.vms) lines.push(`  VM ${vm.id} ${vm.name}: ${vm.state} ${vm.ip}`);
  }
  if (summary.inventory !== undefined)
    lines.push(`  Kubespray inventory: ${summary.inventory.file} (${summary.inventory.hosts.join(", ")})`);
  return `${lines.join("\n")}\n`;
}
