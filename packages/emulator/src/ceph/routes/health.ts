/** Health (minimal, full), summary, cluster status, monitors, feature toggles, settings. */
import type { Route } from "../../common/route-table.js";
import { DF_STATS, FEATURE_TOGGLES, FS_MAP, MGR_MAP, OSD_MAP, SETTINGS } from "../fixtures.js";
import { health, pgSummary } from "../health.js";
import { cephRoute, reply } from "../http.js";
import type { CephState } from "../state.js";
import { taskJson } from "../tasks.js";
import { CEPH_VERSION, monStatus, osdmapOsd, osdmapPool, poolStats, rate } from "../views.js";

/** `df.stats` of the cluster: raw capacity of the OSDs that are in, and what they hold. */
export function capacity(state: CephState) {
  let total = 0;
  let used = 0;
  const usedBy = state.osdUsage();
  for (const osd of state.osds.values()) {
    if (!osd.in) continue;
    total += osd.bytes;
    used += usedBy(osd);
  }
  return { total_bytes: total, total_avail_bytes: total - used, total_used_raw_bytes: used };
}

/** Object counts as `pg_info.object_stats` shows them (the model has no degraded objects). */
export function objectStats(state: CephState) {
  let objects = 0;
  let copies = 0;
  for (const pool of state.pools.values()) {
    const n = state.poolObjects(pool.name);
    objects += n;
    copies += n * pool.size;
  }
  return {
    num_objects: objects,
    num_object_copies: copies,
    num_objects_degraded: 0,
    num_objects_misplaced: 0,
    num_objects_unfound: 0,
  };
}

/** The one PG state every PG of a pool is in (the model has no per-PG detail). */
function pgState(state: CephState): string {
  return Object.keys(pgSummary(state).statuses)[0] ?? "active+clean";
}

function pgInfo(state: CephState) {
  const pgs = pgSummary(state);
  return {
    object_stats: objectStats(state),
    statuses: pgs.statuses,
    pgs_per_osd: pgs.total / Math.max(1, state.osds.size),
  };
}

const CLIENT_PERF = {
  read_bytes_sec: 0,
  read_op_per_sec: 0,
  recovering_bytes_per_sec: 0,
  write_bytes_sec: 0,
  write_op_per_sec: 0,
};

function scrubStatus(state: CephState): string {
  return state.flags.has("noscrub") || state.flags.has("nodeep-scrub") ? "Disabled" : "Inactive";
}

export function healthRoutes(state: CephState): Route[] {
  const osds = () => [...state.osds.values()];
  return [
    cephRoute(state, { method: "GET", path: "/api/health/minimal", version: "1.0" }, () => {
      const mons = [...state.hosts.values()].filter((h) => h.mon !== undefined);
      return reply(200, {
        health: health(state),
        mon_status: { monmap: { mons: mons.map(() => ({})) }, quorum: monStatus(state).status.quorum },
        fs_map: { filesystems: [], standbys: [] },
        osd_map: {
          osds: osds().map((o) => {
            const up = state.osdUp(o);
            return { in: o.in ? 1 : 0, up: up ? 1 : 0, state: up ? ["exists", "up"] : ["exists"] };
          }),
        },
        scrub_status: scrubStatus(state),
        pg_info: pgInfo(state),
        mgr_map: { active_name: "x", standbys: [] },
        pools: [...state.pools.values()].map(() => ({})),
        df: { stats: capacity(state) },
        client_perf: { ...CLIENT_PERF },
        hosts: state.hosts.size,
        rgw: 0,
        iscsi_daemons: { up: 0, down: 0 },
      });
    }),
    cephRoute(state, { method: "GET", path: "/api/health/full", version: "1.0" }, () => {
      const cap = capacity(state);
      const pools = [...state.pools.values()];
      const osdmapPools = pools.map(osdmapPool);
      return reply(200, {
        health: health(state),
        mon_status: monStatus(state).status,
        fs_map: structuredClone(FS_MAP),
        osd_map: {
          ...structuredClone(OSD_MAP),
          flags: [...state.flags].sort().join(","),
          flags_set: [...state.flags].sort(),
          pool_max: Math.max(0, ...pools.map((p) => p.id)),
          max_osd: state.osds.size,
          pools: osdmapPools,
          osds: osds().map((o) => osdmapOsd(state, o)),
        },
        scrub_status: scrubStatus(state),
        pg_info: pgInfo(state),
        mgr_map: { ...structuredClone(MGR_MAP), services: mgrServices(state) },
        // The dashboard adds each pool's PG states and rate-tracked stats to this list.
        pools: pools.map((p) => ({
          ...osdmapPool(p),
          pg_status: { [pgState(state)]: p.pgNum },
          stats: Object.fromEntries(Object.entries(poolStats(state, p)).map(([k, v]) => [k, rate(v)])),
        })),
        df: {
          stats: {
            ...structuredClone(DF_STATS),
            ...cap,
            total_used_bytes: cap.total_used_raw_bytes,
            total_used_raw_ratio: cap.total_bytes > 0 ? cap.total_used_raw_bytes / cap.total_bytes : 0,
            num_osds: state.osds.size,
            num_per_pool_osds: state.osds.size,
            num_per_pool_omap_osds: state.osds.size,
          },
          pools: pools.map((p) => ({ name: p.name, id: p.id, stats: poolStats(state, p) })),
        },
        client_perf: { ...CLIENT_PERF },
        hosts: state.hosts.size,
        rgw: 0,
        iscsi_daemons: { up: 0, down: 0 },
      });
    }),
    cephRoute(state, { method: "GET", path: "/api/summary", version: "1.0" }, ({ request }) =>
      reply(200, {
        health_status: health(state).status,
        mgr_id: "x",
        mgr_host: `http://${request.headers.host ?? "127.0.0.1"}/`,
        have_mon_connection: true,
        executing_tasks: state.executingTasks.map((t) => taskJson(state, t)),
        finished_tasks: state.finishedTasks.map((t) => taskJson(state, t)),
        version: CEPH_VERSION,
        rbd_mirroring: { warnings: 0, errors: 0 },
      }),
    ),
    cephRoute(state, { method: "GET", path: "/api/cluster", version: "0.1" }, ({ version }) =>
      reply(200, { status: "POST_INSTALLED" }, version),
    ),
    cephRoute(state, { method: "GET", path: "/api/monitor", version: "1.0", scope: "monitor" }, () => {
      const mons = monStatus(state, true);
      return reply(200, { mon_status: mons.status, in_quorum: mons.inQuorum, out_quorum: mons.outQuorum });
    }),
    cephRoute(state, { method: "GET", path: "/api/feature_toggles", version: "1.0" }, () =>
      reply(200, structuredClone(FEATURE_TOGGLES)),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/settings", version: "1.0", scope: "dashboard-settings" },
      () => reply(200, structuredClone(SETTINGS)),
    ),
  ];
}

/** `mgr_map.services`: the URL of each enabled mgr module that serves HTTP (the dashboard, prometheus). */
function mgrServices(state: CephState): Record<string, string> {
  const services: Record<string, string> = { ...MGR_MAP.services };
  if (state.enabledModules.has("prometheus"))
    services.prometheus = state.prometheusUrl ?? "http://127.0.0.1:9283/";
  return services;
}
