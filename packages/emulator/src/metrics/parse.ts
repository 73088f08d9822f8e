/**
 * A small reader of the Prometheus text format, for tests that assert on what an exporter
 * answered (in-process or scraped): families with their HELP, TYPE and samples. Lenient like
 * Prometheus' own scrape parser (a repeated HELP/TYPE adds to the family, the first kept) and strict about what
 * it cannot read: a malformed line throws a {@link ExpositionParseError} naming the line.
 */

export interface ParsedSample {
  /** The sample's metric name (a family's name, or with `_sum`/`_count`/`_bucket`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string | undefined;
  help: string | undefined;
  samples: ParsedSample[];
}

export class ExpositionParseError extends Error {
  override readonly name = "ExpositionParseError";
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(text: string, line: number): number {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) throw new ExpositionParseError(line, `bad value "${text}"`);
  return value;
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (m === null || m.index !== start) throw new ExpositionParseError(line, `bad labels "{${text}}"`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    if (m[3] === "") break;
  }
  return labels;
}

/** Families by name, in the order they first appear. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: undefined, help: undefined, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const typed = new Map<string, string>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
      if (m === null) return;
      const f = family(m[2]!);
      // a repeated HELP/TYPE (the ceph-mgr module repeats some) keeps the first
      if (m[1] === "HELP") f.help ??= m[3] ?? "";
      else {
        f.type ??= m[3] ?? "";
        typed.set(f.name, f.type);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (m === null) throw new ExpositionParseError(n, `not a sample: "${line}"`);
    const name = m[1]!;
    const base = families.has(name) ? name : name.replace(/_(sum|count|bucket)$/, "");
    const owner = typed.get(base) === "histogram" || typed.get(base) === "summary" ? base : name;
    family(owner).samples.push({ name, labels: parseLabels(m[3] ?? "", n), value: parseValue(m[4]!, n) });
  });
  return families;
}

/** The value of the one sample of `name` whose labels include `labels` (undefined when none). */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const sample = families
    .get(name)
    ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample?.value;
}
