/**
 * The World's metrics follow the World, in-process: node_exporter answers only while its host is
 * up, its CPU, load and memory follow the VMs on the host; the iLO exporter answers on standby
 * power and reads what RIBCL and Redfish report (the public iLO client reads them); the ceph-mgr
 * module reads the OSDs of a powered-off host as down.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NetworkError } from "@homelab-kit/core";
import { routesTransport } from "@homelab-kit/emulator";
import { type ParsedFamily, parseExposition, sampleValue } from "@homelab-kit/emulator/metrics";
import { createEmulator, type Emulator } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { afterEach, describe, expect, it } from "vitest";
import { rootDir } from "../../../vitest.shared.js";

const BOOT_MS = 2_000 + 30_000;
let emulator: Emulator;
afterEach(async () => {
  await emulator?.close();
  expect(emulator.world.violations).toEqual([]);
});

async function scrape(routes: Parameters<typeof routesTransport>[0], path = "/metrics") {
  const res = await routesTransport(routes)({
    method: "GET",
    url: `http://metrics.test${path}`,
    headers: {},
  });
  return { status: res.status, headers: res.headers, text: new TextDecoder().decode(res.body) };
}

const node = (host: string) => scrape(emulator.metrics.node.get(host)!);
const iloMetrics = (host: string) => scrape(emulator.metrics.ilo, `/metrics?host=${host}`);
const ceph = () => scrape(emulator.metrics.cephMgr!);
const families = async (p: Promise<{ text: string }>) => parseExposition((await p).text);

function ilo(host: string, protocol: "ribcl" | "redfish") {
  const user = emulator.world.host(host).spec.ilo.users[0]!;
  return createIloClient({
    baseUrl: `https://${host}.ilo.test`,
    username: user.login,
    password: user.password,
    protocol,
    transport: emulator.ilo.get(host)!.transport(),
  });
}

async function powerOn(...hosts: string[]) {
  for (const host of hosts) await ilo(host, "ribcl").power.on();
  emulator.clock.advance(BOOT_MS);
}

describe("metrics of the World", () => {
  it("node_exporter is unreachable while its host is off or in POST, and answers once it is up", async () => {
    emulator = createEmulator({ checkInvariants: true });
    await expect(node("node1")).rejects.toBeInstanceOf(NetworkError);
    await ilo("node1", "ribcl").power.on();
    emulator.clock.advance(2_000 + 10_000);
    await expect(node("node1")).rejects.toBeInstanceOf(NetworkError);
    emulator.clock.advance(20_000);
    const res = await node("node1");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const metrics = parseExposition(res.text);
    expect(sampleValue(metrics, "node_boot_time_seconds")).toBe(
      Math.floor(emulator.world.host("node1").since / 1000),
    );
    expect(sampleValue(metrics, "node_memory_MemTotal_bytes")).toBeGreaterThan(35 * 1024 ** 3);
    expect(metrics.get("node_cpu_seconds_total")?.samples).toHaveLength(16 * 8);
    await ilo("node1", "ribcl").power.off();
    await expect(node("node1")).rejects.toBeInstanceOf(NetworkError);
  });

  it("CPU seconds, load and memory follow the VMs running on the host; a reboot restarts the counters", async () => {
    emulator = createEmulator({ checkInvariants: true });
    await powerOn("node1", "node2", "node3");
    emulator.clock.advance(60_000);
    const first = await families(node("node1"));
    emulator.clock.advance(600_000);
    const later = await families(node("node1"));
    const busy = (f: Map<string, ParsedFamily>) =>
      f
        .get("node_cpu_seconds_total")!
        .samples.filter((s) => s.labels.mode !== "idle")
        .reduce((n, s) => n + s.value, 0);
    const idle = (f: Map<string, ParsedFamily>) =>
      f
        .get("node_cpu_seconds_total")!
        .samples.filter((s) => s.labels.mode === "idle")
        .reduce((n, s) => n + s.value, 0);
    // node1 runs the mysql VM (CPU 1), two OSDs (2 % of 16 threads each) and the OS (1 %)
    const busyThreads = 1 + 16 * (0.01 + 2 * 0.02);
    expect((busy(later) - busy(first)) / 600).toBeCloseTo(busyThreads, 1);
    expect((idle(later) - idle(first)) / 600).toBeCloseTo(16 - busyThreads, 1);
    expect(sampleValue(later, "node_load15")).toBeGreaterThan(0.5);
    expect(sampleValue(later, "node_load1")).toBeCloseTo(busyThreads, 1);
    const used = (f: Map<string, ParsedFamily>) =>
      sampleValue(f, "node_memory_MemTotal_bytes")! - sampleValue(f, "node_memory_MemAvailable_bytes")!;
    // OS 1.5 GiB + 2 OSDs × 4 GiB + the mon 1 GiB + mysql's 4 GiB
    expect(used(later) / 1024 ** 3).toBeCloseTo(1.5 + 8 + 1 + 4, 5);
    const node3 = await families(node("node3"));
    expect(used(node3) / 1024 ** 3).toBeCloseTo(1.5 + 8 + 1, 5);

    await ilo("node1", "ribcl").power.off();
    await powerOn("node1");
    const rebooted = await families(node("node1"));
    expect(busy(rebooted)).toBeLessThan(busy(first));
    expect(sampleValue(rebooted, "node_boot_time_seconds")).toBeGreaterThan(
      sampleValue(later, "node_boot_time_seconds")!,
    );
  });

  it("the iLO exporter answers on standby power and reads what RIBCL and Redfish report", async () => {
    emulator = createEmulator({ checkInvariants: true });
    const off = await families(iloMetrics("node2"));
    expect(sampleValue(off, "ilo_power_up", { host: "node2" })).toBe(0);
    expect(sampleValue(off, "ilo_power_current_watt", { host: "node2", id: "0" })).toBe(0);
    await powerOn("node1", "node2", "node3");
    const on = await families(iloMetrics("node2"));
    expect(sampleValue(on, "ilo_power_up", { host: "node2" })).toBe(1);
    const watts = sampleValue(on, "ilo_power_current_watt", { host: "node2", id: "0" })!;
    expect((await ilo("node2", "ribcl").power.readings()).presentWatts).toBe(watts);
    // node2 runs the prometheus VM: more than the idle 108 W
    expect(watts).toBeGreaterThan(108);
    const node3 = await families(iloMetrics("node3"));
    expect(sampleValue(node3, "ilo_power_current_watt", { host: "node3", id: "0" })).toBeLessThan(watts);
    const cpu1 = sampleValue(on, "ilo_chassis_temperature_current", { host: "node2", name: "02-CPU 1" })!;
    const health = await ilo("node2", "ribcl").health();
    expect(health.temperatures.find((t) => t.name === "02-CPU 1")?.celsius).toBe(cpu1);
    expect(cpu1).toBeGreaterThan(40);
    expect(sampleValue(on, "ilo_chassis_temperature_critical", { host: "node2", name: "02-CPU 1" })).toBe(82);
    expect(sampleValue(on, "ilo_chassis_temperature_fatal", { host: "node2", name: "02-CPU 1" })).toBe(83);
    expect(on.get("ilo_power_supply_healthy")?.samples.map((s) => s.labels.serial)).toHaveLength(2);
  });

  it("the iLO exporter's readings equal Redfish's (an iLO 5 host)", async () => {
    emulator = createEmulator({
      checkInvariants: true,
      topology: {
        name: "gen10",
        hosts: [{ name: "g10", memoryGiB: 64, ilo: { generation: "ilo5" }, ceph: { osds: 1 } }],
      },
    });
    const metrics = await families(iloMetrics("g10"));
    const readings = await ilo("g10", "redfish").power.readings();
    expect(sampleValue(metrics, "ilo_power_current_watt", { host: "g10", id: "0" })).toBe(
      readings.presentWatts,
    );
    expect(sampleValue(metrics, "ilo_power_average_watt", { host: "g10", id: "0" })).toBe(
      readings.averageWatts,
    );
    const health = await ilo("g10", "redfish").health();
    for (const t of health.temperatures)
      expect(sampleValue(metrics, "ilo_chassis_temperature_current", { host: "g10", name: t.name })).toBe(
        t.celsius,
      );
  });

  it("the ceph-mgr module reads the OSDs of a powered-off host as down, and up after power-on and POST", async () => {
    emulator = createEmulator({ checkInvariants: true });
    await powerOn("node1", "node2", "node3");
    const up = await families(ceph());
    expect(sampleValue(up, "ceph_health_status")).toBe(0);
    expect(up.get("ceph_osd_up")?.samples.map((s) => s.value)).toEqual([1, 1, 1, 1, 1, 1]);
    await ilo("node2", "ribcl").power.off();
    const down = await families(ceph());
    expect(sampleValue(down, "ceph_osd_up", { ceph_daemon: "osd.2" })).toBe(0);
    expect(sampleValue(down, "ceph_osd_up", { ceph_daemon: "osd.3" })).toBe(0);
    expect(sampleValue(down, "ceph_osd_up", { ceph_daemon: "osd.0" })).toBe(1);
    expect(sampleValue(down, "ceph_health_detail", { name: "OSD_DOWN" })).toBe(1);
    expect(sampleValue(down, "ceph_mon_quorum_status", { ceph_daemon: "mon.b" })).toBe(0);
    expect(
      sampleValue(down, "ceph_osd_metadata", {
        ceph_daemon: "osd.2",
        hostname: "node2",
        public_addr: "192.168.1.12",
      }),
    ).toBe(1);
    expect(
      sampleValue(down, "ceph_disk_occupation", {
        ceph_daemon: "osd.3",
        device: "/dev/sdc",
        instance: "node2",
      }),
    ).toBe(1);
    await powerOn("node2");
    const back = await families(ceph());
    expect(sampleValue(back, "ceph_osd_up", { ceph_daemon: "osd.2" })).toBe(1);
    expect(sampleValue(back, "ceph_health_detail", { name: "OSD_DOWN" })).toBe(0);
    const res = await ceph();
    expect(res.headers["content-type"]).toBe("text/plain;charset=utf-8");
    expect(res.headers.server).toBe("Ceph-Prometheus");
    expect((await scrape(emulator.metrics.cephMgr!, "/")).text).toContain("Ceph Exporter");
  });

  it("takes fault rules like every API (api: metrics, per host)", async () => {
    emulator = createEmulator();
    await powerOn("node1", "node2");
    emulator.faults.add({ api: "metrics", host: "node1", status: 503 });
    expect((await node("node1")).status).toBe(503);
    expect((await node("node2")).status).toBe(200);
    emulator.faults.clear();
    emulator.faults.add({ api: "metrics", drop: "reset" });
    await expect(ceph()).rejects.toBeInstanceOf(NetworkError);
  });

  it("answers bad exporter input with a clear status", async () => {
    emulator = createEmulator();
    const missing = await scrape(emulator.metrics.ilo, "/metrics");
    expect([missing.status, missing.text]).toEqual([400, "no host defined\n"]);
    const unknown = await scrape(emulator.metrics.ilo, "/metrics?host=nope");
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('unknown host "nope" (known: node1, node2, node3)');
    expect((await scrape(emulator.metrics.ilo, "/nope")).status).toBe(404);
  });

  it("node_exporter's families, TYPE, HELP and label names are node_exporter 1.5's (recorded)", async () => {
    emulator = createEmulator();
    await powerOn("node1");
    const real = parseExposition(
      readFileSync(join(rootDir, "docs/reference/node-exporter/debian-1.5.0.prom"), "utf8"),
    );
    const ours = await families(node("node1"));
    const labels = (f: ParsedFamily) => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort();
    for (const [name, family] of ours) {
      const theirs = real.get(name);
      expect({ name, known: theirs !== undefined }).toEqual({ name, known: true });
      expect({ name, type: family.type, help: family.help, labels: labels(family) }).toEqual({
        name,
        type: theirs?.type,
        help: theirs?.help,
        labels: labels(theirs!),
      });
    }
    expect([...ours.keys()]).toEqual([...ours.keys()].sort());
  });

  it("the Ceph dashboard lists the served prometheus module in mgr_map.services, as a real mgr does", async () => {
    emulator = createEmulator();
    const endpoints = await emulator.listen();
    const { ceph: api } = endpoints;
    const token = (
      (await (
        await fetch(`${api!.url}/api/auth`, {
          method: "POST",
          headers: { accept: "application/vnd.ceph.api.v1.0+json", "content-type": "application/json" },
          body: JSON.stringify({ username: api!.username, password: api!.password }),
        })
      ).json()) as { token: string }
    ).token;
    const full = (await (
      await fetch(`${api!.url}/api/health/full`, {
        headers: { accept: "application/vnd.ceph.api.v1.0+json", authorization: `Bearer ${token}` },
      })
    ).json()) as { mgr_map: { services: Record<string, string> } };
    expect(full.mgr_map.services.prometheus).toBe(`${endpoints.metrics.cephMgr}/`);
    expect(Object.keys(full.mgr_map.services).sort()).toEqual(["dashboard", "prometheus"]);
  });
});
