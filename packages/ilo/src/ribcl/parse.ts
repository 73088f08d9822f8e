import { ResponseValidationError } from "@homelab-kit/core";
import { XMLParser } from "fast-xml-parser";
import { RibclError } from "../errors.js";

/** An element of a RIBCL answer: upper-case attributes, children by tag name (always arrays). */
export interface RibclNode {
  attrs: Record<string, string>;
  children: Record<string, RibclNode[]>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  attributesGroupName: "@",
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  processEntities: true,
  htmlEntities: false,
});

type Raw = Record<string, unknown>;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Re-quotes the attributes of one start tag: a value ends at the quote followed by another attribute or the tag end. */
function requoteTag(inner: string): string {
  let out = "";
  let i = 0;
  const attr = /\s*([A-Za-z_][\w.-]*)\s*=\s*(["'])/y;
  while (i < inner.length) {
    attr.lastIndex = i;
    const m = attr.exec(inner);
    if (!m) return out + inner.slice(i);
    const quote = m[2]!;
    const valueStart = attr.lastIndex;
    const end = new RegExp(`${quote}(?=\\s*(?:[A-Za-z_][\\w.-]*\\s*=|/?$))`, "g");
    end.lastIndex = valueStart;
    const close = end.exec(inner);
    if (!close) return out + inner.slice(i);
    const value = inner.slice(valueStart, close.index).replaceAll(quote, quote === '"' ? "&quot;" : "&apos;");
    out += `${m[0]}${value}${quote}`;
    i = close.index + 1;
  }
  return out;
}

/**
 * Fix-ups for the malformed XML iLO firmware emits (docs/reference/ilo/ISSUES.md #5, the same kludges python-hpilo
 * carries): control bytes such as \x01 from a faulty PSU, a self-closed `<RIBCL VERSION="2.22"/>`,
 * and unescaped quotes inside attribute values.
 */
export function repairRibclXml(doc: string): string {
  return doc
    .replace(CONTROL, "")
    .replace(/<RIBCL VERSION="([^"]*)"\s*\/>/g, '<RIBCL VERSION="$1">')
    .replace(
      /<([A-Za-z_][\w.-]*)([^<>]*?)(\/?)>/g,
      (_, name: string, inner: string, slash: string) => `<${name}${requoteTag(inner)}${slash}>`,
    );
}

function parseDocument(raw: string): Raw {
  // Control bytes are invalid in XML 1.0 attribute values but strict parsers may let them through.
  const doc = raw.replace(CONTROL, "");
  try {
    return parser.parse(doc, true) as Raw;
  } catch (first) {
    try {
      return parser.parse(repairRibclXml(doc), true) as Raw;
    } catch {
      throw new ResponseValidationError({
        issues: [{ message: `malformed RIBCL document: ${(first as Error).message}` }],
        url: "/ribcl",
      });
    }
  }
}

function toNode(raw: unknown): RibclNode {
  const node: RibclNode = { attrs: {}, children: {} };
  if (raw === null || typeof raw !== "object") return node;
  for (const [key, value] of Object.entries(raw as Raw)) {
    if (key === "@") {
      for (const [a, v] of Object.entries(value as Raw)) node.attrs[a.toUpperCase()] = String(v);
    } else if (key !== "#text" && Array.isArray(value)) {
      node.children[key] = value.map(toNode);
    }
  }
  return node;
}

export interface RibclAnswer {
  /** The payload elements of every document, by tag name, in document order. */
  payload: Record<string, RibclNode[]>;
  /** Non-"No error" messages with status 0 (`"Host power is already ON."`). */
  messages: string[];
}

/**
 * Reads a RIBCL answer: several concatenated `<?xml?><RIBCL>` documents, each with a RESPONSE. The
 * first non-zero STATUS throws {@link RibclError}; how many documents came does not matter.
 */
export function parseRibclAnswer(text: string, command?: string): RibclAnswer {
  const docs = text.split(/<\?xml[^>]*\?>/).filter((d) => d.trim() !== "");
  if (docs.length === 0) {
    throw new ResponseValidationError({ issues: [{ message: "empty RIBCL answer" }], url: "/ribcl" });
  }
  const answer: RibclAnswer = { payload: {}, messages: [] };
  for (const doc of docs) {
    const parsed = parseDocument(doc);
    const ribcl = (parsed.RIBCL as unknown[] | undefined)?.[0];
    if (ribcl === undefined) {
      throw new ResponseValidationError({
        issues: [{ message: "RIBCL document without <RIBCL>" }],
        url: "/ribcl",
      });
    }
    const node = toNode(ribcl);
    for (const response of node.children.RESPONSE ?? []) {
      const status = Number.parseInt(response.attrs.STATUS ?? "", 16);
      const message = response.attrs.MESSAGE ?? "";
      if (Number.isNaN(status)) {
        throw new ResponseValidationError({
          issues: [{ message: `RESPONSE without a STATUS` }],
          url: "/ribcl",
        });
      }
      if (status !== 0) throw new RibclError({ status, message, command });
      if (message !== "No error" && message !== "") answer.messages.push(message);
    }
    for (const [name, nodes] of Object.entries(node.children)) {
      if (name === "RESPONSE" || name === "INFORM") continue;
      answer.payload[name] = [...(answer.payload[name] ?? []), ...nodes];
    }
  }
  return answer;
}

/** The first `name` payload element, or a ResponseValidationError naming what was missing. */
export function payloadElement(answer: RibclAnswer, name: string): RibclNode {
  const node = answer.payload[name]?.[0];
  if (!node) {
    throw new ResponseValidationError({
      issues: [{ path: [name], message: `no <${name}> in the RIBCL answer` }],
      url: "/ribcl",
    });
  }
  return node;
}

/** `<CHILD VALUE="x"/>` → "x" (python-hpilo also sends lower-case `value`; attrs are upper-cased). */
export function childValue(node: RibclNode | undefined, child: string, index = 0): string | undefined {
  return node?.children[child]?.[index]?.attrs.VALUE;
}
