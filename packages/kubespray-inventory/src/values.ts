/**
 * A variable value as Ansible holds it after reading an inventory: the JSON data model plus
 * big integers (Python ints have no size limit). `true`, `1` and `"1"` are three different values.
 */
export type AnsibleValue = null | boolean | number | bigint | string | AnsibleValue[] | AnsibleMapping;
export interface AnsibleMapping {
  [key: string]: AnsibleValue;
}
export type Vars = Record<string, AnsibleValue>;

export function isMapping(v: unknown): v is AnsibleMapping {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Ansible's `combine_vars` with the default `hash_behaviour = replace`: later keys win, shallow. */
export function combineVars(into: Vars, from: Vars): Vars {
  for (const key of Object.keys(from)) into[key] = from[key] as AnsibleValue;
  return into;
}

/** Type name as Python would print it, for messages ("bool", "int", "str", …). */
export function pythonTypeName(v: AnsibleValue): string {
  if (v === null) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  return "dict";
}

/**
 * JSON text with keys sorted and 4-space indent, as `ansible-inventory --list` prints it
 * (Python `json.dumps(sort_keys=True, indent=4, ensure_ascii=False)`); big integers stay exact.
 */
export function toAnsibleJson(value: unknown, indent = 4): string {
  const copy = sortedCopy(value);
  if (copy !== SLOW) return JSON.stringify(copy, null, indent);
  return slowJson(value, indent);
}

const SLOW = Symbol("slow path");
const INDEX_LIKE = /^(?:0|[1-9][0-9]{0,9})$/;
const SURROGATE = /[\uD800-\uDFFF]/;

/** A copy with keys inserted in Python's sort order, or SLOW when JSON.stringify would not print it as Python does. */
function sortedCopy(v: unknown): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : SLOW;
  if (typeof v === "bigint" || v === undefined) return SLOW;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = sortedCopy(v[i]);
      if (c === SLOW) return SLOW;
      out[i] = c;
    }
    return out;
  }
  const keys = Object.keys(v as object);
  let surrogate = false;
  for (const k of keys) {
    if (INDEX_LIKE.test(k)) return SLOW; // JS would order it first, Python sorts it as text
    if (!surrogate && SURROGATE.test(k)) surrogate = true;
  }
  keys.sort(surrogate ? comparePython : undefined);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const c = sortedCopy((v as Record<string, unknown>)[k]);
    if (c === SLOW) return SLOW;
    if (k === "__proto__")
      Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

function slowJson(value: unknown, indent: number): string {
  const pad = (n: number) => " ".repeat(n * indent);
  const walk = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "number")
      return Number.isFinite(v) ? JSON.stringify(v) : v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN";
    if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[\n${v.map((x) => pad(depth + 1) + walk(x, depth + 1)).join(",\n")}\n${pad(depth)}]`;
    }
    const keys = Object.keys(v as object).sort(comparePython);
    if (keys.length === 0) return "{}";
    return `{\n${keys
      .map(
        (k) => `${pad(depth + 1)}${JSON.stringify(k)}: ${walk((v as Record<string, unknown>)[k], depth + 1)}`,
      )
      .join(",\n")}\n${pad(depth)}}`;
  };
  return walk(value, 0);
}

/** Python's str ordering (by code point), which `sort_keys=True` uses. */
export function comparePython(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}
