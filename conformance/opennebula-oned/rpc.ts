/**
 * A raw XML-RPC caller for the differential suite, written here so that neither the emulator's nor
 * the client's codec decides what is compared: it posts the methodCall to an endpoint and keeps the
 * answer's values as they came (the `[ok, result, code, id, …]` array oned returns, or a fault).
 */
import { escapeXml } from "@homelab-kit/opennebula/xml";

export type RpcValue = string | number | boolean;
export type RpcParam = string | number | boolean;

export interface RpcAnswer {
  /** XML-RPC fault (xmlrpc-c's own errors: unknown method, bad parameter types). */
  fault?: { code: number; message: string };
  /** The elements of the answer array. */
  values: RpcValue[];
}

export interface Target {
  name: "oned" | "emulator";
  endpoint: string;
  user: string;
  password: string;
}

function unescapeText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, "&");
}

const scalar =
  /<value>\s*(?:<(string|int|i4|i8|boolean|double)>([\s\S]*?)<\/\1>|<(string|int|i4|i8|boolean|double)\/>|([^<]*))\s*<\/value>/g;

function decodeScalars(xml: string): RpcValue[] {
  const values: RpcValue[] = [];
  for (const m of xml.matchAll(scalar)) {
    const type = m[1] ?? m[3] ?? "string";
    const text = m[1] !== undefined ? (m[2] ?? "") : (m[4] ?? "");
    if (type === "boolean") values.push(text.trim() === "1");
    else if (type === "string") values.push(unescapeText(text));
    else values.push(Number(text));
  }
  return values;
}

export function decodeResponse(body: string): RpcAnswer {
  if (/<fault>/.test(body)) {
    const code = /<name>faultCode<\/name>\s*<value>\s*<(?:int|i4)>(-?\d+)</.exec(body);
    const message =
      /<name>faultString<\/name>\s*<value>\s*(?:<string>)?([\s\S]*?)(?:<\/string>)?\s*<\/value>/.exec(body);
    return {
      fault: { code: Number(code?.[1] ?? Number.NaN), message: unescapeText(message?.[1] ?? "") },
      values: [],
    };
  }
  const data = /<array>\s*<data>([\s\S]*)<\/data>\s*<\/array>/.exec(body);
  if (data === null) throw new Error(`not an XML-RPC answer array: ${body.slice(0, 300)}`);
  return { values: decodeScalars(data[1]!) };
}

function param(p: RpcParam): string {
  if (typeof p === "number") return `<value><int>${p}</int></value>`;
  if (typeof p === "boolean") return `<value><boolean>${p ? 1 : 0}</boolean></value>`;
  return `<value><string>${escapeXml(p)}</string></value>`;
}

export function encodeCall(method: string, params: readonly RpcParam[]): string {
  return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params
    .map((p) => `<param>${param(p)}</param>`)
    .join("")}</params></methodCall>`;
}

/** One call with `session` as parameter 0 (default the target's user:password). */
export async function rpc(
  target: Target,
  method: string,
  params: readonly RpcParam[],
  session = `${target.user}:${target.password}`,
): Promise<RpcAnswer> {
  const response = await fetch(target.endpoint, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: encodeCall(method, [session, ...params]),
    signal: AbortSignal.timeout(60_000),
  });
  const body = await response.text();
  if (!response.ok)
    throw new Error(`${target.name} ${method}: HTTP ${response.status} ${body.slice(0, 200)}`);
  return decodeResponse(body);
}
