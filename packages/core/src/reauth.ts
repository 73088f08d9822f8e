/**
 * The one re-login policy of the clients (README: "Re-login"): send with the current credential;
 * when the server refuses it (the client's auth-failure error), forget it, log in once more and
 * send once more. Never a third time: a second refusal surfaces as the client's typed error.
 *
 * A credential is whatever the client sends (a token, a session string, a session object); the
 * client keeps it, registers it with redaction and decides when it is stale. Concurrent requests
 * share one login through {@link singleFlight}. This module makes no error of its own, so nothing
 * it does can put a secret into one.
 */

/** What {@link withReauth} needs from a client's session. */
export interface ReauthPolicy<C> {
  /** The credential to send: the current one, or a fresh login (shared by concurrent callers). */
  current(): Promise<C>;
  /** The server refused `credential`: forget it if it is still the current one. */
  invalidate(credential: C): void;
  /**
   * Whether `error` is the server refusing the credential (the request was not run, so resending
   * is safe even for a mutation), and a new login can help. Everything else is rethrown as it is.
   */
  isAuthFailure(error: unknown): boolean;
}

/**
 * Runs `send` with the policy's current credential; after an auth failure, invalidates that
 * credential, asks for the current one again (a new login, shared with the other requests that
 * failed meanwhile) and runs `send` once more, whatever it answers then.
 */
export async function withReauth<C, T>(
  policy: ReauthPolicy<C>,
  send: (credential: C) => Promise<T>,
): Promise<T> {
  const first = await policy.current();
  try {
    return await send(first);
  } catch (error) {
    if (!policy.isAuthFailure(error)) throw error;
    policy.invalidate(first);
  }
  return send(await policy.current());
}

/** A function whose concurrent calls share one run (see {@link singleFlight}). */
export interface SingleFlight<A extends unknown[], T> {
  (...args: A): Promise<T>;
  /** The run in progress, if any. */
  readonly pending: Promise<T> | undefined;
}

/**
 * Wraps `run` so that a call made while another is in progress gets that call's promise (the
 * first caller's arguments win) instead of starting a second run; once it settles, the next call
 * runs again. Used for logins: concurrent requests share one.
 */
export function singleFlight<A extends unknown[], T>(run: (...args: A) => Promise<T>): SingleFlight<A, T> {
  let pending: Promise<T> | undefined;
  const call = (...args: A): Promise<T> => {
    if (pending !== undefined) return pending;
    let running: Promise<T>;
    try {
      running = run(...args);
    } catch (error) {
      running = Promise.reject(error);
    }
    const started = running.finally(() => {
      if (pending === started) pending = undefined;
    });
    pending = started;
    return started;
  };
  return Object.defineProperty(call, "pending", { get: () => pending, enumerable: true }) as SingleFlight<
    A,
    T
  >;
}
