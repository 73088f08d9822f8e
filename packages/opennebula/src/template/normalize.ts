/**
 * Validation shared by both serializers (text and XML): turns a `TemplateInput` into an ordered
 * list of attributes with upper-case names and string values, or throws a `TemplateValueError`
 * naming the offending attribute.
 */

import type { TemplateRecord } from "../models/template-record.js";
import { TemplateValueError } from "./errors.js";
import type { TemplateInput, TemplateValueInput } from "./types.js";

/** One attribute occurrence, ready to write. */
export type NormalizedAttribute =
  | { readonly name: string; readonly path: ReadonlyArray<string | number>; readonly value: string }
  | {
      readonly name: string;
      readonly path: ReadonlyArray<string | number>;
      readonly vector: ReadonlyArray<readonly [key: string, value: string]>;
    };

/**
 * Names oned accepts as written: a letter, then letters, digits or `_` (oned upper-cases names and
 * prefixes those that do not start with a letter with `ONE_`, so such names would not come back).
 */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Also accepts a `TemplateRecord` read from oned (a model's TEMPLATE or USER_TEMPLATE), so a
 * template can be read, changed and written back; what the syntax cannot hold (records nested
 * deeper than a vector) is refused.
 */
export function normalizeTemplate(input: TemplateInput | TemplateRecord): NormalizedAttribute[] {
  if (!isPlainRecord(input))
    throw new TemplateValueError([], "a template must be a plain object of attributes");
  const attributes: NormalizedAttribute[] = [];
  const seen = new Map<string, string>();
  for (const [rawName, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    const name = checkName(rawName, [rawName], seen);
    if (Array.isArray(raw)) {
      raw.forEach((item: TemplateValueInput, index) => {
        attributes.push(normalizeOccurrence(name, item, [name, index]));
      });
    } else {
      attributes.push(normalizeOccurrence(name, raw as TemplateValueInput, [name]));
    }
  }
  return attributes;
}

function normalizeOccurrence(
  name: string,
  raw: TemplateValueInput,
  path: ReadonlyArray<string | number>,
): NormalizedAttribute {
  if (typeof raw === "string" || typeof raw === "number") return { name, path, value: scalar(raw, path) };
  if (!isPlainRecord(raw)) {
    throw new TemplateValueError(
      path,
      `expected a string, a number or a vector object, got ${describe(raw)}`,
    );
  }
  const vector: Array<readonly [string, string]> = [];
  const seen = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const keyPath = [...path, rawKey];
    const key = checkName(rawKey, keyPath, seen);
    if (typeof value !== "string" && typeof value !== "number") {
      throw new TemplateValueError(
        keyPath,
        `vector values must be strings or numbers (templates nest one level only), got ${describe(value)}`,
      );
    }
    vector.push([key, scalar(value, keyPath)]);
  }
  if (vector.length === 0) {
    // An empty vector is valid syntax, but an empty SCHED_ACTION made oned restart
    // (OpenNebula/one#6580); nothing useful is ever meant by one.
    throw new TemplateValueError(path, "a vector attribute needs at least one key");
  }
  return { name, path, vector };
}

function checkName(raw: string, path: ReadonlyArray<string | number>, seen: Map<string, string>): string {
  if (!NAME.test(raw)) {
    throw new TemplateValueError(
      path,
      `${JSON.stringify(raw)} is not a valid name: use a letter followed by letters, digits or "_"`,
    );
  }
  const name = raw.toUpperCase();
  const previous = seen.get(name);
  if (previous !== undefined) {
    throw new TemplateValueError(
      path,
      `${JSON.stringify(raw)} and ${JSON.stringify(previous)} are the same name for oned`,
    );
  }
  seen.set(name, raw);
  return name;
}

function scalar(value: string | number, path: ReadonlyArray<string | number>): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TemplateValueError(path, `${value} is not a finite number`);
    return String(value);
  }
  checkCharacters(value, path);
  return value;
}

/**
 * oned receives templates inside XML-RPC and stores them in XML: a NUL, a character XML 1.0
 * forbids or a lone surrogate (not encodable as UTF-8, docs/reference/opennebula/ISSUES.md #5) cannot get there intact.
 */
function checkCharacters(value: string, path: ReadonlyArray<string | number>): void {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    const forbidden =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      code === 0xfffe ||
      code === 0xffff;
    if (forbidden) {
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      throw new TemplateValueError(path, `character U+${hex} at index ${i} cannot be sent to oned`);
    }
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object that is not a plain record" : typeof value;
}
