/**
 * The ceph-mgr `prometheus` module's exposition over a {@link CephState}: the metric families of a
 * real Pacific 16.2.15 mgr (names, HELP, TYPE, label names and their order, Python float style,
 * the leading blank line), recorded in docs/reference/ceph/prometheus/ and copied into
 * `fixtures/ceph-mgr-families.ts`. Every value the emulator's state knows is derived from it —
 * health and the health-check history (`ceph_health_detail` keeps a check it has seen at 0 once it
 * clears, as the module's HealthHistory does), OSD up/in/weight, OSD map flags, PG states per pool,
 * pool and cluster usage, mons in quorum, RBD images of the pools in `rbd_stats_pools`. A daemon's
 * perf counters are all present with the values the model has (OSD capacity and use, PGs per OSD,
 * BlueFS size, cache targets) and 0 for activity it does not model (ops, latencies, RocksDB);
 * like a real mgr, it keeps reporting the counters of a daemon that went down.
 */
import { health as cephHealth, poolPgStates } from "../ceph/health.js";
import { capacity, objectStats } from "../ceph/routes/health.js";
import type { CephState, OsdState, PoolState } from "../ceph/state.js";
import { CEPH_VERSION, poolStats } from "../ceph/views.js";
import type { CephMgrFamily } from "./ceph-mgr-family.js";
import { type ExpositionChunk, ExpositionWriter, labelSet } from "./exposition.js";
import { CEPH_MGR_FAMILIES, CEPH_MGR_MODULES } from "./fixtures/ceph-mgr-families.js";

const GiB = 1024 ** 3;

export interface CephMgrExporterOptions {
  /**
   * The address of a host's Ceph daemons (`public_addr`, `cluster_addr` labels). Default
   * `127.0.0.1`, as the single-node cluster of scripts/ceph/start.sh binds.
   */
  hostAddress?: (host: string) => string;
  /**
   * The data device of an OSD (`ceph_disk_occupation`), e.g. `/dev/sdb`; default none, as the
   * file-backed OSDs of the CI cluster (a real mgr then exports no occupation record).
   */
  osdDevice?: (osd: OsdState) => string | undefined;
  /**
   * `mgr/prometheus/rbd_stats_pools` (pools whose images get `ceph_rbd_*` series). Default: the
   * value in the state's central config, else none (the module's default).
   */
  rbdStatsPools?: string;
  /** The active mgr's name (default `x`, as the dashboard emulation reports). */
  mgrName?: string;
}

export interface CephMgrExporter {
  /** One scrape: the exposition in chunks (a large cluster's runs to megabytes). */
  collect(): ExpositionChunk[];
  /** One scrape as a single string. */
  text(): string;
}

/** Methods the module times (`ceph_prometheus_collect_duration_seconds_*{method}`), in its order. */
const METHODS = [
  "get_health",
  "get_pool_stats",
  "get_df",
  "get_fs",
  "get_quorum_status",
  "get_mgr_status",
  "get_pg_status",
  "get_osd_stats",
  "get_metadata_and_osd_status",
  "get_num_objects",
  "get_rbd_stats",
] as const;
type Method = (typeof METHODS)[number];

/** Each module family's samples: label values in the family's label order, and the value. */
type Samples = Array<[labels: string, value: number]>;

interface Scrape {
  state: CephState;
  health: ReturnType<typeof cephHealth>;
  pgStates: Map<PoolState, string>;
  usedBy: (osd: OsdState) => number;
  pools: PoolState[];
  poolStats: Map<PoolState, Record<string, number>>;
  mons: Array<{ name: string; host: string; rank: number; up: boolean }>;
  timings: Map<Method, number>;
  osds: OsdState[];
  /** `{ceph_daemon="osd.N"}` of each OSD (same order as `osds`). */
  osdLabels: string[];
  monLabels: string[];
}

function configValue(state: CephState, name: string): string | undefined {
  return state.config.get(name)?.[0]?.value;
}

