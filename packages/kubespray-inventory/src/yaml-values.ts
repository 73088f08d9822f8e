import type { Document, Node, Scalar } from "yaml";
import { InventoryParseError, type SourceLocation } from "./errors.js";
import { type AnsibleValue, type PyFloat, pyFloat, scalarKeyText } from "./values.js";
import { isAlias, isMap, isPair, isScalar, isSeq, SCALAR_TYPE } from "./yaml-nodes.js";

/**
 * YAML scalars typed the way Ansible's loader (PyYAML, YAML 1.1) types them, not the way YAML 1.2 or
 * the `yaml` package's 1.1 schema do: `yes/no/on/off` in three casings are booleans (`y`/`n` are not),
 * `010` is 8, `1:20` is 80, `1e3` is a string, `2024-01-02` is the string "2024-01-02".
 */
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$/;

const DOTTED = /^[0-9]+\.[0-9]*\.[0-9.]*$/;

export const TAG_PREFIX = "tag:yaml.org,2002:";

/** Resolves a plain (unquoted, untagged) scalar as PyYAML does; returns the tag and the value. */
export function resolvePlainScalar(text: string): AnsibleValue {
  if (text.length > 0) {
    const c = text[0]!;
    if ("yYnNtTfFoO".includes(c) && BOOL.test(text)) return /^(?:yes|true|on)$/i.test(text);
    if ("-+0123456789.".includes(c)) {
      // an address or version with two dots or more is none of the numbers, dates or timestamps below
      if (DOTTED.test(text)) return text;
      if (INT.test(text)) return constructInt(text);
      if (FLOAT.test(text)) return constructFloat(text);
      if (DATE.test(text)) return text;
      const ts = TIMESTAMP.exec(text);
      if (ts) return constructTimestamp(ts);
    }
  }
  // PyYAML's null: ~, null, Null, NULL or nothing
  if (text === "" || text === "~" || text === "null" || text === "Null" || text === "NULL") return null;
  return text;
}

const SMALL_DECIMAL = /^[-+]?[1-9][0-9]{0,14}$/;

