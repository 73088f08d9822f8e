/**
 * Route tables: the one shape every emulator adapter (Ceph, iLO, OpenNebula) produces
 * (docs/DESIGN.md §3, §5). A table is plain data; the same table is
 * - served on node:http(s) by `serve()`,
 * - called in-process by `routesTransport()` (no sockets),
 * - turned into msw handlers by `toMswHandlers()` (`@homelab-kit/emulator/msw`).
 *
 * Handlers take a plain {@link RouteRequest} and return a plain {@link RouteResponse}.
 */

/** Methods a route can answer. `ALL` matches every method (a catch-all for a path). */
export type RouteMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "ALL";

/** The request a handler sees: plain data plus two body helpers (call them as `req.text()`, not detached). */
export interface RouteRequest {
  /** Upper-case method as received, e.g. `"GET"`. */
  method: string;
  /** Path without the query string, percent-encoding kept as received: `/api/pool/rbd`. */
  path: string;
  /** Path parameters: `/api/pool/:name` gives `{name}` (decoded); a trailing `*` gives `{"*": rest}`. */
  params: Readonly<Record<string, string>>;
  /** Query parameters, decoded; a repeated name keeps its last value (see `searchParams` for all). */
  query: Readonly<Record<string, string>>;
  /** The full query, for repeated names. */
  searchParams: URLSearchParams;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The whole request body (chunked bodies are reassembled); empty when there is none. */
  body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; throws {@link RouteError} 400 when it is not valid JSON. */
  json<T = unknown>(): T;
  /** Aborted when the client goes away (or the in-process caller aborts). */
  signal: AbortSignal;
  /**
   * The local end of the connection the request arrived on: the address and port the client
   * connected to, whatever its `Host` header says. Set by `serve()` only (undefined in-process and
   * under msw, where there is no socket).
   */
  readonly local?: ConnectionEnd | undefined;
  /** The client's end of the connection (its address and port); set by `serve()` only. */
  readonly remote?: ConnectionEnd | undefined;
}

/** One end of a TCP connection. */
export interface ConnectionEnd {
  address: string;
  port: number;
}

/**
 * A response body:
 * - `string`: sent as UTF-8 (default content-type `text/plain; charset=utf-8`);
 * - `Uint8Array`: sent as is (default `application/octet-stream`);
 * - `AsyncIterable<Uint8Array>`: streamed chunk by chunk (chunked unless a content-length is set);
 * - anything else (object, array, number, boolean, `null`): JSON (default `application/json`).
 * `undefined` means no body.
 */
export type RouteBody =
  | string
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | object
  | number
  | boolean
  | null
  | undefined;

/**
 * How the body is delimited on the wire (`serve()` only; in-process callers just get the bytes):
 * - `"auto"` (default): content-length for known sizes, chunked for streams;
 * - `"content-length"`: always a content-length (a stream is buffered first);
 * - `"chunked"`: always `Transfer-Encoding: chunked`;
 * - `"close"`: no length at all; the body ends when the server closes the connection (HTTP/1.0 style,
 *   as some BMCs answer).
 */
export type Framing = "auto" | "content-length" | "chunked" | "close";

/**
 * Faults injected instead of (or in the middle of) an answer. In-process, `routesTransport()` turns
 * them into the core `NetworkError` a real socket would produce.
 * - `"reset"`: destroy the connection at once, nothing written (the client sees ECONNRESET / socket hang up);
 * - `"close"`: end the connection gracefully without any answer;
 * - `"truncate"`: send the status line, headers and part of the body, then destroy the connection
 *   (the body must be a string or Uint8Array; half of it is sent).
 */
export type Fault = "reset" | "close" | "truncate";

export interface RouteResponse {
  /** Default 200. */
  status?: number;
  /** Reason phrase override (`"OK"` by default): raw control of the status line. */
  statusText?: string;
  /** Header names in any case; an array value sends the header several times (set-cookie). */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  body?: RouteBody;
  /**
   * Headers written verbatim, in this order and case, INSTEAD of `headers` and of the defaults
   * (no automatic content-type; `serve()` still adds the framing header unless `framing` is "close").
   */
  rawHeaders?: ReadonlyArray<readonly [name: string, value: string]>;
  framing?: Framing;
  /** Keep the connection open after this answer (default: as the client asked). `false` closes it. */
  keepAlive?: boolean;
  fault?: Fault;
  /**
   * Raw escape hatch: these exact bytes are written to the socket (status line, headers, body and all)
   * and the connection is then closed (a string is sent as UTF-8). In-process callers get them
   * parsed as HTTP/1.x.
   */
  raw?: string | Uint8Array;
}

export type RouteHandler = (request: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/** What is known of a request before its body is read: no `body`, `text()` or `json()`. */
export type RouteHead = Pick<RouteRequest, "method" | "path" | "params" | "headers">;

/**
 * What a route's request body must be labelled as, on a socket (`serve()`, unless
 * `allowBrowserRequests`): `"json"` an `application/json` (or `application/…+json`) body,
 * `"text/xml"` a `text/xml` body (XML-RPC, as xmlrpc-c requires). Every route, declared or not,
 * refuses the types a web form or a cross-origin page can send (`application/x-www-form-urlencoded`,
 * `multipart/form-data`, `text/plain`). See `browser-guard.ts`.
 */
export type RouteBodyType = "json" | "text/xml";

export interface Route {
  method: RouteMethod;
  /**
   * A find-my-way pattern: static segments, `:name` parameters (`/api/pool/:name`), and a trailing
   * wildcard `*` (`/redfish/v1/*`). Matched against the path without the query string.
   */
  path: string;
  handler: RouteHandler;
  /** Largest request body accepted, in bytes (default: the server's `bodyLimit`); larger → 413. */
  bodyLimit?: number;
  /**
   * Checks the request head before the body is read (credentials, usually): an answer here is sent
   * at once and the body is never buffered, so a client without credentials cannot make the server
   * hold a large body. Every front end calls it; the handler still sees requests it lets through.
   */
  beforeBody?: (head: RouteHead) => RouteResponse | undefined;
  /** The content type a body must carry on a socket; see {@link RouteBodyType}. */
  bodyType?: RouteBodyType;
}

/** A route table: plain data, usually built by a factory over the emulator's world. */
export type RouteTable = readonly Route[];

/**
 * Throw from a handler to answer with this status and a JSON body `{error: message}`
 * (any other exception becomes a 500).
 */
export class RouteError extends Error {
  override readonly name = "RouteError";
  readonly status: number;
  readonly body: RouteBody;
  constructor(status: number, message: string, body?: RouteBody) {
    super(message);
    this.status = status;
    this.body = body === undefined ? { error: message } : body;
  }
}

export type RouteOptions = Pick<Route, "bodyLimit" | "beforeBody" | "bodyType">;

/** Builds a route; saves repeating property names in big tables. */
export function route(
  method: RouteMethod,
  path: string,
  handler: RouteHandler,
  options?: RouteOptions,
): Route {
  const built: Route = { method, path, handler };
  if (options?.bodyLimit !== undefined) built.bodyLimit = options.bodyLimit;
  if (options?.beforeBody !== undefined) built.beforeBody = options.beforeBody;
  if (options?.bodyType !== undefined) built.bodyType = options.bodyType;
  return built;
}
