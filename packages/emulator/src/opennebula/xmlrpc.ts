/**
 * XML-RPC 1.0 as oned's xmlrpc-c/Abyss front end speaks it: the request decoder (typed values, so
 * the methods can refuse a wrong type as xmlrpc-c does) and the response encoder (success and
 * failure arrays, and real `<fault>`s). Written for the emulator only.
 */
import { clipText } from "../common/dispatch.js";
import { escapeText, parseXml, parseXmlYielding, type XmlElement, XmlSyntaxError } from "./xml.js";

export type XValue =
  | { t: "int"; v: number }
  | { t: "i8"; v: bigint }
  | { t: "bool"; v: boolean }
  | { t: "double"; v: number }
  | { t: "string"; v: string }
  | { t: "datetime"; v: string }
  | { t: "base64"; v: string }
  | { t: "nil" }
  | { t: "array"; v: XValue[] }
  | { t: "struct"; v: Map<string, XValue> };

export interface XmlRpcCall {
  methodName: string;
  params: XValue[];
}

/** xmlrpc-c fault codes (xmlrpc-c/base.h). */
export const FaultCode = {
  INTERNAL: -500,
  TYPE: -501,
  INDEX: -502,
  PARSE: -503,
  NETWORK: -504,
  TIMEOUT: -505,
  NO_SUCH_METHOD: -506,
  REQUEST_REFUSED: -507,
  INTROSPECTION_DISABLED: -508,
  LIMIT_EXCEEDED: -509,
  INVALID_UTF8: -510,
} as const;

/** A real XML-RPC fault (raised before any OpenNebula code runs). */
export class XmlRpcFault extends Error {
  override readonly name = "XmlRpcFault";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function parseError(message: string): XmlRpcFault {
  return new XmlRpcFault(FaultCode.PARSE, `Call XML not a proper XML-RPC call.  ${message}`);
}

function only(el: XmlElement, what: string): XmlElement {
  if (el.children.length !== 1) throw parseError(`<${el.name}> must hold exactly one ${what}`);
  return el.children[0]!;
}

const INT_RE = /^\s*[+-]?\d+\s*$/;

/**
 * Longest text of a number element, whitespace included: an `<i8>` needs 20 characters, a
 * `<double>` ~25 (longer texts are refused before any conversion: BigInt of 25 million digits
 * takes seconds).
 */
export const MAX_NUMBER_CHARS = { int: 64, double: 512 } as const;

function tooLong(name: string, text: string, max: number): XmlRpcFault | undefined {
  return text.length > max
    ? parseError(`<${name}> holds ${text.length} characters, more than a number needs (${max})`)
    : undefined;
}

function decodeValue(value: XmlElement): XValue {
  if (value.name !== "value") throw parseError(`<value> expected, found <${value.name}>`);
  if (value.children.length === 0) return { t: "string", v: value.text };
  const typed = only(value, "typed value");
  const text = typed.text;
  switch (typed.name) {
    case "int":
    case "i4": {
      const long = tooLong(typed.name, text, MAX_NUMBER_CHARS.int);
      if (long) throw long;
      if (!INT_RE.test(text))
        throw parseError(`<${typed.name}> holds "${text.slice(0, 40)}", not an integer`);
      const n = Number(text);
      if (n < -2147483648 || n > 2147483647)
        throw parseError(`<${typed.name}> ${text.trim()} is out of 32-bit range`);
      return { t: "int", v: n };
    }
    case "i8":
    case "ex:i8": {
      const long = tooLong(typed.name, text, MAX_NUMBER_CHARS.int);
      if (long) throw long;
      if (!INT_RE.test(text))
        throw parseError(`<${typed.name}> holds "${text.slice(0, 40)}", not an integer`);
      const n = BigInt(text.trim());
      if (n < -(2n ** 63n) || n >= 2n ** 63n)
        throw parseError(`<${typed.name}> ${text.trim()} is out of 64-bit range`);
      return { t: "i8", v: n };
    }
    case "boolean": {
      const b = text.trim();
      if (b !== "0" && b !== "1") throw parseError(`<boolean> must be 0 or 1, not "${b.slice(0, 20)}"`);
      return { t: "bool", v: b === "1" };
    }
    case "double": {
      const long = tooLong(typed.name, text, MAX_NUMBER_CHARS.double);
      if (long) throw long;
      const d = text.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(d))
        throw parseError(`<double> holds "${d.slice(0, 40)}"`);
      return { t: "double", v: Number(d) };
    }
    case "string":
      if (typed.children.length > 0) throw parseError("<string> must not hold elements");
      return { t: "string", v: text };
    case "dateTime.iso8601":
      return { t: "datetime", v: text.trim() };
    case "base64":
      return { t: "base64", v: text.replace(/\s+/g, "") };
    case "nil":
    case "ex:nil":
      return { t: "nil" };
    case "array": {
      const data = only(typed, "<data>");
      if (data.name !== "data") throw parseError("<array> must hold <data>");
      return { t: "array", v: data.children.map(decodeValue) };
    }
    case "struct": {
      const members = new Map<string, XValue>();
      for (const m of typed.children) {
        const name = m.children.find((c) => c.name === "name");
        const v = m.children.find((c) => c.name === "value");
        if (m.name !== "member" || !name || !v) throw parseError("<member> needs <name> and <value>");
        members.set(name.text, decodeValue(v));
      }
      return { t: "struct", v: members };
    }
    default:
      throw parseError(`unknown value type <${typed.name}>`);
  }
}

