import { isAscii, isUtf8 } from "node:buffer";
import { decodeEntities } from "./entities.js";
import { syntaxError, XmlSyntaxError } from "./errors.js";
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
  if (typeof xml !== "string" && !isAscii(xml) && isUtf8(xml) && !hasBom(xml)) {
    // Valid UTF-8 with multi-byte characters: scanned as its Latin-1 view (one character per byte,
    // so markup is found exactly as in ASCII and offsets are byte offsets), and only the names and
    // text that hold multi-byte characters are decoded, from the bytes. Any syntax error is reported
    // by the exact path below (line and column in characters).
    const view = latin1(xml);
    try {
      return parseXmlRange(view, 0, view.length, false, xml);
    } catch (error) {
      if (!(error instanceof XmlSyntaxError) && error !== NOT_IN_VIEW) throw error;
    }
  }
  const src = typeof xml === "string" ? xml : decodeUtf8(xml);
  return parseXmlRange(src, 0, src.length);
}

const latin1 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
const hasBom = (bytes: Uint8Array): boolean => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
/** Thrown in the Latin-1 view for what only the exact path handles (a non-ASCII element name). */
const NOT_IN_VIEW = Symbol("not in the Latin-1 view");
/** The next multi-byte character in a Latin-1 view of UTF-8. */
const HIGH = /[\x80-\xff]/g;
/** `nextHigh` of an ASCII or decoded source: past any offset (a small integer, so compares stay integer). */
const NO_HIGH = 0x7fffffff;

/**
 * Parses the document in `src[start, end)`; offsets in errors are relative to `src`.
 *
 * With `escaped`, the range holds the document XML-escaped once more, as it stands inside an
 * XML-RPC `<string>` (`&lt;VM&gt;&lt;ID&gt;42&lt;/ID&gt;…`), and is parsed without building the
 * unescaped copy. The caller guarantees the range holds no `<` and no CR (see EscapedXmlText).
 * Escaped mode does not take attributes, and throws when a character reference (`&#60;`) hides
 * markup; its error positions refer to the escaped text, so callers re-parse the unescaped text
 * when it throws.
 */
