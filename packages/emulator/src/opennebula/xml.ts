/**
 * The emulator's own small XML reader and writer (it must not share the client's parser, docs/DESIGN.md
 * §2). The reader is strict: well-formed XML 1.0 elements, text, CDATA, comments and the five
 * predefined entities plus character references. A DOCTYPE (and so any entity definition, the
 * "billion laughs" bomb included) is refused, never expanded.
 */
import { XML_ENTITIES } from "../common/xml-entities.js";

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** Concatenated character data directly inside the element (CDATA included, entities decoded). */
  text: string;
}

export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const SPACE = /\s/;

/** Characters XML 1.0 allows (tab, LF, CR, and from U+0020 up, minus surrogates and U+FFFE/FFFF). */
function isXmlChar(cp: number): boolean {
  return (
    cp === 9 ||
    cp === 10 ||
    cp === 13 ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function decodeEntities(raw: string, offset: number): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&\s]{0,10});?/g, (match, e: string, at: number) => {
    if (!match.endsWith(";")) throw new XmlSyntaxError("unterminated entity reference", offset + at);
    if (Object.hasOwn(XML_ENTITIES, e)) return XML_ENTITIES[e]!;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(e);
    if (!m) throw new XmlSyntaxError(`undefined entity &${e};`, offset + at);
    const cp = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    if (!isXmlChar(cp))
      throw new XmlSyntaxError(`character reference &${e}; is not an XML character`, offset + at);
    return String.fromCodePoint(cp);
  });
}

function checkChars(text: string, offset: number): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13)
      throw new XmlSyntaxError("invalid XML character", offset + i);
    if (c === 0xfffe || c === 0xffff) throw new XmlSyntaxError("invalid XML character", offset + i);
  }
}

/** Parses one XML document into its root element. Throws {@link XmlSyntaxError} with an offset. */
export function parseXml(text: string, maxDepth = 64): XmlElement {
  checkChars(text, 0);
  let i = 0;
  const skipMisc = () => {
    for (;;) {
      while (i < text.length && SPACE.test(text[i]!)) i++;
      if (text.startsWith("<?", i)) {
        const end = text.indexOf("?>", i);
        if (end < 0) throw new XmlSyntaxError("unterminated processing instruction", i);
        i = end + 2;
      } else if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i);
        if (end < 0) throw new XmlSyntaxError("unterminated comment", i);
        i = end + 3;
      } else if (text.startsWith("<!DOCTYPE", i) || text.startsWith("<!ENTITY", i)) {
        throw new XmlSyntaxError("DOCTYPE and entity declarations are not allowed", i);
      } else return;
    }
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) throw new XmlSyntaxError("element name expected", i);
    i = NAME.lastIndex;
    return m[0];
  };
  const parseElement = (depth: number): XmlElement => {
    if (depth > maxDepth) throw new XmlSyntaxError(`elements nested deeper than ${maxDepth}`, i);
    if (text[i] !== "<") throw new XmlSyntaxError("'<' expected", i);
    i++;
    const name = readName();
    // Attributes are read and ignored (XML-RPC has none; TEMPLATE documents neither).
    for (;;) {
      while (i < text.length && SPACE.test(text[i]!)) i++;
      if (text.startsWith("/>", i)) {
        i += 2;
        return { name, children: [], text: "" };
      }
      if (text[i] === ">") {
        i++;
        break;
      }
      readName();
      while (SPACE.test(text[i] ?? "")) i++;
      if (text[i] !== "=") throw new XmlSyntaxError("'=' expected", i);
      i++;
      while (SPACE.test(text[i] ?? "")) i++;
      const q = text[i];
      if (q !== '"' && q !== "'") throw new XmlSyntaxError("quoted attribute value expected", i);
      const end = text.indexOf(q, i + 1);
      if (end < 0 || text.slice(i + 1, end).includes("<")) throw new XmlSyntaxError("bad attribute value", i);
      decodeEntities(text.slice(i + 1, end), i + 1);
      i = end + 1;
    }
    const el: XmlElement = { name, children: [], text: "" };
    let textParts = "";
    for (;;) {
      const lt = text.indexOf("<", i);
      if (lt < 0) throw new XmlSyntaxError(`element <${name}> is not closed`, text.length);
      if (lt > i) {
        const raw = text.slice(i, lt);
        if (raw.includes("]]>")) throw new XmlSyntaxError("']]>' in character data", i + raw.indexOf("]]>"));
        textParts += decodeEntities(raw, i);
      }
      i = lt;
      if (text.startsWith("</", i)) {
        i += 2;
        const close = readName();
        if (close !== name) throw new XmlSyntaxError(`</${close}> closes <${name}>`, i - close.length - 2);
        while (SPACE.test(text[i] ?? "")) i++;
        if (text[i] !== ">") throw new XmlSyntaxError("'>' expected", i);
        i++;
        el.text = textParts;
        return el;
      }
      if (text.startsWith("<![CDATA[", i)) {
        const end = text.indexOf("]]>", i + 9);
        if (end < 0) throw new XmlSyntaxError("unterminated CDATA section", i);
        textParts += text.slice(i + 9, end);
        i = end + 3;
      } else if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i);
        if (end < 0) throw new XmlSyntaxError("unterminated comment", i);
        i = end + 3;
      } else if (text.startsWith("<!", i)) {
        throw new XmlSyntaxError("DOCTYPE and entity declarations are not allowed", i);
      } else if (text.startsWith("<?", i)) {
        const end = text.indexOf("?>", i);
        if (end < 0) throw new XmlSyntaxError("unterminated processing instruction", i);
        i = end + 2;
      } else {
        el.children.push(parseElement(depth + 1));
      }
    }
  };
  skipMisc();
  if (i >= text.length) throw new XmlSyntaxError("no root element", i);
  const root = parseElement(0);
  skipMisc();
  if (i < text.length) throw new XmlSyntaxError("content after the root element", i);
  return root;
}

/** Escapes text content as xmlrpc-c does (`&`, `<`, `>` and CR). */
export function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#x0d;",
  );
}

/** A value wrapped in CDATA as oned writes template values; a `]]>` inside is split in two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** `<NAME>text</NAME>` with escaped text (identity fields: IDs, names, states). */
export function el(name: string, value: string | number): string {
  return `<${name}>${typeof value === "number" ? value : escapeText(value)}</${name}>`;
}

/** `<NAME><![CDATA[value]]></NAME>` (template values). */
export function cel(name: string, value: string): string {
  return `<${name}>${cdata(value)}</${name}>`;
}

/** An IDS element: `<NAME><ID>1</ID>…</NAME>` or `<NAME/>`. */
export function ids(name: string, values: Iterable<number>): string {
  let inner = "";
  for (const v of values) inner += `<ID>${v}</ID>`;
  return inner === "" ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}
