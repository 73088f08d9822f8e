/**
 * METRICS: the real mgr's `prometheus` module (enabled by scripts/ceph/start.sh with
 * CEPH_PROMETHEUS_PORT) against the emulator's, live, in the same states: healthy, an OSD map flag
 * set and cleared, osd.0 stopped (as on a powered-off host) and started again. The emulated cluster
 * mirrors the real one (its host, OSD sizes, pools with their ids and PG counts, an RBD image made
 * through the same client call, `rbd_stats_pools` — its refresh interval shortened to 5 s, the
 * emulator lists images at every scrape; the PG autoscaler off meanwhile). Compared: every family's name, TYPE, HELP and
 * label names, the number of series, and the values the model owns (health, health-check history,
 * OSD status, flags, PG states, pool metadata, capacity, mons, mgr and modules). The real module
 * answers from a cache refreshed every 15 s, and a real mon raises PG_AVAILABILITY for stale PGs
 * only after 60 s: each state is compared once the real exposition has settled.
 */
import { execFileSync } from "node:child_process";
import { createCephClient } from "@homelab-kit/ceph";
import { routesTransport } from "@homelab-kit/emulator";
import { type CephState, createCephEmulator, createCephState } from "@homelab-kit/emulator/ceph";
import {
  createCephMgrMetricsRoutes,
  type ParsedFamily,
  parseExposition,
  sampleValue,
} from "@homelab-kit/emulator/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realCeph, realCephMetrics } from "./env.js";

const real = realCeph();
const metrics = realCephMetrics();
const IMAGE = `metrics-img-${Math.random().toString(36).slice(2, 8)}`;

type Families = Map<string, ParsedFamily>;

