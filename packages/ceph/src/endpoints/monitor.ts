import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { MonitorStatus } from "../schemas/monitor.js";

export const monitorEndpoints = {
  get: { method: "GET", path: "/api/monitor", version: "1.0", response: MonitorStatus },
} as const satisfies Record<string, Endpoint>;

export function monitorsResource({ call }: CallContext) {
  return {
    /** `GET /api/monitor`: mon_status plus the monitors in and out of quorum. */
    get: (options?: CephCallOptions) => call(monitorEndpoints.get, {}, options),
  };
}
