import { decodeEntities } from "../xml/entities.js";
import { syntaxError } from "../xml/errors.js";
import { decodeUtf8 } from "../xml/utf8.js";
import { EscapedXmlText } from "./escaped-text.js";
import type { XmlRpcCall, XmlRpcResponse, XmlRpcStruct, XmlRpcValue } from "./types.js";

/** Nesting deeper than this is refused (as a syntax error) instead of exhausting the stack. */
export const MAX_XMLRPC_DEPTH = 256;

export interface DecodeOptions {
  /**
   * Strings longer than this many characters (as they stand escaped in the body) are returned as
   * {@link EscapedXmlText}, decoded only when asked. The OpenNebula client uses it to parse a
   * pool document straight from the envelope. Off by default.
   */
  lazyStringsOver?: number | undefined;
}

/**
 * Decodes an XML-RPC `<methodResponse>`: one pass over the text (the bytes are decoded as strict
 * UTF-8 first). Malformed input throws `XmlSyntaxError` with line and column; a DOCTYPE is refused.
 */
export function decodeMethodResponse(body: Uint8Array | string, options: DecodeOptions = {}): XmlRpcResponse {
  const r = new Reader(typeof body === "string" ? body : decodeUtf8(body), options.lazyStringsOver);
  r.prolog();
  r.open("methodResponse");
  let response: XmlRpcResponse;
  const tag = r.peekTag();
  if (tag === "params") {
    r.open("params");
    r.open("param");
    response = { kind: "params", value: r.value(0) };
    r.close("param");
    r.close("params");
  } else if (tag === "fault") {
    r.open("fault");
    const at = r.pos;
    const fault = r.value(0);
    if (!isFault(fault))
      throw r.error(at, "a fault must be a struct with an int faultCode and a faultString");
    response = { kind: "fault", faultCode: Number(fault.faultCode), faultString: fault.faultString };
    r.close("fault");
  } else {
    throw r.error(r.pos, "expected <params> or <fault> in <methodResponse>");
  }
  r.close("methodResponse");
  r.end();
  return response;
}

/** Decodes an XML-RPC `<methodCall>` (used by test servers and to cross-check the encoder). */
export function decodeMethodCall(body: Uint8Array | string): XmlRpcCall {
  const r = new Reader(typeof body === "string" ? body : decodeUtf8(body), undefined);
  r.prolog();
  r.open("methodCall");
  r.open("methodName");
  const methodName = r.text().trim();
  r.close("methodName");
  const params: XmlRpcValue[] = [];
  if (r.peekTag() === "params") {
    if (!r.openOrEmpty("params")) {
      while (r.peekTag() === "param") {
        r.open("param");
        params.push(r.value(0));
        r.close("param");
      }
      r.close("params");
    }
  }
  r.close("methodCall");
  r.end();
  return { methodName, params };
}

function isFault(value: XmlRpcValue): value is { faultCode: number | bigint; faultString: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array)
    return false;
  if (value instanceof Date) return false;
  const code = (value as XmlRpcStruct).faultCode;
  return (
    (typeof code === "number" || typeof code === "bigint") &&
    typeof (value as XmlRpcStruct).faultString === "string"
  );
}

const INT = /^[+-]?[0-9]+$/;
const DOUBLE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
const ISO8601 =
  /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A cursor over the XML-RPC text. Element names are matched exactly; whitespace between elements is skipped. */
class Reader {
  pos = 0;
  private nextAmp: number;
  private nextCr: number;
  private readonly src: string;
  private readonly lazyOver: number;

  constructor(src: string, lazyOver: number | undefined) {
    this.src = src;
    this.lazyOver = lazyOver ?? Number.POSITIVE_INFINITY;
    this.nextAmp = indexOrLength(src, "&", 0);
    this.nextCr = indexOrLength(src, "\r", 0);
  }

  error(at: number, reason: string) {
    return syntaxError(this.src, at, reason);
  }

  prolog(): void {
    const s = this.src;
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
    for (;;) {
      this.skipSpace();
      if (s.startsWith("<?", this.pos)) {
        const close = s.indexOf("?>", this.pos + 2);
        if (close === -1) throw this.error(this.pos, "unterminated processing instruction");
        this.pos = close + 2;
      } else if (s.startsWith("<!--", this.pos)) {
        this.skipComment();
      } else if (s.startsWith("<!DOCTYPE", this.pos)) {
        throw this.error(this.pos, "DOCTYPE is not allowed (no DTDs, no entity expansion)");
      } else {
        return;
      }
    }
  }

