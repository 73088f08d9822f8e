// Calls the OpenNebula emulator in-process (answerXmlRpc over a state, no HTTP), or any synchronous
// sender, with an XML-RPC request written here, independent of the emulator's and the client's
// codecs. Used by the XSD scenarios and by the decode benchmark, which keeps the answer bytes.
const encoder = new TextEncoder();

function param(v) {
  if (typeof v === "number") return `<value><int>${v}</int></value>`;
  if (typeof v === "boolean") return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  return `<value><string>${String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</string></value>`;
}

function unescapeText(text) {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#x0d;/g, "\r")
    .replace(/&#13;/g, "\r")
    .replace(/&amp;/g, "&");
}

/**
 * `invoke(method, params, session?)` → `{ out, value }`: the whole response body and element [1]
 * of a successful answer (a number for <i4>/<int>, a boolean for <boolean>, else the unescaped
 * string); throws with the response when the call failed.
 */
export function emulatorCaller(answerXmlRpc, state) {
  return xmlRpcCaller((body) => answerXmlRpc(state, encoder.encode(body)));
}

/** The same over any synchronous `send(requestBody) → responseBody` (conformance/opennebula/up-target.mjs). */
export function xmlRpcCaller(send) {
  return (method, params, session = "oneadmin:opennebula") => {
    const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${[session, ...params].map((p) => `<param>${param(p)}</param>`).join("")}</params></methodCall>`;
    const out = send(body);
    const m =
      /^[\s\S]*?<value><boolean>1<\/boolean><\/value>\s*<value><(string|i4|int|boolean)>([\s\S]*?)<\/\1><\/value>/.exec(
        out,
      );
    if (!m) throw new Error(`${method} failed: ${out.slice(0, 2000)}`);
    const value = m[1] === "string" ? unescapeText(m[2]) : m[1] === "boolean" ? m[2] === "1" : Number(m[2]);
    return { out, value };
  };
}
