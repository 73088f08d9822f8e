import { Document, LineCounter, Scalar, type YAMLMap, type YAMLSeq } from "yaml";

// The `yaml` package tells node kinds apart by these registered symbols (nodes/identity.js), so plain
// objects carrying them pass its isMap/isScalar/isSeq/isPair checks without the cost of its classes.
const NODE_TYPE = Symbol.for("yaml.node.type");
const MAP = Symbol.for("yaml.map");
const SEQ = Symbol.for("yaml.seq");
const PAIR = Symbol.for("yaml.pair");
const SCALAR = Symbol.for("yaml.scalar");

type Range = [number, number, number];
const newMap = (): YAMLMap =>
  ({ [NODE_TYPE]: MAP, items: [], range: undefined, flow: false }) as unknown as YAMLMap;
const newSeq = (): YAMLSeq =>
  ({ [NODE_TYPE]: SEQ, items: [], range: undefined, flow: false }) as unknown as YAMLSeq;
const newPair = (key: unknown, value: unknown) => ({ [NODE_TYPE]: PAIR, key, value });
const newScalar = (value: unknown, source: string, type: Scalar.Type, range: Range): Scalar =>
  ({ [NODE_TYPE]: SCALAR, value, source, type, range }) as unknown as Scalar;

/**
 * A fast reader for the block-style YAML subset inventories are written in (nested `key: value`
 * maps, `- item` lists of scalars, plain/quoted scalars, `{}`/`[]`, comments). It builds the same
 * `yaml` node types the full parser builds, so everything downstream is shared. On anything outside
 * the subset (anchors, aliases, tags, block or multi-line scalars, flow collections with content,
 * tabs, CR, document markers, escapes) it returns undefined and the caller uses the `yaml` package.
 * It is never the one that reports an error: invalid input always falls back.
 */
export function fastParseYaml(text: string): { doc: Document; lines: LineCounter } | undefined {
  if (/[\t\r\ufeff]/.test(text) || text.length === 0) return undefined;
  const lines = new LineCounter();
  const rows: Row[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lines.addNewLine(start);
    const raw = text.slice(start, end);
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    const content = raw.slice(indent);
    if (content.length && content[0] !== "#") {
      if (indent === 0 && (content.startsWith("---") || content.startsWith("...") || content[0] === "%"))
        return undefined;
      rows.push({ start: start + indent, indent, content });
    }
    if (end === text.length) break;
    start = end + 1;
  }
  if (rows.length === 0 || rows[0]!.indent !== 0) return undefined;
  const p = new FastParser(rows);
  try {
    const root = p.block(0, 0);
    if (p.pos !== rows.length) return undefined;
    const doc = new Document();
    doc.contents = root as YAMLMap;
    return { doc, lines };
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
const BAD_START = /^[?:,[\]{}#&*!|>%@`"']/;

class FastParser {
  pos = 0;
  constructor(private readonly rows: Row[]) {}

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
      if (
        BAD_START.test(keyText) ||
        keyText.endsWith(" ") ||
        keyText.includes(" #") ||
        keyText === "<<" ||
        keyText.startsWith("- ")
      )
        bail();
      const key = plain(keyText, row.start);
      let rest = c.slice(colon + 1);
      const restOffset = row.start + colon + 1;
      const lead = rest.length - trimSpacesStart(rest).length;
      rest = trimSpacesStart(rest);
      const valueStart = restOffset + lead;
      this.pos++;
      let value: Scalar | YAMLMap | YAMLSeq;
      if (rest === "" || rest[0] === "#") {
        const next = this.rows[this.pos];
        if (next && next.indent > indent) value = this.block(this.pos, next.indent);
        else if (next && next.indent === indent && (next.content === "-" || next.content.startsWith("- ")))
          value = this.seq(this.pos, indent);
        else value = nullScalar(valueStart);
      } else {
        value = scalar(rest, valueStart);
        const next = this.rows[this.pos];
        if (next && next.indent > indent) bail(); // a continuation line: multi-line scalar or a YAML error
      }
      map.items.push(newPair(key, value) as never);
      last = valueStart;
    }
    map.range = [first.start, last, last];
    return map;
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
const trimSpacesStart = (s: string): string => s.replace(/^ +/, "");
const trimSpacesEnd = (s: string): string => s.replace(/ +$/, "");

function nullScalar(offset: number): Scalar {
  return newScalar(null, "", Scalar.PLAIN, [offset, offset, offset]);
}

function plain(text: string, offset: number): Scalar {
  return newScalar(text, text, Scalar.PLAIN, [offset, offset + text.length, offset + text.length]);
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
    return newScalar(out, out, q === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, [
      offset,
      offset + i + 1,
      offset + i + 1,
    ]);
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
    BAD_START.test(value) ||
    value.includes(": ") ||
    value.endsWith(":") ||
    value.startsWith("- ") ||
    value === "-"
  )
    bail();
  return plain(value, offset);
}
