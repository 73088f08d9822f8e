const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const OTHER_BREAK = /[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python `str.splitlines()`: every Unicode line boundary, `\r\n` counted once, no trailing empty line. */
export function pySplitLines(text: string): string[] {
  // most files break lines with \n alone: splitting on a string is several times cheaper than on a pattern
  const lines = OTHER_BREAK.test(text) ? text.split(LINE_BREAK) : text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const PY_WS =
  "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** Whether `c` (one UTF-16 unit) is whitespace to Python's `str.strip()`. */
export function isPyWhitespace(c: string | undefined): boolean {
  return c !== undefined && PY_WS.includes(c);
}

/** Python `str.strip()` (unlike `String.prototype.trim` it keeps a BOM), with the offset of what is kept. */
export function pyStrip(line: string): { text: string; offset: number } {
  let a = 0;
  let b = line.length;
  while (a < b && PY_WS.includes(line[a]!)) a++;
  while (b > a && PY_WS.includes(line[b - 1]!)) b--;
  return { text: line.slice(a, b), offset: a };
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes file bytes the way Ansible reads every inventory and vars file (`to_text(b_data,
 * errors="surrogate_or_strict")`, which is `surrogateescape` on Python 3): valid UTF-8 is decoded,
 * a byte order mark is kept as U+FEFF (Python's "utf-8" codec does not drop it), and every byte that
 * is not part of a valid sequence (Latin-1 text, UTF-16, overlong forms, encoded surrogates, a sequence
 * cut short) becomes the lone surrogate U+DC00 + byte. Nothing is rejected here: what the readers do
 * with those characters decides (the INI plugin keeps them; the YAML loader refuses them).
 */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // fall through: decode run by run
  }
  let out = "";
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += STRICT_UTF8.decode(bytes.subarray(runStart, i)) + String.fromCharCode(0xdc00 + bytes[i]!);
    i++;
    runStart = i;
  }
  return out + STRICT_UTF8.decode(bytes.subarray(runStart));
}

/**
 * Length of the valid UTF-8 sequence at `i` (Unicode's table 3-7, which CPython's decoder follows: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 when the byte at `i` starts none.
 */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Whether `s` holds a lone surrogate (an undecodable byte kept by `decodeSurrogateEscape`). */
export function hasLoneSurrogate(s: string): boolean {
  if (!ANY_SURROGATE.test(s)) return false;
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s);
}

/** Index of the first lone surrogate in `s`, or -1. */
export function firstLoneSurrogate(s: string): number {
  if (!ANY_SURROGATE.test(s)) return -1;
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.exec(s)?.index ?? -1;
}

/**
 * `s` as ansible-inventory prints it: its output streams use the "replace" error handler
 * (`ansible/utils/display.py`), so each lone surrogate is written as `?`.
 */
export function replaceLoneSurrogates(s: string): string {
  return hasLoneSurrogate(s) ? s.replace(LONE_SURROGATE, "?") : s;
}
