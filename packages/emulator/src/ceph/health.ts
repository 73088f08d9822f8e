/**
 * Ceph health derived from the state, with the check codes and messages of a real cluster:
 * OSDMAP_FLAGS, OSD_DOWN, OSD_HOST_DOWN, OSD_ROOT_DOWN, MON_DOWN, PG_AVAILABILITY, PG_DEGRADED,
 * POOL_NO_REDUNDANCY, OSD_NEARFULL, OSD_FULL.
 */
import type { CephState, PoolState } from "./state.js";

export interface HealthCheck {
  severity: "HEALTH_WARN" | "HEALTH_ERR";
  summary: { message: string; count: number };
  detail: Array<{ message: string }>;
  muted: boolean;
  type: string;
}

/** Flags that raise OSDMAP_FLAGS (the always-on sortbitwise etc. do not). */
const WARN_FLAGS = [
  "full",
  "pauserd",
  "pausewr",
  "noup",
  "nodown",
  "noin",
  "noout",
  "nobackfill",
  "norebalance",
  "norecover",
  "noscrub",
  "nodeep-scrub",
  "notieragent",
];

function check(
  type: string,
  severity: HealthCheck["severity"],
  message: string,
  count: number,
  detail: string[] = [],
): HealthCheck {
  return {
    severity,
    summary: { message, count },
    detail: detail.map((m) => ({ message: m })),
    muted: false,
    type,
  };
}

export interface PgSummary {
  statuses: Record<string, number>;
  total: number;
  degraded: number;
  inactive: number;
  /** PGs none of whose OSDs is up (no primary reports them). */
  stale: number;
}

/**
 * The state every PG of a pool is in (the model has no per-PG placement). Replicas go to distinct
 * failure domains (hosts when there are several, as CRUSH's default rule; OSDs on a single host).
 * While an OSD that is still `in` is down, the PGs it held are degraded (until it is marked out and
 * data is re-replicated); with fewer failure domains up than `min_size`, they are inactive; with
 * none up, no OSD reports them and they are stale in their last state (`stale+active+clean`, as a
 * real cluster shows once its only OSDs stop).
 */
export function poolPgStates(state: CephState): Map<PoolState, string> {
  const osds = [...state.osds.values()].filter((o) => o.in);
  const byHost = state.hosts.size > 1;
  const domain = (o: (typeof osds)[number]) => (byHost ? o.host : String(o.id));
  const upDomains = new Set(osds.filter((o) => state.osdUp(o)).map(domain)).size;
  const someDown = osds.some((o) => !state.osdUp(o));
  const states = new Map<PoolState, string>();
  for (const pool of state.pools.values()) {
    if (upDomains === 0 && osds.length > 0) states.set(pool, "stale+active+clean");
    else if (upDomains < poolMinSize(pool)) states.set(pool, "undersized+peered");
    else if (someDown) states.set(pool, "active+undersized+degraded");
    else states.set(pool, "active+clean");
  }
  return states;
}

/** PG counts by state over every pool (see {@link poolPgStates}). */
export function pgSummary(state: CephState): PgSummary {
  const statuses: Record<string, number> = {};
  const summary: PgSummary = { statuses, total: 0, degraded: 0, inactive: 0, stale: 0 };
  for (const [pool, status] of poolPgStates(state)) {
    summary.total += pool.pgNum;
    statuses[status] = (statuses[status] ?? 0) + pool.pgNum;
    if (status.startsWith("stale")) summary.stale += pool.pgNum;
    else if (!status.includes("active")) summary.inactive += pool.pgNum;
    else if (status.includes("degraded")) summary.degraded += pool.pgNum;
  }
  return summary;
}

function poolMinSize(pool: PoolState): number {
  return pool.type === "erasure" ? pool.minSize : Math.min(pool.minSize, pool.size);
}

