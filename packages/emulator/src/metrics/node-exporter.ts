/**
 * node_exporter's `/metrics` for one physical host of the World: the subset a homelab dashboard
 * (and the Ceph mixin's node rules) read, with node_exporter 1.5's names, HELP, TYPE and labels
 * (checked against docs/reference/node-exporter/debian-1.5.0.prom) and its Go float style, families
 * sorted by name and samples by label values as client_golang prints them.
 *
 * Values follow the World (world/host-activity.ts): CPU seconds and load from the VMs running on
 * the host and its Ceph daemons, memory in use from the same, boot time from when the host came
 * up (a power cycle restarts every counter, as a reboot does). Counters are integrated on the
 * emulated clock at each scrape with the activity of that moment. The exporter only answers while
 * the host is up (`routes.ts`); a host that is off or in POST is unreachable.
 */

import { hostActivity } from "../world/host-activity.js";
import type { PhysicalHost, World } from "../world/world.js";
import { ExpositionWriter, labelSet, type MetricType } from "./exposition.js";

const GiB = 1024 ** 3;
const KERNEL_RESERVED = 0.025;
const OS_DISK_USED = 6.5 * GiB;

/** Modes of node_cpu_seconds_total and the share of busy time each takes. */
const BUSY_MODES: ReadonlyArray<readonly [string, number]> = [
  ["iowait", 0.02],
  ["irq", 0],
  ["nice", 0],
  ["softirq", 0.03],
  ["steal", 0],
  ["system", 0.15],
  ["user", 0.8],
];

/** Bytes per second a host sends and receives: base chatter, per OSD (replication), per running VM. */
const NET_BASE = 2_000;
const NET_PER_OSD = 150_000;
const NET_PER_VM = 40_000;
const BYTES_PER_PACKET = 900;

interface Counters {
  /** `since` of the boot these counters belong to. */
  boot: number;
  at: number;
  busySeconds: number;
  idleSeconds: number;
  netBytes: number;
  load: [number, number, number];
}

export interface NodeExporter {
  /** One scrape (the host must be up; the route answers nothing otherwise). */
  text(): string;
}

function mountRoot(host: PhysicalHost): number {
  const drive = host.ilo.sensors.drives[0]?.capacityGB ?? 300;
  return Math.floor((drive * 1e9 * 0.93) / 4096) * 4096;
}

