import {
  NetworkError,
  parseRequestUrl,
  raceAbort,
  type Transport,
  type TransportRequest,
} from "@homelab-kit/core";
import { dispatchInProcess } from "./in-process.js";
import type { Fault, RouteTable } from "./route-table.js";
import { compileRoutes } from "./router.js";

export interface RoutesTransportOptions {
  /** Largest request body in bytes, as `serve()`'s option. Default 1 MiB. */
  bodyLimit?: number;
}

const encoder = new TextEncoder();

/** What a socket client (undici) reports for each injected fault. */
const FAULT_ERRORS: Record<Fault, { code: string; message: string }> = {
  reset: { code: "ECONNRESET", message: "connection reset by the emulator (injected fault)" },
  close: {
    code: "UND_ERR_SOCKET",
    message: "connection closed by the emulator before answering (injected fault)",
  },
  truncate: {
    code: "UND_ERR_SOCKET",
    message: "connection closed by the emulator in the middle of the body (injected fault)",
  },
};

/**
 * A core {@link Transport} that calls the route table in-process: no sockets, no ports, the
 * same answers as `serve()` on the same table. Faults reject with core's `NetworkError`; an abort
 * rejects with the caller's `signal.reason`, untouched.
 */
export function routesTransport(routes: RouteTable, options: RoutesTransportOptions = {}): Transport {
  const compiled = compileRoutes(routes);
  return async (request: TransportRequest) => {
    const { signal } = request;
    signal?.throwIfAborted();
    // Checked as core's transports check it (InvalidRequestError without echoing the URL).
    const url = parseRequestUrl(request.url);
    const headers: Record<string, string> = {};
    for (const name of Object.keys(request.headers)) {
      const value = request.headers[name] as string;
      const lower = name.toLowerCase();
      headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
    }
    // As core's transports do: URL user-info becomes Basic authorization (unless one is given).
    if (url.authorization !== undefined && headers.authorization === undefined) {
      headers.authorization = url.authorization;
    }
    const body =
      request.body === undefined
        ? new Uint8Array(0)
        : typeof request.body === "string"
          ? encoder.encode(request.body)
          : request.body;
    if (body.byteLength > 0 && headers["content-length"] === undefined)
      headers["content-length"] = String(body.byteLength);
    if (headers.host === undefined) headers.host = url.host;
    const method = request.method.toUpperCase();
    const call = dispatchInProcess(
      compiled,
      { method, target: url.path, headers },
      body,
      signal,
      options.bodyLimit,
    );
    const result = await (signal === undefined ? call : raceAbort(call, signal));
    if (result.kind === "fault") {
      const { code, message } =
        result.cause === undefined
          ? FAULT_ERRORS[result.fault]
          : {
              code: "UND_ERR_SOCKET",
              message: "the route's response stream failed in the middle of the body",
            };
      throw new NetworkError(message, { method, url: request.url, code, cause: result.cause });
    }
    return { status: result.status, headers: result.headers, body: result.body };
  };
}
