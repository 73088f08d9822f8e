/**
 * A tolerant reader for RIBCL request scripts, written for the emulator (it must not share the
 * client's parser). Real clients send attribute values unescaped (python-hpilo puts raw `&`/`<` in
 * PASSWORD="…"), so values run to the matching quote; attribute names are upper-cased because
 * python-hpilo mixes `VALUE=` and `value=`.
 */
import { isXmlChar, XML_ENTITIES } from "../common/xml-entities.js";

export interface RibclElement {
  name: string;
  attrs: Record<string, string>;
  children: RibclElement[];
  /** Offset of the element in the script. */
  pos: number;
}

export class RibclSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly near: string,
    readonly lineText: string,
  ) {
    super(`Syntax error: Line #${line}: syntax error near "${near}" in the line: "${lineText}"`);
    this.name = "RibclSyntaxError";
  }
}

const NAME = /[A-Za-z_][\w.-]*/y;

/** Limits on one script: going past one is a syntax error at the element or reference that did. */
export interface RibclBudget {
  /** Deepest nesting (RIBCL › LOGIN › section › command › setting is 5). */
  maxDepth: number;
  /** Most elements in the script. */
  maxElements: number;
  /** Most attributes on one element. */
  maxAttributes: number;
}

export const DEFAULT_RIBCL_BUDGET: Readonly<RibclBudget> = Object.freeze({
  maxDepth: 16,
  maxElements: 10_000,
  maxAttributes: 64,
});

export function parseRibclScript(text: string, budget: RibclBudget = DEFAULT_RIBCL_BUDGET): RibclElement {
  let i = 0;
  let elements = 0;
  const stack: RibclElement[] = [];
  let root: RibclElement | null = null;
  const lineAt = (pos: number) => {
    let n = 0;
    for (let k = 0; k < pos && k < text.length; k++) if (text.charCodeAt(k) === 10) n++;
    return n;
  };
  const fail = (pos: number): never => {
    const start = text.lastIndexOf("\n", pos - 1) + 1;
    const endNl = text.indexOf("\n", pos);
    const lineText = text
      .slice(start, endNl < 0 ? text.length : endNl)
      .replace(/[\r"]/g, "")
      .trim();
    const near = text.slice(pos, pos + 1).replace(/[\r\n"]/g, "");
    throw new RibclSyntaxError(lineAt(pos), near, lineText.slice(0, 120));
  };
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt < 0) {
      if (text.slice(i).trim() !== "") fail(i);
      break;
    }
    if (text.slice(i, lt).trim() !== "" && stack.length === 0) fail(i);
    i = lt;
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) fail(i);
      i = end + 2;
      continue;
    }
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0) fail(i);
      i = end + 3;
      continue;
    }
    if (text.startsWith("</", i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      const open = stack.pop();
      if (!m || !open || open.name !== m[0]) fail(i);
      i = NAME.lastIndex;
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] !== ">") fail(i);
      i++;
      continue;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(text);
    if (!m) fail(i);
    if (stack.length >= budget.maxDepth || ++elements > budget.maxElements) fail(i);
    const el: RibclElement = { name: m![0].toUpperCase(), attrs: {}, children: [], pos: i };
    i = NAME.lastIndex;
    let attributes = 0;
    let selfClosing = false;
    for (;;) {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text.startsWith("/>", i)) {
        selfClosing = true;
        i += 2;
        break;
      }
      if (text[i] === ">") {
        i++;
        break;
      }
      NAME.lastIndex = i;
      const a = NAME.exec(text);
      if (!a || ++attributes > budget.maxAttributes) fail(i);
      i = NAME.lastIndex;
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] !== "=") fail(i);
      i++;
      while (/\s/.test(text[i] ?? "")) i++;
      const q = text[i];
      if (q !== '"' && q !== "'") fail(i);
      const end = text.indexOf(q!, i + 1);
      if (end < 0) fail(i);
      const value = decodeEntities(text.slice(i + 1, end));
      if (value === undefined) fail(i + 1);
      el.attrs[a![0].toUpperCase()] = value!;
      i = end + 1;
    }
    const parent = stack.at(-1);
    if (parent) parent.children.push(el);
    else if (root) fail(lt);
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 0 || !root) fail(text.length);
  return root!;
}

/**
 * Decodes the five XML entities and numeric references; a lone `&` stays as it is. Undefined for
 * a character reference to no Unicode character (`&#99999999;`): a syntax error, as the script
 * is not XML.
 */
function decodeEntities(value: string): string | undefined {
  if (!value.includes("&")) return value;
  let invalid = false;
  const decoded = value.replace(/&(amp|lt|gt|quot|apos|#\d{1,8}|#x[0-9a-fA-F]{1,8});/g, (_, e: string) => {
    if (Object.hasOwn(XML_ENTITIES, e)) return XML_ENTITIES[e]!;
    const cp = e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    if (!isXmlChar(cp)) {
      invalid = true;
      return "";
    }
    return String.fromCodePoint(cp);
  });
  return invalid ? undefined : decoded;
}

/** Escapes a value for an attribute of a RIBCL response. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}

/** `<NAME A="v" …/>` or with children; the shape RIBCL payloads take. */
export function xmlElement(name: string, attrs: Record<string, string | number> = {}, children?: string[]) {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
  if (!children) return `<${name}${a}/>`;
  return `<${name}${a}>\n${children.join("\n")}\n</${name}>`;
}