export function parseXmlRange(
  src: string,
  start: number,
  end: number,
  escaped = false,
  utf8?: Uint8Array,
): RawXmlObject {
  const LT = escaped ? "&lt;" : "<";
  const ltLen = LT.length;
  let pos = skipMisc(src, start, end, true);
  if (pos >= end) throw syntaxError(src, pos, "no root element");
  if (!src.startsWith(LT, pos)) throw syntaxError(src, pos, "text outside the root element");

  // Frames of the open elements; the innermost one lives in the locals below.
  // Once an element has a child, its text is dropped: a parent frame never holds text.
  // The children of the open elements, in document order, on one stack (`kidKeys`/`kidValues`
  // up to `kidTop`); an element's object is built from its children at its end tag.
  const nameStack: string[] = [];
  const baseStack: number[] = [];
  const kidKeys: string[] = [];
  const kidValues: RawXmlValue[] = [];
  let kidTop = 0;
  const names = new StringCache(64);
  const values = new StringCache(12);
  let name = "";
  let base = 0; // where the innermost element's children start on the stack
  let hasKids = true; // (the pseudo-element around the root)
  // The innermost element's text: its first piece as a range of `src` (sliced only if it is
  // kept, at the end tag: whitespace before a first child is never sliced), the rest in `text`.
  let text = "";
  let textFrom = -1;
  let textTo = -1;
  let depth = 0;
  let nextAmp = indexOrEnd(src, "&", pos, end);
  // With `utf8`, `src` is the Latin-1 view of those bytes: a range before `nextHigh` is ASCII and
  // sliced as is; one reaching it is decoded from the bytes (a local, not captured by a closure: it
  // is read on every element).
  const bytes = utf8 === undefined ? undefined : Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
  let nextHigh = bytes === undefined ? NO_HIGH : -1;

  for (;;) {
    let lt: number;
    if (escaped) {
      // One search finds both the next markup and whether the text before it holds an entity.
      // Text runs are short here: a loop beats a builtin call.
      let amp = pos;
      while (amp < end && src.charCodeAt(amp) !== 0x26) amp++;
      if (amp === end) amp = -1;
      if (amp !== -1 && isLtEntity(src, amp)) {
        lt = amp;
        if (nextAmp < pos) nextAmp = amp;
      } else {
        lt = amp === -1 ? -1 : src.indexOf(LT, amp);
        nextAmp = amp === -1 ? end : amp;
      }
    } else {
      lt = src.indexOf(LT, pos);
    }
    if (lt === -1 || lt >= end) {
      if (depth === 0) throw syntaxError(src, pos, "no root element");
      throw syntaxError(src, end, `unexpected end of document: <${name}> is not closed`);
    }
    if (lt > pos) {
      if (depth === 0) {
        if (!isBlank(src, pos, lt)) throw syntaxError(src, pos, "text outside the root element");
      } else {
        if (nextAmp < pos) nextAmp = indexOrEnd(src, "&", pos, end);
        if (nextAmp >= lt) {
          if (!hasKids) {
            if (textFrom === -1 && text === "") {
              textFrom = pos;
              textTo = lt;
            } else {
              if (textFrom !== -1) {
                text = viewSlice(src, bytes, textFrom, textTo);
                textFrom = -1;
              }
              text += viewSlice(src, bytes, pos, lt);
            }
          }
        } else {
          let value =
            bytes === undefined
              ? decodeEntities(src, pos, lt)
              : decodeEntitiesOf(viewSlice(src, bytes, pos, lt));
          if (escaped) {
            // A character reference such as &#60; would hide markup from the escaped scanner.
            if (value.includes("<")) throw syntaxError(src, pos, "markup behind a character reference");
            if (value.includes("&")) value = decodeEntities(value, 0, value.length);
          }
          if (!hasKids) {
            // text beside child elements is dropped (validated above)
            if (textFrom !== -1) {
              text = viewSlice(src, bytes, textFrom, textTo);
              textFrom = -1;
            }
            text += value;
          }
        }
      }
    }
    const m = lt + ltLen; // first character after "<"
    const c = src.charCodeAt(m);
    if (c === 0x2f /* / */) {
      if (depth === 0) throw syntaxError(src, lt, "end tag without a start tag");
      let p = m + 1 + name.length;
      if (p > end || !matchAt(src, m + 1, name)) {
        throw syntaxError(src, lt, `mismatched end tag: expected </${name}>`);
      }
      while (p < end && isSpace(src.charCodeAt(p))) p++;
      const g = p < end ? gtLength(src, p, escaped) : 0;
      if (g === 0) throw syntaxError(src, lt, `mismatched end tag: expected </${name}>`);
      let value: string | RawXmlObject;
      if (hasKids) value = build(name, kidKeys, kidValues, base, kidTop);
      else if (textFrom === -1) value = text;
      else {
        if (nextHigh < textFrom) nextHigh = findHigh(src, textFrom);
        value =
          nextHigh < textTo ? bytes!.toString("utf8", textFrom, textTo) : values.get(src, textFrom, textTo);
      }
      const closed = name;
      kidTop = base;
      depth--;
      name = nameStack[depth]!;
      base = baseStack[depth]!;
      hasKids = true;
      text = "";
      textFrom = -1;
      pos = p + g;
      if (depth === 0) return finish(src, pos, end, closed, value);
      kidKeys[kidTop] = closed;
      kidValues[kidTop] = value;
      kidTop++;
    } else if (c === 0x21 /* ! */) {
      if (matchAt(src, m, "![CDATA[")) {
        if (depth === 0) throw syntaxError(src, lt, "CDATA outside the root element");
        const from = m + 8;
        let close = end;
        let closeLen = 3;
        let entity = false;
        if (escaped) {
          // The first "]]>" or "]]&gt;"; CDATA runs are short here: a loop beats builtin calls.
          for (let q = from; q < end; q++) {
            const ch = src.charCodeAt(q);
            if (ch === 0x5d) {
              if (src.charCodeAt(q + 1) === 0x5d) {
                const g = gtLength(src, q + 2, true);
                if (g !== 0) {
                  close = q;
                  closeLen = 2 + g;
                  break;
                }
              }
            } else if (ch === 0x26) {
              entity = true;
            }
          }
        } else {
          close = indexOrEnd(src, "]]>", from, end);
        }
        if (close + closeLen > end) throw syntaxError(src, lt, "unterminated CDATA section");
        if (!hasKids) {
          if (!entity) {
            if (textFrom === -1 && text === "") {
              textFrom = from;
              textTo = close;
            } else {
              if (textFrom !== -1) {
                text = viewSlice(src, bytes, textFrom, textTo);
                textFrom = -1;
              }
              text += viewSlice(src, bytes, from, close);
            }
          } else {
            const value = decodeEntities(src, from, close);
            if (value.includes("]]>")) throw syntaxError(src, lt, "CDATA end behind a character reference");
            if (textFrom !== -1) {
              text = viewSlice(src, bytes, textFrom, textTo);
              textFrom = -1;
            }
            text += value;
          }
        }
        pos = close + closeLen;
      } else if (src.startsWith("!--", m)) {
        pos = skipComment(src, lt, end, escaped);
      } else if (src.startsWith("!DOCTYPE", m)) {
        throw syntaxError(src, lt, "DOCTYPE is not allowed (no DTDs, no entity expansion)");
      } else {
        throw syntaxError(src, lt, "unexpected markup declaration");
      }
    } else if (c === 0x3f /* ? */) {
      pos = skipPi(src, lt, end, escaped);
    } else {
      if (!isNameStart(c)) throw syntaxError(src, lt, "expected an element name after '<'");
      let p = m + 1;
      for (; p < end; p++) {
        const d = src.charCodeAt(p);
        if (d === 0x3e || d === 0x2f || d === 0x20 || d === 0x0a || d === 0x09 || d === 0x0d || d === 0x26)
          break;
      }
      if (nextHigh < p) {
        if (nextHigh < m) nextHigh = findHigh(src, m);
        if (nextHigh < p) throw NOT_IN_VIEW; // a non-ASCII element name: the exact path reads it
      }
      const child = names.get(src, m, p);
      let tagEnd: number; // just after the tag's ">"
      let selfClosing = false;
      const g = p < end ? gtLength(src, p, escaped) : 0;
      if (g !== 0) {
        tagEnd = p + g;
      } else if (src.charCodeAt(p) === 0x2f && p + 1 < end && gtLength(src, p + 1, escaped) !== 0) {
        selfClosing = true;
        tagEnd = p + 1 + gtLength(src, p + 1, escaped);
      } else {
        if (escaped || p >= end) throw syntaxError(src, lt, `unterminated start tag <${child}>`);
        if (!isSpace(src.charCodeAt(p))) throw syntaxError(src, p, "invalid character in an element name");
        const gt = skipAttributes(src, p, end);
        if (gt >= end) throw syntaxError(src, lt, `unterminated start tag <${child}>`);
        selfClosing = src.charCodeAt(gt - 1) === 0x2f;
        tagEnd = gt + 1;
      }
      if (!hasKids) {
        hasKids = true;
        text = "";
        textFrom = -1;
      }
      if (selfClosing) {
        if (depth === 0) return finish(src, tagEnd, end, child, "");
        kidKeys[kidTop] = child;
        kidValues[kidTop] = "";
        kidTop++;
      } else {
        nameStack[depth] = name;
        baseStack[depth] = base;
        depth++;
        name = child;
        base = kidTop;
        hasKids = false;
      }
      pos = tagEnd;
    }
  }
}

