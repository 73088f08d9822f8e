/**
 * Puts an adapter's route table in the World: every request first syncs the world (due power
 * changes, finished POSTs, propagated to every API), then meets the fault rules, then the route;
 * with `checkInvariants`, each mutating request is followed by the world's invariant check (a
 * broken invariant answers 500 `WorldInvariantError` and is kept in `world.violations`).
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Route, RouteHandler, RouteRequest, RouteResponse, RouteTable } from "../common/route-table.js";
import { checkInvariants, WorldInvariantError } from "../world/invariants.js";
import type { World } from "../world/world.js";
import { type ApiName, type FaultInjector, type FaultRule, faultResponse } from "./faults.js";

export interface WrapOptions {
  world: World;
  api: ApiName;
  /** For an iLO table: the host it manages (its requests `touch` that host). */
  host?: string;
  faults?: FaultInjector;
  checkInvariants?: boolean;
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

export function wrapRoutes(routes: RouteTable, options: WrapOptions): Route[] {
  return routes.map((r) => ({ ...r, handler: wrapHandler(r.handler, options) }));
}

function wrapHandler(handler: RouteHandler, options: WrapOptions): RouteHandler {
  const { world, api, host, faults } = options;
  const check = options.checkInvariants === true;
  const after = (request: RouteRequest, response: RouteResponse): RouteResponse => {
    if (!check || READS.has(request.method)) return response;
    const violations = checkInvariants(world);
    if (violations.length === 0) return response;
    world.violations.push(...violations);
    throw new WorldInvariantError(violations);
  };
  const call = (request: RouteRequest): RouteResponse | Promise<RouteResponse> => {
    if (host !== undefined) world.touch(host);
    const response = handler(request);
    return response instanceof Promise ? response.then((r) => after(request, r)) : after(request, response);
  };
  return (request) => {
    world.sync();
    const rule = faults?.match(api, host, request);
    if (rule === undefined) return call(request);
    return applyFault(rule, request, call);
  };
}

async function applyFault(
  rule: FaultRule,
  request: RouteRequest,
  call: (request: RouteRequest) => RouteResponse | Promise<RouteResponse>,
): Promise<RouteResponse> {
  if (rule.latencyMs !== undefined && rule.latencyMs > 0)
    await delay(rule.latencyMs, undefined, { signal: request.signal }).catch(() => {});
  if (rule.drop === "truncate") return truncated(await call(request));
  return faultResponse(rule) ?? call(request);
}

/** The route's own answer, cut in the middle (a stream or an empty body is reset instead). */
function truncated(response: RouteResponse): RouteResponse {
  const body = response.body;
  if (typeof body === "string" || body instanceof Uint8Array) return { ...response, fault: "truncate" };
  if (body === undefined || (typeof body === "object" && body !== null && Symbol.asyncIterator in body))
    return { fault: "reset" };
  return { ...response, body: JSON.stringify(body), fault: "truncate" };
}
