import { decodeEntities } from "./entities.js";
import { syntaxError } from "./errors.js";
import { decodeUtf8 } from "./utf8.js";

/**
 * The "raw XML object" every OpenNebula document becomes: element name → key, a repeated sibling
 * → array (in document order), a single one → its value, text and CDATA → string (entities
 * decoded, CDATA unwrapped), an empty element → "". Attributes are ignored (OpenNebula's
 * documents have none). The zod models coerce this shape (numbers from strings, one → array).
 */
export type RawXmlValue = string | RawXmlObject | Array<string | RawXmlObject>;
export interface RawXmlObject {
  [element: string]: RawXmlValue;
}

/**
 * Parses one OpenNebula XML document (`<VM_POOL>…</VM_POOL>`, `<VM>…</VM>`, …) into a raw XML
 * object keyed by the root element: `{ VM_POOL: { VM: [...] } }`.
 *
 * A single pass over the text, written for OpenNebula's dialect (elements, text, CDATA, no
 * attributes, no namespaces, no mixed content): text inside an element that also has child
 * elements is dropped. DOCTYPE declarations are rejected and no entity besides the five
 * predefined ones and character references is expanded. Malformed input throws
 * {@link XmlSyntaxError} with line and column.
 */
export function parseXmlDocument(xml: string | Uint8Array): RawXmlObject {
  const src = typeof xml === "string" ? xml : decodeUtf8(xml);
  return parseXmlRange(src, 0, src.length);
}

/** Parses the document in `src[start, end)`; offsets in errors are relative to `src`. */
export function parseXmlRange(src: string, start: number, end: number): RawXmlObject {
  const root: RawXmlObject = {};
  let pos = skipMisc(src, start, end, true);
  if (pos >= end) throw syntaxError(src, pos, "no root element");
  if (src.charCodeAt(pos) !== 0x3c) throw syntaxError(src, pos, "text outside the root element");

  // Frames of the open elements; the innermost one lives in the locals below.
  const nameStack: string[] = [];
  const objStack: Array<RawXmlObject | null> = [];
  const textStack: string[] = [];
  let name = "";
  let obj: RawXmlObject | null = root; // the pseudo-element around the root
  let text = "";
  let depth = 0;
  let nextAmp = indexOrEnd(src, "&", pos, end);

  for (;;) {
    const lt = src.indexOf("<", pos);
    if (lt === -1 || lt >= end) {
      if (depth === 0) throw syntaxError(src, pos, "no root element");
      throw syntaxError(src, end, `unexpected end of document: <${name}> is not closed`);
    }
    if (lt > pos && depth > 0) {
      if (nextAmp < pos) nextAmp = indexOrEnd(src, "&", pos, end);
      if (obj === null) {
        text += nextAmp < lt ? decodeEntities(src, pos, lt) : src.slice(pos, lt);
      } else if (nextAmp < lt) {
        decodeEntities(src, pos, lt); // validated even when dropped
      }
    } else if (lt > pos && !isBlank(src, pos, lt)) {
      throw syntaxError(src, pos, "text outside the root element");
    }
    const c = src.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      if (depth === 0) throw syntaxError(src, lt, "end tag without a start tag");
      let p = lt + 2 + name.length;
      if (!src.startsWith(name, lt + 2) || p > end) {
        throw syntaxError(src, lt, `mismatched end tag: expected </${name}>`);
      }
      while (p < end && isSpace(src.charCodeAt(p))) p++;
      if (src.charCodeAt(p) !== 0x3e /* > */ || p >= end) {
        throw syntaxError(src, lt, `mismatched end tag: expected </${name}>`);
      }
      const value: string | RawXmlObject = obj ?? text;
      const closed = name;
      depth--;
      name = nameStack[depth]!;
      obj = objStack[depth]!;
      text = textStack[depth]!;
      assign(obj as RawXmlObject, closed, value);
      pos = p + 1;
      if (depth === 0) {
        const after = skipMisc(src, pos, end, false);
        if (after < end) throw syntaxError(src, after, "content after the root element");
        return root;
      }
    } else if (c === 0x21 /* ! */) {
      if (src.startsWith("<![CDATA[", lt)) {
        if (depth === 0) throw syntaxError(src, lt, "CDATA outside the root element");
        const close = src.indexOf("]]>", lt + 9);
        if (close === -1 || close + 3 > end) throw syntaxError(src, lt, "unterminated CDATA section");
        if (obj === null) text += src.slice(lt + 9, close);
        pos = close + 3;
      } else if (src.startsWith("<!--", lt)) {
        pos = skipComment(src, lt, end);
      } else if (src.startsWith("<!DOCTYPE", lt)) {
        throw syntaxError(src, lt, "DOCTYPE is not allowed (no DTDs, no entity expansion)");
      } else {
        throw syntaxError(src, lt, "unexpected markup declaration");
      }
    } else if (c === 0x3f /* ? */) {
      pos = skipPi(src, lt, end);
    } else {
      let p = lt + 1;
      if (!isNameStart(c)) throw syntaxError(src, lt, "expected an element name after '<'");
      p++;
      for (; p < end; p++) {
        const d = src.charCodeAt(p);
        if (d === 0x3e || d === 0x2f || d === 0x20 || d === 0x0a || d === 0x09 || d === 0x0d) break;
      }
      const child = src.slice(lt + 1, p);
      let gt = p;
      if (src.charCodeAt(gt) !== 0x3e) gt = skipAttributes(src, p, end);
      if (gt >= end) throw syntaxError(src, lt, `unterminated start tag <${child}>`);
      if (obj === null) {
        obj = {};
        text = "";
      }
      if (src.charCodeAt(gt - 1) === 0x2f /* / */) {
        assign(obj, child, "");
        if (depth === 0) {
          const after = skipMisc(src, gt + 1, end, false);
          if (after < end) throw syntaxError(src, after, "content after the root element");
          return root;
        }
      } else {
        nameStack[depth] = name;
        objStack[depth] = obj;
        textStack[depth] = text;
        depth++;
        name = child;
        obj = null;
        text = "";
      }
      pos = gt + 1;
    }
  }
}

