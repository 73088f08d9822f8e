/**
 * Test helpers for the OpenNebula emulator: an XML-RPC call encoder and a response reader written
 * with regular expressions over oned's fixed response layout (independent of the emulator's parser).
 */
import type { Transport } from "@homelab-kit/core";

export type Param = number | boolean | string | { i8: bigint } | { raw: string };

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function encodeParam(p: Param): string {
  if (typeof p === "number") return `<value><int>${p}</int></value>`;
  if (typeof p === "boolean") return `<value><boolean>${p ? 1 : 0}</boolean></value>`;
  if (typeof p === "string") return `<value><string>${xmlEscape(p)}</string></value>`;
  if ("i8" in p) return `<value><i8>${p.i8}</i8></value>`;
  return p.raw;
}

export function methodCall(method: string, params: Param[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param>${encodeParam(p)}</param>`).join("")}</params></methodCall>`;
}

export type RpcResult =
  | { kind: "ok"; value: string | number | boolean; type: string; raw: string }
  | { kind: "error"; message: string; code: number; respId: number; raw: string }
  | { kind: "fault"; faultCode: number; faultString: string; raw: string };

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#x0d;/g, "\r")
    .replace(/&amp;/g, "&");
}

export function readResponse(raw: string): RpcResult {
  const fault =
    /<fault>[\s\S]*<name>faultCode<\/name>\s*<value><i4>(-?\d+)<\/i4><\/value>[\s\S]*<name>faultString<\/name>\s*<value><string>([\s\S]*?)<\/string>/.exec(
      raw,
    );
  if (fault) return { kind: "fault", faultCode: Number(fault[1]), faultString: xmlUnescape(fault[2]!), raw };
  const values = [...raw.matchAll(/<value><(boolean|string|i4|i8)>([\s\S]*?)<\/\1><\/value>/g)];
  if (values[0]?.[2] === "1" && values.length === 3) {
    const [, type, text] = values[1]!;
    const value = type === "string" ? xmlUnescape(text!) : type === "boolean" ? text === "1" : Number(text);
    return { kind: "ok", value, type: type!, raw };
  }
  if (values[0]?.[2] === "0" && values.length === 5) {
    return {
      kind: "error",
      message: xmlUnescape(values[1]![2]!),
      code: Number(values[2]![2]),
      respId: Number(values[3]![2]),
      raw,
    };
  }
  throw new Error(`unexpected XML-RPC response: ${raw.slice(0, 500)}`);
}

export function rpcClient(transport: Transport, session = "oneadmin:opennebula") {
  const post = async (body: string | Uint8Array) => {
    const res = await transport({
      method: "POST",
      url: "http://one.test:2633/RPC2",
      headers: { "content-type": "text/xml" },
      body,
    });
    return { status: res.status, headers: res.headers, text: new TextDecoder().decode(res.body) };
  };
  const call = async (method: string, ...params: Param[]) =>
    readResponse((await post(methodCall(method, [session, ...params]))).text);
  /** Calls and expects success; returns element [1]. */
  const ok = async (method: string, ...params: Param[]) => {
    const r = await call(method, ...params);
    if (r.kind !== "ok") throw new Error(`${method}: ${JSON.stringify(r)}`);
    return r.value;
  };
  const as = (other: string) => rpcClient(transport, other);
  return { post, call, ok, as };
}

/** The text of the first `<NAME>` (CDATA unwrapped) in an XML document. */
export function field(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(xml);
  return m?.[1];
}

export function stateOf(xml: string): [number, number] {
  return [Number(field(xml, "STATE")), Number(field(xml, "LCM_STATE"))];
}

/** Every `<NAME>` value (CDATA unwrapped) in document order. */
export function all(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`, "g"))].map((m) => m[1]!);
}

/** Each whole `<NAME>…</NAME>` element of a one-line document, in order (not nested in itself). */
export function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>.*?</${name}>`, "g"))].map((m) => m[0]);
}
