/**
 * Pools, with Pacific's quirks as recorded: creating an existing pool succeeds (201), deleting a
 * missing pool answers 204, `size: 1` creates the pool but fails (`--yes-i-really-mean-it`),
 * a missing `pool` or a non-integer `pg_num` is a generic 500.
 */
import type { Route } from "../../common/route-table.js";
import { CephFailure, cephRoute, dashboardError, integer, notFound, reply, required } from "../http.js";
import type { CephState, PoolState } from "../state.js";
import { runTask } from "../tasks.js";
import { poolJson } from "../views.js";

const NO_POOL = "The path 'No such pool' was not found.";
const SIZE_ONE =
  "[errno -1] WARNING: setting pool size 1 could lead to data loss without recovery. If you are *ABSOLUTELY CERTAIN* that is what you want, pass the flag --yes-i-really-mean-it.";

const PG_NUM_RANGE =
  "[errno -34] 'pg_num' must be greater than 0 and less than or equal to 65536 (you may adjust 'mon max pool pg num' for higher values)";

/** `pg_num` as the mon takes it: an integer (else the dashboard's 500) in 1..65536 (else errno -34). */
function pgNum(value: unknown): number {
  const n = integer(value);
  if (n < 1 || n > 65_536) throw dashboardError(PG_NUM_RANGE, "34", "pool");
  return n;
}

function attrsOf(query: Readonly<Record<string, string>>): string[] | undefined {
  return query.attrs === undefined ? undefined : query.attrs.split(",").filter(Boolean);
}

/** Applies the settings of a create or update body. */
function applySettings(pool: PoolState, body: Record<string, unknown>): void {
  if ("pg_num" in body) pool.pgNum = pgNum(body.pg_num);
  if (typeof body.pg_autoscale_mode === "string") pool.pgAutoscaleMode = body.pg_autoscale_mode;
  if (Array.isArray(body.application_metadata)) pool.applications = body.application_metadata.map(String);
  if ("quota_max_bytes" in body && body.quota_max_bytes !== null)
    pool.quotaMaxBytes = integer(body.quota_max_bytes);
  if ("quota_max_objects" in body && body.quota_max_objects !== null)
    pool.quotaMaxObjects = integer(body.quota_max_objects);
  for (const key of ["compression_mode", "compression_algorithm", "compression_required_ratio"]) {
    if (body[key] === undefined || body[key] === null) continue;
    if (key === "compression_mode" && body[key] === "none") {
      delete pool.options.compression_mode;
      delete pool.options.compression_algorithm;
      delete pool.options.compression_required_ratio;
    } else pool.options[key] = body[key];
  }
  if ("size" in body && body.size !== null && body.size !== undefined) {
    const size = integer(body.size);
    // The pool exists by now, half-configured; the failed task records only the detail.
    if (size === 1)
      throw new CephFailure(dashboardError(SIZE_ONE, "1", "pool").response, { detail: SIZE_ONE });
    pool.size = size;
    pool.minSize = Math.max(1, size - Math.floor(size / 2));
  }
}

export function poolRoutes(state: CephState): Route[] {
  const pool = { scope: "pool" } as const;
  return [
    cephRoute(state, { method: "GET", path: "/api/pool", version: "1.0", ...pool }, ({ request }) =>
      reply(
        200,
        [...state.pools.values()].map((p) =>
          poolJson(state, p, { attrs: attrsOf(request.query), stats: request.query.stats === "true" }),
        ),
      ),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/pool/:pool_name", version: "1.0", ...pool },
      ({ request }) => {
        const found = state.pools.get(request.params.pool_name ?? "");
        if (found === undefined) throw notFound(NO_POOL);
        const view = {
          attrs: attrsOf(request.query),
          stats: request.query.stats === "true",
          configuration: true,
        };
        return reply(200, poolJson(state, found, view));
      },
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/pool/:pool_name/configuration", version: "1.0", ...pool },
      ({ request }) => {
        const found = state.pools.get(request.params.pool_name ?? "");
        if (found === undefined) throw notFound(NO_POOL);
        return reply(200, poolJson(state, found, { attrs: [], configuration: true }).configuration);
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/pool", version: "1.0", ...pool, permission: "create" },
      ({ body }) => {
        const name = required<unknown>(body, "pool");
        const type = body.pool_type ?? "replicated";
        if ("pg_num" in body) pgNum(body.pg_num);
        if (type !== "replicated" && type !== "erasure") {
          throw dashboardError(`[errno -22] unknown pool type '${String(type)}'`, "22", "pool");
        }
        if (typeof name !== "string" || name === "")
          throw dashboardError("[errno -22] (22) Invalid argument", "22", "pool");
        return runTask(
          state,
          { name: "pool/create", metadata: { pool_name: name } },
          () => {
            if (state.pools.has(name)) return null; // Pacific: "pool 'x' already exists", a success
            const created = state.createPool({
              name,
              type,
              pgNum: "pg_num" in body ? pgNum(body.pg_num) : 32,
              ruleName: typeof body.rule_name === "string" ? body.rule_name : undefined,
              ecProfile:
                typeof body.erasure_code_profile === "string" ? body.erasure_code_profile : undefined,
            });
            applySettings(created, body);
            return null;
          },
          () => reply(201, null),
        );
      },
    ),
    cephRoute(
      state,
      { method: "PUT", path: "/api/pool/:pool_name", version: "1.0", ...pool, permission: "update" },
      ({ request, body }) => {
        const name = request.params.pool_name ?? "";
        const found = state.pools.get(name);
        if (found === undefined) throw notFound(NO_POOL);
        return runTask(
          state,
          { name: "pool/edit", metadata: { pool_name: name } },
          () => {
            applySettings(found, body);
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      { method: "DELETE", path: "/api/pool/:pool_name", version: "1.0", ...pool, permission: "delete" },
      ({ request }) => {
        const name = request.params.pool_name ?? "";
        return runTask(
          state,
          { name: "pool/delete", metadata: { pool_name: name } },
          () => {
            state.deletePool(name);
            return "";
          },
          () => reply(204, undefined),
        );
      },
    ),
  ];
}