  end(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith("<!--", this.pos)) this.skipComment();
      else if (this.src.startsWith("<?", this.pos)) {
        const close = this.src.indexOf("?>", this.pos + 2);
        if (close === -1) throw this.error(this.pos, "unterminated processing instruction");
        this.pos = close + 2;
      } else break;
    }
    if (this.pos < this.src.length) throw this.error(this.pos, "content after the root element");
  }

  private skipSpace(): void {
    const s = this.src;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) p++;
      else break;
    }
    this.pos = p;
  }

  private skipComment(): void {
    const close = this.src.indexOf("-->", this.pos + 4);
    if (close === -1) throw this.error(this.pos, "unterminated comment");
    this.pos = close + 3;
  }

  /** Skips whitespace and comments; returns the name of the next start tag, or "" if none. */
  peekTag(): string {
    this.skipMarkupSpace();
    const s = this.src;
    if (s.charCodeAt(this.pos) !== 0x3c) return "";
    const c = s.charCodeAt(this.pos + 1);
    if (c === 0x2f || c === 0x21 || c === 0x3f) return "";
    let p = this.pos + 1;
    for (;;) {
      const d = s.charCodeAt(p);
      if (Number.isNaN(d) || d === 0x3e || d === 0x2f || d === 0x20 || d === 0x0a || d === 0x09 || d === 0x0d)
        break;
      p++;
    }
    return s.slice(this.pos + 1, p);
  }

  private skipMarkupSpace(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith("<!--", this.pos)) this.skipComment();
      else if (this.src.startsWith("<!DOCTYPE", this.pos)) {
        throw this.error(this.pos, "DOCTYPE is not allowed (no DTDs, no entity expansion)");
      } else return;
    }
  }

  /** Consumes `<name>` (or `<name/>`, returning true for the empty form). */
  openOrEmpty(name: string): boolean {
    this.skipMarkupSpace();
    const s = this.src;
    const at = this.pos;
    if (s.charCodeAt(at) !== 0x3c || !s.startsWith(name, at + 1)) throw this.error(at, `expected <${name}>`);
    let p = at + 1 + name.length;
    const c = s.charCodeAt(p);
    if (c === 0x3e) {
      this.pos = p + 1;
      return false;
    }
    if (c === 0x2f && s.charCodeAt(p + 1) === 0x3e) {
      this.pos = p + 2;
      return true;
    }
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) throw this.error(at, `expected <${name}>`);
    // attributes: skipped
    const gt = s.indexOf(">", p);
    if (gt === -1) throw this.error(at, `unterminated start tag <${name}>`);
    p = gt;
    this.pos = gt + 1;
    return s.charCodeAt(p - 1) === 0x2f;
  }

  open(name: string): void {
    if (this.openOrEmpty(name)) throw this.error(this.pos, `<${name}/> must not be empty`);
  }

  close(name: string): void {
    this.skipMarkupSpace();
    const s = this.src;
    const at = this.pos;
    if (s.charCodeAt(at) !== 0x3c || s.charCodeAt(at + 1) !== 0x2f || !s.startsWith(name, at + 2)) {
      throw this.error(at, `expected </${name}>`);
    }
    let p = at + 2 + name.length;
    while (s.charCodeAt(p) === 0x20 || s.charCodeAt(p) === 0x0a || s.charCodeAt(p) === 0x09) p++;
    if (s.charCodeAt(p) !== 0x3e) throw this.error(at, `expected </${name}>`);
    this.pos = p + 1;
  }

  /** Character data up to the next tag: entities decoded, CDATA unwrapped, CR LF normalised. */
  text(): string {
    const s = this.src;
    let out = "";
    for (;;) {
      const lt = s.indexOf("<", this.pos);
      if (lt === -1) throw this.error(s.length, "unexpected end of document");
      if (lt > this.pos) out += this.chars(this.pos, lt);
      if (s.startsWith("<![CDATA[", lt)) {
        const close = s.indexOf("]]>", lt + 9);
        if (close === -1) throw this.error(lt, "unterminated CDATA section");
        out += s.slice(lt + 9, close);
        this.pos = close + 3;
      } else if (s.startsWith("<!--", lt)) {
        this.pos = lt;
        this.skipComment();
      } else {
        this.pos = lt;
        return out;
      }
    }
  }

  private chars(from: number, to: number): string {
    const s = this.src;
    if (this.nextAmp < from) this.nextAmp = indexOrLength(s, "&", from);
    if (this.nextCr < from) this.nextCr = indexOrLength(s, "\r", from);
    let text = this.nextAmp < to ? decodeEntities(s, from, to) : s.slice(from, to);
    if (this.nextCr < to) text = text.replace(/\r\n?/g, "\n");
    return text;
  }

  /** After `<value>` has been seen at the cursor: reads the value and its `</value>`. */
  value(depth: number): XmlRpcValue {
    if (depth > MAX_XMLRPC_DEPTH) throw this.error(this.pos, `values nested deeper than ${MAX_XMLRPC_DEPTH}`);
    if (this.openOrEmpty("value")) return "";
    const s = this.src;
    const start = this.pos;
    // Untyped string, or whitespace before a type element.
    const lt = s.indexOf("<", start);
    if (lt === -1) throw this.error(s.length, "unexpected end of document");
    if (s.charCodeAt(lt + 1) === 0x2f || s.startsWith("<![CDATA[", lt)) {
      if (lt - start > this.lazyOver && s.charCodeAt(lt + 1) === 0x2f) {
        this.pos = lt;
        this.close("value");
        return new EscapedXmlText(s, start, lt) as unknown as string;
      }
      const text = this.text();
      this.close("value");
      return text;
    }
    for (let p = start; p < lt; p++) {
      const c = s.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d)
        throw this.error(p, "text before a typed value");
    }
    this.pos = lt;
    const type = this.peekTag();
    const at = this.pos;
    let result: XmlRpcValue;
    switch (type) {
      case "string": {
        if (this.openOrEmpty("string")) {
          result = "";
          break;
        }
        const from = this.pos;
        const end = s.indexOf("<", from);
        if (end !== -1 && end - from > this.lazyOver && s.startsWith("</string", end)) {
          this.pos = end;
          result = new EscapedXmlText(s, from, end) as unknown as string;
        } else {
          result = this.text();
        }
        this.close("string");
        break;
      }
      case "int":
      case "i4": {
        const text = this.scalar(type).trim();
        const n = INT.test(text) ? Number(text) : Number.NaN;
        if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
          throw this.error(at, `<${type}> is not a 32-bit integer: "${clip(text)}"`);
        }
        result = n;
        break;
      }
      case "i8":
      case "ex:i8": {
        const text = this.scalar(type).trim();
        if (!INT.test(text)) throw this.error(at, `<${type}> is not an integer: "${clip(text)}"`);
        const big = BigInt(text);
        if (big < -(2n ** 63n) || big >= 2n ** 63n)
          throw this.error(at, `<${type}> is out of the 64-bit range`);
        result = Number.isSafeInteger(Number(big)) ? Number(big) : big;
        break;
      }
      case "boolean": {
        const text = this.scalar(type).trim();
        if (text !== "0" && text !== "1")
          throw this.error(at, `<boolean> must be 0 or 1, not "${clip(text)}"`);
        result = text === "1";
        break;
      }
      case "double": {
        const text = this.scalar(type).trim();
        if (!DOUBLE.test(text)) throw this.error(at, `<double> is not a number: "${clip(text)}"`);
        result = Number(text);
        break;
      }
      case "dateTime.iso8601": {
        const text = this.scalar(type).trim();
        const date = parseIso8601(text);
        if (date === undefined) throw this.error(at, `<dateTime.iso8601> is not a date: "${clip(text)}"`);
        result = date;
        break;
      }
      case "base64": {
        const text = this.scalar(type);
        if (!BASE64.test(text)) throw this.error(at, "<base64> holds characters outside the base64 alphabet");
        result = new Uint8Array(Buffer.from(text, "base64"));
        break;
      }
      case "nil":
      case "ex:nil": {
        if (!this.openOrEmpty(type)) {
          if (this.text().trim() !== "") throw this.error(at, `<${type}> must be empty`);
          this.close(type);
        }
        result = null;
        break;
      }
      case "array":
        result = this.array(depth);
        break;
      case "struct":
        result = this.struct(depth);
        break;
      default:
        throw this.error(at, type === "" ? "expected a value" : `unknown XML-RPC type <${type}>`);
    }
    this.close("value");
    return result;
  }

  private scalar(type: string): string {
    if (this.openOrEmpty(type)) return "";
    const text = this.text();
    this.close(type);
    return text;
  }

  private array(depth: number): XmlRpcValue[] {
    const items: XmlRpcValue[] = [];
    if (this.openOrEmpty("array")) return items;
    if (!this.openOrEmpty("data")) {
      while (this.peekTag() === "value") items.push(this.value(depth + 1));
      this.close("data");
    }
    this.close("array");
    return items;
  }

  private struct(depth: number): XmlRpcStruct {
    const struct: XmlRpcStruct = {};
    if (this.openOrEmpty("struct")) return struct;
    while (this.peekTag() === "member") {
      this.open("member");
      let name = "";
      if (!this.openOrEmpty("name")) {
        name = this.text();
        this.close("name");
      }
      const value = this.value(depth + 1);
      this.close("member");
      // An own property even for "__proto__": a struct never changes its prototype.
      Object.defineProperty(struct, name, { value, writable: true, enumerable: true, configurable: true });
    }
    this.close("struct");
    return struct;
  }
}

function indexOrLength(s: string, needle: string, from: number): number {
  const i = s.indexOf(needle, from);
  return i === -1 ? s.length : i;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function parseIso8601(text: string): Date | undefined {
  const m = ISO8601.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms);
  if (zone !== undefined && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0")) * 60_000;
  }
  const date = new Date(t);
  return Number.isNaN(date.getTime()) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23
    ? undefined
    : date;
}
