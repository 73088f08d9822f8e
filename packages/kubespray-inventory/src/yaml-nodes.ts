import { createRequire } from "node:module";
import type { Alias, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";

// The `yaml` package tells node kinds apart by these registered symbols (its nodes/identity.js). The
// readers only need those checks on the read path, so they live here and the package itself is loaded
// on first use (`yamlPackage()`): `kubespray-inventory list inventory.ini`, or a YAML file the fast
// reader takes, never pays for loading it (about a third of the CLI's start-up).
const NODE_TYPE = Symbol.for("yaml.node.type");
export const ALIAS = Symbol.for("yaml.alias");
export const MAP = Symbol.for("yaml.map");
export const SEQ = Symbol.for("yaml.seq");
export const PAIR = Symbol.for("yaml.pair");
export const SCALAR = Symbol.for("yaml.scalar");

const kind = (node: unknown): unknown =>
  node !== null && typeof node === "object" ? (node as Record<symbol, unknown>)[NODE_TYPE] : undefined;
export const isAlias = (node: unknown): node is Alias => kind(node) === ALIAS;
export const isMap = (node: unknown): node is YAMLMap => kind(node) === MAP;
export const isSeq = (node: unknown): node is YAMLSeq => kind(node) === SEQ;
export const isPair = (node: unknown): node is Pair => kind(node) === PAIR;
export const isScalar = (node: unknown): node is Scalar => kind(node) === SCALAR;

/** The `yaml` package's scalar types (`Scalar.PLAIN`, …), as the strings it uses. */
export const SCALAR_TYPE = {
  PLAIN: "PLAIN",
  QUOTE_DOUBLE: "QUOTE_DOUBLE",
  QUOTE_SINGLE: "QUOTE_SINGLE",
  BLOCK_LITERAL: "BLOCK_LITERAL",
  BLOCK_FOLDED: "BLOCK_FOLDED",
} as const satisfies Record<string, Scalar.Type>;

/** 1-based line and column of an offset, as the `yaml` package's LineCounter computes them. */
export class LineIndex {
  readonly lineStarts: number[] = [];
  /** The line of the last answer: the readers ask in document order, mostly for the same or the next line. */
  private last = 0;
  addNewLine(offset: number): void {
    this.lineStarts.push(offset);
  }
  linePos(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    const near = this.last;
    // lineStarts[near] < offset <= lineStarts[near + 1] is what the search below finds as low = near + 1
    for (let i = near; i < near + 2 && i + 1 < starts.length; i++) {
      if (starts[i]! < offset && offset <= starts[i + 1]!) {
        this.last = i;
        return this.answer(i + 1, offset);
      }
    }
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (low > 0) this.last = low - 1;
    return this.answer(low, offset);
  }
  private answer(low: number, offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1]! + 1 };
  }
}

let loaded: typeof import("yaml") | undefined;
/** The `yaml` package, loaded synchronously on first use (Node ≥ 20.19 can `require` it either way). */
export function yamlPackage(): typeof import("yaml") {
  loaded ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return loaded;
}
