/**
 * The emulator's own small XML reader and writer (it must not share the client's parser, docs/DESIGN.md
 * §2). The reader is strict: well-formed XML 1.0 elements, text, CDATA, comments and the five
 * predefined entities plus character references. A DOCTYPE (and so any entity definition, the
 * "billion laughs" bomb included) is refused, never expanded, so a reference never yields more
 * text than it takes.
 *
 * Hostile input is budgeted ({@link XmlBudget}): nesting depth, element count and reference count
 * are capped, and the work is bounded by the input (no regular expression or recursion over the
 * document). The reader is iterative and resumable: {@link XmlReader.step} does a slice of work,
 * so a large body can be read between other requests ({@link parseXmlYielding}).
 */
import { isXmlChar, XML_ENTITIES } from "../common/xml-entities.js";

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

/** Limits on what one document may make the reader do; going past one is an {@link XmlSyntaxError}. */
export interface XmlBudget {
  /** Deepest element nesting (the root is depth 0). */
  maxDepth: number;
  /** Most elements in the document. */
  maxElements: number;
  /** Most entity and character references (`&amp;`, `&#233;`). */
  maxReferences: number;
}

/** Generous for every XML-RPC call and template a client sends (they are a few levels deep). */
export const DEFAULT_XML_BUDGET: Readonly<XmlBudget> = Object.freeze({
  maxDepth: 64,
  maxElements: 1_000_000,
  maxReferences: 4_000_000,
});

/** Characters of input one {@link XmlReader.step} reads at most (a few milliseconds of work). */
export const XML_STEP_CHARS = 64 * 1024;

const SPACE = /\s/;

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a;
}