export function createNodeExporter(world: World, hostName: string): NodeExporter {
  const host = world.host(hostName);
  let counters: Counters | undefined;

  const advance = (now: number, busyThreads: number, runningVms: number, osds: number): Counters => {
    if (counters === undefined || counters.boot !== host.since) {
      counters = {
        boot: host.since,
        at: host.since,
        busySeconds: 0,
        idleSeconds: 0,
        netBytes: 0,
        load: [0, 0, 0],
      };
    }
    const dt = Math.max(0, (now - counters.at) / 1000);
    const threads = host.spec.cpu.threads;
    counters.busySeconds += dt * busyThreads;
    counters.idleSeconds += dt * (threads - busyThreads);
    counters.netBytes += dt * (NET_BASE + NET_PER_OSD * osds + NET_PER_VM * runningVms);
    counters.load = counters.load.map(
      (l, i) => busyThreads + (l - busyThreads) * Math.exp(-dt / [60, 300, 900][i]!),
    ) as Counters["load"];
    counters.at = now;
    return counters;
  };

  const text = (): string => {
    const t0 = performance.now();
    const now = world.clock.now();
    const activity = hostActivity(world, hostName);
    const osds = world.ceph?.hosts.get(hostName)?.osds.length ?? 0;
    const c = advance(now, activity.busyThreads, activity.runningVms, osds);
    const threads = host.spec.cpu.threads;
    const out = new ExpositionWriter("go");
    const family = (name: string, type: MetricType, help: string, samples: Array<[string, number]>) => {
      out.family(name, type, help);
      for (const [labels, value] of samples) out.sample(name, labels, value);
    };
    const cs = (n: number) => Math.round(n * 100) / 100;

    const memTotal = Math.floor((host.spec.memoryGiB * GiB * (1 - KERNEL_RESERVED)) / 1024) * 1024;
    const available = Math.max(0, memTotal - activity.memoryUsedBytes);
    const buffers = Math.min(available, 96 * 1024 * 1024);
    const cached = Math.min(available - buffers, Math.floor((available * 0.25) / 1024) * 1024);
    const rootSize = mountRoot(host);
    const rootFree = Math.max(0, rootSize - OS_DISK_USED);
    const runSize = Math.floor((memTotal * 0.1) / 4096) * 4096;
    const filesystems: Array<
      [
        device: string,
        fstype: string,
        mountpoint: string,
        size: number,
        free: number,
        avail: number,
        files: number,
      ]
    > = [
      [
        "/dev/sda1",
        "ext4",
        "/",
        rootSize,
        rootFree,
        Math.max(0, rootFree - rootSize * 0.05),
        Math.floor(rootSize / 16384),
      ],
      [
        "tmpfs",
        "tmpfs",
        "/run",
        runSize,
        runSize - 2 * 1024 * 1024,
        runSize - 2 * 1024 * 1024,
        Math.floor(memTotal / 8192),
      ],
    ];
    const fsLabels = filesystems.map(([device, fstype, mountpoint]) =>
      labelSet([
        ["device", device],
        ["fstype", fstype],
        ["mountpoint", mountpoint],
      ]),
    );
    const fs = (value: (f: (typeof filesystems)[number]) => number): Array<[string, number]> =>
      filesystems.map((f, i) => [fsLabels[i]!, value(f)]);
    const nics = world.opennebula === undefined ? ["eno1", "eno2"] : ["br0", "eno1", "eno2"];
    const nicUp = (nic: string) => nic !== "eno2";
    const nicBytes = (nic: string) => (nicUp(nic) ? Math.round(c.netBytes) : 0);
    const net = (value: (nic: string) => number): Array<[string, number]> =>
      nics.map((nic) => [labelSet([["device", nic]]), value(nic)]);

    const cpuSamples: Array<[string, number]> = [];
    const cpuIds = Array.from({ length: threads }, (_, i) => String(i)).sort();
    for (const cpu of cpuIds) {
      const busy = c.busySeconds / threads;
      const modes: Array<[string, number]> = [
        ["idle", c.idleSeconds / threads],
        ...BUSY_MODES.map(([m, share]): [string, number] => [m, busy * share]),
      ];
      modes.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      for (const [mode, seconds] of modes)
        cpuSamples.push([
          labelSet([
            ["cpu", cpu],
            ["mode", mode],
          ]),
          cs(seconds),
        ]);
    }

    const collectors = [
      "cpu",
      "filesystem",
      "loadavg",
      "meminfo",
      "netclass",
      "netdev",
      "stat",
      "time",
      "uname",
    ];
    family("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.", [
      ["", Math.floor(host.since / 1000)],
    ]);
    family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.", cpuSamples);
    family(
      "node_exporter_build_info",
      "gauge",
      "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.",
      [
        [
          labelSet([
            ["branch", "debian/sid"],
            ["goarch", "amd64"],
            ["goos", "linux"],
            ["goversion", "go1.19.8"],
            ["revision", "1.5.0-1+b6"],
            ["version", "1.5.0"],
          ]),
          1,
        ],
      ],
    );
    family(
      "node_filesystem_avail_bytes",
      "gauge",
      "Filesystem space available to non-root users in bytes.",
      fs((f) => f[5]),
    );
    family(
      "node_filesystem_device_error",
      "gauge",
      "Whether an error occurred while getting statistics for the given device.",
      fs(() => 0),
    );
    family(
      "node_filesystem_files",
      "gauge",
      "Filesystem total file nodes.",
      fs((f) => f[6]),
    );
    family(
      "node_filesystem_files_free",
      "gauge",
      "Filesystem total free file nodes.",
      fs((f) => Math.floor(f[6] * 0.95)),
    );
    family(
      "node_filesystem_free_bytes",
      "gauge",
      "Filesystem free space in bytes.",
      fs((f) => f[4]),
    );
    family(
      "node_filesystem_readonly",
      "gauge",
      "Filesystem read-only status.",
      fs(() => 0),
    );
    family(
      "node_filesystem_size_bytes",
      "gauge",
      "Filesystem size in bytes.",
      fs((f) => f[3]),
    );
    family("node_load1", "gauge", "1m load average.", [["", cs(c.load[0])]]);
    family("node_load15", "gauge", "15m load average.", [["", cs(c.load[2])]]);
    family("node_load5", "gauge", "5m load average.", [["", cs(c.load[1])]]);
    const mem = (field: string, value: number) =>
      family(`node_memory_${field}_bytes`, "gauge", `Memory information field ${field}_bytes.`, [
        ["", value],
      ]);
    mem("Buffers", buffers);
    mem("Cached", cached);
    mem("MemAvailable", available);
    mem("MemFree", available - buffers - cached);
    mem("MemTotal", memTotal);
    mem("SwapFree", 0);
    mem("SwapTotal", 0);
    const stat = (direction: string, what: string, value: (nic: string) => number) =>
      family(
        `node_network_${direction}_${what}_total`,
        "counter",
        `Network device statistic ${direction}_${what}.`,
        net(value),
      );
    stat("receive", "bytes", nicBytes);
    stat("receive", "drop", () => 0);
    stat("receive", "errs", () => 0);
    stat("receive", "packets", (nic) => Math.round(nicBytes(nic) / BYTES_PER_PACKET));
    stat("transmit", "bytes", nicBytes);
    stat("transmit", "drop", () => 0);
    stat("transmit", "errs", () => 0);
    stat("transmit", "packets", (nic) => Math.round(nicBytes(nic) / BYTES_PER_PACKET));
    const upSamples: Array<[string, number]> = [
      ...net((nic) => (nicUp(nic) ? 1 : 0)),
      [labelSet([["device", "lo"]]), 0],
    ];
    upSamples.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    family("node_network_up", "gauge", "Value is 1 if operstate is 'up', 0 otherwise.", upSamples);
    const elapsed = (performance.now() - t0) / 1000;
    family(
      "node_scrape_collector_duration_seconds",
      "gauge",
      "node_exporter: Duration of a collector scrape.",
      collectors.map((name) => [labelSet([["collector", name]]), elapsed / collectors.length]),
    );
    family(
      "node_scrape_collector_success",
      "gauge",
      "node_exporter: Whether a collector succeeded.",
      collectors.map((name) => [labelSet([["collector", name]]), 1]),
    );
    family("node_time_seconds", "gauge", "System time in seconds since epoch (1970).", [["", now / 1000]]);
    family("node_uname_info", "gauge", "Labeled system information as provided by the uname system call.", [
      [
        labelSet([
          ["domainname", "(none)"],
          ["machine", "x86_64"],
          ["nodename", hostName],
          ["release", "6.1.0-28-amd64"],
          ["sysname", "Linux"],
          ["version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)"],
        ]),
        1,
      ],
    ]);
    return out.text();
  };
  return { text };
}
