/**
 * Redaction of credentials (README: "Redaction rules").
 *
 * Every error this package builds passes its message, URL, headers, body and cause chain through
 * these functions when it is constructed, so an error is safe to log however it is rendered
 * (`message`, `stack`, `JSON.stringify`, `util.inspect`).
 *
 * Clients add what only they can recognise with `registerSecret()` (an OpenNebula session string,
 * a password taken from the options) or `registerRedactor()` (a pattern of their protocol). The
 * registry lives on `globalThis` under a `Symbol.for` key, so every copy of this package shares it.
 */
import type { Headers } from "./transport.js";

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** A function that returns `text` with the secrets it recognises replaced by {@link REDACTED}. */
export type Redactor = (text: string) => string;

interface Registry {
  /** secret → number of registrations (a secret stays until every registrant has removed it). */
  secrets: Map<string, number>;
  redactors: Set<Redactor>;
}

const REGISTRY_KEY = Symbol.for("@homelab-kit/core/redaction-registry");

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  let found = holder[REGISTRY_KEY];
  if (found === undefined) {
    found = { secrets: new Map(), redactors: new Set() };
    Object.defineProperty(globalThis, REGISTRY_KEY, { value: found, enumerable: false });
  }
  return found;
}

/** Header names whose values are always replaced, whatever they hold. */
const SENSITIVE_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-auth-token",
  "x-api-key",
]);

/** A name (query parameter, JSON key, XML attribute or element) that announces a secret value. */
const SENSITIVE_NAME = String.raw`[\w.-]*?(?:passw(?:or)?d|passwd|passphrase|token|secret|session|api[-_]?key|credential|private[-_]?key|authorization|cookie)[\w.-]*`;
const SENSITIVE_NAME_RE = new RegExp(`^(?:${SENSITIVE_NAME}|pass|auth|pwd)$`, "i");

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // scheme://user:password@host → scheme://[REDACTED]@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, `$1${REDACTED}@`],
  // ?token=… &password=… ;session=…
  [
    new RegExp(
      String.raw`((?:^|[?&;\s,(])(?:${SENSITIVE_NAME}|pass|auth|pwd)=)(?!["'])[^&#\s"'<>(),;]*`,
      "gi",
    ),
    `$1${REDACTED}`,
  ],
  // "password": "…" (JSON text)
  [new RegExp(String.raw`("${SENSITIVE_NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"`, "gi"), `$1"${REDACTED}"`],
  // PASSWORD="…" (XML attributes, RIBCL LOGIN) and key='…'
  [new RegExp(String.raw`(\b${SENSITIVE_NAME}\s*=\s*)"[^"]*"`, "gi"), `$1"${REDACTED}"`],
  [new RegExp(String.raw`(\b${SENSITIVE_NAME}\s*=\s*)'[^']*'`, "gi"), `$1'${REDACTED}'`],
  // <password>…</password>
  [new RegExp(String.raw`<(${SENSITIVE_NAME})>[^<]*</\1>`, "gi"), `<$1>${REDACTED}</$1>`],
  // Authorization: … header lines in text
  [
    /^(\s*(?:authorization|proxy-authorization|cookie|set-cookie|x-auth-token|x-api-key)\s*:\s*).*$/gim,
    `$1${REDACTED}`,
  ],
  // Bearer/Basic credentials wherever they appear
  [/\b(Bearer|Basic|Digest|Negotiate)\s+[A-Za-z0-9._~+/=-]{4,}/g, `$1 ${REDACTED}`],
];

/**
 * Registers a secret string (a password, a token, an OpenNebula `user:password` session) so that
 * it is replaced wherever it appears in an error, also URL-encoded or base64-encoded.
 * Returns a function that removes this registration. Empty strings are ignored.
 */
export function registerSecret(secret: string): () => void {
  if (typeof secret !== "string" || secret.length === 0) return () => {};
  const { secrets } = registry();
  const variants = secretVariants(secret);
  for (const v of variants) secrets.set(v, (secrets.get(v) ?? 0) + 1);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const v of variants) {
      const n = (secrets.get(v) ?? 1) - 1;
      if (n <= 0) secrets.delete(v);
      else secrets.set(v, n);
    }
  };
}

function secretVariants(secret: string): string[] {
  const variants = new Set([secret, Buffer.from(secret).toString("base64")]);
  try {
    variants.add(encodeURIComponent(secret));
  } catch {
    // A lone surrogate has no URL-encoded form (URIError): there is no such variant to find.
  }
  return [...variants].filter((v) => v.length > 0);
}

