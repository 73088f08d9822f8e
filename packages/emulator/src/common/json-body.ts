/**
 * JSON request bodies under a budget. `JSON.parse` itself is iterative and fast, but what it builds
 * is not bounded by the text: 40 MB of `[[[[…` becomes millions of nested arrays (over a GiB, and
 * a stack overflow in any recursive walk after it), and a number of a million digits is parsed
 * digit by digit. One linear scan before the parse refuses nesting deeper than `maxDepth`, a
 * number literal longer than `maxNumberLength` and more than `maxValues` values, so the parse only
 * runs on documents whose size in memory is bounded by their length.
 */

export interface JsonBudget {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Longest number literal, in characters (a double needs at most ~25). */
  maxNumberLength: number;
  /** Most values (array elements, object members and containers) in the document. */
  maxValues: number;
}

/** Fits every body the emulated APIs take (their documents are a few levels deep and small). */
export const DEFAULT_JSON_BUDGET: Readonly<JsonBudget> = Object.freeze({
  maxDepth: 64,
  maxNumberLength: 64,
  maxValues: 100_000,
});

/** A body that is not JSON, or JSON over the budget. `message` never repeats the body. */
export class JsonBodyError extends Error {
  override readonly name = "JsonBodyError";
  constructor(
    message: string,
    /** `"syntax"`: not JSON; `"budget"`: JSON over the budget. */
    readonly kind: "syntax" | "budget",
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isNumberChar(c: number): boolean {
  // 0-9 + - . e E
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45;
}

/** Throws {@link JsonBodyError} `"budget"` when the text breaks the budget (syntax is JSON.parse's job). */
export function checkJsonBudget(text: string, budget: JsonBudget = DEFAULT_JSON_BUDGET): void {
  let depth = 0;
  let values = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: the next quote not escaped by an odd run of backslashes (native search;
      // each run is looked at once, so the scan stays linear).
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) {
          i = length;
          break;
        }
        let backslashes = 0;
        for (let k = quote - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
        if (backslashes % 2 === 0) {
          i = quote;
          break;
        }
        from = quote + 1;
      }
      values++;
    } else if (c === 0x5b || c === 0x7b) {
      // [ {
      if (++depth > budget.maxDepth)
        throw new JsonBodyError(`JSON nested deeper than ${budget.maxDepth} levels`, "budget");
      values++;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (isNumberChar(c)) {
      const start = i;
      while (i + 1 < length && isNumberChar(text.charCodeAt(i + 1))) i++;
      if (i - start + 1 > budget.maxNumberLength)
        throw new JsonBodyError(`JSON number longer than ${budget.maxNumberLength} characters`, "budget");
      values++;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      // true false null: skip the rest of the word (its "e" is not a number)
      while (i + 1 < length && text.charCodeAt(i + 1) >= 0x61 && text.charCodeAt(i + 1) <= 0x7a) i++;
      values++;
    }
    if (values > budget.maxValues)
      throw new JsonBodyError(`JSON with more than ${budget.maxValues} values`, "budget");
  }
}

/**
 * Parses a JSON body after checking it against the budget. Throws {@link JsonBodyError}: `"budget"`
 * before any parsing, `"syntax"` with V8's reason cut short (it may quote the body).
 */
export function parseJsonBody(text: string, budget: JsonBudget = DEFAULT_JSON_BUDGET): unknown {
  checkJsonBudget(text, budget);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw new JsonBodyError(reason.length > 120 ? `${reason.slice(0, 120)}…` : reason, "syntax");
  }
}
