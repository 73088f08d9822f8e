#!/usr/bin/env node
/**
 * No runtime import cycles inside a package: run by `pnpm lint` (and so by CI's lint stage); exits
 * 1 and prints each cycle (every group of files that import each other, with one loop through it).
 *
 * Looked at: every `.ts` file under packages/<name>/src/, its static `import … from "./x.js"`,
 * `import "./x.js"` and `export … from "./x.js"` with a relative specifier (`.js` resolved to the
 * `.ts` beside it, a folder to its `index.ts`). Left out, since they do not run at load time:
 * `import type` / `export type` (erased), and dynamic `import()` (loaded when called). An import
 * whose names are all `type`-marked (`import { type A } from`) is kept: with verbatimModuleSyntax
 * (tsconfig.base.json) it stays as `import {} from`, which still loads the module.
 *
 * `node scripts/check-cycles.mjs --count` prints the number of cycles only and exits 0.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const countOnly = process.argv.includes("--count");

function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Block and line comments blanked out (string contents are left alone: a `//` in a URL stays). */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'`\\])\/\/[^\n]*/g, (match, before) =>
    before === undefined ? match.replace(/[^\n]/g, " ") : before,
  );
}

/** Statements at the start of a line: `import … from "x"`, `import "x"`, `export … from "x"`. */
const STATEMENT = /^[ \t]*(import|export)\b([^;"'`]*?)["']([^"'\n]+)["']/gm;

function runtimeImports(file) {
  const text = stripComments(readFileSync(file, "utf8"));
  const out = [];
  for (const [, keyword, rawClause, specifier] of text.matchAll(STATEMENT)) {
    const clause = rawClause.trim();
    // `import "x"` has no clause; every other form names what it takes and ends with `from`
    if (!(clause === "" ? keyword === "import" : /(^|[\s}*])from$/.test(clause))) continue;
    if (/^type[\s{*]/.test(clause)) continue;
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
    const target = resolveSpecifier(dirname(file), specifier);
    if (target !== undefined) out.push(target);
  }
  return out;
}

function resolveSpecifier(from, specifier) {
  const base = resolve(from, specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile() && path.endsWith(".ts"));
}

/** Tarjan's strongly connected components; a component of 2+ files (or a file importing itself) is a cycle. */
function cycles(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (start) => {
    // iterative, so a deep import chain cannot overflow the call stack
    const work = [[start, 0]];
    indices.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const edges = graph.get(node) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const next = edges[i];
        if (!indices.has(next)) {
          indices.set(next, index);
          low.set(next, index++);
          stack.push(next);
          onStack.add(next);
          work.push([next, 0]);
        } else if (onStack.has(next)) {
          low.set(node, Math.min(low.get(node), indices.get(next)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === indices.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || edges.includes(node)) found.push(component.sort());
      }
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/** One loop through a component, for the message: a shortest path from its first file back to it. */
function loopThrough(component, graph) {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const graph = new Map();
const packagesDir = join(root, "packages");
for (const name of readdirSync(packagesDir).sort()) {
  const src = join(packagesDir, name, "src");
  if (!existsSync(src)) continue;
  for (const file of tsFiles(src)) graph.set(file, [...new Set(runtimeImports(file))]);
}

const found = cycles(graph);
if (countOnly) {
  console.log(found.length);
  process.exit(0);
}
if (found.length > 0) {
  const show = (path) => relative(root, path);
  console.error(`check-cycles: ${found.length} runtime import cycle(s) in packages/*/src:`);
  for (const component of found) {
    console.error(`  ${component.length} file(s): ${loopThrough(component, graph).map(show).join(" → ")}`);
  }
  console.error("Break each one (move the shared part to its own module, or make an import `import type`).");
  process.exit(1);
}
console.log(`check-cycles: no runtime import cycle in packages/*/src (${graph.size} files)`);
