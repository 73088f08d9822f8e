/**
 * The request executor every client uses (README: "request()"): per-call options over client
 * defaults, a total deadline, opt-in retries, and HTTP status → error mapping that clients can
 * replace with their own API errors.
 */

import { createDeadline, raceAbort, sleep } from "./deadline.js";
import { ApiError, HttpError, InvalidRequestError, TimeoutError } from "./errors.js";
import { type RetryOptions, resolveRetryPolicy, retryDecision } from "./retry.js";
import type { Transport, TransportRequest, TransportResponse } from "./transport.js";

/** The options every client method takes last: `{signal, timeout, retry}`. */
export interface CallOptions {
  /** Aborts the call; its reason is rethrown untouched. */
  signal?: AbortSignal | undefined;
  /** Total deadline in ms over every attempt and backoff wait; `TimeoutError` (phase "total") when it passes. */
  timeout?: number | undefined;
  /** Retries (opt-in): `true`, a limit, or a policy (see retry.ts). `false` turns off a client default. */
  retry?: RetryOptions | undefined;
}

export interface ApiRequest extends Omit<TransportRequest, "signal"> {
  /** Marks a request safe to repeat whatever its method (XML-RPC `*.info` calls are POSTs). */
  idempotent?: boolean | undefined;
}

export interface ApiResponse extends TransportResponse {
  /** How many attempts were made (1 when there was no retry). */
  attempts: number;
}

/**
 * Maps a final response to the error to throw, or `undefined` to return it. Clients pass their own
 * (for a CephApiError, say); `false` returns every response whatever its status.
 */
export type HttpErrorMapper = (response: TransportResponse, request: ApiRequest) => Error | undefined;

export interface RequestOptions extends CallOptions {
  /** The client's defaults; each call option that is not `undefined` overrides its default. */
  defaults?: CallOptions | undefined;
  /** Defaults to {@link defaultHttpError}: an `HttpError` for any status >= 400. */
  httpError?: HttpErrorMapper | false | undefined;
}

/** The default mapping: `HttpError` for status >= 400, nothing otherwise. */
export function defaultHttpError(response: TransportResponse, request: ApiRequest): HttpError | undefined {
  if (response.status < 400) return undefined;
  return new HttpError({ request, response });
}

function validate(req: ApiRequest): void {
  if (req === null || typeof req !== "object") throw new InvalidRequestError("request must be an object");
  if (typeof req.method !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(req.method)) {
    throw new InvalidRequestError("request.method must be an HTTP method token");
  }
  if (typeof req.url !== "string") throw new InvalidRequestError("request.url must be a string");
}

function withAttempts<E>(error: E, attempts: number): E {
  if (error instanceof ApiError) error.attempts = attempts;
  return error;
}

/**
 * Sends `req` through `transport`, retrying as the retry policy allows, within the total deadline.
 *
 * Resolves with the response (and `attempts`) when `httpError` maps it to nothing; rejects with:
 * the caller's abort reason (untouched), `TimeoutError` (our deadline), what the transport threw
 * (`NetworkError`, `TimeoutError` per phase, `InvalidRequestError`), or what `httpError` returned.
 * `ApiError`s carry `attempts`.
 */
export async function request(
  transport: Transport,
  req: ApiRequest,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  validate(req);
  const defaults = options.defaults ?? {};
  const timeout = options.timeout ?? defaults.timeout;
  const policy = resolveRetryPolicy(options.retry !== undefined ? options.retry : defaults.retry);
  const mapHttpError = options.httpError === undefined ? defaultHttpError : options.httpError;
  const { idempotent } = req;
  let ourTimeout: TimeoutError | undefined;
  const deadline = createDeadline({
    timeout,
    signals: [options.signal, defaults.signal],
    onTimeout: (ms) => {
      ourTimeout = new TimeoutError({ timeout: ms, phase: "total", method: req.method, url: req.url });
      return ourTimeout;
    },
  });
  const { signal } = deadline;
  // The caller's reason is rethrown untouched; only our own TimeoutError learns the attempt count.
  const aborted = (attempt: number): unknown => {
    const reason = deadline.reason();
    return reason === ourTimeout ? withAttempts(reason, attempt) : reason;
  };
  try {
    for (let attempt = 1; ; attempt++) {
      let response: TransportResponse | undefined;
      let failure: unknown;
      try {
        if (signal === undefined) {
          // The transport ignores `idempotent`; no copy on the hot path.
          response = await transport(req);
        } else {
          if (signal.aborted) throw aborted(attempt);
          response = await raceAbort(transport({ ...req, signal }), signal);
        }
      } catch (error) {
        if (deadline.aborted()) throw aborted(attempt);
        failure = error;
      }
      const decision = retryDecision(policy, {
        attempt,
        method: req.method,
        idempotent,
        status: response?.status,
        headers: response?.headers,
        error: failure,
      });
      if (!decision.retry || decision.delay >= deadline.remaining()) {
        if (response === undefined) throw withAttempts(failure, attempt);
        const error = mapHttpError === false ? undefined : mapHttpError(response, req);
        if (error !== undefined) throw withAttempts(error, attempt);
        return { status: response.status, headers: response.headers, body: response.body, attempts: attempt };
      }
      try {
        await sleep(decision.delay, signal);
      } catch {
        throw aborted(attempt);
      }
    }
  } finally {
    deadline.dispose();
  }
}