/** The body as text; invalid UTF-8 is a parse fault naming the first bad byte. */
function decodeUtf8(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    let at = 0;
    // Find the first offending byte for a precise message.
    for (let lo = 0, hi = body.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      try {
        strictUtf8.decode(body.subarray(0, mid));
        lo = mid + 1;
        at = mid;
      } catch {
        hi = mid;
      }
    }
    throw new XmlRpcFault(
      FaultCode.PARSE,
      `Call XML not a proper XML-RPC call.  Invalid UTF-8 near byte ${at}`,
    );
  }
}

function syntaxFault(e: unknown): unknown {
  return e instanceof XmlSyntaxError ? parseError(`Unable to parse XML: ${e.message}`) : e;
}

/** A parsed document as a call: `<methodCall>`, `<methodName>`, typed `<params>`. */
function callOf(root: XmlElement): XmlRpcCall {
  if (root.name !== "methodCall") throw parseError(`root element is <${root.name}>, not <methodCall>`);
  const nameEl = root.children.find((c) => c.name === "methodName");
  if (!nameEl || nameEl.text.trim() === "") throw parseError("<methodName> is missing");
  const paramsEl = root.children.find((c) => c.name === "params");
  const params: XValue[] = [];
  for (const p of paramsEl?.children ?? []) {
    if (p.name !== "param") throw parseError(`<param> expected, found <${p.name}>`);
    params.push(decodeValue(only(p, "<value>")));
  }
  return { methodName: nameEl.text.trim(), params };
}

/** Decodes a `<methodCall>` body. Invalid UTF-8, malformed XML, a DOCTYPE → {@link XmlRpcFault}. */
export function decodeCall(body: Uint8Array): XmlRpcCall {
  const text = decodeUtf8(body);
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    throw syntaxFault(e);
  }
  return callOf(root);
}

/**
 * {@link decodeCall} reading the XML in slices with the event loop running between them (see
 * `parseXmlYielding`): for large bodies, so one call never holds up the other APIs.
 */
export async function decodeCallYielding(body: Uint8Array): Promise<XmlRpcCall> {
  const text = decodeUtf8(body);
  let root: XmlElement;
  try {
    root = await parseXmlYielding(text);
  } catch (e) {
    throw syntaxFault(e);
  }
  return callOf(root);
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n';

/** A success array `[true, value, 0]`: a string (XML document, token), an int (object ID) or i8. */
export function encodeSuccess(value: string | number | bigint | boolean): string {
  const v =
    typeof value === "string"
      ? `<string>${escapeText(value)}</string>`
      : typeof value === "bigint"
        ? `<i8>${value}</i8>`
        : typeof value === "boolean"
          ? `<boolean>${value ? 1 : 0}</boolean>`
          : `<i4>${value}</i4>`;
  return `${HEAD}<params>\r\n<param><value><array><data>\r\n<value><boolean>1</boolean></value>\r\n<value>${v}</value>\r\n<value><i4>0</i4></value>\r\n</data></array></value></param>\r\n</params>\r\n</methodResponse>\r\n`;
}

/** A failure array `[false, message, code, resp_id, replication_idx]` (5 elements since 5.10). */
export function encodeFailure(message: string, code: number, respId: number): string {
  return `${HEAD}<params>\r\n<param><value><array><data>\r\n<value><boolean>0</boolean></value>\r\n<value><string>${escapeText(clipText(message))}</string></value>\r\n<value><i4>${code}</i4></value>\r\n<value><i4>${respId}</i4></value>\r\n<value><i8>0</i8></value>\r\n</data></array></value></param>\r\n</params>\r\n</methodResponse>\r\n`;
}

export function encodeFault(code: number, message: string): string {
  return `${HEAD}<fault>\r\n<value><struct>\r\n<member><name>faultCode</name>\r\n<value><i4>${code}</i4></value></member>\r\n<member><name>faultString</name>\r\n<value><string>${escapeText(clipText(message))}</string></value></member>\r\n</struct></value>\r\n</fault>\r\n</methodResponse>\r\n`;
}