function finish(
  src: string,
  pos: number,
  end: number,
  name: string,
  value: string | RawXmlObject,
): RawXmlObject {
  const after = skipMisc(src, pos, end, false);
  if (after < end) throw syntaxError(src, after, "content after the root element");
  const root: RawXmlObject = {};
  assign(root, name, value);
  return root;
}

/**
 * Builds an element's object from its children `keys[from, to)` / `values[from, to)`.
 *
 * OpenNebula's elements come back with the same children again and again (every VM of a pool).
 * Once a parent element name has been seen with a sequence of children twice, that sequence gets
 * a factory: one object literal with every key, so the object is created at its final size and
 * shape (in-object properties, no growing backing store, no dictionary mode for the VM's 20+
 * keys) instead of by one keyed store (and lookup) per child. Other sequences take the generic
 * path. The result is the same either way: keys in first-occurrence order, repeats as arrays.
 */
function build(
  name: string,
  keys: string[],
  values: Array<RawXmlValue>,
  from: number,
  to: number,
): RawXmlObject {
  const n = to - from;
  const known = shapes.get(name);
  if (known !== undefined) {
    for (let s = 0; s < known.length; s++) {
      const shape = known[s]!;
      const shapeKeys = shape.keys;
      if (shapeKeys.length !== n) continue;
      let i = 0;
      while (i < n && shapeKeys[i] === keys[from + i]) i++;
      if (i === n) {
        if (shape.make === undefined && codegen) shape.make = compileShape(shapeKeys);
        if (shape.make !== undefined) return shape.make(values, from);
        return buildGeneric(keys, values, from, to);
      }
    }
  }
  const obj = buildGeneric(keys, values, from, to);
  if (
    codegen &&
    n <= MAX_SHAPE_KEYS &&
    shapeCount < MAX_SHAPES &&
    (known === undefined || known.length < MAX_SHAPES_PER_NAME)
  ) {
    const shapeKeys = keys.slice(from, to);
    if (!shapeKeys.includes("__proto__")) {
      // Registered now, compiled when seen again: a one-off document compiles nothing.
      const shape: Shape = { keys: shapeKeys, make: undefined };
      if (known === undefined) shapes.set(name, [shape]);
      else known.push(shape);
      shapeCount++;
    }
  }
  return obj;
}

