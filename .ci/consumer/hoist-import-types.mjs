#!/usr/bin/env node
/**
 * Rewrites installed `.d.ts` files in place so that tsc checks all of them: every inline
 * `import("x").Name<Args>` becomes `__hoistedN.Name<Args>` with `import type * as __hoistedN from "x"`
 * at the top. tsc does not check the type arguments of an inline import type, and declaration
 * emit writes one wherever a type comes from another file: an invalid object type there (TS2411, an
 * index signature its own properties do not fit) passes a plain `tsc` and fails for a consumer that
 * bundles the declarations. Usage: hoist-import-types.mjs DIR... (every *.d.ts below each DIR).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const inlineImport = /\bimport\("([^"]+)"\)\./g;
let files = 0;
let rewritten = 0;

function visit(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) visit(path);
    else if (entry.name.endsWith(".d.ts")) rewrite(path);
  }
}

function rewrite(file) {
  files++;
  const text = readFileSync(file, "utf8");
  const aliases = new Map();
  const body = text.replace(inlineImport, (_, specifier) => {
    if (!aliases.has(specifier)) aliases.set(specifier, `__hoisted${aliases.size}`);
    return `${aliases.get(specifier)}.`;
  });
  if (aliases.size === 0) return;
  rewritten++;
  const header = [...aliases].map(([specifier, alias]) => `import type * as ${alias} from "${specifier}";`);
  writeFileSync(file, `${header.join("\n")}\n${body}`);
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: hoist-import-types.mjs DIR...");
  process.exit(2);
}
for (const dir of dirs) visit(dir);
console.log(`hoist-import-types: ${rewritten} of ${files} declaration files had inline import types`);
