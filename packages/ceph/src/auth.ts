/**
 * The dashboard session: `POST /api/auth` → JWT (HS256, `exp` 8 h by default), sent as
 * `Authorization: Bearer`. No refresh endpoint exists, so the session logs in again when the token
 * is about to expire (read from `exp`) or once after a 401. Passwords and tokens are registered
 * with core's redaction, so no error can show them.
 */
import {
  type CallOptions,
  type ReauthPolicy,
  registerSecret,
  request,
  singleFlight,
} from "@homelab-kit/core";
import type { ResolvedOptions } from "./context.js";
import { endpointUrl, mediaType } from "./endpoint.js";
import { authEndpoints } from "./endpoints/auth.js";
import { CephApiError } from "./errors.js";
import { cephHttpError, decodeJson, parseBody } from "./request.js";
import { AuthResult } from "./schemas/auth.js";

/** Log in again when fewer than this many ms are left before `exp`. */
const EXPIRY_MARGIN_MS = 30_000;

export interface Credentials {
  username: string;
  password: string;
}

/** Reads `exp` (seconds) from a JWT without verifying it; `undefined` when it has none. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

export class Session {
  #token: string | undefined;
  #expiresAt: number | undefined;
  #unregisterToken: (() => void) | undefined;
  readonly #credentials: Credentials | undefined;
  readonly #options: ResolvedOptions;
  readonly #now: () => number;

  constructor(
    options: ResolvedOptions,
    credentials: Credentials | undefined,
    token?: string,
    now = Date.now,
  ) {
    this.#options = options;
    this.#credentials = credentials;
    this.#now = now;
    if (token !== undefined) this.#setToken(token);
  }

  /** Whether the session can obtain a new token by itself. */
  get canLogin(): boolean {
    return this.#credentials !== undefined;
  }

  /** The current token, if any (`undefined` before the first login and after logout). */
  get token(): string | undefined {
    return this.#token;
  }

  /** A usable token: the current one, or a fresh login when there is none or it is about to expire. */
  async ensureToken(options?: CallOptions): Promise<string | undefined> {
    const expired = this.#expiresAt !== undefined && this.#expiresAt * 1000 - this.#now() < EXPIRY_MARGIN_MS;
    if (this.#token !== undefined && !(expired && this.canLogin)) return this.#token;
    if (!this.canLogin) return this.#token;
    return this.login(options).then((r) => r.token);
  }

  /** Forgets `token` if it is still the current one (after a 401), so the next call logs in again. */
  invalidate(token: string | undefined): void {
    if (token !== undefined && token === this.#token) this.#clear();
  }

  /**
   * core's re-login policy for one call: the token from {@link ensureToken}, forgotten after a 401
   * when this session can log in by itself (a bare token cannot be renewed: the 401 surfaces).
   */
  reauthPolicy(options?: CallOptions): ReauthPolicy<string | undefined> {
    return {
      current: () => this.ensureToken(options),
      invalidate: (token) => this.invalidate(token),
      isAuthFailure: (error) => this.canLogin && error instanceof CephApiError && error.status === 401,
    };
  }

  /** `POST /api/auth`. Concurrent callers share one login. */
  login(options?: CallOptions): Promise<AuthResult> {
    if (this.#login.pending === undefined && this.#credentials === undefined) {
      return Promise.reject(new TypeError("this Ceph client has no username/password to log in with"));
    }
    return this.#login(options);
  }

  readonly #login = singleFlight(async (options?: CallOptions): Promise<AuthResult> => {
    const credentials = this.#credentials;
    const endpoint = authEndpoints.login;
    const url = endpointUrl(this.#options.baseUrl, endpoint);
    const response = await request(
      this.#options.transport,
      {
        method: "POST",
        url,
        headers: { accept: mediaType(endpoint.version), "content-type": "application/json" },
        body: JSON.stringify(credentials),
      },
      { ...options, defaults: this.#options.defaults, httpError: cephHttpError(endpoint.version) },
    );
    const parsed = parseBody(AuthResult, decodeJson(response, "POST", url), "POST", url);
    this.#setToken(parsed.token);
    return parsed;
  });

  /** Drops the token (after logout) and stops redacting it. */
  clear(): void {
    this.#clear();
  }

  #setToken(token: string): void {
    this.#clear();
    this.#token = token;
    this.#expiresAt = jwtExpiry(token);
    this.#unregisterToken = registerSecret(token);
  }

  #clear(): void {
    this.#unregisterToken?.();
    this.#unregisterToken = undefined;
    this.#token = undefined;
    this.#expiresAt = undefined;
  }
}
