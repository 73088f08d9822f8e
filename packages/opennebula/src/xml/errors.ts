import { redactText } from "@homelab-kit/core";

/**
 * Malformed XML, reported where it happened. The reason may quote the document (an element name),
 * which may be a server's answer: it is redacted like every core error's text. `offset` counts UTF-16 code units of the decoded
 * text (or bytes, for invalid UTF-8); `line` and `column` start at 1.
 */
export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
  readonly code = "XML_SYNTAX";
  readonly reason: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(reason: string, position: { offset: number; line: number; column: number }) {
    const safe = redactText(reason);
    super(`${safe} at line ${position.line}, column ${position.column}`);
    this.reason = safe;
    this.offset = position.offset;
    this.line = position.line;
    this.column = position.column;
  }
}

/** Line and column (1-based) of `offset` in `text`. Only called on the error path. */
export function positionOf(text: string, offset: number): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: end - lineStart + 1 };
}

export function syntaxError(text: string, offset: number, reason: string): XmlSyntaxError {
  return new XmlSyntaxError(reason, positionOf(text, offset));
}
