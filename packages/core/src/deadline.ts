/**
 * The timing machinery shared by `request()` and `waitFor()`: one AbortSignal that fires on the
 * first of the caller's signals or our own deadline, and an abortable sleep.
 *
 * The caller's abort reason is passed on as it is; our deadline aborts with a `TimeoutError`.
 */
import type { TimeoutError } from "./errors.js";

export interface Deadline {
  /**
   * Aborts when a caller signal aborts (with its reason) or the deadline passes (TimeoutError).
   * `undefined` when there is neither a deadline nor a caller signal (nothing can abort: no
   * controller on the hot path). Never the caller's own signal, which many calls may share.
   */
  readonly signal: AbortSignal | undefined;
  /** Milliseconds left before the deadline (Infinity without one). */
  remaining(): number;
  /** Whether `signal` has aborted. */
  aborted(): boolean;
  /** The error to throw once `signal` has aborted: the caller's reason untouched, or our TimeoutError. */
  reason(): unknown;
  /** Removes timers and listeners. */
  dispose(): void;
}

export interface DeadlineOptions {
  /** Total milliseconds; `undefined`, `0` or `Infinity` for none. */
  timeout?: number | undefined;
  /** Caller signals; the first to abort wins. */
  signals?: ReadonlyArray<AbortSignal | undefined>;
  /** Builds the TimeoutError thrown at the deadline. */
  onTimeout: (timeout: number) => TimeoutError;
}

export function validateTimeout(timeout: number | undefined): number | undefined {
  if (timeout === undefined || timeout === 0 || timeout === Number.POSITIVE_INFINITY) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${String(timeout)}`);
  }
  return timeout;
}

const NO_DEADLINE: Deadline = Object.freeze({
  signal: undefined,
  remaining: () => Number.POSITIVE_INFINITY,
  aborted: () => false,
  reason: () => undefined,
  dispose: () => {},
});

/**
 * One "abort" listener per caller signal, fanning out to every pending call that depends on it.
 * A client-wide signal shared by hundreds of concurrent calls would otherwise collect one listener
 * per call and trigger Node's MaxListenersExceededWarning; the caller's signal is never modified.
 */
const fanOut = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = fanOut.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    fanOut.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        for (const fn of [...set]) fn();
        set.clear();
      },
      { once: true },
    );
  }
  const set = callbacks;
  set.add(callback);
  return () => {
    set.delete(callback);
  };
}

export function createDeadline(options: DeadlineOptions): Deadline {
  const timeout = validateTimeout(options.timeout);
  const signals: AbortSignal[] = [];
  for (const signal of options.signals ?? []) if (signal !== undefined) signals.push(signal);
  if (timeout === undefined && signals.length === 0) return NO_DEADLINE;
  const controller = new AbortController();
  const started = performance.now();
  const cleanups: Array<() => void> = [];
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    cleanups.push(onAbort(signal, () => controller.abort(signal.reason)));
  }
  if (timeout !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(() => controller.abort(options.onTimeout(timeout)), timeout);
    cleanups.push(() => clearTimeout(timer));
  }
  return {
    signal: controller.signal,
    remaining: () =>
      timeout === undefined ? Number.POSITIVE_INFINITY : timeout - (performance.now() - started),
    aborted: () => controller.signal.aborted,
    reason: () => controller.signal.reason,
    dispose: () => {
      for (const cleanup of cleanups) cleanup();
      cleanups.length = 0;
    },
  };
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as the signal aborts, even when
 * whatever produces `promise` ignores the signal.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
