/**
 * Writes templates in OpenNebula's text syntax, as oned's lexer (src/parsers/template_parser.l)
 * reads it. Every value is double-quoted; inside quotes `=`, `,`, `[`, `]`, `#` and newlines are
 * plain text, and `"` is written `\"` (the only escape oned undoes). A user value therefore can
 * never end its attribute early and start another one. The two values oned cannot read back
 * intact are refused with a `TemplateValueError` instead of being sent altered:
 * - a value ending in `\` (the `\` would escape the closing quote) unless it needs no quotes;
 * - a one-line value containing `]]>` (oned's lexer aborts on it).
 * Use `serializeTemplateXml` for those: oned accepts `<TEMPLATE>` documents in the same places.
 *
 * Note: `$NAME` in a value is not syntax but oned's variable substitution in some attributes
 * (CONTEXT…); it is written as given.
 */

import type { TemplateRecord } from "../models/template-record.js";
import { TemplateValueError } from "./errors.js";
import { type NormalizedAttribute, normalizeTemplate } from "./normalize.js";
import type { TemplateInput } from "./types.js";

/** Characters a value may hold when written without quotes (oned's `{STRING}` token). */
const UNQUOTED = /^[^=#\s,[\]"]+$/;

/**
 * `{NAME: "web", CPU: 1, DISK: [{IMAGE_ID: 3}, {IMAGE_ID: 4}]}` →
 * `NAME="web"\nCPU="1"\nDISK=[\n  IMAGE_ID="3"\n]\nDISK=[\n  IMAGE_ID="4"\n]\n`.
 */
export function serializeTemplate(input: TemplateInput | TemplateRecord): string {
  return normalizeTemplate(input).map(writeAttribute).join("");
}

function writeAttribute(attribute: NormalizedAttribute): string {
  if ("value" in attribute) return `${attribute.name}=${quote(attribute.value, attribute.path)}\n`;
  const pairs = attribute.vector.map(([key, value]) => `  ${key}=${quote(value, [...attribute.path, key])}`);
  return `${attribute.name}=[\n${pairs.join(",\n")}\n]\n`;
}

/** A value as oned's lexer reads it back unchanged (see the module comment). */
export function quote(value: string, path: ReadonlyArray<string | number> = []): string {
  if (value.endsWith("\\")) {
    if (UNQUOTED.test(value)) return value;
    throw new TemplateValueError(
      path,
      "a value ending in a backslash cannot be quoted in OpenNebula's template syntax " +
        "(the backslash would escape the closing quote); use serializeTemplateXml",
    );
  }
  if (!value.includes("\n") && value.includes("]]>")) {
    throw new TemplateValueError(
      path,
      'a one-line value containing "]]>" makes oned abort the template; use serializeTemplateXml',
    );
  }
  return `"${value.replaceAll('"', '\\"')}"`;
}