/** `ceph_osd_flag_nodeep_scrub` ← the osdmap flag `nodeep-scrub`. */
function flagOf(family: string): string {
  return family.slice("ceph_osd_flag_".length).replace(/_/g, "-");
}

export function createCephMgrExporter(
  state: CephState,
  options: CephMgrExporterOptions = {},
): CephMgrExporter {
  const addressOf = options.hostAddress ?? (() => "127.0.0.1");
  const mgrName = options.mgrName ?? "x";
  /** Health checks seen so far, with their severity: kept at 0 once inactive (HealthHistory). */
  const history = new Map<string, string>();
  const durations = new Map<Method, { sum: number; count: number }>(
    METHODS.map((m) => [m, { sum: 0, count: 0 }]),
  );

  const timed = <T>(scrape: Scrape, method: Method, fn: () => T): T => {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      scrape.timings.set(method, (scrape.timings.get(method) ?? 0) + (performance.now() - t0) / 1000);
    }
  };

  const rbdPools = (): Set<string> => {
    const text = options.rbdStatsPools ?? configValue(state, "mgr/prometheus/rbd_stats_pools") ?? "";
    const wanted = new Set<string>();
    const rbdApps = [...state.pools.values()]
      .filter((p) => p.applications.includes("rbd"))
      .map((p) => p.name);
    for (const entry of text.split(/[\s,]+/)) {
      const pool = entry.split("/")[0] ?? "";
      if (pool === "*") for (const name of rbdApps) wanted.add(name);
      else if (rbdApps.includes(pool)) wanted.add(pool);
    }
    return wanted;
  };

  const moduleSamples = (scrape: Scrape, name: string): Samples => {
    const { state: s } = scrape;
    const one = (labels: ReadonlyArray<readonly [string, string]>, value: number): [string, number] => [
      labelSet(labels),
      value,
    ];
    const perPool = (value: (pool: PoolState) => number): Samples =>
      scrape.pools.map((p) => one([["pool_id", String(p.id)]], value(p)));
    const perOsd = (value: (osd: OsdState) => number): Samples =>
      [...s.osds.values()].map((o) => one([["ceph_daemon", `osd.${o.id}`]], value(o)));
    if (name.startsWith("ceph_osd_flag_")) return [["", s.flags.has(flagOf(name)) ? 1 : 0]];
    if (name.startsWith("ceph_pg_") && name !== "ceph_pg_total") {
      const stateName = name.slice("ceph_pg_".length);
      return perPool((p) => ((scrape.pgStates.get(p) ?? "").split("+").includes(stateName) ? p.pgNum : 0));
    }
    if (name.startsWith("ceph_pool_recovering_") || name.startsWith("ceph_pool_num_"))
      return perPool(() => 0);
    if (name.startsWith("ceph_rbd_") && name !== "ceph_rbd_mirror_metadata") {
      const pools = rbdPools();
      const out: Samples = [];
      for (const image of s.images.values()) {
        if (!pools.has(image.pool)) continue;
        out.push(
          one(
            [
              ["pool", image.pool],
              ["namespace", image.namespace ?? ""],
              ["image", image.name],
            ],
            0,
          ),
        );
      }
      return out;
    }
    switch (name) {
      case "ceph_health_status":
        return [["", { HEALTH_OK: 0, HEALTH_WARN: 1, HEALTH_ERR: 2 }[scrape.health.status] ?? 0]];
      case "ceph_healthcheck_slow_ops":
        return [["", 0]];
      case "ceph_health_detail": {
        const active = new Set(scrape.health.checks.map((c) => c.type));
        for (const c of scrape.health.checks) if (!history.has(c.type)) history.set(c.type, c.severity);
        return [...history].map(([check, severity]) =>
          one(
            [
              ["name", check],
              ["severity", severity],
            ],
            active.has(check) ? 1 : 0,
          ),
        );
      }
      case "ceph_mon_quorum_status":
        return scrape.mons.map((m) => one([["ceph_daemon", `mon.${m.name}`]], m.up ? 1 : 0));
      case "ceph_mon_metadata":
        return scrape.mons.map((m) =>
          one(
            [
              ["ceph_daemon", `mon.${m.name}`],
              ["hostname", m.host],
              ["public_addr", addressOf(m.host)],
              ["rank", String(m.rank)],
              ["ceph_version", CEPH_VERSION],
            ],
            1,
          ),
        );
      case "ceph_mgr_metadata":
        return [
          one(
            [
              ["ceph_daemon", `mgr.${mgrName}`],
              ["hostname", s.hosts.keys().next().value ?? ""],
              ["ceph_version", CEPH_VERSION],
            ],
            1,
          ),
        ];
      case "ceph_mgr_status":
        return [one([["ceph_daemon", `mgr.${mgrName}`]], 1)];
      case "ceph_mgr_module_status":
        return CEPH_MGR_MODULES.map(([module, alwaysOn]) =>
          one([["name", module]], alwaysOn ? 2 : s.enabledModules.has(module) ? 1 : 0),
        );
      case "ceph_mgr_module_can_run":
        return CEPH_MGR_MODULES.map(([module, , canRun]) => one([["name", module]], canRun ? 1 : 0));
      case "ceph_osd_metadata":
        return [...s.osds.values()].map((o) =>
          one(
            [
              ["back_iface", ""],
              ["ceph_daemon", `osd.${o.id}`],
              ["cluster_addr", addressOf(o.host)],
              ["device_class", "hdd"],
              ["front_iface", ""],
              ["hostname", o.host],
              ["objectstore", "bluestore"],
              ["public_addr", addressOf(o.host)],
              ["ceph_version", CEPH_VERSION],
            ],
            1,
          ),
        );
      case "ceph_disk_occupation":
      case "ceph_disk_occupation_human": {
        const out: Samples = [];
        for (const o of s.osds.values()) {
          const device = options.osdDevice?.(o);
          if (device === undefined) continue;
          const short = device.replace(/^\/dev\//, "");
          out.push(
            one(
              [
                ["ceph_daemon", `osd.${o.id}`],
                ["device", device],
                ["db_device", ""],
                ["wal_device", ""],
                ["instance", o.host],
                ["devices", short],
                ["device_ids", `${short}=EMULATED_${o.uuid.slice(0, 8)}`],
              ],
              1,
            ),
          );
        }
        return out;
      }
      case "ceph_pool_metadata":
        return scrape.pools.map((p) => {
          const ec = s.ecProfiles.get(p.erasureCodeProfile);
          const description =
            p.type === "replicated" ? `replica:${p.size}` : ec ? `ec:${ec.k}+${ec.m}` : "ec:unknown";
          return one(
            [
              ["pool_id", String(p.id)],
              ["name", p.name],
              ["type", p.type],
              ["description", description],
              ["compression_mode", String(p.options.compression_mode ?? "none")],
            ],
            1,
          );
        });
      case "ceph_pg_total":
        return perPool((p) => p.pgNum);
      case "ceph_pool_objects_repaired":
        return [...scrape.pools].reverse().map((p) => one([["poolid", String(p.id)]], 0));
      case "ceph_daemon_health_metrics":
        return [
          ...scrape.mons.map((m) =>
            one(
              [
                ["type", "SLOW_OPS"],
                ["ceph_daemon", `mon.${m.name}`],
              ],
              0,
            ),
          ),
          ...[...s.osds.values()].flatMap((o) => [
            one(
              [
                ["type", "SLOW_OPS"],
                ["ceph_daemon", `osd.${o.id}`],
              ],
              0,
            ),
            one(
              [
                ["type", "PENDING_CREATING_PGS"],
                ["ceph_daemon", `osd.${o.id}`],
              ],
              0,
            ),
          ]),
        ];
      case "ceph_osd_weight":
        return perOsd((o) => (o.in ? 1 : 0));
      case "ceph_osd_up":
        return perOsd((o) => (s.osdUp(o) ? 1 : 0));
      case "ceph_osd_in":
        return perOsd((o) => (o.in ? 1 : 0));
      case "ceph_osd_apply_latency_ms":
      case "ceph_osd_commit_latency_ms":
        return perOsd(() => 0);
      case "ceph_cluster_total_bytes":
        return [["", capacity(s).total_bytes]];
      case "ceph_cluster_total_used_bytes":
      case "ceph_cluster_total_used_raw_bytes":
        return [["", capacity(s).total_used_raw_bytes]];
      case "ceph_num_objects_degraded":
        return [["", objectStats(s).num_objects_degraded]];
      case "ceph_num_objects_misplaced":
        return [["", objectStats(s).num_objects_misplaced]];
      case "ceph_num_objects_unfound":
        return [["", objectStats(s).num_objects_unfound]];
      case "ceph_prometheus_collect_duration_seconds_sum":
        return METHODS.map((m) => one([["method", m]], durations.get(m)?.sum ?? 0));
      case "ceph_prometheus_collect_duration_seconds_count":
        return METHODS.map((m) => one([["method", m]], durations.get(m)?.count ?? 0));
      case "ceph_fs_metadata":
      case "ceph_mds_metadata":
      case "ceph_rgw_metadata":
      case "ceph_rbd_mirror_metadata":
        return [];
    }
    if (name.startsWith("ceph_pool_")) {
      const key = name.slice("ceph_pool_".length);
      return perPool((p) => scrape.poolStats.get(p)?.[key] ?? 0);
    }
    throw new Error(`ceph-mgr exporter: no samples for the module family ${name}`);
  };

  /** Perf-counter values the model has; every other counter reads 0 (no activity modelled). */
  const osdCounter = (scrape: Scrape, name: string): ((osd: OsdState) => number) | undefined => {
    switch (name) {
      case "ceph_osd_stat_bytes":
      case "ceph_bluefs_db_total_bytes":
        return (o) => o.bytes;
      case "ceph_osd_stat_bytes_used":
        return (o) => scrape.usedBy(o);
      case "ceph_bluefs_db_used_bytes":
        return () => scrape.state.osdOverheadBytes;
      case "ceph_osd_numpg": {
        const inOsds = [...scrape.state.osds.values()].filter((o) => o.in).length;
        let replicas = 0;
        for (const p of scrape.pools) replicas += p.pgNum * Math.min(p.size, Math.max(1, inOsds));
        const each = Math.round(replicas / Math.max(1, inOsds));
        return (o) => (o.in ? each : 0);
      }
      case "ceph_bluestore_pricache_target_bytes": {
        const target = Number(configValue(scrape.state, "osd_memory_target") ?? 4 * GiB);
        return () => target;
      }
    }
    return undefined;
  };
  const monCounter = (name: string): number =>
    name === "ceph_prioritycache_target_bytes"
      ? Number(configValue(state, "mon_memory_target") ?? 2 * GiB)
      : 0;

  /**
   * The text of a perf counter every daemon reports as 0 (what the model does not track: most of
   * them), kept while the set of daemons stays the same — a 6,000-OSD cluster's exposition is
   * some 60 MB, nearly all of it such lines.
   */
  const zeroBlocks = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  let daemonsKey = "";
  const zeroBlock = (name: string, labels: readonly string[]): Uint8Array => {
    let block = zeroBlocks.get(name);
    if (block === undefined) {
      block = encoder.encode(labels.map((l) => `${name}${l} 0.0\n`).join(""));
      zeroBlocks.set(name, block);
    }
    return block;
  };

  const writeFamily = (scrape: Scrape, out: ExpositionWriter, family: CephMgrFamily): void => {
    const [name, type, help, kind] = family;
    out.family(name, type, help);
    if (kind === "module") {
      for (const [labels, value] of moduleSamples(scrape, name)) out.sample(name, labels, value);
    } else if (kind === "mon") {
      const value = monCounter(name);
      if (value === 0) out.bytes(zeroBlock(name, scrape.monLabels));
      else for (const labels of scrape.monLabels) out.sample(name, labels, value);
    } else {
      const value = osdCounter(scrape, name);
      if (value === undefined) out.bytes(zeroBlock(name, scrape.osdLabels));
      else for (const [i, o] of scrape.osds.entries()) out.sample(name, scrape.osdLabels[i]!, value(o));
    }
  };

  /** Which families each timed method computes (for the collect-duration counters). */
  const methodOf = (family: CephMgrFamily): Method | undefined => {
    const name = family[0];
    if (family[3] !== "module") return undefined;
    if (name.startsWith("ceph_health") || name === "ceph_healthcheck_slow_ops") return "get_health";
    if (name.startsWith("ceph_pool_recovering_") || name.startsWith("ceph_pool_num_"))
      return "get_pool_stats";
    if (name.startsWith("ceph_cluster_")) return "get_df";
    if (name.startsWith("ceph_fs_") || name.startsWith("ceph_mds_")) return "get_fs";
    if (name.startsWith("ceph_mon_")) return "get_quorum_status";
    if (name.startsWith("ceph_mgr_")) return "get_mgr_status";
    if (name.startsWith("ceph_pg_")) return "get_pg_status";
    if (name === "ceph_osd_apply_latency_ms" || name === "ceph_osd_commit_latency_ms") return "get_osd_stats";
    if (name.startsWith("ceph_num_objects_")) return "get_num_objects";
    if (name.startsWith("ceph_rbd_") && name !== "ceph_rbd_mirror_metadata") return "get_rbd_stats";
    if (
      name.startsWith("ceph_pool_") &&
      name !== "ceph_pool_metadata" &&
      name !== "ceph_pool_objects_repaired"
    )
      return "get_df";
    return "get_metadata_and_osd_status";
  };
  const familyMethods = CEPH_MGR_FAMILIES.map(methodOf);

  const collect = (): ExpositionChunk[] => {
    const pools = [...state.pools.values()].sort((a, b) => a.id - b.id);
    const monHosts = [...state.hosts.values()].filter((h) => h.mon !== undefined);
    const scrape: Scrape = {
      state,
      health: cephHealth(state),
      pgStates: poolPgStates(state),
      usedBy: state.osdUsage(),
      pools,
      poolStats: new Map(pools.map((p) => [p, poolStats(state, p)])),
      mons: monHosts.map((h, rank) => ({ name: h.mon ?? "", host: h.name, rank, up: h.up })),
      timings: new Map(),
      osds: [...state.osds.values()],
      osdLabels: [],
      monLabels: monHosts.map((h) => `{ceph_daemon="mon.${h.mon}"}`),
    };
    scrape.osdLabels = scrape.osds.map((o) => `{ceph_daemon="osd.${o.id}"}`);
    const key = `${scrape.monLabels.join("")}|${scrape.osdLabels.join("")}`;
    if (key !== daemonsKey) {
      zeroBlocks.clear();
      daemonsKey = key;
    }
    const out = new ExpositionWriter("python");
    out.raw("\n");
    CEPH_MGR_FAMILIES.forEach((family, i) => {
      const method = familyMethods[i];
      if (method === undefined) writeFamily(scrape, out, family);
      else timed(scrape, method, () => writeFamily(scrape, out, family));
    });
    for (const [method, seconds] of scrape.timings) {
      const d = durations.get(method);
      if (d === undefined) continue;
      d.sum += seconds;
      d.count += 1;
    }
    return out.finish();
  };

  const decoder = new TextDecoder();
  return {
    collect,
    text: () =>
      collect()
        .map((c) => (typeof c === "string" ? c : decoder.decode(c)))
        .join(""),
  };
}
