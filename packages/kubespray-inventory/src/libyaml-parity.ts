import { InventoryParseError } from "./errors.js";
import { firstLoneSurrogate } from "./text.js";

/**
 * Parity with the YAML parser Ansible runs (libyaml through PyYAML's CParser) where the `yaml` package
 * behaves otherwise: what happens to the text before parsing, and libyaml's words and position for
 * the syntax errors that byte-level oddities cause. Checked against ansible-inventory by
 * conformance/kubespray/encodings.test.ts.
 */

/**
 * What Ansible's loader does with the text of a YAML file (inventory or vars file) before its YAML
 * parser builds anything (`ansible/parsing/utils/yaml.py` `from_yaml`, PyYAML's `CParser`, libyaml's
 * reader and scanner, as in Debian's ansible-core 2.14 with python3-yaml 6.0 built on libyaml):
 *
 * 1. `json.loads` is tried first: text that is JSON never reaches libyaml, so none of the checks below
 *    apply to it.
 * 2. `CParser` encodes the text to UTF-8 strictly: a lone surrogate (a byte that was not UTF-8, kept by
 *    `surrogateescape` decoding) fails with Python's `UnicodeEncodeError` message.
 * 3. libyaml's reader refuses any character outside YAML's printable set ("control characters are not
 *    allowed"), wherever it is — NUL, ESC, DEL, C1 controls, U+FFFE/U+FFFF, and also VT and FF.
 * 4. libyaml breaks lines at CR LF, CR, LF, NEL (U+0085), LS (U+2028) and PS (U+2029); the `yaml` package
 *    only at LF and CR LF, so the others are turned into LF here (all but LS/PS inside a multi-line
 *    scalar, which libyaml keeps as LS/PS, come out the same).
 * 5. A byte order mark: one at the very start is consumed by libyaml's reader (dropped here); one at
 *    the start of any other line is skipped by its scanner, which still counts it as a column of
 *    indentation (a space here; in the continuation of a quoted scalar libyaml would keep it).
 *
 * Throws `InventoryParseError` with Ansible's reason (`INVENTORY_NOT_UTF8`, `YAML_CONTROL_CHARACTER`);
 * returns the text to give to the `yaml` package.
 */
export function prepareYamlText(text: string, file: string | undefined): string {
  if (isJson(text)) return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  checkEncodable(text, file);
  checkPrintable(text, file);
  let out = text;
  if (/[\r\u0085\u2028\u2029]/.test(out)) out = out.replace(/\r\n|[\r\u0085\u2028\u2029]/g, "\n");
  if (out.includes("\ufeff")) out = out.replace(/^\ufeff/, "").replace(/(^|\n)\ufeff/g, "$1 ");
  return out;
}

/** Whether Python's `json.loads` takes the text (JSON.parse agrees on everything but NaN/Infinity). */
function isJson(text: string): boolean {
  const c = text.trimStart()[0];
  // only a JSON value can start a JSON text: skip the parse for the usual `all:` YAML file
  if (c === undefined || !/["{[\-0-9tfn]/.test(c)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function checkEncodable(text: string, file: string | undefined): void {
  const at = firstLoneSurrogate(text);
  if (at < 0) return;
  // Python's encoder reports the whole run of surrogates; the decoder only makes low ones (U+DC80..)
  let end = at + 1;
  while (end < text.length && text.charCodeAt(end) >= 0xdc00 && text.charCodeAt(end) <= 0xdfff) end++;
  // Python counts code points: an astral character before the surrogate is one position, not two
  const position = [...text.slice(0, at)].length;
  const message =
    end - at === 1
      ? `'utf-8' codec can't encode character '\\u${text.charCodeAt(at).toString(16)}' in position ${position}: surrogates not allowed`
      : `'utf-8' codec can't encode characters in position ${position}-${position + end - at - 1}: surrogates not allowed`;
  throw new InventoryParseError(
    "INVENTORY_NOT_UTF8",
    message,
    { file, ...lineColumn(text, at) },
    "the file holds bytes that are not UTF-8 (Latin-1 text, or a UTF-16/UTF-32 file): save it as UTF-8",
  );
}

/** libyaml's `yaml_parser_update_buffer`: #x9, #xA, #xD, #x20-#x7E, #x85, #xA0-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF. */
const NOT_PRINTABLE = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

function checkPrintable(text: string, file: string | undefined): void {
  const at = text.search(NOT_PRINTABLE);
  if (at < 0) return;
  const code = text.codePointAt(at)!;
  // libyaml reports the offset in bytes of the UTF-8 text it was given
  const position = Buffer.byteLength(text.slice(0, at), "utf8");
  throw new InventoryParseError(
    "YAML_CONTROL_CHARACTER",
    `unacceptable character #x${code.toString(16).padStart(4, "0")}: control characters are not allowed (position ${position})`,
    { file, ...lineColumn(text, at) },
    "YAML refuses control characters anywhere in the file, comments and quoted strings included; remove it",
  );
}

/** 1-based line and column of `index`, lines broken as libyaml breaks them. */
function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < index; i++) {
    const c = text[i]!;
    if (
      c === "\n" ||
      c === "\u0085" ||
      c === "\u2028" ||
      c === "\u2029" ||
      (c === "\r" && text[i + 1] !== "\n")
    ) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: index - start + 1 };
}

/**
 * libyaml's problem for the `yaml` package's error (code and message) where both name the same fault —
 * the ones tabs, stray line breaks (NEL, LS, PS) and byte order marks inside a line lead to — with
 * where libyaml marks it.
 */
const LIBYAML_PROBLEM: Record<string, { problem: string; mark: "same" | "next token" | "first non-space" }> =
  {
    // a tab where a block's indentation is: libyaml cannot start a token with it
    "TAB_AS_INDENT: Tabs are not allowed as indentation": {
      problem: "found character that cannot start any token",
      mark: "same",
    },
    // a line that is a key without ':' (the rest of a value cut by a NEL/LS/PS): libyaml notices when it
    // reaches the next token (yaml_parser_stale_simple_keys) and marks that token
    "MISSING_CHAR: Implicit map keys need to be followed by map values": {
      problem: "could not find expected ':'",
      mark: "next token",
    },
    // a key indented deeper than its siblings (a byte order mark at a line start counts as a column)
    "BAD_INDENT: All mapping items must start at the same column": {
      problem: "did not find expected key",
      mark: "first non-space",
    },
  };

/**
 * The error message and offset to report for a `yaml` package error: libyaml's problem first (what
 * Ansible prints), the `yaml` package's words in parentheses, at libyaml's mark — or the error as the
 * `yaml` package gave it when no equivalent is known.
 */
export function asLibyamlError(
  code: string,
  message: string,
  text: string,
  offset: number,
): { message: string; offset: number } {
  const known = LIBYAML_PROBLEM[`${code}: ${message}`];
  if (!known) return { message, offset };
  let at = offset;
  if (known.mark === "first non-space") {
    while (text[at] === " ") at++;
  } else if (known.mark === "next token") {
    // to the end of the line, then over blank lines, indentation and comment lines
    at = text.indexOf("\n", offset);
    if (at < 0) at = text.length;
    for (;;) {
      while (at < text.length && (text[at] === " " || text[at] === "\t" || text[at] === "\n")) at++;
      if (text[at] !== "#") break;
      const eol = text.indexOf("\n", at);
      at = eol < 0 ? text.length : eol;
    }
  }
  return { message: `${known.problem} (${message})`, offset: at };
}
