/**
 * A variable value as Ansible holds it after reading an inventory: the JSON data model plus
 * big integers (Python ints have no size limit). `true`, `1` and `"1"` are three different values.
 */
export type AnsibleValue =
  | null
  | boolean
  | number
  | bigint
  | PyFloat
  | string
  | AnsibleValue[]
  | AnsibleMapping;
export interface AnsibleMapping {
  [key: string]: AnsibleValue;
}
export type Vars = Record<string, AnsibleValue>;

export function isMapping(v: unknown): v is AnsibleMapping {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

/**
 * A Python float with an integral value (`1.0`, `1e16`, `-0.0`), kept apart from the int of the same
 * value so it prints as Python prints it (`1.0`, `1e+16`); other floats are plain numbers.
 * `valueOf()` and `toJSON()` give the number.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return pyFloatRepr(this.value);
  }
}

/** A Python float value: `PyFloat` when integral (so `1.0` stays a float), else the number. */
export function pyFloat(x: number): number | PyFloat {
  return Number.isInteger(x) ? new PyFloat(x) : x;
}

/** Python's `repr()` of a float: fixed notation with at least `.0` for 1e-4 ≤ |x| < 1e16, else `d.ddde±XX`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, e] = x.toExponential().split("e") as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 16)
    return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const fixed = x.toFixed(Math.max(0, (mantissa.split(".")[1]?.length ?? 0) - exp));
  return fixed.includes(".") ? fixed : `${fixed}.0`;
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
  if (v instanceof PyFloat) return "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  return "dict";
}

/**
 * JSON text with keys sorted and 4-space indent, as `ansible-inventory --list` prints it
 * (Python `json.dumps(sort_keys=True, indent=4, ensure_ascii=False)`); big integers stay exact. A lone
 * surrogate (a byte that was not UTF-8 in an INI file) is printed as `?`, as Ansible's output stream
 * writes it (`errors="replace"`, `ansible/utils/display.py`); keys are still sorted by the surrogate.
 */
export function toAnsibleJson(value: unknown, indent = 4): string {
  const copy = sortedCopy(value, new Map(), []);
  const json = copy !== SLOW ? JSON.stringify(copy, null, indent) : slowJson(value, indent);
  // JSON.stringify writes a lone surrogate as a \udXXX escape and a valid pair as itself, so every
  // such escape not preceded by an odd number of backslashes is one
  return json.includes("\\ud") ? json.replace(/(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g, "$1?") : json;
}

const SLOW = Symbol("slow path");
const INDEX_LIKE = /^(?:0|[1-9][0-9]{0,9})$/;
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * `v` with keys in Python's sort order — `v` itself when it already is (copy on write: the `--list`
 * document from `toAnsibleList()` is built sorted, so nothing is copied) — or SLOW when
 * JSON.stringify would not print it as Python does. `done` memoizes containers met before (a group
 * variable shared by every host's hostvars is checked once).
 */
function sortedCopy(v: unknown, done: Map<object, unknown>, printable: string[][]): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : SLOW;
  if (typeof v === "bigint" || typeof v !== "object" || v instanceof PyFloat) return SLOW;
  const known = done.get(v);
  if (known !== undefined) return known;
  let result: unknown;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = sortedCopy(v[i], done, printable);
      if (c === SLOW) return SLOW;
      if (c !== v[i]) {
        out ??= v.slice();
        out[i] = c;
      }
    }
    result = out ?? v;
  } else {
    const keys = Object.keys(v);
    // hostvars objects mostly repeat a few key lists: one already checked needs no second look
    let ordered = printable.some((p) => sameStrings(p, keys));
    if (!ordered) {
      let surrogate = false;
      ordered = true;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (INDEX_LIKE.test(k)) return SLOW; // JS would order it first, Python sorts it as text
        if (!surrogate && SURROGATE.test(k)) surrogate = true;
        if (i > 0 && ordered && !(keys[i - 1]! < k)) ordered = false;
      }
      if (surrogate) ordered = false;
      if (ordered) {
        if (printable.length >= 16) printable.shift();
        printable.push(keys);
      } else keys.sort(surrogate ? comparePython : undefined);
    }
    const rec = v as Record<string, unknown>;
    // values are collected only once something differs from `v` (order or a child's copy)
    let values: unknown[] | undefined = ordered ? undefined : [];
    for (let i = 0; i < keys.length; i++) {
      const x = rec[keys[i]!];
      const c = sortedCopy(x, done, printable);
      if (c === SLOW) return SLOW;
      if (values) values.push(c);
      else if (c !== x) {
        values = [];
        for (let j = 0; j < i; j++) values.push(rec[keys[j]!]);
        values.push(c);
      }
    }
    if (values) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (k === "__proto__")
          Object.defineProperty(out, k, {
            value: values[i],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[k] = values[i];
      }
      result = out;
    } else result = v;
  }
  done.set(v, result);
  return result;
}

/** Keys of `v` in Python's sort order (code points, not UTF-16 units). */
export function sortedKeys(keys: string[]): string[] {
  let surrogate = false;
  for (const k of keys) if (SURROGATE.test(k)) surrogate = true;
  return keys.sort(surrogate ? comparePython : undefined);
}

function slowJson(value: unknown, indent: number): string {
  const pad = (n: number) => " ".repeat(n * indent);
  const walk = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "bigint") return v.toString();
    if (v instanceof PyFloat) return pyFloatRepr(v.value);
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

/** Element-wise equality of two string lists. */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How Python's json module writes a scalar mapping key (str, bool, None, int, float); undefined for others. */
export function scalarKeyText(key: AnsibleValue): string | undefined {
  if (typeof key === "string") return key;
  if (key === true) return "true";
  if (key === false) return "false";
  if (key === null) return "null";
  if (typeof key === "number" || typeof key === "bigint") return String(key);
  if (key instanceof PyFloat) return pyFloatRepr(key.value);
  return undefined;
}
