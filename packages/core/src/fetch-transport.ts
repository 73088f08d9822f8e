/**
 * A transport over a WHATWG `fetch` (docs/DESIGN.md §3), for users who intercept `globalThis.fetch`
 * with msw `setupServer`, or who run where undici's Agent is not wanted.
 *
 * Deadlines: `request()`'s per-call `timeout` reaches the fetch as an AbortSignal, so the fetch
 * itself is cancelled (connection included) when the deadline passes, at any phase. The optional
 * `headersTimeout` bounds connect + response headers only. There is no connect or body timeout of
 * its own (a slow body is bounded only by the per-call `timeout`), and no `maxResponseBytes`: the
 * body is read whole by `arrayBuffer()`.
 */
import { InvalidRequestError, TimeoutError } from "./errors.js";
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

export interface FetchTransportOptions {
  /**
   * Deadline from sending the request until the response headers arrive (connecting included),
   * ms; `TimeoutError` phase `headers`, and the fetch is aborted. Default: none of our own.
   */
  headersTimeout?: number | undefined;
}

/**
 * Aborts with a `TimeoutError` (phase `headers`) after `ms`, or with the caller's reason; `clear()`
 * stops the timer once the headers are in. Without `ms` the caller's signal is used as it is.
 */
function headersDeadline(ms: number | undefined, req: TransportRequest) {
  if (ms === undefined) return { signal: req.signal, clear: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new TimeoutError({ timeout: ms, phase: "headers", method: req.method, url: req.url }));
  }, ms);
  const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
  return { signal, clear: () => clearTimeout(timer) };
}

/** Creates a transport that calls `fetch` (by default `globalThis.fetch`, looked up at each call). */
export function fetchTransport(fetch?: FetchLike, options: FetchTransportOptions = {}): Transport {
  const { headersTimeout } = options;
  if (
    headersTimeout !== undefined &&
    (typeof headersTimeout !== "number" || !Number.isFinite(headersTimeout) || headersTimeout < 0)
  ) {
    throw new InvalidRequestError("headersTimeout must be a finite number of milliseconds >= 0", {
      code: "ERR_INVALID_OPTION",
    });
  }
  return async (req: TransportRequest): Promise<TransportResponse> => {
    const { href, authorization } = parseRequestUrl(req.url);
    let headers = req.headers;
    if (authorization !== undefined && !hasHeader(headers, "authorization")) {
      headers = { ...headers, authorization };
    }
    const impl = fetch ?? (globalThis.fetch as unknown as FetchLike);
    const deadline = headersDeadline(headersTimeout, req);
    try {
      const response = await impl(href, {
        method: req.method,
        headers,
        body: req.body,
        signal: deadline.signal,
        // Redirects are the client's business, as with undici's request().
        redirect: "manual",
      });
      deadline.clear();
      const out: Headers = {};
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") out[name] = value;
      });
      const cookies = response.headers.getSetCookie?.() ?? [];
      if (cookies.length > 0) out["set-cookie"] = cookies.join("\n");
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: out, body };
    } catch (error) {
      // Our headers deadline aborted the fetch: its reason is the TimeoutError.
      const reason =
        deadline.signal !== req.signal && deadline.signal?.aborted ? deadline.signal.reason : error;
      throw toTransportError(reason, { method: req.method, url: req.url, signal: req.signal });
    } finally {
      deadline.clear();
    }
  };
}