function buildGeneric(keys: string[], values: Array<RawXmlValue>, from: number, to: number): RawXmlObject {
  const obj: RawXmlObject = {};
  for (let i = from; i < to; i++) assign(obj, keys[i]!, values[i] as string | RawXmlObject);
  return obj;
}

interface Shape {
  readonly keys: string[];
  make: ((values: Array<RawXmlValue>, from: number) => RawXmlObject) | undefined;
}

/** Factories by parent element name (process-wide: pools of the same kind come back often). */
const shapes = new Map<string, Shape[]>();
let shapeCount = 0;
/** Off once code generation from strings is refused (`--disallow-code-generation-from-strings`). */
let codegen = true;
const MAX_SHAPES = 2048;
const MAX_SHAPE_KEYS = 64;
/** Pools of real VMs vary (one NIC or two, other disks, their own USER_TEMPLATE): a few per name. */
const MAX_SHAPES_PER_NAME = 8;

/** `(v, b) => ({ "ID": v[b], "NIC": [v[b + 1], v[b + 2]], … })` for a sequence of children. */
function compileShape(
  keys: string[],
): ((values: Array<RawXmlValue>, from: number) => RawXmlObject) | undefined {
  const order: string[] = [];
  const at = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const list = at.get(key);
    if (list === undefined) {
      order.push(key);
      at.set(key, [i]);
    } else {
      list.push(i);
    }
  });
  const fields = order.map((key) => {
    const list = at.get(key)!;
    const items = list.map((i) => `v[b + ${i}]`);
    // Keys are element names: JSON.stringify makes each a plain string literal ("__proto__" excluded).
    return `${JSON.stringify(key)}: ${list.length === 1 ? items[0] : `[${items.join(", ")}]`}`;
  });
  try {
    return new Function("v", "b", `"use strict"; return { ${fields.join(", ")} };`) as (
      values: Array<RawXmlValue>,
      from: number,
    ) => RawXmlObject;
  } catch {
    codegen = false;
    return undefined;
  }
}

