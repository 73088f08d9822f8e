import {
  type CallOptions,
  checkWellFormed,
  InvalidRequestError,
  type RetryOptions,
  type Transport,
} from "@homelab-kit/core";

export interface OpenNebulaClientOptions {
  /** The XML-RPC endpoint, e.g. `http://frontend:2633/RPC2`. */
  url: string;
  username: string;
  /** The user's password (core auth driver). Give either `password` or `token`. */
  password?: string | undefined;
  /** A login token from `one.user.login`. */
  token?: string | undefined;
  /** Defaults to a keep-alive `undiciTransport()` the client owns and `close()` closes. */
  transport?: Transport | undefined;
  /**
   * The OpenNebula release the server runs (`"7.4.0"`, `"6.10"`). When absent it is asked once
   * with `one.system.version`, and only when a call needs it (a method or parameter newer than 6.0).
   */
  version?: string | undefined;
  /** Deadline of a call in ms, over all its attempts (default 30 000). */
  timeout?: number | undefined;
  /** Deadline of pool and accounting calls in ms (default 300 000: big clouds, docs/reference/opennebula/ISSUES.md #1). */
  poolTimeout?: number | undefined;
  /** Retries of idempotent calls (`*.info`, pools) on network errors and 5xx; off by default. */
  retry?: RetryOptions | undefined;
  /** Responses larger than this many bytes are refused (default 1 GiB, oned's MESSAGE_SIZE). */
  maxResponseBytes?: number | undefined;
  /** Extra HTTP headers (a reverse proxy's own authentication, say). */
  headers?: Record<string, string> | undefined;
  /**
   * `false` skips zod: documents come back as the raw XML object typed as the model but not
   * checked (numbers stay strings; only a pool's item list is made an array). Default `true`.
   */
  validate?: boolean | undefined;
  /**
   * Log in with the password once (`one.user.login`) and use the token for every call, renewed
   * ahead of its expiry and once more on AUTHENTICATION (docs/reference/opennebula/ISSUES.md #10). Needs `password`.
   */
  login?: LoginOptions | undefined;
}

export interface LoginOptions {
  /** Token lifetime in seconds (oned's `valid`); -1 for a token that never expires. */
  ttl: number;
  /** Effective group of the token (default -1: the primary group and every group). */
  egid?: number | undefined;
  /** Renew this many ms before the expiry (default: a quarter of the ttl, at most 5 minutes). */
  renewBefore?: number | undefined;
}

export interface ResolvedOptions {
  url: string;
  username: string;
  secret: string;
  transport: Transport | undefined;
  version: string | undefined;
  defaults: CallOptions;
  poolTimeout: number;
  maxResponseBytes: number;
  headers: Record<string, string>;
  validate: boolean;
  login: { ttl: number; egid: number; renewBefore: number } | undefined;
}

/** Every per-call option: `{signal, timeout, retry}`. */
export type OpenNebulaCallOptions = CallOptions;

function option(message: string): InvalidRequestError {
  return new InvalidRequestError(`createOpenNebulaClient: ${message}`, { code: "INVALID_OPTION" });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw option(`${name} must be a positive number of milliseconds`);
  }
  return value;
}

/** Validates the options; errors never include the password or token. */
export function resolveOptions(options: OpenNebulaClientOptions): ResolvedOptions {
  if (options === null || typeof options !== "object") throw option("options must be an object");
  let url: URL;
  try {
    url = new URL(String(options.url));
  } catch {
    throw option("url must be an absolute http(s) URL such as http://frontend:2633/RPC2");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw option("url must use http or https");
  if (typeof options.username !== "string" || options.username === "" || options.username.includes(":")) {
    throw option("username must be a non-empty string without ':'");
  }
  const hasPassword = options.password !== undefined;
  const hasToken = options.token !== undefined;
  if (hasPassword === hasToken) throw option("give exactly one of password and token");
  const secret = hasPassword ? options.password : options.token;
  if (typeof secret !== "string" || secret === "")
    throw option(`${hasPassword ? "password" : "token"} must be a non-empty string`);
  checkWellFormed(options.username, "createOpenNebulaClient: username");
  checkWellFormed(secret, `createOpenNebulaClient: ${hasPassword ? "password" : "token"}`);
  if (options.transport !== undefined && typeof options.transport !== "function") {
    throw option("transport must be a function (a core Transport)");
  }
  if (options.version !== undefined && parseVersion(options.version) === undefined) {
    throw option(`version must look like "7.4.0", got ${JSON.stringify(String(options.version))}`);
  }
  return {
    url: url.href,
    username: options.username,
    secret,
    transport: options.transport,
    version: options.version,
    defaults: { timeout: positive("timeout", options.timeout, 30_000), retry: options.retry },
    poolTimeout: positive("poolTimeout", options.poolTimeout, 300_000),
    maxResponseBytes: positive("maxResponseBytes", options.maxResponseBytes, 2 ** 30),
    headers: { ...(options.headers ?? {}) },
    validate: resolveValidate(options.validate),
    login: resolveLogin(options.login, hasPassword),
  };
}

function resolveValidate(value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== "boolean") throw option("validate must be a boolean");
  return value ?? true;
}

function resolveLogin(login: LoginOptions | undefined, hasPassword: boolean): ResolvedOptions["login"] {
  if (login === undefined) return undefined;
  if (login === null || typeof login !== "object")
    throw option("login must be an object {ttl, egid?, renewBefore?}");
  if (!hasPassword) throw option("login needs the password (a token cannot make another)");
  const { ttl, egid = -1 } = login;
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || !(ttl === -1 || ttl > 0) || ttl >= 2 ** 31) {
    throw option("login.ttl must be a number of seconds > 0, or -1 (never expires)");
  }
  if (typeof egid !== "number" || !Number.isInteger(egid) || egid < -1) {
    throw option("login.egid must be a group ID or -1");
  }
  const renewBefore = login.renewBefore ?? Math.min(300_000, (ttl * 1000) / 4);
  if (typeof renewBefore !== "number" || !(renewBefore >= 0) || !Number.isFinite(renewBefore)) {
    throw option("login.renewBefore must be a number of milliseconds >= 0");
  }
  return { ttl, egid, renewBefore };
}

/** `"7.4.0"` → `[7, 4, 0]`; also takes `"6.10"` and suffixes such as `"6.10.0.1"` or `"7.0.0-rc1"`. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(text));
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Negative when `a` is older than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a) ?? [0, 0, 0];
  const y = parseVersion(b) ?? [0, 0, 0];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
