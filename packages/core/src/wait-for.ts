/**
 * Polls until a long operation reaches the wanted state (a VM RUNNING, a Ceph task done, a host
 * powered on), with backoff between polls, a deadline and the caller's signal (README: "waitFor").
 */
import { createDeadline, raceAbort, sleep } from "./deadline.js";
import { TimeoutError } from "./errors.js";

/** A fixed interval in ms, or a backoff that grows from `initial` by `factor` up to `max`. */
export type WaitInterval =
  | number
  | { initial: number; factor?: number | undefined; max?: number | undefined };

export interface WaitForOptions {
  /** Wait between polls (default 1000 ms). */
  interval?: WaitInterval | undefined;
  /** Deadline in ms over all polls and waits (default 300000; `Infinity` for none). */
  timeout?: number | undefined;
  /** Aborts the wait; its reason is rethrown untouched. */
  signal?: AbortSignal | undefined;
  /** Names the operation in the TimeoutError message ("VM 42 to be RUNNING"). */
  description?: string | undefined;
}

export interface PollContext {
  /** Aborts when the wait is over: pass it to the client call inside `poll`. */
  signal: AbortSignal;
  /** 1-based poll number. */
  attempt: number;
}

function intervalAt(interval: WaitInterval, attempt: number): number {
  if (typeof interval === "number") return interval;
  const factor = interval.factor ?? 2;
  const value = interval.initial * factor ** (attempt - 1);
  return Math.min(value, interval.max ?? Number.POSITIVE_INFINITY);
}

function checkInterval(interval: WaitInterval): void {
  const values =
    typeof interval === "number" ? [interval] : [interval.initial, interval.factor ?? 1, interval.max ?? 0];
  if (values.some((v) => typeof v !== "number" || Number.isNaN(v) || v < 0)) {
    throw new RangeError("waitFor interval values must be numbers >= 0");
  }
}

/**
 * Calls `poll` until `predicate` accepts its value, and returns that value. Errors thrown by
 * `poll` end the wait (retry them inside `poll` if they are expected). Rejects with
 * `TimeoutError` (phase "total") at the deadline, or with the caller's abort reason.
 */
export async function waitFor<T>(
  poll: (context: PollContext) => T | Promise<T>,
  predicate: (value: T) => boolean,
  options: WaitForOptions = {},
): Promise<T> {
  if (typeof poll !== "function" || typeof predicate !== "function") {
    throw new TypeError("waitFor(poll, predicate, options) needs two functions");
  }
  const interval = options.interval ?? 1000;
  checkInterval(interval);
  const what = options.description === undefined ? "" : ` for ${options.description}`;
  const deadline = createDeadline({
    timeout: options.timeout ?? 300_000,
    signals: [options.signal],
    onTimeout: (ms) =>
      new TimeoutError({ timeout: ms, phase: "total", message: `Timed out after ${ms} ms waiting${what}` }),
  });
  // Every poll gets a signal, even when nothing else can abort the wait.
  const signal = deadline.signal ?? new AbortController().signal;
  try {
    for (let attempt = 1; ; attempt++) {
      let value: T;
      try {
        if (signal.aborted) throw deadline.reason();
        value = await raceAbort(Promise.resolve(poll({ signal, attempt })), signal);
      } catch (error) {
        throw deadline.aborted() ? deadline.reason() : error;
      }
      if (predicate(value)) return value;
      await sleep(intervalAt(interval, attempt), signal);
    }
  } finally {
    deadline.dispose();
  }
}
