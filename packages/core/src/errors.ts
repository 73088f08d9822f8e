/**
 * The error hierarchy shared by every homelab-kit client (README: "Errors").
 *
 *   ApiError                     base: `code`, `cause`, `attempts`
 *   ├─ HttpError                 the API answered with an error status
 *   ├─ RequestScopedError        base of the four below: `method`, `url` (redacted)
 *   │  ├─ NetworkError           no answer: refused, reset, DNS, TLS
 *   │  ├─ TimeoutError           OUR deadline passed (never a caller's abort)
 *   │  ├─ ResponseValidationError  the API answered, but not what the schema expects
 *   │  └─ ResponseTooLargeError  the response body passed the transport's `maxResponseBytes`
 *   └─ InvalidRequestError       the request could not be sent (bad URL, bad header)
 *
 * Class identity works across copies of this package: each class declares a static `kind`, every
 * instance carries the kinds of its class chain under a `Symbol.for` brand, and
 * `Symbol.hasInstance` falls back to that brand. Subclasses (CephApiError, RedfishError, …)
 * declare their own `static override readonly kind = "…"` and inherit all of it.
 *
 * Errors are safe by construction: message, code, cause and every field are redacted in the
 * constructor (see redact.ts), before anything can read or render them. A subclass declares its
 * fields (`declare readonly detail: string | undefined`) and hands their values to the base class
 * in `fields`, which redacts each one whatever its name or shape (`detail`, `ribclMessage`,
 * `messages[].args`, a raw `exception` object). `test/error-redaction.test.ts` checks every
 * exported error class of every client against a canary secret.
 */
import { STATUS_CODES } from "node:http";
import { redactCause, redactField, redactHeaders, redactText, redactUrl } from "./redact.js";
import type { Headers } from "./transport.js";

const KINDS = Symbol.for("@homelab-kit/core/error-kinds");

type ErrorClass = abstract new (...args: never[]) => unknown;

function kindsOf(target: unknown): string[] {
  const kinds: string[] = [];
  let ctor = target;
  while (typeof ctor === "function" && ctor !== Error && ctor !== Function.prototype) {
    if (Object.hasOwn(ctor, "kind")) {
      const kind = (ctor as unknown as { kind: unknown }).kind;
      if (typeof kind === "string") kinds.push(kind);
    }
    ctor = Object.getPrototypeOf(ctor);
  }
  return kinds;
}

