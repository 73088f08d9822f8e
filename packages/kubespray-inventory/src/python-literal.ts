import { type AnsibleValue, PyFloat, pyFloat, pyFloatRepr, scalarKeyText } from "./values.js";

/**
 * Python's `ast.literal_eval` as Ansible's INI plugin uses it to type values: `True` → true,
 * `1_000` → 1000, `0x1F` → 31, `'a'` → "a", `[1, 2]` → a list, `1,2` → a list (a tuple),
 * `{'x': 1}` → a mapping. Anything Python would not accept as a literal (`yes`, `0777`, `10.0.0.1`,
 * `abc # c`) returns `undefined`: Ansible then keeps the text as a string.
 */
export function literalEval(source: string): AnsibleValue | undefined {
  const text = source.replace(/^[ \t]+/, "");
  // Fast paths for the common cases (host names, IPs, paths, plain words, small ints): same answers, no parser.
  if (/^[1-9][0-9]{0,14}$/.test(text) || text === "0") return Number(text);
  const c = text.charCodeAt(0);
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  if (letter && !/['"]/.test(text) && !/^(?:True|False|None|set)\b/.test(text)) return undefined;
  if (/^[0-9]+\.[0-9]+\.[0-9]/.test(text)) return undefined; // dotted quads and versions: two numbers glued
  if (c === 47 /* / */ || c === 60 /* < */ || c === 126 /* ~ */) return undefined;
  try {
    const p = new LiteralParser(text);
    const value = p.parseTop();
    return value;
  } catch (e) {
    if (e === FAIL) return undefined;
    throw e;
  }
}

const FAIL = Symbol("not a literal");
const fail = (): never => {
  throw FAIL;
};

type Tok =
  | { t: "num"; v: number | bigint | PyFloat; signable: true }
  | { t: "str"; v: string; bytes: boolean }
  | { t: "name"; v: string }
  | { t: "op"; v: string }
  | { t: "end" };

const DIGITPART = "[0-9](?:_?[0-9])*";
const FLOAT_RE = new RegExp(
  `^(?:(?:(?:${DIGITPART})?\\.${DIGITPART}|${DIGITPART}\\.)(?:[eE][+-]?${DIGITPART})?|${DIGITPART}[eE][+-]?${DIGITPART})`,
);
const INT_RE = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0+(?:_?0)*)/;
const NAME_START = /[\p{L}\p{Nl}_]/u;
const NAME_CHAR = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;

class LiteralParser {
  private pos = 0;
  private tok: Tok;
  constructor(private readonly s: string) {
    this.tok = this.next();
  }

  parseTop(): AnsibleValue {
    const first = this.expr();
    if (this.isOp(",")) {
      const items = [first];
      while (this.isOp(",")) {
        this.advance();
        if (this.tok.t === "end") break;
        items.push(this.expr());
      }
      if (this.tok.t !== "end") fail();
      return items;
    }
    if (this.tok.t !== "end") fail();
    return first;
  }

  private isOp(v: string): boolean {
    return this.tok.t === "op" && this.tok.v === v;
  }
  private advance(): void {
    this.tok = this.next();
  }

  private expr(): AnsibleValue {
    const tok = this.tok;
    if (tok.t === "op" && (tok.v === "-" || tok.v === "+")) {
      this.advance();
      const operand = this.atomNumberOnly();
      const r = tok.v === "-" ? negate(operand) : operand;
      return r;
    }
    return this.atom();
  }

  /** The operand of a unary sign: a number literal, possibly parenthesised (the AST drops the parentheses). */
  private atomNumberOnly(): number | bigint {
    let depth = 0;
    while (this.isOp("(")) {
      depth++;
      this.advance();
    }
    const tok = this.tok;
    if (tok.t !== "num") fail();
    this.advance();
    for (; depth > 0; depth--) {
      if (!this.isOp(")")) fail();
      this.advance();
    }
    return (tok as { v: number | bigint }).v;
  }

  private atom(): AnsibleValue {
    const tok = this.tok;
    switch (tok.t) {
      case "num":
        this.advance();
        return tok.v;
      case "str": {
        let value = tok.v;
        const bytes = tok.bytes;
        this.advance();
        while (this.tok.t === "str") {
          if (this.tok.bytes !== bytes) fail();
          value += this.tok.v;
          this.advance();
        }
        return value;
      }
      case "name":
        this.advance();
        if (tok.v === "True") return true;
        if (tok.v === "False") return false;
        if (tok.v === "None") return null;
        if (tok.v === "set" && this.isOp("(")) {
          this.advance();
          if (!this.isOp(")")) fail();
          this.advance();
          return [];
        }
        return fail();
      case "op":
        if (tok.v === "[") return this.sequence("]");
        if (tok.v === "(") return this.sequence(")");
        if (tok.v === "{") return this.braces();
        return fail();
      default:
        return fail();
    }
  }

  private sequence(close: string): AnsibleValue {
    this.advance();
    const items: AnsibleValue[] = [];
    let sawComma = false;
    while (!this.isOp(close)) {
      items.push(this.expr());
      if (this.isOp(",")) {
        sawComma = true;
        this.advance();
      } else if (!this.isOp(close)) fail();
    }
    this.advance();
    if (close === ")" && items.length === 1 && !sawComma) return items[0] as AnsibleValue;
    return items;
  }

  private braces(): AnsibleValue {
    this.advance();
    if (this.isOp("}")) {
      this.advance();
      return {};
    }
    const firstKey = this.expr();
    if (this.isOp(":")) {
      const out: Record<string, AnsibleValue> = {};
      let key = firstKey;
      for (;;) {
        if (!this.isOp(":")) fail();
        this.advance();
        out[jsonKey(key)] = this.expr();
        if (this.isOp(",")) this.advance();
        else if (!this.isOp("}")) fail();
        if (this.isOp("}")) break;
        key = this.expr();
      }
      this.advance();
      return out;
    }
    // a set literal: Ansible cannot print sets; treat as a list of its members
    const items = [firstKey];
    while (this.isOp(",")) {
      this.advance();
      if (this.isOp("}")) break;
      items.push(this.expr());
    }
    if (!this.isOp("}")) fail();
    this.advance();
    return items;
  }

  private next(): Tok {
    const s = this.s;
    for (;;) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\f") this.pos++;
      else if (c === "\\" && (s[this.pos + 1] === "\n" || s[this.pos + 1] === "\r")) this.pos += 2;
      else break;
    }
    if (this.pos >= s.length) return { t: "end" };
    const c = s[this.pos]!;
    if (c === "#") {
      const nl = s.indexOf("\n", this.pos);
      if (nl < 0) {
        this.pos = s.length;
        return { t: "end" };
      }
      fail();
    }
    if (c === "\n" || c === "\r") {
      this.pos++;
      return this.next();
    }
    const rest = s.slice(this.pos);
    if (/^[0-9]/.test(c) || (c === "." && /^\.[0-9]/.test(rest))) return this.number(rest);
    if (NAME_START.test(c)) {
      let end = this.pos + 1;
      while (end < s.length && NAME_CHAR.test(s[end]!)) end++;
      const name = s.slice(this.pos, end);
      const quote = s[end];
      if (
        (quote === "'" || quote === '"') &&
        /^(?:[rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/.test(name)
      ) {
        this.pos = end;
        return this.string(name.toLowerCase());
      }
      this.pos = end;
      return { t: "name", v: name };
    }
    if (c === "'" || c === '"') return this.string("");
    if ("[](){},:-+".includes(c)) {
      this.pos++;
      return { t: "op", v: c };
    }
    return fail();
  }

  private number(rest: string): Tok {
    const f = FLOAT_RE.exec(rest);
    const i = INT_RE.exec(rest);
    let tok: Tok;
    let len: number;
    if (f && (!i || f[0].length > i[0].length)) {
      len = f[0].length;
      tok = { t: "num", v: pyFloat(Number.parseFloat(f[0].replaceAll("_", ""))), signable: true };
    } else if (i) {
      len = i[0].length;
      tok = { t: "num", v: toInt(i[0].replaceAll("_", "")), signable: true };
    } else return fail();
    const after = rest[len];
    // an imaginary suffix (complex numbers cannot be printed by Ansible) or any glued name/number is not a literal
    if (after !== undefined && (NAME_CHAR.test(after) || after === "." || after === "'" || after === '"'))
      fail();
    this.pos += len;
    return tok;
  }

  private string(prefix: string): Tok {
    const s = this.s;
    const raw = prefix.includes("r");
    const bytes = prefix.includes("b");
    if (prefix.includes("f")) fail();
    const q = s[this.pos]!;
    const triple = s.startsWith(q.repeat(3), this.pos);
    const close = triple ? q.repeat(3) : q;
    let i = this.pos + close.length;
    let out = "";
    for (;;) {
      if (i >= s.length) fail();
      if (s.startsWith(close, i)) {
        i += close.length;
        break;
      }
      const c = s[i]!;
      if (!triple && (c === "\n" || c === "\r")) fail();
      if (bytes && c.charCodeAt(0) > 0x7f) fail();
      if (c !== "\\") {
        out += c;
        i++;
        continue;
      }
      const n = s[i + 1];
      if (n === undefined) fail();
      if (raw) {
        out += c + n;
        i += 2;
        continue;
      }
      i += 2;
      switch (n) {
        case "\n":
          break;
        case "\\":
        case "'":
        case '"':
          out += n;
          break;
        case "a":
          out += "\x07";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "v":
          out += "\v";
          break;
        case "x": {
          const h = s.slice(i, i + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(h)) fail();
          out += String.fromCharCode(Number.parseInt(h, 16));
          i += 2;
          break;
        }
        case "u":
        case "U": {
          if (bytes) {
            out += `\\${n}`;
            break;
          }
          const len = n === "u" ? 4 : 8;
          const h = s.slice(i, i + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) fail();
          const cp = Number.parseInt(h, 16);
          if (cp > 0x10ffff) fail();
          out += String.fromCodePoint(cp);
          i += len;
          break;
        }
        case "N":
          if (bytes) out += "\\N";
          else fail();
          break;
        default:
          if (/[0-7]/.test(n!)) {
            let oct = n!;
            while (oct.length < 3 && /[0-7]/.test(s[i] ?? "")) oct += s[i++];
            out += String.fromCharCode(Number.parseInt(oct, 8) & (bytes ? 0xff : 0x1ff));
          } else out += `\\${n}`;
      }
    }
    this.pos = i;
    return { t: "str", v: out, bytes };
  }
}

function toInt(text: string): number | bigint {
  const big = BigInt(/^0+$/.test(text) ? "0" : text.length > 1 && /^0[0-9]/.test(text) ? `0o${text}` : text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

function negate(v: number | bigint | PyFloat): number | bigint | PyFloat {
  if (v instanceof PyFloat) return new PyFloat(-v.value);
  if (typeof v === "bigint") {
    const n = -v;
    return n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n;
  }
  return -v;
}

/** How Python's json module turns a non-string dict key into a JSON key (others are refused). */
function jsonKey(key: AnsibleValue): string {
  return scalarKeyText(key) ?? fail();
}

/**
 * Python source text that `ast.literal_eval` turns back into `value` (`True`, `None`, `'a b'`,
 * `[1, 'x']`, `{'k': 1}`). Returns undefined for values Python literals cannot express (NaN, ±∞).
 */
export function pythonRepr(value: AnsibleValue): string | undefined {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    if (Object.is(value, -0)) return "-0.0";
    return String(value).replace(
      /^(-?)(\d)(?:\.(\d+))?e([+-])(\d+)$/,
      (_m, s, a, b, sign, e) => `${s}${a}.${b ?? "0"}e${sign}${e}`,
    );
  }
  if (typeof value === "string") return pythonStringRepr(value);
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const v of value) {
      const r = pythonRepr(v);
      if (r === undefined) return undefined;
      parts.push(r);
    }
    return `[${parts.join(", ")}]`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const r = pythonRepr(v);
    if (r === undefined) return undefined;
    parts.push(`${pythonStringRepr(k)}: ${r}`);
  }
  return `{${parts.join(", ")}}`;
}

/** A single-quoted Python string literal for `s`, on one line. */
export function pythonStringRepr(s: string): string {
  let out = "'";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (
      cp < 0x20 ||
      cp === 0x7f ||
      (cp >= 0x80 && cp < 0xa0) ||
      cp === 0x2028 ||
      cp === 0x2029 ||
      cp === 0x85
    )
      out += `\\x${cp.toString(16).padStart(2, "0")}`.replace(
        /^\\x(.{3,})$/,
        (_m, h) => `\\u${h.padStart(4, "0")}`,
      );
    else out += ch;
  }
  return `${out}'`;
}
