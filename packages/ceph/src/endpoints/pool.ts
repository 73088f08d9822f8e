import { z } from "zod";
import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { ConfigurationEntry, Pool, type PoolCreate, type PoolUpdate } from "../schemas/pool.js";

export const poolEndpoints = {
  list: { method: "GET", path: "/api/pool", version: "1.0", response: z.array(Pool) },
  get: { method: "GET", path: "/api/pool/{pool_name}", version: "1.0", response: Pool },
  configuration: {
    method: "GET",
    path: "/api/pool/{pool_name}/configuration",
    version: "1.0",
    response: z.array(ConfigurationEntry),
  },
  create: { method: "POST", path: "/api/pool", version: "1.0", response: undefined, task: true },
  update: { method: "PUT", path: "/api/pool/{pool_name}", version: "1.0", response: undefined, task: true },
  delete: {
    method: "DELETE",
    path: "/api/pool/{pool_name}",
    version: "1.0",
    response: undefined,
    task: true,
  },
} as const satisfies Record<string, Endpoint>;

export interface PoolQuery {
  /** Only these keys of each pool (`pool_name` is always included by Ceph). */
  attrs?: readonly string[];
  /** Add `stats` (rates of bytes/objects read/written). */
  stats?: boolean;
}

export function poolsResource({ call }: CallContext) {
  const query = (q: PoolQuery = {}) => ({
    attrs: q.attrs,
    stats: q.stats === undefined ? undefined : String(q.stats),
  });
  const update = (name: string, changes: PoolUpdate, options?: CephCallOptions) =>
    call(poolEndpoints.update, { path: { pool_name: name }, body: changes }, options);
  return {
    /** `GET /api/pool`. */
    list: (q?: PoolQuery, options?: CephCallOptions) =>
      call(poolEndpoints.list, { query: query(q) }, options),
    /** `GET /api/pool/{name}`; `CephApiError` 404 for a missing pool. */
    get: (name: string, q?: PoolQuery, options?: CephCallOptions) =>
      call(poolEndpoints.get, { path: { pool_name: name }, query: query(q) }, options),
    /** `GET /api/pool/{name}/configuration`: RBD options set on the pool. */
    configuration: (name: string, options?: CephCallOptions) =>
      call(poolEndpoints.configuration, { path: { pool_name: name } }, options),
    /**
     * `POST /api/pool`; waits for the task when Ceph answers 202. Pacific reports success for a pool
     * that already exists (201); a bad type or empty name is a `CephApiError` 400.
     */
    create: (pool: PoolCreate, options?: CephCallOptions) =>
      call(poolEndpoints.create, { body: pool }, options),
    /** `PUT /api/pool/{name}`: any of the pool settings; waits for the task on 202. */
    update,
    /** `DELETE /api/pool/{name}` (needs `mon_allow_pool_delete`). Pacific answers 204 for a missing pool too. */
    delete: (name: string, options?: CephCallOptions) =>
      call(poolEndpoints.delete, { path: { pool_name: name } }, options),
    /** Sets the applications enabled on the pool (`["rbd"]`). */
    setApplications: (name: string, applications: readonly string[], options?: CephCallOptions) =>
      update(name, { application_metadata: [...applications] }, options),
    /** Sets the quotas (0 removes one). */
    setQuota: (name: string, quota: { maxBytes?: number; maxObjects?: number }, options?: CephCallOptions) =>
      update(name, { quota_max_bytes: quota.maxBytes, quota_max_objects: quota.maxObjects }, options),
    /** Sets BlueStore compression (`mode: "none"` turns it off). */
    setCompression: (
      name: string,
      compression: {
        mode: "none" | "passive" | "aggressive" | "force";
        algorithm?: string;
        requiredRatio?: number;
      },
      options?: CephCallOptions,
    ) =>
      update(
        name,
        {
          compression_mode: compression.mode,
          compression_algorithm: compression.algorithm,
          compression_required_ratio: compression.requiredRatio,
        },
        options,
      ),
    /**
     * Sets the PG autoscaler mode; with `pgNum`, pins the PG count too (the autoscaler must be off
     * for a pinned `pg_num`: docs/reference/ceph/NOTES.md gotcha 7).
     */
    setPgAutoscale: (name: string, mode: "on" | "off" | "warn", pgNum?: number, options?: CephCallOptions) =>
      update(name, { pg_autoscale_mode: mode, pg_num: pgNum }, options),
  };
}
