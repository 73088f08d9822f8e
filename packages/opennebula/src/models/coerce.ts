/**
 * Coercions from the "raw XML object" that `parseXmlDocument` produces (element → key, repeated
 * siblings → array, text and CDATA → string, empty element → "") to typed values.
 *
 * Every model schema is built from these helpers, so each rule lives in exactly one place:
 * - numbers arrive as strings and leave as numbers (`xmlInt`, `xmlDecimal`);
 * - an element that may repeat is always an array, with 0, 1 or N children (`xmlList`);
 * - an empty complex element (`<MONITORING/>` → "") is an empty object (`xmlObject`);
 * - unknown child elements are kept, never rejected (`xmlObject` is a loose object).
 */
import { z } from "zod";

const INTEGER = /^\s*[-+]?\d+\s*$/;
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** An `xs:integer` element: "42" → 42. Anything that is not an integer is a zod error at that path. */
export const xmlInt = z.preprocess(
  numberIfMatches(INTEGER),
  z
    .number({ error: expected("an integer") })
    .int({ error: expected("an integer within ±2^53 (exact as a number)") }),
);

/** An `xs:decimal` / `xs:float` element: "3.5" → 3.5. */
export const xmlDecimal = z.preprocess(
  numberIfMatches(DECIMAL),
  z.number({ error: expected("a decimal number") }),
);

/** An `xs:string` element. A parser that turned a numeric text into a number is tolerated. */
export const xmlString = z.union([z.string(), z.number().transform(String)]);

/** The content of a complex element: empty (`""`) becomes `{}`, unknown children are kept. */
export function xmlObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.preprocess(emptyToObject, z.looseObject(shape));
}

/** An element that may occur 0, 1 or N times: always an array. */
export function xmlList<Item extends z.ZodType>(item: Item) {
  return z.preprocess(toArray, z.array(item));
}

/** The `IDS` complex type of shared.xsd: `<VMS><ID>1</ID><ID>2</ID></VMS>` → `{ ID: [1, 2] }`. */
export const Ids = xmlObject({ ID: xmlList(xmlInt) });
export type Ids = z.infer<typeof Ids>;

/**
 * A named enumeration read from an integer element, e.g. a VM STATE: `"3"` →
 * `{ value: 3, name: "ACTIVE" }`. A value this version does not know (a newer oned) keeps its
 * number and gets `name: null` instead of failing the whole document.
 */
export function xmlEnum<const Names extends Record<string, number>>(names: Names) {
  const byValue = new Map<number, keyof Names & string>();
  for (const [name, value] of Object.entries(names)) byValue.set(value, name);
  return xmlInt.transform(
    (value): NamedValue<keyof Names & string> => ({ value, name: byValue.get(value) ?? null }),
  );
}

/** The output of `xmlEnum`: the number oned sent and its name. */
export interface NamedValue<Name extends string> {
  value: number;
  name: Name | null;
}

function numberIfMatches(pattern: RegExp) {
  return (value: unknown): unknown =>
    typeof value === "string" && pattern.test(value) ? Number(value) : value;
}

function expected(what: string) {
  return (issue: { input?: unknown }) => `expected ${what}, got ${JSON.stringify(issue.input) ?? "nothing"}`;
}

function emptyToObject(value: unknown): unknown {
  return value === "" ? {} : value;
}

function toArray(value: unknown): unknown {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
