import type { Document, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { ALIAS, isMap, LineIndex, MAP, PAIR, SCALAR, SCALAR_TYPE, SEQ } from "./yaml-nodes.js";

// Plain objects carrying the `yaml` package's node-type symbols pass its isMap/isScalar/… checks (and
// ours, yaml-nodes.ts) without the cost of its classes.
const NODE_TYPE = Symbol.for("yaml.node.type");

type Range = [number, number, number];
type Value = Scalar | YAMLMap | YAMLSeq | FastAlias;

// The node-type symbol sits on each class's prototype: an object literal with a computed (symbol) key
// costs a runtime call per node, a class instance does not, and the checks read it all the same.
class FastCollection {
  items: unknown[] = [];
  range: Range | undefined = undefined;
  flow = false;
}
class FastMap extends FastCollection {}
class FastSeq extends FastCollection {}
class FastPair {
  constructor(
    readonly key: unknown,
    readonly value: unknown,
  ) {}
}
class FastScalar {
  constructor(
    readonly value: unknown,
    readonly source: string,
    readonly type: Scalar.Type,
    private readonly start: number,
    private readonly end: number,
  ) {}
  /** `[start, value end, node end]` as the `yaml` package gives it, made when asked (locations only). */
  get range(): Range {
    return [this.start, this.end, this.end];
  }
}
const tag = (c: { prototype: object }, type: symbol) =>
  Object.defineProperty(c.prototype, NODE_TYPE, { value: type, enumerable: true });
tag(FastMap, MAP);
tag(FastSeq, SEQ);
tag(FastPair, PAIR);
tag(FastScalar, SCALAR);

const newMap = (): YAMLMap => new FastMap() as unknown as YAMLMap;
const newSeq = (): YAMLSeq => new FastSeq() as unknown as YAMLSeq;
const newPair = (key: unknown, value: unknown) => new FastPair(key, value);
const newScalar = (value: unknown, source: string, type: Scalar.Type, start: number, end: number): Scalar =>
  new FastScalar(value, source, type, start, end) as unknown as Scalar;

/** An alias bound to its anchor while reading (the anchor is always defined before, in document order). */
class FastAlias {
  constructor(
    readonly source: string,
    readonly range: Range,
    private readonly target: Value,
  ) {}
  resolve(): Value {
    return this.target;
  }
}
tag(FastAlias, ALIAS);

/**
 * A fast reader for the block-style YAML subset inventories are written in (nested `key: value`
 * maps, `- item` lists of scalars, plain/quoted scalars, `{}`/`[]`, comments). It builds the same
 * `yaml` node types the full parser builds, so everything downstream is shared. Also in the subset:
 * anchors on mapping values (`key: &name …`), aliases as mapping values (`key: *name`), merge keys
 * (`<<: *name`, `<<: [*a, *b]`) and literal/folded block scalars (`|`, `|-`, `>`, `>-`). On anything
 * outside it (tags, other anchors or aliases, keep-chomping or indentation indicators, multi-line
 * flow scalars, flow collections with content, tabs, CR, document markers, escapes) it returns
 * undefined and the caller uses the `yaml` package. It is never the one that reports an error:
 * invalid input always falls back.
 */
export function fastParseYaml(text: string): { doc: Document; lines: LineIndex } | undefined {
  if (/[\t\r\ufeff]/.test(text) || text.length === 0) return undefined;
  const lines = new LineIndex();
  const rows: Row[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lines.addNewLine(start);
    let indent = 0;
    while (start + indent < end && text.charCodeAt(start + indent) === 32) indent++;
    const content = text.slice(start + indent, end);
    if (content.length && content[0] !== "#") {
      if (indent === 0 && (content.startsWith("---") || content.startsWith("...") || content[0] === "%"))
        return undefined;
      rows.push({ start: start + indent, indent, content });
    }
    if (end === text.length) break;
    start = end + 1;
  }
  if (rows.length === 0 || rows[0]!.indent !== 0) return undefined;
  const p = new FastParser(rows, text);
  try {
    const root = p.block(0, 0);
    if (p.pos !== rows.length) return undefined;
    // Only `contents` is read downstream (aliases carry their target), so no Document instance is built.
    return { doc: { contents: root } as Document, lines };
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

interface Row {
  start: number;
  indent: number;
  content: string;
}

const BAIL = Symbol("outside the fast subset");
const bail = (): never => {
  throw BAIL;
};
/** Characters a plain scalar may not start with (YAML indicators). */
const INDICATORS = "?:,[]{}#&*!|>%@`\"'";
const badStart = (s: string): boolean => s.length > 0 && INDICATORS.includes(s[0]!);

const ANCHOR = /^&([A-Za-z0-9_.-]+)(?: +|$)/;
const ALIAS_VALUE = /^\*([A-Za-z0-9_.-]+)(?: +#.*| *)$/;
const MERGE_LIST = /^\[ *\*[A-Za-z0-9_.-]+ *(?:, *\*[A-Za-z0-9_.-]+ *)*\](?: +#.*| *)$/;
const BLOCK_HEADER = /^([|>])(-?)(?: +#.*| *)$/;

class FastParser {
  pos = 0;
  /** Anchors defined so far, in document order (a later definition of a name replaces the earlier). */
  private readonly anchors = new Map<string, Value>();
  /** Anchors whose node is still being read: an alias to one of them is a recursive structure. */
  private readonly open = new Set<string>();
  constructor(
    private readonly rows: Row[],
    private readonly text: string,
  ) {}

  block(i: number, indent: number): YAMLMap | YAMLSeq {
    const row = this.rows[i]!;
    if (row.indent !== indent) bail();
    return row.content === "-" || row.content.startsWith("- ") ? this.seq(i, indent) : this.map(i, indent);
  }

  private map(i: number, indent: number): YAMLMap {
    const map = newMap();
    const first = this.rows[i]!;
    let last = first.start;
    this.pos = i;
    while (this.pos < this.rows.length) {
      const row = this.rows[this.pos]!;
      if (row.indent < indent) break;
      if (row.indent > indent) bail();
      const c = row.content;
      if (c.startsWith("- ") || c === "-") {
        if (row.indent === indent) break;
        bail();
      }
      let colon = c.indexOf(":");
      while (colon !== -1 && colon + 1 < c.length && c[colon + 1] !== " ") colon = c.indexOf(":", colon + 1);
      if (colon <= 0) bail();
      const keyText = c.slice(0, colon);
      if (badStart(keyText) || keyText.endsWith(" ") || keyText.includes(" #") || keyText.startsWith("- "))
        bail();
      const key = plain(keyText, row.start);
      let lead = colon + 1;
      while (c.charCodeAt(lead) === 32) lead++;
      let rest = c.slice(lead);
      let valueStart = row.start + lead;
      this.pos++;
      if (keyText === "<<") {
        map.items.push(newPair(key, this.mergeSources(rest, valueStart, indent)) as never);
        last = valueStart;
        continue;
      }
      let anchor: string | undefined;
      const a = rest[0] === "&" ? ANCHOR.exec(rest) : null;
      if (a) {
        anchor = a[1]!;
        rest = rest.slice(a[0].length);
        valueStart += a[0].length;
        this.open.add(anchor);
      }
      let value: Value;
      if (rest[0] === "*") {
        if (anchor !== undefined) bail();
        value = this.alias(rest, valueStart);
        this.noContinuation(indent);
      } else if (rest[0] === "|" || rest[0] === ">") {
        value = this.blockScalar(rest, valueStart, indent);
      } else if (rest === "" || rest[0] === "#") {
        const next = this.rows[this.pos];
        if (next && next.indent > indent) value = this.block(this.pos, next.indent);
        else if (next && next.indent === indent && (next.content === "-" || next.content.startsWith("- ")))
          value = this.seq(this.pos, indent);
        else if (anchor !== undefined) return bail();
        else value = nullScalar(valueStart);
      } else {
        value = scalar(rest, valueStart);
        this.noContinuation(indent);
      }
      if (anchor !== undefined) {
        (value as { anchor?: string }).anchor = anchor;
        this.open.delete(anchor);
        this.anchors.set(anchor, value);
      }
      map.items.push(newPair(key, value) as never);
      last = valueStart;
    }
    map.range = [first.start, last, last];
    return map;
  }

  /** A line indented below a one-line value continues it: a multi-line scalar or a YAML error. */
  private noContinuation(indent: number): void {
    const next = this.rows[this.pos];
    if (next && next.indent > indent) bail();
  }

  private alias(text: string, offset: number): FastAlias {
    const m = ALIAS_VALUE.exec(text);
    if (!m) return bail();
    const name = m[1]!;
    const target = this.anchors.get(name);
    if (target === undefined || this.open.has(name)) bail();
    const end = offset + 1 + name.length;
    return new FastAlias(name, [offset, end, end], target!);
  }

  /** `<<: *name` or `<<: [*a, *b]` naming mappings; anything else is left to the full parser. */
  private mergeSources(text: string, offset: number, indent: number): FastAlias | YAMLSeq {
    let value: FastAlias | YAMLSeq;
    if (text[0] === "*") value = this.alias(text, offset);
    else {
      if (!MERGE_LIST.test(text)) bail();
      const seq = newSeq();
      seq.flow = true;
      for (const m of text.matchAll(/\*[A-Za-z0-9_.-]+/g)) seq.items.push(this.alias(m[0], offset + m.index));
      const end = offset + text.lastIndexOf("]") + 1;
      seq.range = [offset, end, end];
      value = seq;
    }
    for (const source of value instanceof FastAlias ? [value] : (value.items as FastAlias[]))
      if (!isMap(source.resolve())) bail();
    this.noContinuation(indent);
    return value;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar with clip or strip chomping and its indentation found
   * from the first content line, read from the text itself (its lines may look like comments).
   */
  private blockScalar(header: string, offset: number, indent: number): Scalar {
    const h = BLOCK_HEADER.exec(header);
    if (!h) return bail();
    const text = this.text;
    let at = text.indexOf("\n", offset);
    if (at === -1) bail();
    at++;
    const lines: string[] = [];
    let contentIndent = -1;
    let end = at;
    while (at < text.length) {
      let eol = text.indexOf("\n", at);
      if (eol === -1) eol = text.length;
      let spaces = 0;
      while (text.charCodeAt(at + spaces) === 32) spaces++;
      if (at + spaces === eol) {
        // an empty line: part of the scalar unless the scalar ends before the next content line
        if (contentIndent !== -1 && spaces > contentIndent) bail(); // trailing spaces are content
        if (contentIndent === -1 && spaces > indent) bail(); // leading spaces decide the indentation
        lines.push("");
      } else {
        if (contentIndent === -1) {
          if (spaces <= indent) bail(); // an empty scalar
          contentIndent = spaces;
        }
        if (spaces < contentIndent) break;
        if (h[1] === ">" && spaces > contentIndent) bail(); // more-indented lines fold differently
        lines.push(text.slice(at + contentIndent, eol));
        end = eol;
      }
      if (eol === text.length) bail(); // no line break after the last line
      at = eol + 1;
    }
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    let value: string;
    if (h[1] === "|") value = lines.join("\n");
    else {
      value = "";
      let breaks = 0;
      for (const line of lines) {
        if (line === "") breaks++;
        else {
          if (value !== "") value += breaks === 0 ? " " : "\n".repeat(breaks);
          value += line;
          breaks = 0;
        }
      }
    }
    if (h[2] !== "-") value += "\n";
    while (this.pos < this.rows.length && this.rows[this.pos]!.start < end) this.pos++;
    return newScalar(
      value,
      value,
      h[1] === "|" ? SCALAR_TYPE.BLOCK_LITERAL : SCALAR_TYPE.BLOCK_FOLDED,
      offset,
      end + 1,
    );
  }

  private seq(i: number, indent: number): YAMLSeq {
    const seq = newSeq();
    const first = this.rows[i]!;
    this.pos = i;
    let last = first.start;
    while (this.pos < this.rows.length) {
      const row = this.rows[this.pos]!;
      if (row.indent < indent) break;
      if (row.indent > indent) bail();
      if (!row.content.startsWith("- ")) break;
      const text = trimSpacesStart(row.content.slice(2));
      const offset = row.start + (row.content.length - text.length);
      if (text === "" || text[0] === "-" || text[0] === "#") bail();
      // "- key: value" starts a mapping inside the list: outside the subset
      if (/^[^"'].*?:(?: |$)/.test(text)) bail();
      seq.items.push(scalar(text, offset));
      this.pos++;
      const next = this.rows[this.pos];
      if (next && next.indent > indent) bail();
      last = offset;
    }
    seq.range = [first.start, last, last];
    return seq;
  }
}

// YAML's white space is space and tab (tabs never reach this reader): String.prototype.trim* would
// also eat U+00A0, U+3000 and the other Unicode spaces, which libyaml keeps in a plain scalar
function trimSpacesStart(s: string): string {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return i === 0 ? s : s.slice(i);
}
function trimSpacesEnd(s: string): string {
  let i = s.length;
  while (i > 0 && s.charCodeAt(i - 1) === 32) i--;
  return i === s.length ? s : s.slice(0, i);
}

function nullScalar(offset: number): Scalar {
  return newScalar(null, "", SCALAR_TYPE.PLAIN, offset, offset);
}

function plain(text: string, offset: number): Scalar {
  return newScalar(text, text, SCALAR_TYPE.PLAIN, offset, offset + text.length);
}

/** A one-line scalar value: quoted (no escapes), `{}`/`[]`, or plain up to a ` #` comment. */
function scalar(text: string, offset: number): Scalar | YAMLMap | YAMLSeq {
  const q = text[0];
  if (q === '"' || q === "'") {
    let i = 1;
    let out = "";
    for (;;) {
      if (i >= text.length) bail();
      const ch = text[i]!;
      if (q === '"' && ch === "\\") bail();
      if (ch === q) {
        if (q === "'" && text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        break;
      }
      out += ch;
      i++;
    }
    const after = trimSpacesStart(text.slice(i + 1));
    if (after !== "" && after[0] !== "#") bail();
    return newScalar(
      out,
      out,
      q === '"' ? SCALAR_TYPE.QUOTE_DOUBLE : SCALAR_TYPE.QUOTE_SINGLE,
      offset,
      offset + i + 1,
    );
  }
  let value = text;
  const hash = value.indexOf(" #");
  if (hash !== -1) value = value.slice(0, hash);
  value = trimSpacesEnd(value);
  if (value === "{}" || value === "[]") {
    const c = value === "{}" ? newMap() : newSeq();
    c.flow = true;
    c.range = [offset, offset + 2, offset + 2];
    return c;
  }
  if (
    badStart(value) ||
    value.includes(": ") ||
    value.endsWith(":") ||
    value.startsWith("- ") ||
    value === "-"
  )
    bail();
  return plain(value, offset);
}
