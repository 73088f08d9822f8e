/**
 * Maps what a transport throws to the shared errors: the abort reason untouched, undici's
 * connect/headers/body timeouts to `TimeoutError`, an oversized body to `ResponseTooLargeError`,
 * bad arguments to `InvalidRequestError`, and every other failure to `NetworkError` with the
 * original error as `cause`.
 */
import {
  ApiError,
  InvalidRequestError,
  NetworkError,
  ResponseTooLargeError,
  TimeoutError,
  type TimeoutPhase,
} from "./errors.js";

/** The timeouts a transport was configured with, to report in `TimeoutError.timeout`. */
export interface PhaseTimeouts {
  connect?: number | undefined;
  headers?: number | undefined;
  body?: number | undefined;
}

const TIMEOUT_PHASES: Record<string, Exclude<TimeoutPhase, "total">> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "headers",
  UND_ERR_BODY_TIMEOUT: "body",
};

const INVALID_ARGUMENT = new Set([
  "UND_ERR_INVALID_ARG",
  "ERR_INVALID_ARG_TYPE",
  "ERR_INVALID_ARG_VALUE",
  "ERR_INVALID_URL",
]);

/**
 * Returns the error to throw for `error`, raised while sending `method url`.
 * When `signal` has aborted, that is `signal.reason`, whatever `error` says.
 */
export function toTransportError(
  error: unknown,
  context: {
    method: string;
    url: string;
    signal?: AbortSignal | undefined;
    timeouts?: PhaseTimeouts;
    /** The transport's `maxResponseBytes`, reported by `ResponseTooLargeError`. */
    maxResponseBytes?: number | undefined;
  },
): unknown {
  if (context.signal?.aborted) return context.signal.reason;
  if (error instanceof ApiError) return error;
  // fetch wraps the undici error: TypeError("fetch failed", { cause })
  const inner =
    error instanceof TypeError && error.message === "fetch failed" && error.cause instanceof Error
      ? error.cause
      : error;
  const code = (inner as { code?: unknown } | null)?.code;
  const { method, url } = context;
  if (typeof code === "string") {
    const phase = TIMEOUT_PHASES[code];
    if (phase !== undefined) {
      return new TimeoutError({ timeout: context.timeouts?.[phase] ?? 0, phase, method, url, cause: inner });
    }
    if (code === "UND_ERR_RES_EXCEEDED_MAX_SIZE") {
      return new ResponseTooLargeError({ limit: context.maxResponseBytes ?? 0, method, url, cause: inner });
    }
    if (INVALID_ARGUMENT.has(code)) {
      const message = inner instanceof Error ? inner.message : "invalid argument";
      return new InvalidRequestError(`Invalid request: ${message}`, { cause: inner });
    }
  }
  const message = inner instanceof Error && inner.message !== "" ? inner.message : "request failed";
  return new NetworkError(`Network error: ${message}`, { method, url, cause: inner });
}