export function healthChecks(state: CephState): HealthCheck[] {
  const checks: HealthCheck[] = [];
  const flags = WARN_FLAGS.filter((f) => state.flags.has(f));
  if (flags.length > 0) {
    checks.push(check("OSDMAP_FLAGS", "HEALTH_WARN", `${flags.join(",")} flag(s) set`, flags.length));
  }
  const down = [...state.osds.values()].filter((o) => !state.osdUp(o));
  if (down.length > 0) {
    checks.push(
      check(
        "OSD_DOWN",
        "HEALTH_WARN",
        `${down.length} osds down`,
        down.length,
        down.map((o) => `osd.${o.id} (root=default,host=${o.host}) is down`),
      ),
    );
  }
  const hostsDown = [...state.hosts.values()].filter(
    (h) => h.osds.length > 0 && h.osds.every((id) => !state.osdUp(state.osds.get(id)!)),
  );
  if (hostsDown.length > 0) {
    const osds = hostsDown.reduce((n, h) => n + h.osds.length, 0);
    checks.push(
      check(
        "OSD_HOST_DOWN",
        "HEALTH_WARN",
        `${hostsDown.length} host${hostsDown.length > 1 ? "s" : ""} (${osds} osds) down`,
        hostsDown.length,
        hostsDown.map((h) => `host ${h.name} (root=default) (${h.osds.length} osds) is down`),
      ),
    );
  }
  const osdCount = state.osds.size;
  if (osdCount > 0 && down.length === osdCount) {
    checks.push(
      check("OSD_ROOT_DOWN", "HEALTH_WARN", `1 root (${osdCount} osds) down`, 1, [
        `root default (${osdCount} osds) is down`,
      ]),
    );
  }
  const mons = [...state.hosts.values()].filter((h) => h.mon !== undefined);
  const monsDown = mons.filter((h) => !h.up);
  if (monsDown.length > 0 && monsDown.length < mons.length) {
    const quorum = mons.filter((h) => h.up).map((h) => h.mon);
    checks.push(
      check(
        "MON_DOWN",
        "HEALTH_WARN",
        `${monsDown.length}/${mons.length} mons down, quorum ${quorum.join(",")}`,
        monsDown.length,
        monsDown.map((h) => `mon.${h.mon} (rank ${mons.indexOf(h)}) addr ${h.name} is down (out of quorum)`),
      ),
    );
  }
  const pgs = pgSummary(state);
  if (pgs.inactive > 0 || pgs.stale > 0) {
    const parts = [
      ...(pgs.inactive > 0 ? [`${pgs.inactive} pgs inactive`] : []),
      ...(pgs.stale > 0 ? [`${pgs.stale} pgs stale`] : []),
    ];
    checks.push(
      check(
        "PG_AVAILABILITY",
        "HEALTH_WARN",
        `Reduced data availability: ${parts.join(", ")}`,
        pgs.inactive + pgs.stale,
      ),
    );
  }
  if (pgs.degraded > 0) {
    checks.push(
      check(
        "PG_DEGRADED",
        "HEALTH_WARN",
        `Degraded data redundancy: ${pgs.degraded} pgs degraded, ${pgs.degraded} pgs undersized`,
        pgs.degraded,
      ),
    );
  }
  if (state.warnOnNoRedundancy) {
    const single = [...state.pools.values()].filter((p) => p.type === "replicated" && p.size === 1);
    if (single.length > 0) {
      checks.push(
        check(
          "POOL_NO_REDUNDANCY",
          "HEALTH_WARN",
          `${single.length} pool(s) have no replicas configured`,
          single.length,
          single.map((p) => `pool '${p.name}' has no replicas configured`),
        ),
      );
    }
  }
  const full: string[] = [];
  const nearfull: string[] = [];
  const used = state.osdUsage();
  for (const osd of state.osds.values()) {
    const ratio = used(osd) / osd.bytes;
    if (ratio >= state.fullRatio) full.push(`osd.${osd.id} is full`);
    else if (ratio >= state.nearfullRatio) nearfull.push(`osd.${osd.id} is near full`);
  }
  if (full.length > 0)
    checks.push(check("OSD_FULL", "HEALTH_ERR", `${full.length} full osd(s)`, full.length, full));
  if (nearfull.length > 0) {
    checks.push(
      check("OSD_NEARFULL", "HEALTH_WARN", `${nearfull.length} nearfull osd(s)`, nearfull.length, nearfull),
    );
  }
  return checks;
}

export function healthStatus(checks: readonly HealthCheck[]): string {
  if (checks.some((c) => c.severity === "HEALTH_ERR")) return "HEALTH_ERR";
  return checks.length > 0 ? "HEALTH_WARN" : "HEALTH_OK";
}

export function health(state: CephState): { status: string; checks: HealthCheck[]; mutes: unknown[] } {
  const checks = healthChecks(state);
  return { status: healthStatus(checks), checks, mutes: [] };
}
