/**
 * Refuses requests a web page could forge against an emulator on loopback (`serve()` applies it
 * to every socket request unless `allowBrowserRequests` is set; in-process front ends have no
 * browser to fear). A page the user visits can send a "simple" cross-origin POST (a form, or
 * `fetch` with `mode: "no-cors"`) or rebind its own DNS name to 127.0.0.1; the emulator's default
 * credentials are well known, so either would drive it. Three checks stop both:
 *
 * - `Host` must be an IP literal, `localhost` (or `*.localhost`), or a name the server was told
 *   to accept: a rebound page sends its own DNS name. python-hpilo sends `Host: localhost`; every
 *   other client sends the IP it connects to.
 * - `Origin`, when present, must be a loopback origin (or the server's own host): browsers send it
 *   on every cross-origin request and on every POST; no API client of these protocols sends one.
 * - A body must carry the content type its route declares ({@link RouteBodyType}): XML-RPC only
 *   as `text/xml` (what xmlrpc-c itself requires), JSON APIs only as JSON, and no route takes the
 *   types a form or a simple request can carry (`application/x-www-form-urlencoded`,
 *   `multipart/form-data`, `text/plain`).
 */
import { isIP } from "node:net";
import type { RouteBodyType, RouteResponse } from "./route-table.js";

export interface BrowserGuardOptions {
  /** Host names (without port) accepted besides IP literals and `localhost`; lower case. */
  allowedHosts?: readonly string[];
  /** The address the server is bound to (accepted as a `Host` and as an `Origin` host). */
  boundHost?: string;
}

/** Media types a browser may send cross-origin without a preflight (Fetch §"CORS-safelisted request-header"). */
const FORGEABLE_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

/** How much of a refused header value an answer repeats. */
const ECHO_CHARS = 80;

function clip(value: string): string {
  return value.length > ECHO_CHARS ? `${value.slice(0, ECHO_CHARS)}…` : value;
}

/** `host[:port]` or `[v6][:port]` → the host name, lower case, brackets removed. */
export function hostNameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(":");
  return colon < 0 ? value : value.slice(0, colon);
}

function isLocalhostName(name: string): boolean {
  return name === "localhost" || name.endsWith(".localhost");
}

/** 127.0.0.0/8, ::1, localhost and *.localhost (RFC 6761). */
export function isLoopbackName(name: string): boolean {
  if (isLocalhostName(name)) return true;
  if (isIP(name) === 4) return name.startsWith("127.");
  if (isIP(name) === 6) return name === "::1" || name === "0:0:0:0:0:0:0:1" || name === "::ffff:127.0.0.1";
  return false;
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = (contentType.split(";", 1)[0] ?? "").trim().toLowerCase();
  return type === "" ? undefined : type;
}

function forbidden(reason: string): RouteResponse {
  return {
    status: 403,
    body: {
      error: "Forbidden",
      reason: `${reason} (the emulator refuses requests a web page could forge; start it with --allow-browser-requests to accept them)`,
    },
  };
}

function unsupported(reason: string): RouteResponse {
  return { status: 415, body: { error: "Unsupported Media Type", reason } };
}

/** Whether a body labelled `mediaType` (undefined: no Content-Type) is what the route takes. */
export function bodyTypeProblem(
  bodyType: RouteBodyType | undefined,
  mediaType: string | undefined,
): string | undefined {
  if (mediaType !== undefined && FORGEABLE_TYPES.has(mediaType))
    return `a ${mediaType} body is what a web form or a cross-origin page sends; this API takes ${describe(bodyType)}`;
  if (bodyType === "json") {
    if (
      mediaType === "application/json" ||
      (mediaType?.startsWith("application/") && mediaType.endsWith("+json"))
    )
      return undefined;
    return `this API takes JSON bodies (Content-Type: application/json), not ${mediaType ?? "a body without a Content-Type"}`;
  }
  if (bodyType === "text/xml") {
    if (mediaType === "text/xml") return undefined;
    return `XML-RPC takes text/xml bodies, not ${mediaType ?? "a body without a Content-Type"}`;
  }
  return undefined;
}

function describe(bodyType: RouteBodyType | undefined): string {
  return bodyType === "json" ? "application/json" : bodyType === "text/xml" ? "text/xml" : "XML";
}

/**
 * The refusal for a request a browser could have forged, or undefined when it may proceed.
 * `hasBody`: the request announces a body (content-length > 0 or transfer-encoding).
 */
export function browserGuard(
  headers: Readonly<Record<string, string | undefined>>,
  bodyType: RouteBodyType | undefined,
  hasBody: boolean,
  options: BrowserGuardOptions = {},
): RouteResponse | undefined {
  const bound = options.boundHost?.toLowerCase();
  const host = headers.host;
  if (host !== undefined) {
    const name = hostNameOf(host);
    const accepted =
      isIP(name) !== 0 ||
      isLocalhostName(name) ||
      name === bound ||
      options.allowedHosts?.includes(name) === true;
    if (!accepted)
      return forbidden(`Host "${clip(host)}" is neither an IP address nor localhost (DNS rebinding guard)`);
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    } catch {
      originHost = undefined;
    }
    const accepted =
      originHost !== undefined &&
      (isLoopbackName(originHost) ||
        originHost === bound ||
        options.allowedHosts?.includes(originHost) === true);
    if (!accepted) return forbidden(`cross-origin request from "${clip(origin)}"`);
  }
  if (hasBody) {
    const problem = bodyTypeProblem(bodyType, mediaTypeOf(headers["content-type"]));
    if (problem !== undefined) return unsupported(problem);
  }
  return undefined;
}
