/**
 * How the Ceph dashboard (CherryPy) takes a request, as recorded from Pacific 16.2.15: the
 * versioned media types (415 otherwise), JWT authentication (401) and role permissions (403), 411
 * for a POST/PUT without a body and 400 for malformed JSON. `cephRoute()` wraps a handler with all
 * of it; the answers' headers and error body shapes are in replies.ts.
 */
import { DEFAULT_JSON_BUDGET, JsonBodyError, parseJsonBody } from "../common/json-body.js";
import type { Route, RouteHead, RouteRequest, RouteResponse } from "../common/route-table.js";
import { verifyToken } from "./jwt.js";
import { CephFailure, frameworkError, GENERIC_500, internalError } from "./replies.js";
import type { CephState, UserState } from "./state.js";
import { settleTasks } from "./tasks.js";

// The answers' shapes live in replies.ts; the route modules import them from here as before.
export {
  CephFailure,
  dashboardError,
  frameworkError,
  GENERIC_500,
  internalError,
  mediaType,
  notFound,
  reply,
  taskError,
  taskException,
} from "./replies.js";

export type Permission = "read" | "create" | "update" | "delete";

export interface CephRouteSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  /** The endpoint's API version (`1.0`, `2.0`, `0.1`). */
  version: string;
  /** Security scope and permission (`pool`, `create`); omitted for endpoints any user may call. */
  scope?: string;
  permission?: Permission;
  /** `false` for /api/auth and /api/auth/check. */
  auth?: boolean;
  /** Largest body, in bytes (default {@link CEPH_BODY_LIMIT}, or {@link CEPH_LOGIN_BODY_LIMIT} without auth). */
  bodyLimit?: number;
}

/**
 * Largest body of an authenticated call (CherryPy's own default is 100 MiB). Bodies are a few
 * fields; 16 MiB still lets a client send what real Ceph refuses by content (a 10 MB image name),
 * and only after its token has been checked.
 */
export const CEPH_BODY_LIMIT = 16 * 1024 * 1024;

/** Largest body of a call without a token (`POST /api/auth` takes a user name and a password). */
export const CEPH_LOGIN_BODY_LIMIT = 4 * 1024;

export interface CephContext {
  request: RouteRequest;
  user: UserState | undefined;
  /** The parsed JSON body of a POST/PUT (`{}` when empty is allowed). */
  body: Record<string, unknown>;
  /** The version this endpoint speaks, for `reply()`. */
  version: string;
}

export type CephHandler = (ctx: CephContext) => RouteResponse | Promise<RouteResponse>;

const VERSION_RE = /^application\/vnd\.ceph\.api\.v(\d+)\.(\d+)\+json/;

/** 415 unless the Accept header asks for this endpoint's major version and a minor it has. */
function checkVersion(accept: string | undefined, version: string): RouteResponse | undefined {
  const match = VERSION_RE.exec(accept ?? "");
  if (match === null) return frameworkError(415, "Unable to find version in request header");
  const [major, minor] = version.split(".").map(Number) as [number, number];
  const requested = `${match[1]}.${match[2]}`;
  if (Number(match[1]) !== major || Number(match[2]) > minor) {
    return frameworkError(
      415,
      `Incorrect version: endpoint is '${version}', client requested '${requested}'`,
    );
  }
  return undefined;
}

function tokenOf(headers: Readonly<Record<string, string>>): string | undefined {
  const cookie = /(?:^|;\s*)token=([^;]+)/.exec(headers.cookie ?? "");
  if (cookie?.[1]) return cookie[1];
  const auth = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return auth?.[1]?.trim();
}

/** The user a request's token belongs to, or `undefined` (bad, expired, revoked, unknown user). */
export function authenticate(
  state: CephState,
  request: Pick<RouteRequest, "headers">,
): UserState | undefined {
  const token = tokenOf(request.headers);
  return token === undefined ? undefined : verifyToken(state, token);
}

export function hasPermission(user: UserState, scope: string, permission: Permission): boolean {
  if (user.roles.includes("administrator")) return true;
  if (user.roles.includes("read-only")) return permission === "read";
  return user.roles.includes(`${scope}-manager`);
}

/**
 * What the dashboard decides before the body: the token (401), the role (403), the Accept version
 * (415). Only headers are needed, so `serve()` runs it before reading a body (`beforeBody`).
 */
function checkHead(
  state: CephState,
  spec: CephRouteSpec,
  head: Pick<RouteHead, "headers">,
): { answer: RouteResponse } | { user: UserState | undefined } {
  let user: UserState | undefined;
  if (spec.auth !== false) {
    user = authenticate(state, head);
    if (user === undefined)
      return { answer: frameworkError(401, "You are not authorized to access that resource") };
    if (spec.scope !== undefined && !hasPermission(user, spec.scope, spec.permission ?? "read")) {
      return { answer: frameworkError(403, "You don't have permissions to access that resource") };
    }
  }
  const versionError = checkVersion(head.headers.accept, spec.version);
  return versionError !== undefined ? { answer: versionError } : { user };
}

/** The JSON body of a POST/PUT: `{}` when empty; 411, 400 or 500 answers as CherryPy gives them. */
function readBody(
  spec: CephRouteSpec,
  request: RouteRequest,
): { body: Record<string, unknown> } | { answer: RouteResponse } {
  if (spec.method !== "POST" && spec.method !== "PUT") return { body: {} };
  if (request.body.byteLength === 0) {
    if (
      request.headers["content-length"] === undefined &&
      request.headers["transfer-encoding"] === undefined
    ) {
      return { answer: frameworkError(411, "Client must specify Content-Length") };
    }
    return { body: {} };
  }
  let parsed: unknown;
  try {
    parsed = parseJsonBody(request.text(), CEPH_JSON_BUDGET);
  } catch (error) {
    if (error instanceof JsonBodyError) return { answer: frameworkError(400, "Invalid JSON document") };
    throw error;
  }
  // CherryPy's JSON tool hands non-objects to the handler, which then fails: a 500.
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw internalError();
  return { body: parsed as Record<string, unknown> };
}

/** Dashboard bodies are flat objects of a few fields (a pool's or an image's settings). */
const CEPH_JSON_BUDGET = { ...DEFAULT_JSON_BUDGET, maxDepth: 32, maxValues: 10_000 };

export function cephRoute(state: CephState, spec: CephRouteSpec, handler: CephHandler): Route {
  return {
    method: spec.method,
    path: spec.path,
    bodyType: "json",
    bodyLimit: spec.bodyLimit ?? (spec.auth === false ? CEPH_LOGIN_BODY_LIMIT : CEPH_BODY_LIMIT),
    beforeBody: (head) => {
      const checked = checkHead(state, spec, head);
      return "answer" in checked ? checked.answer : undefined;
    },
    handler: async (request) => {
      try {
        settleTasks(state);
        const checked = checkHead(state, spec, request);
        if ("answer" in checked) return checked.answer;
        const read = readBody(spec, request);
        if ("answer" in read) return read.answer;
        return await handler({ request, user: checked.user, body: read.body, version: spec.version });
      } catch (error) {
        if (error instanceof CephFailure) return error.response;
        return frameworkError(500, GENERIC_500);
      }
    },
  };
}

/** A required body field, or the dashboard's 500 (it raises a TypeError on a missing argument). */
export function required<T = unknown>(body: Record<string, unknown>, name: string): T {
  if (!(name in body)) throw internalError();
  return body[name] as T;
}

/** An integer argument (`pg_num: "many"` is a 500 in Pacific). */
export function integer(value: unknown): number {
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) throw internalError();
  return n;
}
