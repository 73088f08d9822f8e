/** Python `str.splitlines()`: every Unicode line boundary, `\r\n` counted once, no trailing empty line. */
export function pySplitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
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

/** Decodes inventory bytes as UTF-8 strictly; with `commentTolerant`, bad bytes are allowed in `#`/`;` lines only (Ansible's rule). */
export function decodeUtf8(
  bytes: Uint8Array,
  commentTolerant: boolean,
): { text: string } | { badLine: number } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    if (!commentTolerant) return { badLine: findBadLine(bytes) };
    const lines: string[] = [];
    let start = 0;
    const dec = new TextDecoder("utf-8", { fatal: true });
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        const chunk = bytes.subarray(start, i);
        try {
          lines.push(dec.decode(chunk));
        } catch {
          if (chunk[0] === 0x23 || chunk[0] === 0x3b) lines.push("");
          else return { badLine: lines.length + 1 };
        }
        start = i + 1;
      }
    }
    return { text: lines.join("\n") };
  }
}

function findBadLine(bytes: Uint8Array): number {
  const dec = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        dec.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}