function cli(conf: string, ...args: string[]): string {
  return execFileSync("ceph", ["-c", conf, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function scrapeReal(): Promise<Families> {
  const res = await fetch(`${metrics!.url}/metrics`, { signal: AbortSignal.timeout(20_000) });
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** Polls the real exposition until `ready` holds (the module's cache, the mon's timers). */
async function settled(
  what: string,
  ready: (f: Families) => boolean,
  timeoutMs = 120_000,
): Promise<Families> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // a module option change restarts the module's web server (its config_notify): retry
    const families = await scrapeReal().catch(() => undefined);
    if (families !== undefined && ready(families)) return families;
    if (Date.now() > deadline)
      throw new Error(`the real mgr's metrics never showed ${what} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

const labelNames = (f: ParsedFamily) => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))];
const series = (families: Families, name: string) =>
  (families.get(name)?.samples ?? []).map((s) => `${JSON.stringify(s.labels)} ${s.value}`).sort();

interface RealPool {
  pool_id: number;
  pool_name: string;
  pg_num: number;
  pg_num_target?: number;
  pg_placement_num?: number;
  size: number;
  application_metadata: Record<string, unknown>;
  options: Record<string, unknown>;
}

/**
 * The pools once their PG count stopped moving: the autoscaler is switched off for the test
 * (it raises a fresh pool's 8 PGs to 32 within minutes; the emulator has no autoscaler) and any
 * change it had started is let finish.
 */
async function settledPools(conf: string): Promise<RealPool[]> {
  const list = () => JSON.parse(cli(conf, "osd", "pool", "ls", "detail", "-f", "json")) as RealPool[];
  for (const p of list()) cli(conf, "osd", "pool", "set", p.pool_name, "pg_autoscale_mode", "off");
  const deadline = Date.now() + 180_000;
  for (;;) {
    const pools = list();
    if (
      pools.every(
        (p) => (p.pg_num_target ?? p.pg_num) === p.pg_num && (p.pg_placement_num ?? p.pg_num) === p.pg_num,
      )
    )
      return pools;
    if (Date.now() > deadline)
      throw new Error(`the real pools' PG counts kept changing: ${JSON.stringify(pools)}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The series whose values the model owns, compared to the letter in every state. */
const MODELLED = [
  "ceph_health_status",
  "ceph_health_detail",
  "ceph_mon_quorum_status",
  "ceph_mon_metadata",
  "ceph_mgr_metadata",
  "ceph_mgr_status",
  "ceph_mgr_module_status",
  "ceph_mgr_module_can_run",
  "ceph_osd_metadata",
  "ceph_pool_metadata",
  "ceph_pg_total",
  "ceph_pg_active",
  "ceph_pg_clean",
  "ceph_pg_stale",
  "ceph_pg_degraded",
  "ceph_pg_undersized",
  "ceph_pg_peered",
  "ceph_osd_up",
  "ceph_osd_in",
  "ceph_osd_weight",
  "ceph_osd_flag_noout",
  "ceph_osd_flag_noscrub",
  "ceph_cluster_total_bytes",
  "ceph_osd_stat_bytes",
  // not ceph_osd_numpg: the OSD still counts the PGs of pools deleted moments ago (the parity suite's)
  "ceph_bluefs_db_total_bytes",
  "ceph_bluestore_pricache_target_bytes",
  "ceph_rbd_write_ops",
  "ceph_pool_quota_bytes",
  "ceph_daemon_health_metrics",
];

function compareFamilies(ours: Families, theirs: Families): void {
  expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
  for (const [name, family] of theirs) {
    const mine = ours.get(name)!;
    expect({ name, type: mine.type, help: mine.help, labels: labelNames(mine) }).toEqual({
      name,
      type: family.type,
      help: family.help,
      labels: labelNames(family),
    });
    expect({ name, series: mine.samples.length }).toEqual({ name, series: family.samples.length });
  }
}

function compareValues(ours: Families, theirs: Families, state: string): void {
  for (const name of MODELLED)
    expect({ state, name, series: series(ours, name) }).toEqual({
      state,
      name,
      series: series(theirs, name),
    });
}

describe("ceph-mgr prometheus module: real Pacific vs emulator, live, same states", () => {
  let state: CephState;
  let emulatedScrape: () => Promise<Families>;
  let osdPid: number | undefined;
  const realClient = createCephClient({
    baseUrl: real.url,
    username: real.username,
    password: real.password,
  });

  beforeAll(async () => {
    if (metrics === undefined)
      throw new Error(
        "the real mgr's prometheus module is not enabled: start Ceph with CEPH_PROMETHEUS_PORT=<port> bash scripts/ceph/start.sh (as .ci/suites/ceph.sh does)",
      );
    const { conf } = metrics;
    cli(conf, "osd", "unset", "noscrub");
    cli(conf, "config", "set", "mgr", "mgr/prometheus/rbd_stats_pools", "rbd");
    // the module lists a pool's images again every 300 s by default; the emulator at every scrape
    cli(conf, "config", "set", "mgr", "mgr/prometheus/rbd_stats_pools_refresh_interval", "5");
    await realClient.rbd.images.create({ name: IMAGE, pool_name: "rbd", size: 2 ** 30 });
    cli(conf, "healthcheck", "history", "clear");
    // Mirror the real cluster: host name, OSD sizes, pools (ids, PGs, size), config, the image.
    const osdDf = JSON.parse(cli(conf, "osd", "df", "-f", "json")) as {
      nodes: Array<{ id: number; kb: number }>;
    };
    const host = (JSON.parse(cli(conf, "osd", "metadata", "0", "-f", "json")) as { hostname: string })
      .hostname;
    state = createCephState({
      hosts: [{ name: host, osds: osdDf.nodes.length, osdBytes: (osdDf.nodes[0]?.kb ?? 0) * 1024 }],
      pools: [],
      users: [{ username: real.username, password: real.password, roles: ["administrator"] }],
      warnOnNoRedundancy: false,
    });
    const pools = await settledPools(conf);
    for (const p of pools) {
      const pool = state.createPool({
        name: p.pool_name,
        pgNum: p.pg_num,
        size: p.size,
        applications: Object.keys(p.application_metadata),
        options: p.options,
      });
      pool.id = p.pool_id;
    }
    const memoryTarget = cli(conf, "config", "show", "osd.0", "osd_memory_target").trim();
    state.config.set("osd_memory_target", [{ section: "osd", value: memoryTarget }]);
    state.config.set("mgr/prometheus/rbd_stats_pools", [{ section: "mgr", value: "rbd" }]);
    const emulator = createCephEmulator({ state });
    const emulatedClient = createCephClient({
      baseUrl: "http://ceph.test",
      username: real.username,
      password: real.password,
      transport: emulator.transport(),
    });
    const realImages = JSON.parse(
      execFileSync("rbd", ["-c", conf, "ls", "-l", "--format", "json", "rbd"], { encoding: "utf8" }),
    ) as Array<{ image: string; size: number }>;
    for (const image of realImages)
      await emulatedClient.rbd.images.create({ name: image.image, pool_name: "rbd", size: image.size });
    const transport = routesTransport(createCephMgrMetricsRoutes(state));
    emulatedScrape = async () => {
      const res = await transport({ method: "GET", url: "http://mgr.test/metrics", headers: {} });
      return parseExposition(new TextDecoder().decode(res.body));
    };
  });

  afterAll(async () => {
    if (metrics === undefined) return;
    const { conf } = metrics;
    // Leave the real cluster as we found it, whatever happened above.
    cli(conf, "osd", "unset", "noscrub");
    cli(conf, "config", "rm", "mgr", "mgr/prometheus/rbd_stats_pools_refresh_interval");
    cli(conf, "config", "rm", "mgr", "mgr/prometheus/rbd_stats_pools");
    for (const pool of state?.pools.keys() ?? [])
      cli(conf, "osd", "pool", "set", pool, "pg_autoscale_mode", "on");
    if (osdPid !== undefined)
      execFileSync("bash", ["scripts/ceph/start.sh"], {
        stdio: "ignore",
        timeout: 180_000,
        cwd: `${import.meta.dirname}/../..`,
      });
    await realClient.rbd.images.delete({ pool: "rbd", image: IMAGE }).catch(() => {});
    await realClient.close();
  });

  it("healthy: the same families, and the modelled values", async () => {
    const theirs = await settled(
      "HEALTH_OK, every PG active+clean, the new image's RBD series and an empty health history",
      (f) =>
        sampleValue(f, "ceph_health_status") === 0 &&
        (f.get("ceph_health_detail")?.samples.length ?? 0) === 0 &&
        sampleValue(f, "ceph_rbd_write_ops", { image: IMAGE }) !== undefined &&
        [...state.pools.values()].every(
          (p) => sampleValue(f, "ceph_pg_clean", { pool_id: String(p.id) }) === p.pgNum,
        ),
    );
    const ours = await emulatedScrape();
    compareFamilies(ours, theirs);
    compareValues(ours, theirs, "healthy");
  });

  it("an OSD map flag raises OSDMAP_FLAGS; cleared, it stays in the history at 0", async () => {
    const { conf } = metrics!;
    cli(conf, "osd", "set", "noscrub");
    state.flags.add("noscrub");
    const flagged = await settled(
      "OSDMAP_FLAGS",
      (f) => sampleValue(f, "ceph_health_detail", { name: "OSDMAP_FLAGS" }) === 1,
    );
    compareValues(await emulatedScrape(), flagged, "noscrub set");
    cli(conf, "osd", "unset", "noscrub");
    state.flags.delete("noscrub");
    const cleared = await settled("OSDMAP_FLAGS cleared", (f) => sampleValue(f, "ceph_health_status") === 0);
    compareValues(await emulatedScrape(), cleared, "noscrub cleared");
  });

  it("osd.0 stopped (as on a powered-off host): ceph_osd_up 0, stale PGs, the same checks; and back", async () => {
    const { conf, dir } = metrics!;
    // With every OSD down a pool refresh of rbd_stats_pools blocks the module's collector, which
    // then serves its last exposition for as long (docs/reference/ceph/NOTES.md): no refresh due
    // while osd.0 is down. One fresh collection with the new interval first.
    cli(conf, "config", "set", "mgr", "mgr/prometheus/rbd_stats_pools_refresh_interval", "600");
    const before = sampleValue(
      await settled("the module's web server back", () => true),
      "ceph_prometheus_collect_duration_seconds_count",
      { method: "get_rbd_stats" },
    );
    await settled(
      "a new collection",
      (f) =>
        (sampleValue(f, "ceph_prometheus_collect_duration_seconds_count", { method: "get_rbd_stats" }) ?? 0) >
        (before ?? 0),
    );
    osdPid = Number(execFileSync("cat", [`${dir}/run/osd.0.pid`], { encoding: "utf8" }).trim());
    process.kill(osdPid, "SIGTERM");
    // only the OSD daemon stops: the single mon of this cluster lives on (the emulator's
    // setHostUp would take the host's mon down too, as a powered-off host does)
    state.setOsdRunning(0, false);
    const down = await settled(
      "osd.0 down with its PGs stale (PG_AVAILABILITY)",
      (f) =>
        sampleValue(f, "ceph_osd_up", { ceph_daemon: "osd.0" }) === 0 &&
        sampleValue(f, "ceph_health_detail", { name: "PG_AVAILABILITY" }) === 1,
      180_000,
    );
    const ours = await emulatedScrape();
    compareFamilies(ours, down);
    compareValues(ours, down, "osd.0 down");

    execFileSync("bash", ["scripts/ceph/start.sh"], {
      stdio: "ignore",
      timeout: 180_000,
      cwd: `${import.meta.dirname}/../..`,
    });
    osdPid = undefined;
    state.setOsdRunning(0, true);
    const back = await settled(
      "osd.0 up again, HEALTH_OK",
      (f) =>
        sampleValue(f, "ceph_osd_up", { ceph_daemon: "osd.0" }) === 1 &&
        sampleValue(f, "ceph_health_status") === 0,
    );
    compareValues(await emulatedScrape(), back, "osd.0 back");
  }, 420_000);
});