/**
 * Registers a redactor for secrets only a protocol knows how to find (for example the session
 * parameter of an XML-RPC call). It runs on every text this module redacts, before the built-in
 * rules. Returns a function that removes it.
 */
export function registerRedactor(redactor: Redactor): () => void {
  const { redactors } = registry();
  redactors.add(redactor);
  return () => {
    redactors.delete(redactor);
  };
}

/** Whether a header, query parameter, JSON key or XML attribute name announces a secret. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase()) || SENSITIVE_NAME_RE.test(name);
}

/** Replaces every secret this module recognises in a text. */
export function redactText(text: string): string {
  const { secrets, redactors } = registry();
  let out = text;
  for (const redactor of redactors) {
    try {
      out = redactor(out);
    } catch {
      // A faulty redactor must not turn an error into a different one; the rules below still run.
    }
  }
  if (secrets.size > 0) {
    // Longest first, so a session "user:password" is replaced whole before "password" alone.
    const sorted = [...secrets.keys()].sort((a, b) => b.length - a.length);
    for (const secret of sorted) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Redacts a URL: user-info and sensitive query parameters. Text that is not a valid URL is
 * redacted as text.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    parsed.username = REDACTED;
    parsed.password = "";
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSensitiveName(key)) parsed.searchParams.set(key, REDACTED);
  }
  // URL encoding turns "[REDACTED]" into "%5BREDACTED%5D"; show it plainly.
  return redactText(parsed.href.replaceAll("%5BREDACTED%5D", REDACTED));
}

/** Returns a copy of the headers with sensitive values replaced; names are lower-cased. */
export function redactHeaders(headers: Headers | undefined): Headers {
  const out: Headers = {};
  if (headers === undefined || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    out[lower] = isSensitiveName(lower) ? REDACTED : redactText(String(value));
  }
  return out;
}

/**
 * Returns a deep copy of a parsed body (JSON values) with sensitive keys replaced and every
 * string redacted as text.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSensitiveName(key) && item !== null && item !== undefined ? REDACTED : redactValue(item, depth + 1);
  }
  return out;
}

/**
 * Redacts the value of an error's own field: a string as text (or wholly, when the field's name
 * announces a secret), a parsed value deeply ({@link redactValue}), anything else as it is
 * (numbers, bigints, booleans). Objects that are not plain data are kept, not copied.
 */
export function redactField(name: string, value: unknown): unknown {
  if (typeof value === "string") return isSensitiveName(name) ? REDACTED : redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) return redactValue(value);
  return value;
}

/**
 * Makes a cause chain safe to render: an `Error` (or error-like object) has its message, stack
 * and string properties redacted IN PLACE, and so does its own `cause` and any `errors` of an
 * `AggregateError`. Identity and `code` are kept, so `err.cause.code === "ECONNREFUSED"` still
 * holds. Strings are redacted; other values are returned as they are.
 */
export function redactCause<T>(cause: T): T {
  return redactCauseIn(cause, new WeakSet()) as T;
}

function redactCauseIn(cause: unknown, seen: WeakSet<object>): unknown {
  if (typeof cause === "string") return redactText(cause);
  if (cause === null || typeof cause !== "object" || seen.has(cause)) return cause;
  seen.add(cause);
  if (!(cause instanceof Error) && typeof (cause as { message?: unknown }).message !== "string") return cause;
  const target = cause as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(target)) {
    if (key === "code" || key === "errno") continue;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined || !("value" in descriptor) || !descriptor.writable) continue;
    const value = descriptor.value;
    try {
      if (typeof value === "string") target[key] = isSensitiveName(key) ? REDACTED : redactText(value);
      else if (key === "cause") target[key] = redactCauseIn(value, seen);
      else if (key === "errors" && Array.isArray(value)) for (const e of value) redactCauseIn(e, seen);
    } catch {
      // Frozen or exotic objects keep their value; nothing we build includes them in a message.
    }
  }
  // Some engines keep `stack` as an accessor; assign through it when it is not an own data property.
  if (typeof target.stack === "string" && !Object.hasOwn(target, "stack")) {
    try {
      target.stack = redactText(target.stack);
    } catch {
      // read-only stack accessor
    }
  }
  return cause;
}
