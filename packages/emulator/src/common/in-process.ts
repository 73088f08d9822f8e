import { STATUS_CODES } from "node:http";
import {
  checkHead,
  DEFAULT_BODY_LIMIT,
  invoke,
  payloadTooLarge,
  type RequestHead,
  resolve,
} from "./dispatch.js";
import { parseRawResponse } from "./raw-response.js";
import { collectBody, framingHeader, headerRecord, normalizeResponse } from "./response.js";
import type { Fault, RouteResponse } from "./route-table.js";
import type { CompiledRoutes } from "./router.js";

/** What an in-process caller gets back: a full response, or the fault a socket would have shown. */
export type InProcessResult =
  | {
      kind: "response";
      status: number;
      statusText: string;
      headers: Record<string, string>;
      body: Uint8Array;
    }
  | { kind: "fault"; fault: Fault; cause?: unknown };

/**
 * Runs one request through a compiled table without sockets: the same matching, limits, handler
 * call and error mapping as `serve()`, then the body fully read (streams drained), raw responses
 * parsed, and HEAD bodies dropped — what an HTTP client would have received.
 */
export async function dispatchInProcess(
  routes: CompiledRoutes,
  head: RequestHead,
  body: Uint8Array,
  signal: AbortSignal | undefined,
  bodyLimit = DEFAULT_BODY_LIMIT,
): Promise<InProcessResult> {
  const resolution = resolve(routes, head);
  let response: RouteResponse;
  if (resolution.kind === "answer") {
    response = resolution.response;
  } else {
    const limit = resolution.route.bodyLimit ?? bodyLimit;
    response =
      checkHead(resolution.route, resolution.params, head) ??
      (body.byteLength > limit
        ? payloadTooLarge(limit)
        : await invoke(resolution.route, resolution.params, head, body, signal));
  }
  if (response.raw !== undefined) {
    const parsed = parseRawResponse(response.raw);
    return {
      kind: "response",
      status: parsed.status,
      statusText: parsed.statusText,
      headers: headerRecord(parsed.headers),
      body: head.method === "HEAD" ? new Uint8Array(0) : parsed.body,
    };
  }
  const normalized = normalizeResponse(response);
  if (normalized.fault !== undefined) return { kind: "fault", fault: normalized.fault };
  let bytes: Uint8Array;
  try {
    bytes = await collectBody(normalized.body);
  } catch (error) {
    // On a socket the headers are out and the stream just stops: the client sees a cut-off body.
    return { kind: "fault", fault: "truncate", cause: error };
  }
  const headers = headerRecord(normalized.headers);
  const framing =
    normalized.framing === "content-length"
      ? framingHeader(normalized, bytes)
      : framingHeader(
          normalized,
          normalized.body instanceof Uint8Array || normalized.body === undefined ? normalized.body : "stream",
        );
  if (framing !== undefined) headers[framing[0]] = framing[1];
  return {
    kind: "response",
    status: normalized.status,
    statusText: normalized.statusText ?? STATUS_CODES[normalized.status] ?? "",
    headers,
    body: head.method === "HEAD" ? new Uint8Array(0) : bytes,
  };
}
