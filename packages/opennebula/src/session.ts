import { registerSecret } from "@homelab-kit/core";

/** Secrets shorter than this are only redacted as part of the session string, not alone. */
const MIN_STANDALONE_SECRET = 4;

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
