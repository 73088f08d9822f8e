import { z } from "zod";
import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { Host } from "../schemas/host.js";

export const hostEndpoints = {
  list: { method: "GET", path: "/api/host", version: "1.1", response: z.array(Host) },
  get: { method: "GET", path: "/api/host/{hostname}", version: "1.0", response: Host },
} as const satisfies Record<string, Endpoint>;

export function hostsResource({ call }: CallContext) {
  return {
    /** `GET /api/host` (v1.1): hosts with the Ceph services they run. */
    list: (options?: CephCallOptions) => call(hostEndpoints.list, {}, options),
    /** `GET /api/host/{hostname}`; 404 for an unknown host. */
    get: (hostname: string, options?: CephCallOptions) =>
      call(hostEndpoints.get, { path: { hostname } }, options),
  };
}
