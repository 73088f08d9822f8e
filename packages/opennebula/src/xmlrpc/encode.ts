import { redactText } from "@homelab-kit/core";
import { isXmlChar } from "../xml/entities.js";
import type { XmlRpcValue } from "./types.js";

/** A value that XML-RPC cannot carry (NaN, a 65-bit integer, a cycle, a lone surrogate…). */
export class XmlRpcEncodeError extends TypeError {
  override readonly name = "XmlRpcEncodeError";
  readonly code = "XMLRPC_ENCODE";
  /** Where in the value: `params[1].disks[0]`. */
  readonly path: string;

  constructor(reason: string, path: string) {
    super(redactText(`${reason} at ${path}`));
    this.path = redactText(path);
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const I8_MIN = -(2n ** 63n);
const I8_MAX = 2n ** 63n - 1n;

/**
 * Encodes a `<methodCall>`. Numbers: 32-bit integers as `<int>`, larger safe integers and bigints
 * as `<i8>` (xmlrpc-c's extension, which oned reads), others as `<double>`. Strings always get a
 * `<string>` element; `&`, `<`, `>` and CR are escaped.
 */
export function encodeMethodCall(methodName: string, params: readonly XmlRpcValue[]): string {
  if (!/^[A-Za-z0-9_.:/]+$/.test(methodName))
    throw new XmlRpcEncodeError("invalid method name", "methodName");
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>${methodName}</methodName><params>`,
  ];
  for (let i = 0; i < params.length; i++) {
    out.push("<param>");
    encodeValue(params[i]!, out, `params[${i}]`, new Set());
    out.push("</param>");
  }
  out.push("</params></methodCall>");
  return out.join("");
}

/** Encodes a `<methodResponse>` holding one value. */
export function encodeMethodResponse(value: XmlRpcValue): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?><methodResponse><params><param>'];
  encodeValue(value, out, "value", new Set());
  out.push("</param></params></methodResponse>");
  return out.join("");
}

/** Encodes a `<methodResponse>` holding a fault. */
export function encodeFault(faultCode: number, faultString: string): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?><methodResponse><fault>'];
  encodeValue({ faultCode, faultString }, out, "fault", new Set());
  out.push("</fault></methodResponse>");
  return out.join("");
}

function encodeValue(value: XmlRpcValue, out: string[], path: string, seen: Set<object>): void {
  switch (typeof value) {
    case "string":
      out.push(`<value><string>${escapeString(value, path)}</string></value>`);
      return;
    case "boolean":
      out.push(value ? "<value><boolean>1</boolean></value>" : "<value><boolean>0</boolean></value>");
      return;
    case "number":
      if (Number.isInteger(value)) {
        if (value >= INT32_MIN && value <= INT32_MAX)
          out.push(`<value><int>${value === 0 ? 0 : value}</int></value>`);
        else if (Number.isSafeInteger(value)) out.push(`<value><i8>${value}</i8></value>`);
        else out.push(`<value><double>${formatDouble(value)}</double></value>`);
      } else if (Number.isFinite(value)) {
        out.push(`<value><double>${formatDouble(value)}</double></value>`);
      } else {
        throw new XmlRpcEncodeError(`XML-RPC has no representation for ${value}`, path);
      }
      return;
    case "bigint":
      if (value < I8_MIN || value > I8_MAX)
        throw new XmlRpcEncodeError("integer outside the 64-bit range", path);
      out.push(`<value><i8>${value}</i8></value>`);
      return;
    case "object":
      break;
    default:
      throw new XmlRpcEncodeError(`XML-RPC has no representation for a ${typeof value}`, path);
  }
  if (value === null) {
    out.push("<value><nil/></value>");
    return;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new XmlRpcEncodeError("invalid Date", path);
    out.push(`<value><dateTime.iso8601>${formatIso8601(value)}</dateTime.iso8601></value>`);
    return;
  }
  if (value instanceof Uint8Array) {
    out.push(
      `<value><base64>${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}</base64></value>`,
    );
    return;
  }
  if (seen.has(value)) throw new XmlRpcEncodeError("circular reference", path);
  seen.add(value);
  if (Array.isArray(value)) {
    out.push("<value><array><data>");
    for (let i = 0; i < value.length; i++) encodeValue(value[i]!, out, `${path}[${i}]`, seen);
    out.push("</data></array></value>");
  } else {
    out.push("<value><struct>");
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out.push(`<member><name>${escapeString(key, `${path} (member name)`)}</name>`);
      encodeValue(item, out, `${path}.${key}`, seen);
      out.push("</member>");
    }
    out.push("</struct></value>");
  }
  seen.delete(value);
}

/** Escapes `&`, `<`, `>` and CR (kept as a character reference, so it survives line-end normalisation). */
function escapeString(text: string, path: string): string {
  // Only characters XML 1.0 can carry: no control characters but TAB/LF/CR, no lone surrogates.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/.test(text)) {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (!isXmlChar(cp)) {
        throw new XmlRpcEncodeError(
          `character U+${cp.toString(16).toUpperCase().padStart(4, "0")} cannot be sent in XML`,
          path,
        );
      }
    }
  }
  if (!/[&<>\r]/.test(text)) return text;
  return text.replace(/[&<>\r]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#13;",
  );
}

/** Shortest round-tripping decimal, never in exponent form (`1e21` → `1000000000000000000000`). */
function formatDouble(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value
    .toLocaleString("en-US", { useGrouping: false, maximumSignificantDigits: 17 })
    .replace(/^-0$/, "0");
}

/** `YYYYMMDDTHH:MM:SS` in UTC, the form XML-RPC 1.0 shows (and xmlrpc-c reads). */
function formatIso8601(date: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}
