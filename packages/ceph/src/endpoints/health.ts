import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { HealthFull, HealthMinimal } from "../schemas/health.js";
import { ClusterStatus, Summary } from "../schemas/summary.js";

export const healthEndpoints = {
  minimal: { method: "GET", path: "/api/health/minimal", version: "1.0", response: HealthMinimal },
  full: { method: "GET", path: "/api/health/full", version: "1.0", response: HealthFull },
  summary: { method: "GET", path: "/api/summary", version: "1.0", response: Summary },
  clusterStatus: { method: "GET", path: "/api/cluster", version: "0.1", response: ClusterStatus },
} as const satisfies Record<string, Endpoint>;

export function healthResource({ call }: CallContext) {
  return {
    /** `GET /api/health/minimal`: status, checks, OSD up/in, PG states, capacity. */
    minimal: (options?: CephCallOptions) => call(healthEndpoints.minimal, {}, options),
    /** `GET /api/health/full`: the same with the whole mon/osd/mgr/fs maps and per-pool df. */
    full: (options?: CephCallOptions) => call(healthEndpoints.full, {}, options),
  };
}

export function summaryResource({ call }: CallContext) {
  return {
    /** `GET /api/summary`: health status, mgr, version, running and finished tasks. */
    get: (options?: CephCallOptions) => call(healthEndpoints.summary, {}, options),
    /** `GET /api/cluster` (v0.1): `{status: "INSTALLED" | "POST_INSTALLED"}`. */
    status: (options?: CephCallOptions) => call(healthEndpoints.clusterStatus, {}, options),
  };
}
