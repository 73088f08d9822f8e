/**
 * A transport over a WHATWG `fetch` (DESIGN.md §3), for users who intercept `globalThis.fetch`
 * with msw `setupServer`, or who run where undici's Agent is not wanted. It has no connect,
 * headers or body timeouts of its own: use the `timeout` call option (a total deadline).
 */
import { hasHeader, parseRequestUrl } from "./request-url.js";
import type { Headers, Transport, TransportRequest, TransportResponse } from "./transport.js";
import { toTransportError } from "./transport-errors.js";

/** The part of `fetch` this transport uses, so that any implementation fits. */
export type FetchLike = (
  input: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: Uint8Array | string | undefined;
    signal?: AbortSignal | undefined;
    redirect?: "manual";
  },
) => Promise<{
  status: number;
  headers: { forEach(callback: (value: string, name: string) => void): void; getSetCookie?: () => string[] };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** Creates a transport that calls `fetch` (by default `globalThis.fetch`, looked up at each call). */
export function fetchTransport(fetch?: FetchLike): Transport {
  return async (req: TransportRequest): Promise<TransportResponse> => {
    const { href, authorization } = parseRequestUrl(req.url);
    let headers = req.headers;
    if (authorization !== undefined && !hasHeader(headers, "authorization")) {
      headers = { ...headers, authorization };
    }
    const impl = fetch ?? (globalThis.fetch as unknown as FetchLike);
    try {
      const response = await impl(href, {
        method: req.method,
        headers,
        body: req.body,
        signal: req.signal,
        // Redirects are the client's business, as with undici's request().
        redirect: "manual",
      });
      const out: Headers = {};
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") out[name] = value;
      });
      const cookies = response.headers.getSetCookie?.() ?? [];
      if (cookies.length > 0) out["set-cookie"] = cookies.join("\n");
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: out, body };
    } catch (error) {
      throw toTransportError(error, { method: req.method, url: req.url, signal: req.signal });
    }
  };
}
