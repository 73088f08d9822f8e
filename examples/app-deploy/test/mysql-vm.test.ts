/**
 * The MySQL VM step against the emulator's OpenNebula over real sockets: found, made from its
 * template, resumed, refused with the reason when its host is down.
 */

import {
  createEmulator,
  DEFAULT_TOPOLOGY_YAML,
  type Emulator,
  parseTopologyYaml,
  realClock,
} from "@homelab-kit/emulator/world";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import { afterEach, describe, expect, it } from "vitest";
import { type StackEnv, stackEnv } from "../src/env.js";
import { ensureMysqlVm, lookupMysqlVm } from "../src/mysql-vm.js";
import { Reporter } from "../src/progress.js";
import { UP_ENV } from "./up-env.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function stack(topologyYaml: string, speed = 600): Promise<StackEnv> {
  emulator = createEmulator({ topology: parseTopologyYaml(topologyYaml), clock: realClock({ speed }) });
  const endpoints = await emulator.listen();
  const one = endpoints.opennebula;
  if (one === undefined) throw new Error("no OpenNebula");
  return stackEnv({ ...UP_ENV, ONE_XMLRPC: one.url, ONE_AUTH: `${one.username}:${one.password}` });
}

const hostsOn = DEFAULT_TOPOLOGY_YAML.replaceAll("power: off", "power: on");
const withoutMysqlVm = hostsOn.replace("    - { name: mysql, template: mysql, host: node1 }\n", "");

function reporter() {
  const lines: string[] = [];
  return { reporter: new Reporter((l) => lines.push(l), { timeout: 20_000, interval: 20 }), lines };
}

describe("the MySQL VM", () => {
  it("is found RUNNING with its address; nothing changes", async () => {
    const s = await stack(hostsOn);
    const { reporter: r } = reporter();
    const vm = await ensureMysqlVm(s, r, { dryRun: false });
    expect(vm).toMatchObject({ name: "mysql", state: "ACTIVE/RUNNING", host: "node1" });
    expect(vm?.ip).toMatch(/^192\.168\.1\.\d+$/);
    expect(r.changed).toEqual([]);
    expect(await lookupMysqlVm(s)).toEqual(vm);
  });

  it("is made from its template when absent, and waited for; a dry run only says so", async () => {
    const s = await stack(withoutMysqlVm, 20); // schedule, prolog and boot take about half a second
    const dry = reporter();
    expect(await ensureMysqlVm(s, dry.reporter, { dryRun: true })).toBeUndefined();
    expect(dry.reporter.changes.map((c) => [c.action, c.what])).toEqual([["would create", "VM mysql"]]);
    expect(await lookupMysqlVm(s)).toBeUndefined();

    const { reporter: r, lines } = reporter();
    const vm = await ensureMysqlVm(s, r, { dryRun: false });
    expect(vm?.state).toBe("ACTIVE/RUNNING");
    expect(r.changed.map((c) => [c.action, c.what])).toEqual([["created", "VM mysql"]]);
    expect(lines.join("\n")).toMatch(/\.\.\. VM mysql \(\d+\) RUNNING: (PENDING|ACTIVE)\//);
  });

  it("is resumed from POWEROFF", async () => {
    const s = await stack(hostsOn);
    const one = createOpenNebulaClient(s.opennebula);
    const id = (await lookupMysqlVm(s))?.id ?? -1;
    await one.vm.action("poweroff", id);
    await one.vm.waitFor(id, (v) => v.state === "POWEROFF", { interval: 20, timeout: 20_000 });
    await one.close();
    const { reporter: r } = reporter();
    const vm = await ensureMysqlVm(s, r, { dryRun: false });
    expect(vm?.state).toBe("ACTIVE/RUNNING");
    expect(r.changed.map((c) => [c.action, c.what, c.detail])).toEqual([
      ["updated", "VM mysql", "resume from POWEROFF"],
    ]);
  });

  it("says why when its host is down, and when there is no template to make it from", async () => {
    const down = await stack(DEFAULT_TOPOLOGY_YAML);
    await expect(ensureMysqlVm(down, reporter().reporter, { dryRun: false })).rejects.toThrow(
      /VM mysql \(\d+\) is ACTIVE\/UNKNOWN on host node1: its host does not answer \(power it on/,
    );
    await emulator?.close();
    const s = await stack(withoutMysqlVm);
    await expect(
      ensureMysqlVm({ ...s, mysql: { ...s.mysql, template: "no-such" } }, reporter().reporter, {
        dryRun: false,
      }),
    ).rejects.toThrow(/no VM "mysql" in OpenNebula and no template "no-such" to make it from/);
  });
});
