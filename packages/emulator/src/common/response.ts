import type { Fault, Framing, RouteBody, RouteResponse } from "./route-table.js";

/** A {@link RouteResponse} with defaults applied and the body encoded: what every front end writes. */
export interface NormalizedResponse {
  status: number;
  statusText: string | undefined;
  /** Flat list `[name, value, name, value, …]`, names in the case given (node's raw header form). */
  headers: string[];
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined;
  framing: Framing;
  keepAlive: boolean | undefined;
  fault: Fault | undefined;
}

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json";
const OCTETS = "application/octet-stream";

export function normalizeResponse(response: RouteResponse): NormalizedResponse {
  const { body, contentType } = encodeBody(response.body);
  const headers: string[] = [];
  if (response.rawHeaders !== undefined) {
    for (const [name, value] of response.rawHeaders) headers.push(name, value);
  } else {
    let hasContentType = false;
    if (response.headers !== undefined) {
      for (const name of Object.keys(response.headers)) {
        const value = response.headers[name];
        if (value === undefined) continue;
        if (!hasContentType && name.toLowerCase() === "content-type") hasContentType = true;
        if (typeof value === "string") headers.push(name, value);
        else for (const item of value as readonly string[]) headers.push(name, item);
      }
    }
    if (!hasContentType && contentType !== undefined) headers.push("content-type", contentType);
  }
  return {
    status: response.status ?? 200,
    statusText: response.statusText,
    headers,
    body,
    framing: response.framing ?? "auto",
    keepAlive: response.keepAlive,
    fault: response.fault,
  };
}

function encodeBody(body: RouteBody): {
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined;
  contentType: string | undefined;
} {
  if (body === undefined) return { body: undefined, contentType: undefined };
  if (typeof body === "string") return { body: Buffer.from(body, "utf8"), contentType: TEXT };
  if (body instanceof Uint8Array) return { body, contentType: OCTETS };
  if (isAsyncIterable(body)) return { body, contentType: OCTETS };
  return { body: Buffer.from(JSON.stringify(body), "utf8"), contentType: JSON_TYPE };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/**
 * The header that delimits the body on the wire, as `serve()` writes it (and so as a socket client
 * sees it): `content-length` for bytes, `transfer-encoding: chunked` for streams and `framing:
 * "chunked"`, nothing for `framing: "close"`, a body-less status, or a length the handler set.
 * `body` is the encoded body, `"stream"` for an async iterable, or undefined for none.
 */
export function framingHeader(
  normalized: NormalizedResponse,
  body: Uint8Array | "stream" | undefined,
): [name: string, value: string] | undefined {
  if (normalized.framing === "close") return undefined;
  const headers = normalized.headers;
  if (hasHeader(headers, "content-length") || hasHeader(headers, "transfer-encoding")) return undefined;
  // 1xx, 204 and 304 never carry a body, whatever framing the route asked for.
  if (body === undefined && noBodyStatus(normalized.status)) return undefined;
  if (body === "stream" || normalized.framing === "chunked") return ["transfer-encoding", "chunked"];
  return ["content-length", String(body === undefined ? 0 : body.byteLength)];
}

export function hasHeader(flat: readonly string[], lowerName: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if ((flat[i] as string).toLowerCase() === lowerName) return true;
  return false;
}

function noBodyStatus(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** Reads a whole body into one buffer (streams are drained; chunks may be strings from user code). */
export async function collectBody(
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined,
): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
  return Buffer.concat(chunks);
}

/** Header list → lower-case record, repeated values joined with ", " (set-cookie with "\n"), as core's contract says. */
export function headerRecord(flat: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = (flat[i] as string).toLowerCase();
    const value = flat[i + 1] as string;
    const previous = record[name];
    record[name] =
      previous === undefined ? value : `${previous}${name === "set-cookie" ? "\n" : ", "}${value}`;
  }
  return record;
}
