/**
 * Reads and validates topology files. Errors name the file, the line, the path in the document
 * and what was expected (`topology.yaml:12 hosts[1].memoryGiB: expected number, received string`).
 */
import { readFileSync } from "node:fs";
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { DEFAULT_TOPOLOGY_YAML } from "./default-topology.js";
import { type Topology, type TopologyInput, TopologySchema } from "./schema.js";

export interface TopologyProblem {
  /** `hosts[1].memoryGiB` (empty for the whole document). */
  path: string;
  /** 1-based line in the file, when the path exists there. */
  line: number | undefined;
  message: string;
}

export class TopologyError extends Error {
  override readonly name = "TopologyError";
  readonly code = "TOPOLOGY_INVALID";
  readonly file: string;
  readonly problems: readonly TopologyProblem[];
  constructor(file: string, problems: TopologyProblem[]) {
    super(
      `invalid topology ${file}:\n${problems
        .map(
          (p) =>
            `  ${file}${p.line === undefined ? "" : `:${p.line}`} ${p.path || "(document)"}: ${p.message}`,
        )
        .join("\n")}`,
    );
    this.file = file;
    this.problems = problems;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path)
    out += typeof key === "number" ? `[${key}]` : `${out === "" ? "" : "."}${String(key)}`;
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys")
    return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return issue.message;
}

/** Validates an already-parsed topology object (`source` names it in errors). */
export function parseTopology(input: unknown, source = "<topology>"): Topology {
  const result = TopologySchema.safeParse(input);
  if (result.success) return result.data;
  throw new TopologyError(
    source,
    result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      line: undefined,
      message: issueMessage(issue),
    })),
  );
}

/** Parses YAML text into a validated topology; errors carry line numbers. */
export function parseTopologyYaml(text: string, file = "<topology>"): Topology {
  // JSON is YAML too, and generated topologies are usually JSON: parse it fast, and only go
  // through the YAML document (for line numbers) when it is not valid.
  if (text.trimStart().startsWith("{")) {
    try {
      const fast = TopologySchema.safeParse(JSON.parse(text));
      if (fast.success) return fast.data;
    } catch {
      // not JSON after all: the YAML parser reports it
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new TopologyError(
      file,
      doc.errors.map((e) => ({
        path: "",
        line: lineCounter.linePos(e.pos[0]).line,
        message: `YAML syntax: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const result = TopologySchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  throw new TopologyError(
    file,
    result.error.issues.map((issue) => {
      let node: unknown;
      for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--) {
        node = depth === 0 ? doc.contents : doc.getIn(issue.path.slice(0, depth) as unknown[], true);
      }
      const offset = isNode(node) ? node.range?.[0] : undefined;
      return {
        path: formatPath(issue.path),
        line: offset === undefined ? undefined : lineCounter.linePos(offset).line,
        message: issueMessage(issue),
      };
    }),
  );
}

/** Reads a topology file (YAML). */
export function loadTopologyFile(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    throw new TopologyError(file, [{ path: "", line: undefined, message: `cannot read the file (${code})` }]);
  }
  return parseTopologyYaml(text, file);
}

/** The reference stack of docs/DESIGN.md §1 (three DL360 G7 with iLO 3, Ceph, OpenNebula, Kubernetes). */
export function defaultTopology(): Topology {
  return parseTopologyYaml(DEFAULT_TOPOLOGY_YAML, "default topology");
}

export type { Topology, TopologyInput };
