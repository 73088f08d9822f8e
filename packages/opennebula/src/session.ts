import { type ReauthPolicy, registerSecret, singleFlight } from "@homelab-kit/core";
import { isOpenNebulaError } from "./errors.js";

/**
 * Secrets shorter than this are only redacted as part of the session string, not alone (a
 * two-letter password registered alone would blank every "ab" of every error message).
 */
export const MIN_STANDALONE_SECRET = 4;

/**
 * The session string oned takes as parameter 0 of every call (`user:password` or
 * `user:token`). It is registered with core's redaction, so it never shows in an error message,
 * cause or log line built by homelab-kit; `dispose()` removes the registration.
 */
export interface Session {
  /** The session string: only ever put into request bodies. */
  readonly value: string;
  dispose(): void;
}

export function createSession(username: string, secret: string): Session {
  const value = `${username}:${secret}`;
  const unregister = [registerSecret(value)];
  if (secret.length >= MIN_STANDALONE_SECRET) unregister.push(registerSecret(secret));
  let disposed = false;
  return {
    value,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const remove of unregister) remove();
    },
  };
}

/**
 * A login-token session (docs/reference/opennebula/ISSUES.md #10): logs in once with the password (`one.user.login(user,
 * "", ttl, egid)`), sends `user:token` afterwards, renews the token `renewBefore` ms ahead of its
 * expiry (counted from the moment the login was sent, so the client's clock errs early), and
 * forgets a token oned refused so that the next call logs in again.
 */
export interface TokenSession extends ReauthPolicy<string> {
  /** The session string to send; logs in first when there is no fresh token. */
  current(): Promise<string>;
  /** oned answered AUTHENTICATION to this session string: drop the token if it is the current one. */
  invalidate(value: string): void;
  /** oned answered AUTHENTICATION: the token was refused (core's `withReauth` logs in once more). */
  isAuthFailure(error: unknown): boolean;
  dispose(): void;
}

export interface TokenSessionOptions {
  username: string;
  ttl: number;
  renewBefore: number;
  /** Calls `one.user.login` with the password session and returns the token. */
  login(): Promise<string>;
  /** The clock (ms); `Date.now` by default. */
  now?: () => number;
}

export function createTokenSession(options: TokenSessionOptions): TokenSession {
  const now = options.now ?? Date.now;
  let token: { value: string; renewAt: number; expiresAt: number; unregister: () => void } | undefined;
  let disposed = false;

  function fresh(): boolean {
    return token !== undefined && (options.ttl === -1 || now() < token.renewAt);
  }

  const renew = singleFlight(async (): Promise<string> => {
    const sent = now();
    try {
      const secret = await options.login();
      const value = `${options.username}:${secret}`;
      const unregisters = [registerSecret(value)];
      if (secret.length >= MIN_STANDALONE_SECRET) unregisters.push(registerSecret(secret));
      token?.unregister();
      const expiresAt = options.ttl === -1 ? Number.POSITIVE_INFINITY : sent + options.ttl * 1000;
      token = {
        value,
        expiresAt,
        renewAt: expiresAt - options.renewBefore,
        unregister: () => {
          for (const remove of unregisters) remove();
        },
      };
      if (disposed) token.unregister();
      return value;
    } catch (error) {
      // A failed renewal is harmless while the old token is still valid.
      if (token === undefined || now() >= token.expiresAt) throw error;
      return token.value;
    }
  });

  return {
    async current() {
      return token !== undefined && fresh() ? token.value : renew();
    },
    isAuthFailure: (error) => isOpenNebulaError(error) && error.code === "AUTHENTICATION",
    invalidate(value) {
      if (token?.value === value) {
        token.unregister();
        token = undefined;
      }
    },
    dispose() {
      disposed = true;
      token?.unregister();
    },
  };
}