function isNameChar(c: number): boolean {
  // [A-Za-z0-9_:.-] (the \w of the former reader, plus . : -)
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

/** Control characters and U+FFFE/U+FFFF, which XML 1.0 forbids anywhere. */
const INVALID_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Longest reference the reader accepts: `&#x10FFFF;`, `&#1114111;` (10 characters). */
const MAX_REFERENCE = 12;

interface Open {
  el: XmlElement;
  /** Decoded text pieces, joined when the element closes. */
  text: string[];
}

/**
 * An iterative XML reader over one document. `step()` reads up to `XML_STEP_CHARS` characters and
 * returns the root once the document is complete (undefined before); errors are
 * {@link XmlSyntaxError}s, budgets included.
 */
export class XmlReader {
  #text: string;
  #budget: XmlBudget;
  #i = 0;
  #stack: Open[] = [];
  #root: XmlElement | undefined;
  #done = false;
  #elements = 0;
  #references = 0;
  /** End of the character data being decoded (the next '<'), or -1 outside character data. */
  #runEnd = -1;

  constructor(text: string, budget: Partial<XmlBudget> = {}) {
    this.#text = text;
    this.#budget = { ...DEFAULT_XML_BUDGET, ...budget };
    const bad = text.search(INVALID_CHAR);
    if (bad !== -1) throw new XmlSyntaxError("invalid XML character", bad);
  }

  /** Reads the next slice; the root element once the whole document is read and well-formed. */
  step(maxChars = XML_STEP_CHARS): XmlElement | undefined {
    if (this.#done) return this.#root;
    const stopAt = this.#i + Math.max(maxChars, 4 * MAX_REFERENCE);
    const text = this.#text;
    if (this.#root === undefined && this.#stack.length === 0) {
      this.#skipMisc();
      if (this.#i >= text.length) throw new XmlSyntaxError("no root element", this.#i);
      this.#openElement();
    }
    while (this.#stack.length > 0) {
      if (this.#i >= stopAt) return undefined;
      const open = this.#stack[this.#stack.length - 1] as Open;
      if (this.#runEnd === -1) {
        const lt = text.indexOf("<", this.#i);
        if (lt < 0) throw new XmlSyntaxError(`element <${open.el.name}> is not closed`, text.length);
        if (lt > this.#i) {
          const cdataEnd = text.slice(this.#i, lt).indexOf("]]>");
          if (cdataEnd !== -1) throw new XmlSyntaxError("']]>' in character data", this.#i + cdataEnd);
          this.#runEnd = lt;
        }
      }
      if (this.#runEnd !== -1) {
        // Character data, decoded in slices that never split a reference.
        let cut = Math.min(this.#runEnd, stopAt);
        if (cut < this.#runEnd) {
          const tail = Math.max(this.#i, cut - MAX_REFERENCE);
          const amp = text.slice(tail, cut).lastIndexOf("&");
          if (amp !== -1) cut = tail + amp;
          // A reference straddles the end of this slice: read it in the next one.
          if (cut <= this.#i) return undefined;
        }
        open.text.push(this.#decode(this.#i, cut));
        this.#i = cut;
        if (cut === this.#runEnd) this.#runEnd = -1;
        continue;
      }
      this.#markup(open);
    }
    this.#skipMisc();
    if (this.#i < text.length) throw new XmlSyntaxError("content after the root element", this.#i);
    this.#done = true;
    return this.#root;
  }

  /** The markup at a '<' inside an element: a close tag, CDATA, a comment, a PI or a child. */
  #markup(open: Open): void {
    const text = this.#text;
    const i = this.#i;
    if (text.startsWith("</", i)) {
      this.#i = i + 2;
      const close = this.#readName();
      const name = open.el.name;
      if (close !== name) throw new XmlSyntaxError(`</${close}> closes <${name}>`, i);
      this.#skipSpace();
      if (text[this.#i] !== ">") throw new XmlSyntaxError("'>' expected", this.#i);
      this.#i++;
      open.el.text = open.text.length === 1 ? (open.text[0] as string) : open.text.join("");
      this.#stack.pop();
      return;
    }
    if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i + 9);
      if (end < 0) throw new XmlSyntaxError("unterminated CDATA section", i);
      open.text.push(text.slice(i + 9, end));
      this.#i = end + 3;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0) throw new XmlSyntaxError("unterminated comment", i);
      this.#i = end + 3;
    } else if (text.startsWith("<!", i)) {
      throw new XmlSyntaxError("DOCTYPE and entity declarations are not allowed", i);
    } else if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) throw new XmlSyntaxError("unterminated processing instruction", i);
      this.#i = end + 2;
    } else {
      this.#openElement();
    }
  }

  /** Reads a start tag at '<' (attributes are checked and ignored: XML-RPC and templates have none). */
  #openElement(): void {
    const text = this.#text;
    const depth = this.#stack.length;
    if (depth > this.#budget.maxDepth)
      throw new XmlSyntaxError(`elements nested deeper than ${this.#budget.maxDepth}`, this.#i);
    if (++this.#elements > this.#budget.maxElements)
      throw new XmlSyntaxError(`more than ${this.#budget.maxElements} elements`, this.#i);
    if (text[this.#i] !== "<") throw new XmlSyntaxError("'<' expected", this.#i);
    this.#i++;
    const name = this.#readName();
    const el: XmlElement = { name, children: [], text: "" };
    const parent = this.#stack[depth - 1];
    for (;;) {
      this.#skipSpace();
      if (text.startsWith("/>", this.#i)) {
        this.#i += 2;
        if (parent === undefined) this.#root = el;
        else parent.el.children.push(el);
        return;
      }
      if (text[this.#i] === ">") {
        this.#i++;
        break;
      }
      this.#readName();
      this.#skipSpace();
      if (text[this.#i] !== "=") throw new XmlSyntaxError("'=' expected", this.#i);
      this.#i++;
      this.#skipSpace();
      const q = text[this.#i];
      if (q !== '"' && q !== "'") throw new XmlSyntaxError("quoted attribute value expected", this.#i);
      const end = text.indexOf(q, this.#i + 1);
      if (end < 0 || text.slice(this.#i + 1, end).includes("<"))
        throw new XmlSyntaxError("bad attribute value", this.#i);
      this.#decode(this.#i + 1, end);
      this.#i = end + 1;
    }
    if (parent === undefined) this.#root = el;
    else parent.el.children.push(el);
    this.#stack.push({ el, text: [] });
  }

  #readName(): string {
    const text = this.#text;
    const start = this.#i;
    if (start >= text.length || !isNameStart(text.charCodeAt(start)))
      throw new XmlSyntaxError("element name expected", start);
    let end = start + 1;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    this.#i = end;
    return text.slice(start, end);
  }

  #skipSpace(): void {
    const text = this.#text;
    while (this.#i < text.length && SPACE.test(text[this.#i] as string)) this.#i++;
  }

  /** Whitespace, comments and processing instructions around the root (a DOCTYPE is refused). */
  #skipMisc(): void {
    const text = this.#text;
    for (;;) {
      this.#skipSpace();
      const i = this.#i;
      if (text.startsWith("<?", i)) {
        const end = text.indexOf("?>", i);
        if (end < 0) throw new XmlSyntaxError("unterminated processing instruction", i);
        this.#i = end + 2;
      } else if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i);
        if (end < 0) throw new XmlSyntaxError("unterminated comment", i);
        this.#i = end + 3;
      } else if (text.startsWith("<!DOCTYPE", i) || text.startsWith("<!ENTITY", i)) {
        throw new XmlSyntaxError("DOCTYPE and entity declarations are not allowed", i);
      } else return;
    }
  }

  /** Decodes the references in `text[from, to)`: one pass over that slice, pieces joined once. */
  #decode(from: number, to: number): string {
    const run = this.#text.slice(from, to);
    let amp = run.indexOf("&");
    if (amp === -1) return run;
    const parts: string[] = [];
    let at = 0;
    while (amp !== -1) {
      if (++this.#references > this.#budget.maxReferences)
        throw new XmlSyntaxError(`more than ${this.#budget.maxReferences} entity references`, from + amp);
      const semi = run.indexOf(";", amp + 1);
      if (semi === -1 || semi - amp > MAX_REFERENCE)
        throw new XmlSyntaxError("unterminated entity reference", from + amp);
      parts.push(
        run.slice(at, amp),
        predefined(run, amp + 1, semi) ?? referenceText(run.slice(amp + 1, semi), from + amp),
      );
      at = semi + 1;
      amp = run.indexOf("&", at);
    }
    parts.push(run.slice(at));
    return parts.join("");
  }
}

/** One of the five predefined entities at `text[from, to)`, read without slicing (the common case). */
function predefined(text: string, from: number, to: number): string | undefined {
  const length = to - from;
  const c = text.charCodeAt(from);
  if (length === 3 && c === 0x61 && text.charCodeAt(from + 1) === 0x6d && text.charCodeAt(from + 2) === 0x70)
    return "&"; // amp
  if (length === 2 && text.charCodeAt(from + 1) === 0x74)
    return c === 0x6c ? "<" : c === 0x67 ? ">" : undefined; // lt gt
  return undefined;
}

/** What `&name;` stands for: a predefined entity or a character reference. */
function referenceText(name: string, offset: number): string {
  if (Object.hasOwn(XML_ENTITIES, name)) return XML_ENTITIES[name] as string;
  let cp = Number.NaN;
  if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) cp = Number.parseInt(name.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(name)) cp = Number(name.slice(1));
  else throw new XmlSyntaxError(`undefined entity &${name.slice(0, MAX_REFERENCE)};`, offset);
  if (!isXmlChar(cp))
    throw new XmlSyntaxError(`character reference &${name}; is not an XML character`, offset);
  return String.fromCodePoint(cp);
}

/** Parses one XML document into its root element. Throws {@link XmlSyntaxError} with an offset. */
export function parseXml(text: string, budget: Partial<XmlBudget> = {}): XmlElement {
  const reader = new XmlReader(text, budget);
  for (;;) {
    const root = reader.step(Number.POSITIVE_INFINITY);
    if (root !== undefined) return root;
  }
}

/** Lets the event loop run (other requests, timers) before the next slice of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * {@link parseXml} in slices of {@link XML_STEP_CHARS} characters with the event loop running
 * between them: a large document never holds up the other requests for longer than one slice.
 */
export async function parseXmlYielding(text: string, budget: Partial<XmlBudget> = {}): Promise<XmlElement> {
  const reader = new XmlReader(text, budget);
  for (;;) {
    const root = reader.step();
    if (root !== undefined) return root;
    await yieldToEventLoop();
  }
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
