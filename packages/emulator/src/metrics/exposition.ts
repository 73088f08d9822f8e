/**
 * The Prometheus text exposition format 0.0.4 (what every exporter emulated here answers):
 * `# HELP`, `# TYPE`, then one `name{label="value",…} value` line per sample. Two value styles,
 * because the emulated exporters are written in two languages and print floats differently:
 * - `go`: client_golang's `strconv.FormatFloat(v, 'g', -1, 64)` (`0`, `1.5`, `3.8582366208e+10`),
 *   as node_exporter and the Go iLO exporter print;
 * - `python`: `repr(float(v))` (`0.0`, `10737418240.0`, `4.138952931498352e-07`), as the ceph-mgr
 *   `prometheus` module prints (`floatstr` in its module.py).
 * Label values are escaped (`\\`, `"`, newline) as the format requires.
 */

export type MetricType = "counter" | "gauge" | "untyped";
export type FloatStyle = "go" | "python";

/** Content-Type of the text format as client_golang sends it. */
export const TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

/** `1.5e+10` style exponent with at least two digits, as Go and Python print it. */
function padExponent(text: string): string {
  const e = text.indexOf("e");
  if (e < 0) return text;
  const sign = text[e + 1] === "-" ? "-" : "+";
  const digits = text.slice(e + (text[e + 1] === "-" || text[e + 1] === "+" ? 2 : 1));
  return `${text.slice(0, e)}e${sign}${digits.padStart(2, "0")}`;
}

/** Shortest round-trip digits and decimal exponent of a finite, non-zero number. */
function decompose(value: number): { digits: string; exp: number; negative: boolean } {
  const negative = value < 0;
  const [mantissa = "0", e = "0"] = Math.abs(value).toExponential().split("e");
  return { digits: mantissa.replace(".", ""), exp: Number(e), negative };
}

function fixedFrom(digits: string, exp: number): string {
  if (exp < 0) return `0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + "0".repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function scientific(digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return padExponent(`${mantissa}e${exp}`);
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return undefined;
}

/** Go's `strconv.FormatFloat(v, 'g', -1, 64)`: exponent form when exp < -4 or exp >= 6 (shortest). */
export function goFloat(value: number): string {
  if (Number.isInteger(value) && value < 1e6 && value > -1e6 && !Object.is(value, -0)) return String(value);
  const s = special(value);
  if (s !== undefined) return s;
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const { digits, exp, negative } = decompose(value);
  const text = exp < -4 || exp >= 6 ? scientific(digits, exp) : fixedFrom(digits, exp);
  return negative ? `-${text}` : text;
}

/** Python's `repr(float(v))`: `N.0` for whole numbers, exponent form when exp < -4 or exp >= 16. */
export function pythonFloat(value: number): string {
  if (Number.isInteger(value) && value < 1e16 && value > -1e16 && !Object.is(value, -0)) return `${value}.0`;
  const s = special(value);
  if (s !== undefined) return s;
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const { digits, exp, negative } = decompose(value);
  let text: string;
  if (exp < -4 || exp >= 16) text = scientific(digits, exp);
  else {
    text = fixedFrom(digits, exp);
    if (!text.includes(".")) text += ".0";
  }
  return negative ? `-${text}` : text;
}

/** Escapes a label value for the text format. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
    : value;
}

/** `{a="1",b="2"}` in the order given (empty string for no labels). */
export function labelSet(labels: ReadonlyArray<readonly [string, string]>): string {
  if (labels.length === 0) return "";
  let out = "{";
  for (let i = 0; i < labels.length; i++) {
    const [name, value] = labels[i]!;
    out += `${i === 0 ? "" : ","}${name}="${escapeLabelValue(value)}"`;
  }
  return `${out}}`;
}

/** A piece of an exposition: text, or bytes already encoded (a block reused from scrape to scrape). */
export type ExpositionChunk = string | Uint8Array;

const decoder = new TextDecoder();

/** Appends exposition text in chunks (a large scrape is streamed, never one huge string). */
export class ExpositionWriter {
  readonly #format: (value: number) => string;
  readonly #chunkSize: number;
  #current = "";
  readonly chunks: ExpositionChunk[] = [];

  constructor(style: FloatStyle, chunkSize = 64 * 1024) {
    this.#format = style === "go" ? goFloat : pythonFloat;
    this.#chunkSize = chunkSize;
  }

  /** `# HELP` and `# TYPE` lines of a family. */
  family(name: string, type: MetricType, help: string): void {
    this.raw(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
  }

  /** One sample; `labels` is a ready label set (see {@link labelSet}). */
  sample(name: string, labels: string, value: number): void {
    this.raw(`${name}${labels} ${this.#format(value)}\n`);
  }

  raw(text: string): void {
    this.#current += text;
    if (this.#current.length >= this.#chunkSize) {
      this.chunks.push(this.#current);
      this.#current = "";
    }
  }

  /** Encoded text, appended as it is (no copy). */
  bytes(block: Uint8Array): void {
    if (this.#current.length > 0) this.chunks.push(this.#current);
    this.#current = "";
    this.chunks.push(block);
  }

  /** Every chunk written so far, the last partial one included. */
  finish(): ExpositionChunk[] {
    if (this.#current.length > 0) this.chunks.push(this.#current);
    this.#current = "";
    return this.chunks;
  }

  /** The whole text (small expositions and tests). */
  text(): string {
    return this.finish()
      .map((c) => (typeof c === "string" ? c : decoder.decode(c)))
      .join("");
  }
}