function assign(target: RawXmlObject, key: string, value: string | RawXmlObject): void {
  const existing = target[key];
  if (existing === undefined) {
    target[key] = value;
  } else if (!Object.hasOwn(target, key)) {
    // An element named like an Object.prototype member ("constructor", "__proto__"): own property.
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else if (Array.isArray(existing)) {
    existing.push(value);
  } else {
    target[key] = [existing, value];
  }
}

function indexOrEnd(src: string, needle: string, from: number, end: number): number {
  const i = src.indexOf(needle, from);
  return i === -1 || i >= end ? end : i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isBlank(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(src.charCodeAt(i))) return false;
  return true;
}

function isNameStart(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x3a ||
    (c >= 0xc0 && c !== 0xd7)
  );
}

/** Skips attributes up to the closing `>` of a start tag; quoted values may hold `>`. */
function skipAttributes(src: string, from: number, end: number): number {
  let p = from;
  while (p < end) {
    const c = src.charCodeAt(p);
    if (c === 0x3e) return p;
    if (c === 0x22 || c === 0x27) {
      const close = src.indexOf(c === 0x22 ? '"' : "'", p + 1);
      if (close === -1 || close >= end) return end;
      p = close + 1;
    } else if (c === 0x3c) {
      throw syntaxError(src, p, "'<' inside a start tag");
    } else {
      p++;
    }
  }
  return end;
}

function skipComment(src: string, lt: number, end: number): number {
  const close = src.indexOf("-->", lt + 4);
  if (close === -1 || close + 3 > end) throw syntaxError(src, lt, "unterminated comment");
  return close + 3;
}

function skipPi(src: string, lt: number, end: number): number {
  const close = src.indexOf("?>", lt + 2);
  if (close === -1 || close + 2 > end) throw syntaxError(src, lt, "unterminated processing instruction");
  return close + 2;
}

/** Skips a BOM, whitespace, the XML declaration, comments and PIs around the root element. */
function skipMisc(src: string, from: number, end: number, prolog: boolean): number {
  let p = from;
  if (prolog && src.charCodeAt(p) === 0xfeff) p++;
  while (p < end) {
    const c = src.charCodeAt(p);
    if (isSpace(c)) {
      p++;
    } else if (c === 0x3c && src.charCodeAt(p + 1) === 0x3f) {
      p = skipPi(src, p, end);
    } else if (c === 0x3c && src.startsWith("<!--", p)) {
      p = skipComment(src, p, end);
    } else if (c === 0x3c && src.startsWith("<!DOCTYPE", p)) {
      throw syntaxError(src, p, "DOCTYPE is not allowed (no DTDs, no entity expansion)");
    } else {
      return p;
    }
  }
  return p;
}
