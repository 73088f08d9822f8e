/**
 * Reads OpenNebula's template text syntax the way oned does (src/parsers/template_parser.l and
 * template_syntax.y), with a precise `TemplateSyntaxError` where oned only says "syntax error":
 *
 *   NAME = "quoted value"        quoted: any text, `\"` stands for `"`
 *   CPU = 1                      unquoted: no blanks, newlines, `=`, `#`, `,`, `[`, `]`
 *   EMPTY =                      `=` then end of line: the empty string
 *   DISK = [ IMAGE_ID = "3",     vector: key = value pairs separated by `,`
 *            SIZE = 10 ]
 *   # comment                    to the end of the line
 *
 * Blanks are spaces and tabs only. A `\r` between attributes is skipped, but after a value it is,
 * as for oned, a character of an unquoted value: with CRLF line ends `B="2"` reads as `"2"\r`.
 *
 * Like oned's lexer, a value token is the longest match among a quoted string, an unquoted
 * string and "a line holding `]]>`" (which oned rejects). Names are upper-cased; a repeated name
 * gives an array in text order. Top-level names not starting with a letter get oned's `ONE_`
 * prefix.
 */
import { positionIn, TemplateSyntaxError } from "./errors.js";
import type { Template, TemplateAttributeValue, TemplateVector } from "./types.js";

