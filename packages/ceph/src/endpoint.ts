/**
 * Endpoints as data (octokit style): each resource file declares a table of these, taken from the
 * dashboard's OpenAPI document (`openapi-pacific.yaml`), and `call()` (request.ts) executes them.
 */
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface Endpoint<S extends z.ZodType | undefined = z.ZodType | undefined> {
  method: HttpMethod;
  /** The OpenAPI path template: `/api/pool/{pool_name}`. */
  path: string;
  /** The `Accept: application/vnd.ceph.api.v<version>+json` version the OpenAPI document gives. */
  version: `${number}.${number}`;
  /** Schema of a 200/201 body; `undefined` for endpoints answering `null` or nothing. */
  response: S;
  /**
   * A task endpoint (`@Task` in the dashboard): it may answer 202 `{name, metadata}` after ~2 s
   * and finish later; `call()` then waits for it through `/api/task`.
   */
  task?: boolean;
}

/** What an endpoint resolves to: the schema's output, or `undefined` (a `null` or empty body). */
export type EndpointResult<E extends Endpoint> = E["response"] extends z.ZodType
  ? z.output<E["response"]>
  : undefined;

/** The key of an endpoint in the client's `apiVersions` option: `"GET /api/host"`. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.method} ${endpoint.path}`;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface EndpointInput {
  /** Values for the `{name}` segments of the path; percent-encoded here (`pool/img` → `pool%2Fimg`). */
  path?: Record<string, string | number>;
  /** Query parameters; `undefined` values are left out, arrays are joined with commas. */
  query?: Record<string, QueryValue>;
  /** The JSON body (POST/PUT always send one: the dashboard answers 411 without it). */
  body?: unknown;
}

/** Builds the URL of an endpoint under the dashboard's base URL. */
export function endpointUrl(baseUrl: string, endpoint: Endpoint, input: EndpointInput = {}): string {
  const path = endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = input.path?.[name];
    if (value === undefined || value === "")
      throw new TypeError(`missing path parameter ${name} for ${endpoint.path}`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (value === undefined) continue;
    query.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  const qs = query.toString();
  return `${baseUrl.replace(/\/+$/, "")}${path}${qs ? `?${qs}` : ""}`;
}

/** The media type of an API version: `application/vnd.ceph.api.v1.0+json`. */
export function mediaType(version: string): string {
  return `application/vnd.ceph.api.v${version}+json`;
}
