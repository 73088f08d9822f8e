/**
 * How the Ceph dashboard (CherryPy) answers, as recorded from Pacific 16.2.15: the headers of
 * every response, the three error body shapes, the versioned media types (415 otherwise), JWT
 * authentication (401) and role permissions (403), 411 for a POST/PUT without a body and 400 for
 * malformed JSON. `cephRoute()` wraps a handler with all of it.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Route, RouteRequest, RouteResponse } from "../common/routes.js";
import { verifyToken } from "./jwt.js";
import type { CephState, UserState } from "./state.js";
import { settleTasks } from "./tasks.js";

const COMMON_HEADERS = {
  Server: "Ceph-Dashboard",
  "Content-Security-Policy": "frame-ancestors 'self';",
  "X-Content-Type-Options": "nosniff",
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
  Vary: "Accept-Encoding",
};

export function mediaType(version: string): string {
  return `application/vnd.ceph.api.v${version}+json`;
}

/** A success (or a task error, which the dashboard sends with the versioned media type). */
export function reply(
  status: number,
  body: unknown,
  version = "1.0",
  headers: Record<string, string | string[]> = {},
): RouteResponse {
  return {
    status,
    headers: { "Content-Type": mediaType(version), ...COMMON_HEADERS, ...headers },
    body: status === 204 ? undefined : (body as RouteResponse["body"]),
  };
}

/**
 * CherryPy's own errors: `{status: "404 Not Found", detail, request_id}`. An unhandled exception
 * (500) skips the tool that adds `Vary`.
 */
export function frameworkError(
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): RouteResponse {
  const { Vary: _vary, ...withoutVary } = COMMON_HEADERS;
  return {
    status,
    headers: {
      "Content-Type": "application/json",
      ...(status === 500 ? withoutVary : COMMON_HEADERS),
      ...headers,
    },
    body: { status: `${status} ${STATUS_CODES[status] ?? ""}`.trim(), detail, request_id: randomUUID() },
  };
}

export const GENERIC_500 =
  "The server encountered an unexpected condition which prevented it from fulfilling the request.";

/** An error the handlers throw; `cephRoute()` turns it into its response. */
export class CephFailure extends Error {
  readonly response: RouteResponse;
  /** What a failed task records as its `exception`. */
  readonly exception: unknown;
  constructor(response: RouteResponse, exception?: unknown) {
    super(typeof response.body === "object" ? JSON.stringify(response.body) : String(response.status));
    this.response = response;
    this.exception = exception ?? response.body;
  }
}

/** Dashboard errors: `{detail, code, component}` (400, application/json). */
export function dashboardError(
  detail: string,
  code: string,
  component: string | null,
  status = 400,
): CephFailure {
  return new CephFailure({
    status,
    headers: { "Content-Type": "application/json", ...COMMON_HEADERS },
    body: { detail, code, component },
  });
}

/** Errors raised inside a task: `{detail, code, component, status, task}` with the vnd media type. */
export function taskError(
  task: { name: string; metadata: Record<string, unknown> },
  detail: string,
  code: string | number,
  component: string | null,
  status = 400,
): CephFailure {
  return new CephFailure(reply(status, { detail, code, component, status, task }));
}

/** A Python exception (not a Ceph error) inside a task: 500 `{detail, component: null, status, task}`. */
export function taskException(
  task: { name: string; metadata: Record<string, unknown> },
  detail: string,
): CephFailure {
  return new CephFailure(reply(500, { detail, component: null, status: 500, task }));
}

/** An unhandled exception in the dashboard: always a generic 500. */
export function internalError(): CephFailure {
  return new CephFailure(frameworkError(500, GENERIC_500));
}

export function notFound(detail = "Nothing matches the given URI"): CephFailure {
  return new CephFailure(frameworkError(404, detail));
}

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
}

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

function tokenOf(request: RouteRequest): string | undefined {
  const cookie = /(?:^|;\s*)token=([^;]+)/.exec(request.headers.cookie ?? "");
  if (cookie?.[1]) return cookie[1];
  const auth = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
  return auth?.[1]?.trim();
}

/** The user a request's token belongs to, or `undefined` (bad, expired, revoked, unknown user). */
export function authenticate(state: CephState, request: RouteRequest): UserState | undefined {
  const token = tokenOf(request);
  return token === undefined ? undefined : verifyToken(state, token);
}

export function hasPermission(user: UserState, scope: string, permission: Permission): boolean {
  if (user.roles.includes("administrator")) return true;
  if (user.roles.includes("read-only")) return permission === "read";
  return user.roles.includes(`${scope}-manager`);
}

export function cephRoute(state: CephState, spec: CephRouteSpec, handler: CephHandler): Route {
  return {
    method: spec.method,
    path: spec.path,
    handler: async (request) => {
      try {
        settleTasks(state);
        let user: UserState | undefined;
        if (spec.auth !== false) {
          user = authenticate(state, request);
          if (user === undefined)
            return frameworkError(401, "You are not authorized to access that resource");
          if (spec.scope !== undefined && !hasPermission(user, spec.scope, spec.permission ?? "read")) {
            return frameworkError(403, "You don't have permissions to access that resource");
          }
        }
        const versionError = checkVersion(request.headers.accept, spec.version);
        if (versionError !== undefined) return versionError;
        let body: Record<string, unknown> = {};
        if (spec.method === "POST" || spec.method === "PUT") {
          if (request.body.byteLength === 0) {
            if (
              request.headers["content-length"] === undefined &&
              request.headers["transfer-encoding"] === undefined
            ) {
              return frameworkError(411, "Client must specify Content-Length");
            }
          } else {
            let parsed: unknown;
            try {
              parsed = JSON.parse(request.text());
            } catch {
              return frameworkError(400, "Invalid JSON document");
            }
            // CherryPy's JSON tool hands non-objects to the handler, which then fails: a 500.
            if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw internalError();
            body = parsed as Record<string, unknown>;
          }
        }
        return await handler({ request, user, body, version: spec.version });
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
