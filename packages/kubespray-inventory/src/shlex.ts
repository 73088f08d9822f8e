/** One word of a host line, with the 0-based offset of its first character in the line. */
export interface ShlexToken {
  value: string;
  offset: number;
  /** Offset just past the token's last character in the line. */
  end: number;
}

export interface ShlexResult {
  tokens: ShlexToken[];
  /** Offset of the `#` that started a comment, if any: the rest of the line is ignored. */
  commentAt: number | undefined;
}

export class ShlexError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const WHITESPACE = " \t\r\n";

/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode, whitespace_split), which Ansible's INI
 * plugin applies to host lines: quotes are removed, `\` escapes outside single quotes, and an unquoted
 * `#` starts a comment even inside a word (`a=b#c` is `a=b`).
 */
export function shlexSplit(line: string): ShlexResult {
  // nothing to unquote, escape or comment out: plain whitespace splitting gives the same tokens
  if (!/[\s'"\\#]/.test(line))
    return { tokens: [{ value: line, offset: 0, end: line.length }], commentAt: undefined };
  if (!/['"\\#]/.test(line)) {
    const tokens: ShlexToken[] = [];
    const re = /[^ \t\r\n]+/g;
    for (let m = re.exec(line); m; m = re.exec(line))
      tokens.push({ value: m[0], offset: m.index, end: m.index + m[0].length });
    return { tokens, commentAt: undefined };
  }
  const tokens: ShlexToken[] = [];
  let token = "";
  let start = -1;
  let quoted = false;
  let state: " " | "a" | "'" | '"' | "\\" = " ";
  let escaped: "a" | '"' = "a";
  let commentAt: number | undefined;
  let quoteStart = 0;
  const emit = (end: number) => {
    if (token || quoted) tokens.push({ value: token, offset: start, end });
    token = "";
    quoted = false;
    start = -1;
  };
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (state === " " || state === "a") {
      if (WHITESPACE.includes(c)) {
        if (state === "a") emit(i);
        state = " ";
      } else if (c === "#") {
        commentAt = i;
        break;
      } else {
        if (state === " ") start = i;
        state = "a";
        if (c === "'" || c === '"') {
          state = c;
          quoteStart = i;
        } else if (c === "\\") {
          escaped = "a";
          state = "\\";
        } else token += c;
      }
    } else if (state === "'" || state === '"') {
      quoted = true;
      if (c === state) state = "a";
      else if (c === "\\" && state === '"') {
        escaped = '"';
        state = "\\";
      } else token += c;
    } else {
      // escape state
      if (escaped === '"' && c !== '"' && c !== "\\") token += "\\";
      token += c;
      state = escaped;
    }
  }
  if (state === "'" || state === '"') throw new ShlexError("No closing quotation", quoteStart);
  if (state === "\\") throw new ShlexError("No escaped character", line.length - 1);
  if (state === "a") emit(commentAt ?? line.length);
  return { tokens, commentAt };
}
