/**
 * The retry policy as pure functions (README: "Retries"): whether an attempt that just finished
 * may be retried, and after how long. No timers, no I/O: `request()` and `waitFor()` do the waiting.
 *
 * Retries are opt-in. When enabled (`retry: true`, a number, or an object) they apply only to
 * idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, or a request marked `idempotent: true`,
 * such as an XML-RPC `*.info` call), on 408/429/500/502/503/504 and on network errors, with
 * exponential backoff and full jitter, honouring `Retry-After` (seconds or HTTP-date, capped).
 */
import { isNetworkError, isTimeoutError } from "./errors.js";
import type { Headers } from "./transport.js";

export interface RetryPolicy {
  /** Retries after the first attempt (so at most `limit + 1` attempts). */
  limit: number;
  /** Methods retried without an explicit `idempotent: true`. Upper-case. */
  methods: readonly string[];
  /** Response statuses that may be retried. */
  statusCodes: readonly number[];
  /** First backoff ceiling in ms; retry n waits `random() * min(backoffLimit, backoffBase * 2^(n-1))`. */
  backoffBase: number;
  /** Largest backoff ceiling in ms. */
  backoffLimit: number;
  /** `Retry-After` values above this (ms) are capped to it. */
  maxRetryAfter: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random: () => number;
}

/** `true` → defaults; a number → that limit; an object → defaults overridden; `false`/`0` → off. */
export type RetryOptions = boolean | number | Partial<RetryPolicy>;

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  limit: 2,
  methods: Object.freeze(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]),
  statusCodes: Object.freeze([408, 429, 500, 502, 503, 504]),
  backoffBase: 300,
  backoffLimit: 10_000,
  maxRetryAfter: 60_000,
  random: Math.random,
});

function nonNegative(name: string, value: number): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new RangeError(`retry.${name} must be a number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Turns the user's `retry` option into a policy, or `undefined` when retries are off. */
export function resolveRetryPolicy(option: RetryOptions | undefined): RetryPolicy | undefined {
  if (option === undefined || option === false || option === 0) return undefined;
  if (option === true) return { ...DEFAULT_RETRY_POLICY };
  if (typeof option === "number") {
    return { ...DEFAULT_RETRY_POLICY, limit: Math.floor(nonNegative("limit", option)) };
  }
  if (typeof option !== "object" || option === null) {
    throw new TypeError(`retry must be a boolean, a number or an object, got ${typeof option}`);
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const [key, value] of Object.entries(option))
    if (value !== undefined) Object.assign(policy, { [key]: value });
  policy.limit = Math.floor(nonNegative("limit", policy.limit));
  nonNegative("backoffBase", policy.backoffBase);
  nonNegative("backoffLimit", policy.backoffLimit);
  nonNegative("maxRetryAfter", policy.maxRetryAfter);
  policy.methods = policy.methods.map((m) => m.toUpperCase());
  return policy.limit === 0 ? undefined : policy;
}

/** Whether a request may be sent twice: an idempotent method, or explicitly marked so. */
export function isIdempotent(policy: RetryPolicy, method: string, idempotent?: boolean): boolean {
  if (idempotent !== undefined) return idempotent;
  return policy.methods.includes(method.toUpperCase());
}

/**
 * Parses `Retry-After` (delta-seconds or an HTTP-date) into milliseconds from `now`.
 * Returns `undefined` when absent or unparsable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Full-jitter exponential backoff for the `retry`-th retry (1-based). */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.backoffLimit, policy.backoffBase * 2 ** Math.max(0, retry - 1));
  const r = policy.random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}

/** Whether an error thrown by a transport may be retried (the request may not have been served). */
export function isRetryableError(error: unknown): boolean {
  return isNetworkError(error) || (isTimeoutError(error) && error.phase === "connect");
}

export interface RetryContext {
  /** The attempt that just finished, 1-based. */
  attempt: number;
  method: string;
  /** An explicit idempotency mark (XML-RPC method tables); overrides the method list. */
  idempotent?: boolean | undefined;
  /** The response status, when the attempt got a response. */
  status?: number | undefined;
  /** The response headers (lower-case names), for `Retry-After`. */
  headers?: Headers | undefined;
  /** The error, when the attempt failed without a response. */
  error?: unknown;
  /** Current time in ms since the epoch, for HTTP-date `Retry-After`; defaults to `Date.now()`. */
  now?: number | undefined;
}

export type RetryDecision =
  | { retry: true; delay: number }
  | { retry: false; reason: "disabled" | "limit" | "not-idempotent" | "not-retryable" };

/** Decides whether to retry after an attempt, and how long to wait first. Pure apart from `random`. */
export function retryDecision(policy: RetryPolicy | undefined, context: RetryContext): RetryDecision {
  if (policy === undefined) return { retry: false, reason: "disabled" };
  const failed = context.error !== undefined;
  if (failed ? !isRetryableError(context.error) : !policy.statusCodes.includes(context.status ?? 0)) {
    return { retry: false, reason: "not-retryable" };
  }
  if (!isIdempotent(policy, context.method, context.idempotent))
    return { retry: false, reason: "not-idempotent" };
  if (context.attempt > policy.limit) return { retry: false, reason: "limit" };
  const retryAfter = failed
    ? undefined
    : parseRetryAfter(context.headers?.["retry-after"], context.now ?? Date.now());
  const delay =
    retryAfter === undefined
      ? backoffDelay(policy, context.attempt)
      : Math.min(retryAfter, policy.maxRetryAfter);
  return { retry: true, delay };
}
