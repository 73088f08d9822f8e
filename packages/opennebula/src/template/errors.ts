/** Typed errors of the template language: nothing here throws anything else on bad input. */
import { InvalidRequestError } from "@homelab-kit/core";

/** Where in a template text something went wrong (1-based line and column, 0-based offset). */
export interface TemplatePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A malformed template text: says what was expected and where. */
export class TemplateSyntaxError extends InvalidRequestError {
  static override readonly kind: string = "TemplateSyntaxError";
  declare readonly position: TemplatePosition;

  constructor(reason: string, position: TemplatePosition) {
    super(`${reason} at line ${position.line}, column ${position.column}`, {
      code: "TEMPLATE_SYNTAX",
      fields: { position },
    });
  }
}

/**
 * A value that cannot be written as an OpenNebula template without changing its meaning (a bad
 * attribute name, a character oned cannot receive, an empty vector…). `path` locates it, e.g.
 * `["DISK", 1, "IMAGE"]` for the IMAGE key of the second DISK.
 */
export class TemplateValueError extends InvalidRequestError {
  static override readonly kind: string = "TemplateValueError";
  declare readonly path: ReadonlyArray<string | number>;

  constructor(path: ReadonlyArray<string | number>, reason: string) {
    super(`${formatPath(path)}: ${reason}`, { code: "TEMPLATE_VALUE", fields: { path } });
  }
}

function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return "template";
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join("");
}

/** 1-based line and column of `offset` in `text`. */
export function positionIn(text: string, offset: number): TemplatePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}
