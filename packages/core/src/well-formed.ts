import { InvalidRequestError } from "./errors.js";

/** A UTF-16 code unit that is half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws {@link InvalidRequestError} (`code` `INVALID_TEXT`) when `value` holds a lone surrogate: it
 * has no UTF-8 form, so the server would receive U+FFFD instead and the call could never be what
 * the caller meant (a password would simply never match). The message names `what` and the index,
 * never the value: it is usually a credential.
 */
export function checkWellFormed(value: string, what: string): void {
  const at = value.search(LONE_SURROGATE);
  if (at !== -1) {
    throw new InvalidRequestError(
      `${what} is not well-formed Unicode: a lone surrogate at index ${at} has no UTF-8 form`,
      { code: "INVALID_TEXT" },
    );
  }
}