/** Whether `value` is an error of the given kind (a class's static `kind`), from any copy of core. */
export function hasErrorKind(value: unknown, kind: string): boolean {
  if (value === null || typeof value !== "object") return false;
  const kinds = (value as Record<symbol, unknown>)[KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}

export interface ApiErrorOptions {
  /** A stable machine-readable code; each class has a default. */
  code?: string | undefined;
  /** What caused this error; redacted in place (message, stack, string properties). */
  cause?: unknown;
  /**
   * The subclass's own fields, set on the error after redaction (strings as text, parsed values
   * deeply; a field whose name announces a secret is replaced whole). Subclasses `declare` them.
   */
  fields?: Readonly<Record<string, unknown>> | undefined;
}

export class ApiError extends Error {
  /** The brand checked by `instanceof` across copies of the package. Subclasses override it. */
  static readonly kind: string = "ApiError";

  /** A stable machine-readable code: `HTTP_ERROR`, `ECONNREFUSED`, `TIMEOUT`, … */
  readonly code: string;
  /** How many attempts the request executor made before this error (set by `request()`). */
  declare attempts?: number;

  constructor(message: string, options: ApiErrorOptions = {}) {
    super(
      redactText(String(message)),
      options.cause !== undefined ? { cause: redactCause(options.cause) } : undefined,
    );
    const kinds = kindsOf(new.target);
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    Object.defineProperty(this, "name", {
      value: kinds[0] ?? new.target.name,
      enumerable: false,
      configurable: true,
      writable: true,
    });
    this.code = redactText(options.code ?? "API_ERROR");
    if (options.fields !== undefined) {
      for (const [key, value] of Object.entries(options.fields)) {
        Object.defineProperty(this, key, {
          value: redactField(key, value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }

  /** `JSON.stringify(err)`: name, code, message and the (already redacted) own fields. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...(this as object) };
  }
}

/**
 * `instanceof` first follows the prototype chain, then falls back to the brand, so an error made by
 * another copy of this package still matches. Only classes that declare their own `kind` match by
 * brand: a subclass that forgot to declare one must not match every instance of its parent.
 */
Object.defineProperty(ApiError, Symbol.hasInstance, {
  value: function hasInstance(this: ErrorClass, value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!Object.hasOwn(this, "kind")) return false;
    return hasErrorKind(value, (this as unknown as { kind: string }).kind);
  },
});

/** The request an error is about, with URL and headers redacted. */
export interface RedactedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
}

export interface HttpErrorInit extends ApiErrorOptions {
  request: { method: string; url: string; headers?: Headers | undefined };
  /** `body` may be raw bytes (decoded as JSON or text by content-type), a string, or a parsed value. */
  response: { status: number; headers?: Headers | undefined; body?: unknown };
  /** Replaces the default message `HTTP 404 Not Found (GET https://…)`. */
  message?: string | undefined;
}

/** Longest body text kept on an error, in characters. */
export const MAX_ERROR_BODY_CHARS = 64 * 1024;

/** Decodes a response body for an error: parsed JSON when it is JSON, else text (truncated). */
export function decodeErrorBody(body: unknown, headers?: Headers): unknown {
  if (!(body instanceof Uint8Array) && typeof body !== "string") return body;
  const text =
    typeof body === "string"
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  if (text.length === 0) return undefined;
  const type = headers?.["content-type"] ?? "";
  const trimmed = text.trimStart();
  if (/json/i.test(type) || trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: keep the text
    }
  }
  return text.length > MAX_ERROR_BODY_CHARS ? `${text.slice(0, MAX_ERROR_BODY_CHARS)}… (truncated)` : text;
}

export class HttpError extends ApiError {
  static override readonly kind: string = "HttpError";

  declare readonly status: number;
  declare readonly method: string;
  /** The request URL, redacted. */
  declare readonly url: string;
  /** The response headers, redacted (lower-case names). */
  declare readonly headers: Headers;
  /** The response body: parsed JSON, or text; redacted. */
  declare readonly body: unknown;
  /** The request, redacted. */
  declare readonly request: RedactedRequest;

  constructor(init: HttpErrorInit) {
    const method = String(init.request.method).toUpperCase();
    const url = redactUrl(String(init.request.url));
    const status = init.response.status;
    const reason = STATUS_CODES[status] ?? "";
    super(init.message ?? `HTTP ${status}${reason ? ` ${reason}` : ""} (${method} ${url})`, {
      code: init.code ?? "HTTP_ERROR",
      cause: init.cause,
      fields: {
        ...init.fields,
        status,
        method,
        url,
        headers: redactHeaders(init.response.headers),
        body: decodeErrorBody(init.response.body, init.response.headers),
        request: { method, url, headers: redactHeaders(init.request.headers) },
      },
    });
  }
}

export interface RequestContextOptions extends ApiErrorOptions {
  method?: string | undefined;
  url?: string | undefined;
}

/**
 * The base of the errors about one request that may have no HTTP answer (`NetworkError`,
 * `TimeoutError`, `ResponseValidationError`, `ResponseTooLargeError`): it keeps the request's
 * method (upper case) and URL (redacted) as `method`/`url` and hands the message builder the
 * ` (METHOD url)` suffix to append.
 */
export abstract class RequestScopedError extends ApiError {
  static override readonly kind: string = "RequestScopedError";

  declare readonly method: string | undefined;
  /** The request URL, redacted. */
  declare readonly url: string | undefined;

  /**
   * @param message builds the message from ` (METHOD url)` (empty when neither is known)
   * @param code the code to use when `context.code` is not given
   * @param fields the subclass's own fields (set before `method`/`url`, after `context.fields`)
   */
  protected constructor(
    context: RequestContextOptions,
    message: (where: string) => string,
    code: string,
    fields: Readonly<Record<string, unknown>> = {},
  ) {
    const method = context.method?.toUpperCase();
    const url = context.url === undefined ? undefined : redactUrl(context.url);
    const where =
      method !== undefined || url !== undefined ? ` (${[method, url].filter(Boolean).join(" ")})` : "";
    super(message(where), {
      code: context.code ?? code,
      cause: context.cause,
      fields: { ...context.fields, ...fields, method, url },
    });
  }
}

/**
 * Finds the most specific system error code in a cause chain (`ECONNREFUSED` over
 * `UND_ERR_SOCKET`), looking through `cause` and the `errors` of an AggregateError.
 */
function codeOf(cause: unknown): string | undefined {
  let first: string | undefined;
  const queue: unknown[] = [cause];
  for (let seen = 0; seen < 16 && queue.length > 0; seen++) {
    const current = queue.shift();
    if (current === null || typeof current !== "object") continue;
    const { code, cause: next, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string") {
      if (/^E[A-Z0-9_]+$/.test(code) && !code.startsWith("ERR_")) return code;
      first ??= code;
    }
    queue.push(next);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return first;
}

export class NetworkError extends RequestScopedError {
  static override readonly kind: string = "NetworkError";

  constructor(message: string, options: RequestContextOptions = {}) {
    super(options, (where) => `${message}${where}`, codeOf(options.cause) ?? "NETWORK_ERROR");
  }
}

/** Which deadline passed: connecting, waiting for headers, between body chunks, or the whole call. */
export type TimeoutPhase = "connect" | "headers" | "body" | "total";

export interface TimeoutErrorInit extends RequestContextOptions {
  /** The deadline that passed, in milliseconds. */
  timeout: number;
  phase: TimeoutPhase;
  message?: string | undefined;
}

export class TimeoutError extends RequestScopedError {
  static override readonly kind: string = "TimeoutError";

  declare readonly timeout: number;
  declare readonly phase: TimeoutPhase;

  constructor(init: TimeoutErrorInit) {
    super(
      init,
      (where) => init.message ?? `Timed out after ${init.timeout} ms (${init.phase})${where}`,
      "TIMEOUT",
      { timeout: init.timeout, phase: init.phase },
    );
  }
}

/** One problem found by a schema (zod's issue shape, reduced to what we keep). */
export interface ValidationIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code?: string | undefined;
}

export interface ResponseValidationErrorInit extends RequestContextOptions {
  issues: ReadonlyArray<{ path?: ReadonlyArray<PropertyKey>; message: string; code?: string | undefined }>;
  message?: string | undefined;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

export class ResponseValidationError extends RequestScopedError {
  static override readonly kind: string = "ResponseValidationError";

  declare readonly issues: ReadonlyArray<ValidationIssue>;

  constructor(init: ResponseValidationErrorInit) {
    const issues = init.issues.map((issue) => ({
      path: (issue.path ?? []).map((key) => (typeof key === "symbol" ? String(key) : key)),
      message: redactText(String(issue.message)),
      code: issue.code,
    }));
    const shown = issues
      .slice(0, 3)
      .map((i) => `${formatPath(i.path)}: ${i.message}`)
      .join("; ");
    const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : "";
    super(
      init,
      (where) => init.message ?? `Response did not match the expected schema: ${shown}${more}${where}`,
      "RESPONSE_VALIDATION",
      { issues },
    );
  }
}

export interface ResponseTooLargeErrorInit extends RequestContextOptions {
  /** The limit that was passed, in bytes. */
  limit: number;
  /** Replaces the default message `Response body larger than N bytes (POST https://…)`. */
  message?: string | undefined;
}

/** The response body grew past the transport's `maxResponseBytes`; the connection was dropped. */
export class ResponseTooLargeError extends RequestScopedError {
  static override readonly kind: string = "ResponseTooLargeError";

  declare readonly limit: number;

  constructor(init: ResponseTooLargeErrorInit) {
    super(
      init,
      (where) => init.message ?? `Response body larger than ${init.limit} bytes${where}`,
      "RESPONSE_TOO_LARGE",
      { limit: init.limit },
    );
  }
}

export class InvalidRequestError extends ApiError {
  static override readonly kind: string = "InvalidRequestError";

  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { code: options.code ?? "INVALID_REQUEST", cause: options.cause, fields: options.fields });
  }
}

/** A schema as zod 4 (and zod/mini) exposes it; core does not depend on zod. */
export interface SafeParseSchema<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: {
          issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string }>;
        };
      };
}

/** Parses a response value with a schema, throwing {@link ResponseValidationError} on mismatch. */
export function parseResponse<T>(
  schema: SafeParseSchema<T>,
  value: unknown,
  context: { method?: string; url?: string } = {},
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ResponseValidationError({ issues: result.error.issues, ...context });
}

/** The guard of one error class: its brand, so it holds for an error made by any copy of core. */
function guardOf<T extends ApiError>(errorClass: { readonly kind: string }): (value: unknown) => value is T {
  return (value: unknown): value is T => hasErrorKind(value, errorClass.kind);
}

export const isApiError = guardOf<ApiError>(ApiError);
export const isHttpError = guardOf<HttpError>(HttpError);
export const isNetworkError = guardOf<NetworkError>(NetworkError);
export const isTimeoutError = guardOf<TimeoutError>(TimeoutError);
export const isResponseValidationError = guardOf<ResponseValidationError>(ResponseValidationError);
export const isInvalidRequestError = guardOf<InvalidRequestError>(InvalidRequestError);
export const isRequestScopedError = guardOf<RequestScopedError>(RequestScopedError);
export const isResponseTooLargeError = guardOf<ResponseTooLargeError>(ResponseTooLargeError);
