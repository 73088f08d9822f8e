/**
 * How the Ceph dashboard (CherryPy) answers, as recorded from Pacific 16.2.15: the headers of
 * every response, the versioned media type, and the three error body shapes (CherryPy's own,
 * the dashboard's, a task's). `CephFailure` carries such an answer out of a handler. Kept apart
 * from http.ts (the request side) so that tasks.ts can answer without importing http.ts, which
 * settles the tasks before each request.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { clipText } from "../common/dispatch.js";
import type { RouteResponse } from "../common/route-table.js";

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
    body: {
      status: `${status} ${STATUS_CODES[status] ?? ""}`.trim(),
      detail: clipText(detail),
      request_id: randomUUID(),
    },
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
    body: { detail: clipText(detail), code, component },
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
  return new CephFailure(reply(status, { detail: clipText(detail), code, component, status, task }));
}

/** A Python exception (not a Ceph error) inside a task: 500 `{detail, component: null, status, task}`. */
export function taskException(
  task: { name: string; metadata: Record<string, unknown> },
  detail: string,
): CephFailure {
  return new CephFailure(reply(500, { detail: clipText(detail), component: null, status: 500, task }));
}

/** An unhandled exception in the dashboard: always a generic 500. */
export function internalError(): CephFailure {
  return new CephFailure(frameworkError(500, GENERIC_500));
}

export function notFound(detail = "Nothing matches the given URI"): CephFailure {
  return new CephFailure(frameworkError(404, detail));
}
