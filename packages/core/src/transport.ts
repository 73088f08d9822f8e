/**
 * The transport contract every homelab-kit client speaks (docs/DESIGN.md §3).
 *
 * Plain data in and out: no WHATWG `Request`/`Response` classes, so copies of undici,
 * fetch polyfills and in-process route tables can all stand behind it.
 */

/** Header names are lower-case in responses; requests may use any case. */
export type Headers = Record<string, string>;

export interface TransportRequest {
  method: string;
  url: string;
  headers: Headers;
  body?: Uint8Array | string | undefined;
  /** Aborts the request. The transport rejects with `signal.reason`, untouched. */
  signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  /** Lower-case header names; repeated headers are joined with ", " (set-cookie with "\n"). */
  headers: Headers;
  body: Uint8Array;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport that owns sockets can be closed; in-process transports need not implement it. */
export interface ClosableTransport extends Transport {
  close(): Promise<void>;
}