export function constructInt(text: string): number | bigint {
  // a plain decimal of up to 15 digits is a safe integer as written (no BigInt round trip)
  if (SMALL_DECIMAL.test(text)) return Number(text);
  let v = text.replaceAll("_", "");
  let sign = 1n;
  if (v[0] === "-") sign = -1n;
  if (v[0] === "-" || v[0] === "+") v = v.slice(1);
  let big: bigint;
  if (v === "0") big = 0n;
  else if (v.startsWith("0b")) big = BigInt(v);
  else if (v.startsWith("0x")) big = BigInt(v);
  else if (v[0] === "0") big = BigInt(`0o${v.slice(1)}`);
  else if (v.includes(":")) {
    big = 0n;
    for (const part of v.split(":")) big = big * 60n + BigInt(part);
  } else big = BigInt(v);
  big *= sign;
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

export function constructFloat(text: string): number | PyFloat {
  let v = text.replaceAll("_", "").toLowerCase();
  let sign = 1;
  if (v[0] === "-") sign = -1;
  if (v[0] === "-" || v[0] === "+") v = v.slice(1);
  if (v === ".inf") return sign * Number.POSITIVE_INFINITY;
  if (v === ".nan") return Number.NaN;
  if (v.includes(":")) {
    let n = 0;
    for (const part of v.split(":")) n = n * 60 + Number.parseFloat(part);
    return pyFloat(sign * n);
  }
  return pyFloat(sign * Number.parseFloat(v));
}

/** A timestamp becomes the text Python's `datetime.isoformat()` prints (Ansible's JSON encoder). */
function constructTimestamp(m: RegExpExecArray): string {
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const p2 = (x: string) => x.padStart(2, "0");
  let out = `${y}-${p2(mo!)}-${p2(d!)}T${p2(h!)}:${mi}:${s}`;
  if (frac && Number(frac) !== 0) out += `.${frac.slice(0, 6).padEnd(6, "0")}`;
  if (tz) {
    if (tz === "Z") out += "+00:00";
    else {
      const [hh, mm] = tz.slice(1).split(":");
      out += `${tz[0]}${p2(hh!)}:${mm ?? "00"}`;
    }
  }
  return out;
}

/** Bound on how many nodes alias expansion may produce in one document ("billion laughs" guard). */
export const DEFAULT_MAX_ALIAS_NODES = 100_000;

export interface ConvertContext {
  doc: Document;
  lines: { linePos(offset: number): { line: number; col: number } };
  file: string | undefined;
  /** Remaining node budget for alias expansion. */
  aliasBudget: number;
  warn(code: string, message: string, loc: SourceLocation): void;
  /** Mapping nodes already warned about (a node reached twice, through an alias, warns once). */
  warned?: WeakSet<object>;
  /** Node count of each alias target met so far (what one expansion of it costs the budget). */
  aliasSizes?: Map<unknown, number>;
  /** Entries of merge sources read so far (see `mergedEntries`). */
  merged?: Map<unknown, { key: AnsibleValue; keyNode: unknown; value: unknown }[]>;
}

export function locate(
  ctx: ConvertContext,
  node: { range?: [number, number, number] | null } | null | undefined,
): SourceLocation {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = ctx.lines.linePos(offset);
  return { file: ctx.file, line, column: col };
}

function countNodes(node: unknown, ctx: ConvertContext, seen = new Set<unknown>()): number {
  if (isAlias(node)) return countNodes(node.resolve(ctx.doc), ctx, seen);
  if (isMap(node) || isSeq(node)) {
    if (seen.has(node)) return 1;
    seen.add(node);
    let n = 1;
    for (const item of node.items) {
      if (isPair(item)) n += countNodes(item.key, ctx, seen) + countNodes(item.value, ctx, seen);
      else n += countNodes(item, ctx, seen);
    }
    seen.delete(node);
    return n;
  }
  return 1;
}

/** Follows an alias, charging the size of what it expands to against the budget. */
export function deref(node: unknown, ctx: ConvertContext): unknown {
  if (!isAlias(node)) return node;
  const target = node.resolve(ctx.doc);
  if (!target)
    throw new InventoryParseError(
      "YAML_UNKNOWN_ALIAS",
      `Unknown alias *${node.source}`,
      locate(ctx, node),
      "define the anchor (&name) before using it",
    );
  // a node's size never changes once read: an anchor used by every host is counted once
  let size = ctx.aliasSizes?.get(target);
  if (size === undefined) {
    size = countNodes(target, ctx);
    ctx.aliasSizes ??= new Map();
    ctx.aliasSizes.set(target, size);
  }
  ctx.aliasBudget -= size;
  if (ctx.aliasBudget < 0)
    throw new InventoryParseError(
      "YAML_ALIAS_BOMB",
      "alias expansion exceeds the node budget (a YAML 'billion laughs' document?)",
      locate(ctx, node),
      "reduce nested aliases, or raise maxAliasNodes if the document is legitimate",
    );
  return target;
}

/** A scalar node's value: explicit tags first, then PyYAML's implicit typing for plain scalars. */
export function scalarValue(node: Scalar, ctx: ConvertContext): AnsibleValue {
  const text = node.source ?? String(node.value ?? "");
  const tag = node.tag;
  if (tag && tag !== "!") {
    switch (tag) {
      case `${TAG_PREFIX}str`:
      case "!unsafe":
        return text;
      case "!vault":
      case "!vault-encrypted":
        return { __ansible_vault: text } as AnsibleValue;
      case `${TAG_PREFIX}int`:
        if (INT.test(text)) return constructInt(text);
        break;
      case `${TAG_PREFIX}float`:
        if (FLOAT.test(text) || INT.test(text)) return constructFloat(text);
        break;
      case `${TAG_PREFIX}bool`:
        if (BOOL.test(text)) return /^(?:yes|true|on)$/i.test(text);
        break;
      case `${TAG_PREFIX}null`:
        return null;
      default:
        throw new InventoryParseError(
          "YAML_UNKNOWN_TAG",
          `could not determine a constructor for the tag '${tag}'`,
          locate(ctx, node),
          "remove the tag or quote the value",
        );
    }
    throw new InventoryParseError(
      "YAML_BAD_TAGGED_VALUE",
      `'${text}' is not a valid ${tag}`,
      locate(ctx, node),
      "fix the value or the tag",
    );
  }
  if (node.type === SCALAR_TYPE.PLAIN) {
    if (text === "=")
      throw new InventoryParseError(
        "YAML_VALUE_TAG",
        "could not determine a constructor for the tag 'tag:yaml.org,2002:value'",
        locate(ctx, node),
        "quote the '=' (PyYAML reads a bare '=' as a special value)",
      );
    return resolvePlainScalar(text);
  }
  return text;
}

/** Python's json turns non-string mapping keys into text this way (other keys as JSON). */
export function keyText(key: AnsibleValue): string {
  return scalarKeyText(key) ?? JSON.stringify(key);
}

type Entry = { key: AnsibleValue; keyNode: unknown; value: unknown };

/**
 * A mapping's entries after merge keys (`<<: *x`) are applied, as Ansible's constructor builds the
 * dict: a repeated key (also one that overrides a merged key) keeps its first place and takes the last
 * value, with Ansible's warning "While constructing a mapping from FILE, line L, column C, found a
 * duplicate dict key (K). Using last defined value only." (once per mapping node).
 */
export function mappingEntries(node: unknown, ctx: ConvertContext): Entry[] {
  const entries = flattenMapping(node, ctx);
  // the keys kept so far, in place order: searched directly in a small mapping, through a Map in a large one
  const kept: string[] = [];
  const index = entries.length > 16 ? new Map<string, number>() : undefined;
  let out: Entry[] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const id = typeof e.key === "string" ? e.key : `\u0000${typeof e.key}:${keyText(e.key)}`;
    const at = index ? (index.get(id) ?? -1) : kept.indexOf(id);
    if (at === -1) {
      if (index) index.set(id, out ? out.length : i);
      else kept.push(id);
      out?.push(e);
      continue;
    }
    out ??= entries.slice(0, i);
    out[at] = e;
    ctx.warned ??= new WeakSet();
    if (!ctx.warned.has(node as object)) {
      ctx.warned.add(node as object);
      const where = locate(ctx, node as Node);
      ctx.warn(
        "YAML_DUPLICATE_KEY",
        `While constructing a mapping from ${where.file ?? "<string>"}, line ${where.line}, column ${where.column}, found a duplicate dict key (${keyText(e.key)}). Using last defined value only.`,
        locate(ctx, e.keyNode as Node),
      );
    }
  }
  return out ?? entries;
}