/** Offset of the next character ≥ 0x80 from `from` (in a Latin-1 view of UTF-8), or NO_HIGH. */
function findHigh(src: string, from: number): number {
  HIGH.lastIndex = from;
  return HIGH.exec(src)?.index ?? NO_HIGH;
}

/** `src.slice(from, to)`; in a Latin-1 view (`bytes` given), decoded from the bytes if it holds a multi-byte character. */
function viewSlice(src: string, bytes: Buffer | undefined, from: number, to: number): string {
  if (bytes !== undefined)
    for (let i = from; i < to; i++) if (src.charCodeAt(i) >= 0x80) return bytes.toString("utf8", from, to);
  return src.slice(from, to);
}

function decodeEntitiesOf(text: string): string {
  return decodeEntities(text, 0, text.length);
}

/** Length of the ">" token at `p`: 1 for ">", 4 for "&gt;" in escaped mode, else 0. */
function gtLength(src: string, p: number, escaped: boolean): number {
  const c = src.charCodeAt(p);
  if (c === 0x3e) return 1;
  if (
    escaped &&
    c === 0x26 &&
    src.charCodeAt(p + 1) === 0x67 &&
    src.charCodeAt(p + 2) === 0x74 &&
    src.charCodeAt(p + 3) === 0x3b
  ) {
    return 4;
  }
  return 0;
}

/** Whether `&lt;` starts at `p` (`&` already seen there). */
function isLtEntity(src: string, p: number): boolean {
  return src.charCodeAt(p + 1) === 0x6c && src.charCodeAt(p + 2) === 0x74 && src.charCodeAt(p + 3) === 0x3b;
}

/**
 * Element names and short values ("0", "YES", "raw") repeat endlessly in a pool; reusing one
 * string for each spares an allocation (and, for names, a string-table lookup) per element.
 * Keyed by length and first/last characters, always checked; longer strings are sliced.
 */
class StringCache {
  /** Open-addressed by a hash of length and first/last characters; one candidate per slot. */
  private readonly slots: Array<string | undefined> = new Array(4096).fill(undefined);

  constructor(private readonly maxLength: number) {}

  get(src: string, from: number, to: number): string {
    const length = to - from;
    if (length > this.maxLength || length === 0) return src.slice(from, to);
    const slot = (length * 977 + src.charCodeAt(from) * 31 + src.charCodeAt(to - 1)) & 4095;
    const cached = this.slots[slot];
    if (cached !== undefined && cached.length === length && matchAt(src, from, cached)) return cached;
    const value = src.slice(from, to);
    this.slots[slot] = value;
    return value;
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

/** `src.startsWith(text, at)` for the short strings of the hot loop, without a builtin call. */
function matchAt(src: string, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (src.charCodeAt(at + i) !== text.charCodeAt(i)) return false;
  return true;
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

function skipComment(src: string, lt: number, end: number, escaped = false): number {
  const after = terminator(src, lt + 4, end, "--", escaped);
  if (after === -1) throw syntaxError(src, lt, "unterminated comment");
  return after;
}

function skipPi(src: string, lt: number, end: number, escaped = false): number {
  const after = terminator(src, lt + 2, end, "?", escaped);
  if (after === -1) throw syntaxError(src, lt, "unterminated processing instruction");
  return after;
}

/** Position just after the first `prefix` + ">" (or + "&gt;" when escaped) from `from`, or -1. */
function terminator(src: string, from: number, end: number, prefix: string, escaped: boolean): number {
  const raw = src.indexOf(`${prefix}>`, from);
  const esc = escaped ? src.indexOf(`${prefix}&gt;`, from) : -1;
  if (esc !== -1 && (raw === -1 || esc < raw))
    return esc + prefix.length + 4 <= end ? esc + prefix.length + 4 : -1;
  return raw !== -1 && raw + prefix.length + 1 <= end ? raw + prefix.length + 1 : -1;
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
