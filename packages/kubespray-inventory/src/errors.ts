/** Where something was written: a file (when known), 1-based line and column. */
export interface SourceLocation {
  file?: string | undefined;
  line: number;
  column: number;
}

/** Base class of every error this package throws; `code` is stable and meant for scripts. */
export class InventoryError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InventoryError";
    this.code = code;
  }
}

/**
 * The inventory text cannot be read the way Ansible reads it (Ansible would refuse it too).
 * Carries the file, 1-based line and column, and a hint saying how to fix it.
 */
export class InventoryParseError extends InventoryError {
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly hint: string;
  constructor(
    code: string,
    message: string,
    where: SourceLocation,
    hint: string,
    options?: { cause?: unknown },
  ) {
    const place = `${where.file ?? "<inventory>"}:${where.line}:${where.column}`;
    super(code, `${place}: ${message}\n  hint: ${hint}`, options);
    this.name = "InventoryParseError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.hint = hint;
  }
}

/** True for any error thrown by this package, even from another copy of it (class identity may differ). */
export function isInventoryError(e: unknown): e is InventoryError {
  return (
    e instanceof Error && typeof (e as { code?: unknown }).code === "string" && /^Inventory/.test(e.name)
  );
}