const VARIABLE = /[A-Za-z0-9_]+/y;
const UNQUOTED_VALUE = /[^=#\t \n,[\]]+/y;

export function parseTemplate(text: string): Template {
  if (typeof text !== "string") {
    throw new TemplateSyntaxError(`expected the template as a string, got ${typeof text}`, {
      offset: 0,
      line: 1,
      column: 1,
    });
  }
  return new TemplateReader(text).readTemplate();
}

class TemplateReader {
  private i = 0;
  /** Next known offsets of "\n" and "]]>" at or after `i` (the reader only moves forward). */
  private readonly next = new Map<string, number>();

  constructor(private readonly text: string) {}

  readTemplate(): Template {
    const template: Template = {};
    for (;;) {
      this.skipBlanksAndComments();
      if (this.i >= this.text.length) return template;
      const name = this.readVariable("an attribute name");
      const value = this.readAttributeValue(name);
      add(template, topLevelName(name), value);
    }
  }

  /** After a name: `=` and a value, an empty value (`=` at the end of a line) or a vector. */
  private readAttributeValue(name: string): TemplateAttributeValue {
    this.skip(/[\t ]*/y);
    this.expect("=", `"=" after ${name}`);
    this.skip(/[\t ]*/y);
    if (this.at("\n")) return "";
    if (this.i >= this.text.length)
      this.fail(`a value after "${name}=" (write ${name}="" for an empty value)`);
    if (this.at("[")) {
      this.rejectCdataLine();
      return this.readVector(name);
    }
    return this.readValue(name);
  }

  private readVector(name: string): TemplateVector {
    this.i++; // "["
    const vector: TemplateVector = {};
    this.skipBlanksAndComments();
    if (this.at("]")) {
      this.i++;
      return vector;
    }
    for (;;) {
      this.skipBlanksAndComments();
      const keyStart = this.i;
      const key = this.readVariable(`a key inside ${name}=[…]`).toUpperCase();
      this.skip(/[\t ]*/y);
      this.expect("=", `"=" after ${key} inside ${name}=[…]`);
      this.skip(/[\t ]*/y);
      if (this.i >= this.text.length || this.at("\n")) {
        this.fail(`a value for ${key} inside ${name}=[…] (write ${key}="" for an empty value)`);
      }
      if (this.at("[")) this.fail(`a value for ${key}: vectors cannot be nested inside ${name}=[…]`, "[");
      const value = this.readValue(key);
      if (Object.hasOwn(vector, key)) {
        throw new TemplateSyntaxError(`${key} appears twice in ${name}=[…]`, positionIn(this.text, keyStart));
      }
      vector[key] = value;
      this.skipBlanksAndComments();
      if (this.at(",")) {
        this.i++;
        continue;
      }
      if (this.at("]")) {
        this.i++;
        return vector;
      }
      if (this.i >= this.text.length) this.fail(`"]" to close ${name}=[…]`);
      this.fail(`"," or "]" after ${key} in ${name}=[…]`);
    }
  }

  /** A value token: the longest of a quoted string, an unquoted string and a `]]>` line. */
  private readValue(name: string): string {
    const start = this.i;
    const cdataLine = this.cdataLineEnd();
    const quotedEnd = this.at('"') ? this.quotedEnd() : -1;
    const unquotedEnd = this.matchEnd(UNQUOTED_VALUE);
    if (this.at('"') && quotedEnd < 0) {
      throw new TemplateSyntaxError(`unterminated quoted value of ${name}`, positionIn(this.text, start));
    }
    const longest = Math.max(cdataLine, quotedEnd, unquotedEnd);
    if (longest <= start) this.fail(`a value for ${name}`);
    if (cdataLine === longest) this.rejectCdataLine();
    this.i = longest;
    const raw =
      quotedEnd === longest ? this.text.slice(start + 1, longest - 1) : this.text.slice(start, longest);
    return raw.replaceAll('\\"', '"');
  }

  /**
   * End (exclusive) of the longest `"([^"]|\\")*"` match: content may hold `"` only right after a
   * backslash, so the match ends at the first other `"`, or else at the last escaped one. -1: none.
   */
  private quotedEnd(): number {
    const { text } = this;
    let candidate = -1;
    for (let j = this.i + 1; j < text.length; j++) {
      if (text.charCodeAt(j) !== 34) continue;
      if (text.charCodeAt(j - 1) === 92 && j - 1 > this.i) {
        candidate = j + 1;
        continue;
      }
      return j + 1;
    }
    return candidate;
  }

  /** End of the current line when it holds `]]>` (oned's lexer then aborts), else -1. */
  private cdataLineEnd(): number {
    const end = this.nextOffset("\n");
    return this.nextOffset("]]>") < end ? end : -1;
  }

  /** Offset of the next `token` at or after `i` (the text length if none), found once per occurrence. */
  private nextOffset(token: string): number {
    const known = this.next.get(token);
    if (known !== undefined && known >= this.i) return known;
    const found = this.text.indexOf(token, this.i);
    const offset = found < 0 ? this.text.length : found;
    this.next.set(token, offset);
    return offset;
  }

  private rejectCdataLine(): void {
    if (this.cdataLineEnd() < 0) return;
    const at = this.nextOffset("]]>");
    throw new TemplateSyntaxError(
      '"]]>" on the line of a value (oned aborts the whole template; put the value in a <TEMPLATE> XML document)',
      positionIn(this.text, at),
    );
  }

  private readVariable(what: string): string {
    const end = this.matchEnd(VARIABLE);
    if (end < 0) this.fail(what);
    const name = this.text.slice(this.i, end);
    this.i = end;
    return name;
  }

  /** Blanks, newlines (also CRLF) and `#` comments up to the end of their line. */
  private skipBlanksAndComments(): void {
    for (;;) {
      this.skip(/[\t \r\n]*/y);
      if (!this.at("#")) return;
      this.i = Math.min(this.nextOffset("\n") + 1, this.text.length);
    }
  }

  private skip(pattern: RegExp): void {
    const end = this.matchEnd(pattern);
    if (end >= 0) this.i = end;
  }

  private matchEnd(pattern: RegExp): number {
    pattern.lastIndex = this.i;
    const match = pattern.exec(this.text);
    return match && match[0].length > 0 ? this.i + match[0].length : -1;
  }

  private at(token: string): boolean {
    return this.text.startsWith(token, this.i);
  }

  private expect(token: string, what: string): void {
    if (!this.at(token)) this.fail(what);
    this.i += token.length;
  }

  private fail(expected: string, found?: string): never {
    const got = found ?? describeAt(this.text, this.i);
    throw new TemplateSyntaxError(`expected ${expected}, found ${got}`, positionIn(this.text, this.i));
  }
}

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the template";
  const char = text[offset] ?? "";
  if (char === "\n" || char === "\r") return "the end of the line";
  return JSON.stringify(String.fromCodePoint(text.codePointAt(offset) ?? 0));
}

/** oned upper-cases attribute names and prefixes those not starting with a letter with ONE_. */
function topLevelName(name: string): string {
  const upper = name.toUpperCase();
  return /^[A-Z]/.test(upper) ? upper : `ONE_${upper}`;
}

function add(template: Template, name: string, value: TemplateAttributeValue): void {
  const previous = template[name];
  if (previous === undefined) template[name] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else template[name] = [previous, value];
}