function flattenMapping(node: unknown, ctx: ConvertContext): Entry[] {
  if (!isMap(node)) return [];
  const merged: { key: AnsibleValue; keyNode: unknown; value: unknown }[] = [];
  const own: { key: AnsibleValue; keyNode: unknown; value: unknown }[] = [];
  for (const pair of node.items) {
    const k = deref(pair.key, ctx);
    if (isScalar(k) && k.type === SCALAR_TYPE.PLAIN && !k.tag && (k.source ?? k.value) === "<<") {
      const v = deref(pair.value, ctx);
      const sources = isSeq(v) ? [...v.items].reverse().map((x) => deref(x, ctx)) : [v];
      const chunk: typeof merged = [];
      for (const src of sources) {
        if (!isMap(src))
          throw new InventoryParseError(
            "YAML_BAD_MERGE",
            "expected a mapping or list of mappings for merging",
            locate(ctx, pair.value as Node),
            "a merge key '<<' takes an alias of a mapping (<<: *anchor) or a list of them",
          );
        chunk.push(...mergedEntries(src, ctx));
      }
      merged.push(...chunk);
      continue;
    }
    own.push({ key: nodeValue(k, ctx), keyNode: k, value: pair.value });
  }
  return merged.length ? [...merged, ...own] : own;
}

/**
 * `flattenMapping` of a merge source, read once per document when reading it expands no alias (so
 * nothing is charged against the alias budget): `<<: *defaults` on every host reads `defaults` once.
 */
function mergedEntries(src: unknown, ctx: ConvertContext): Entry[] {
  const known = ctx.merged?.get(src);
  if (known) return known;
  const budget = ctx.aliasBudget;
  const entries = flattenMapping(src, ctx);
  if (ctx.aliasBudget === budget) {
    ctx.merged ??= new Map();
    ctx.merged.set(src, entries);
  }
  return entries;
}

/** Converts any node to a plain value (aliases expanded within the budget). */
export function nodeValue(node: unknown, ctx: ConvertContext): AnsibleValue {
  const n = deref(node, ctx);
  if (n === null || n === undefined) return null;
  if (isScalar(n)) return scalarValue(n, ctx);
  if (isSeq(n)) return n.items.map((x) => nodeValue(x, ctx));
  if (isMap(n)) {
    const out: Record<string, AnsibleValue> = {};
    for (const e of mappingEntries(n, ctx)) {
      const k = keyText(e.key);
      const v = nodeValue(e.value, ctx);
      if (k === "__proto__")
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
    }
    return out;
  }
  return null;
}
