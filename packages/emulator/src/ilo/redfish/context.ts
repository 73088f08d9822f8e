/**
 * What every Redfish resource handler of the iLO emulator works with: the request context, the
 * `Reply` that carries an error answer out of a handler, and the request-body checks (iLO's
 * PropertyNotWritableOrUnknown, PropertyValueTypeError, … answers). The resource files
 * (systems.ts, managers.ts, chassis.ts, sessions.ts, accounts.ts, virtual-media.ts, logs.ts, …) share them.
 */
import { DEFAULT_JSON_BUDGET, JsonBodyError, parseJsonBody } from "../../common/json-body.js";
import type { RouteRequest, RouteResponse } from "../../common/route-table.js";
import type { IloSession, IloState, IloUser } from "../state.js";
import { type RedfishMessage, redfishError } from "./errors.js";

export interface Ctx {
  state: IloState;
  req: RouteRequest;
  user: IloUser;
  session: IloSession | null;
  /** Path parameter of a member resource (session id, account id, virtual media id). */
  id: string;
  /** The ETag of this path's resource, cached per state revision. */
  etag(body: object): string;
}

export type Json = Record<string, unknown>;

export class Reply extends Error {
  constructor(readonly response: RouteResponse) {
    super("reply");
  }
}

export function fail(state: IloState, status: number, message: RedfishMessage, args?: string[]): never {
  throw new Reply(redfishError(state.generation, status, message, args));
}

export function success(state: IloState): RouteResponse {
  return redfishError(state.generation, 200, "Success");
}

/** Properties the clock changes on its own; a client's GET-then-PATCH must not fail because POST ended. */
const VOLATILE = new Set(["PowerState", "PostState", "UserExpires"]);

/** FNV-1a over the body: a weak ETag that changes whenever a write changes the resource. */
export function etagOf(body: object): string {
  const text = JSON.stringify(body, (key, value) => (VOLATILE.has(key) ? undefined : value));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `W/"${(h >>> 0).toString(16).toUpperCase().padStart(8, "0")}"`;
}

/** Redfish bodies are a few properties deep (a Boot object, an Oem block). */
const REDFISH_JSON_BUDGET = { ...DEFAULT_JSON_BUDGET, maxDepth: 32, maxValues: 10_000 };

/**
 * Largest Redfish body (larger → 413): PATCHes and actions carry a few properties; a login is a
 * user name and a password (a few hundred bytes, see {@link SESSION_BODY_LIMIT}).
 */
export const REDFISH_BODY_LIMIT = 64 * 1024;

/** Largest login body (`POST …/SessionService/Sessions`) parsed: larger is MalformedJSON. */
export const SESSION_BODY_LIMIT = 4 * 1024;

/**
 * The JSON object body of a request, under the JSON budget (nesting, numbers, values) and `limit`
 * bytes; anything else is MalformedJSON. OData annotations (`@odata.id`, `@odata.etag`, …) are not
 * properties and are left out (DSP0266 "PATCH (update)"); a PATCH of nothing but annotations is
 * answered with Base NoOperation.
 */
export function parseBody(ctx: Ctx, limit = REDFISH_BODY_LIMIT): Json {
  if (ctx.req.body.byteLength > limit) fail(ctx.state, 400, "MalformedJSON");
  const text = ctx.req.text();
  let value: unknown;
  try {
    value = parseJsonBody(text === "" ? "{}" : text, REDFISH_JSON_BUDGET);
  } catch (error) {
    if (!(error instanceof JsonBodyError)) throw error;
    fail(ctx.state, 400, "MalformedJSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(ctx.state, 400, "MalformedJSON");
  const keys = Object.keys(value);
  const body = Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith("@odata.")));
  if (ctx.req.method.toUpperCase() === "PATCH" && keys.length > 0 && Object.keys(body).length === 0)
    fail(ctx.state, 400, "NoOperation");
  return body;
}

export function needPrivilege(ctx: Ctx, privilege: keyof IloUser["privileges"]): void {
  if (!ctx.user.privileges[privilege]) fail(ctx.state, 403, "InsufficientPrivilege");
}

/** A stale `If-Match` is refused with 412; `*` and a missing header pass. */
export function checkIfMatch(ctx: Ctx, current: object): void {
  const ifMatch = ctx.req.headers["if-match"];
  if (ifMatch === undefined || ifMatch.trim() === "*") return;
  const tags = ifMatch.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (!tags.includes(ctx.etag(current).replace(/^W\//, ""))) fail(ctx.state, 412, "PreconditionFailed");
}

export function onlyKeys(ctx: Ctx, body: Json, allowed: string[], prefix = ""): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) fail(ctx.state, 400, "PropertyNotWritableOrUnknown", [`${prefix}${key}`]);
  }
}

export function stringProp(
  ctx: Ctx,
  body: Json,
  key: string,
  allowed?: readonly string[],
): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") fail(ctx.state, 400, "PropertyValueTypeError", [JSON.stringify(v), key]);
  if (allowed && !allowed.includes(v)) fail(ctx.state, 400, "PropertyValueNotInList", [v, key]);
  return v;
}

export function boolProp(ctx: Ctx, body: Json, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") fail(ctx.state, 400, "PropertyValueTypeError", [JSON.stringify(v), key]);
  return v;
}

export interface Resource {
  /**
   * Path pattern, lower case, no trailing slash; `:id` matches one segment (find-my-way syntax:
   * router.ts matches it with the emulator's shared router).
   */
  path: string;
  get?: (ctx: Ctx) => object;
  patch?: (ctx: Ctx) => RouteResponse;
  post?: (ctx: Ctx) => RouteResponse;
  delete?: (ctx: Ctx) => RouteResponse;
}
