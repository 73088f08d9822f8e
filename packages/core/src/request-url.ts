/**
 * Checks a request URL before any socket is opened, for every transport (core's two and the
 * emulator's in-process one, hence exported).
 *
 * User-info in the URL (`https://user:password@host/`) is turned into a Basic `authorization`
 * header (unless one is given) and removed from the URL, as browsers do; undici would silently
 * drop it and fetch would refuse the URL.
 */
import { InvalidRequestError } from "./errors.js";
import type { Headers } from "./transport.js";

export interface ParsedRequestUrl {
  /** `scheme://host:port` */
  origin: string;
  /** `host:port` (the port only when it is not the scheme's default), for a `Host` header. */
  host: string;
  /** Path and query, without the fragment. */
  path: string;
  /** The URL without user-info. */
  href: string;
  /** A Basic `authorization` value built from the user-info, when there was any. */
  authorization: string | undefined;
}

/**
 * Parsed URLs by their text. Clients call few distinct URLs (XML-RPC always the same one), and
 * parsing is a measurable share of a keep-alive request; the cache is cleared when it fills up.
 */
const cache = new Map<string, ParsedRequestUrl>();
const CACHE_LIMIT = 512;

/**
 * Parses and checks a request URL; the result is shared between calls and must not be mutated.
 * Throws `InvalidRequestError` for anything but an absolute http: or https: URL.
 */
export function parseRequestUrl(raw: string): Readonly<ParsedRequestUrl> {
  const cached = cache.get(raw);
  if (cached !== undefined) return cached;
  const parsed = parseUncached(raw);
  // URLs with credentials are not kept: no secret outlives the call in a module-level cache.
  if (parsed.authorization !== undefined) return parsed;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(raw, parsed);
  return parsed;
}

function parseUncached(raw: string): ParsedRequestUrl {
  if (typeof raw !== "string") throw new InvalidRequestError("request.url must be a string");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text is not echoed: a malformed URL may hold credentials no pattern recognises.
    throw new InvalidRequestError("request.url is not a valid absolute URL", { code: "ERR_INVALID_URL" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidRequestError(`request.url must use http: or https:, not ${url.protocol}`, {
      code: "ERR_INVALID_URL_SCHEME",
    });
  }
  let authorization: string | undefined;
  if (url.username !== "" || url.password !== "") {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  return {
    origin: url.origin,
    host: url.host,
    path: `${url.pathname}${url.search}`,
    href: url.href,
    authorization,
  };
}

/** Whether a header is present, whatever the case of its name. */
export function hasHeader(headers: Headers | undefined, name: string): boolean {
  if (headers === undefined) return false;
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}
