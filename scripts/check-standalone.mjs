#!/usr/bin/env node
/**
 * The repository stands alone: no tracked file may read (or point a reader at) anything outside it.
 * Run by `pnpm lint` (and so by CI's lint stage); exits 1 and lists every offending line.
 *
 * Checked in every tracked text file:
 *   - the old location of the reference material (it is in docs/reference/ now);
 *   - a sibling `../shared` folder or the machine path `/work/`; the one exception is `.ci/`, which
 *     may hand a vendor archive from `../shared/vendor` to a build script through an env variable
 *     (and Markdown may say so);
 *   - outside docs/reference/ and fixtures/: a relative path (`../../x`; in Markdown, a link target)
 *     that, resolved from the file's own folder, leads out of the repository.
 * This file itself is not checked: it has to spell the patterns it looks for.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, posix, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const self = "scripts/check-standalone.mjs";
const oldReference = "shared/reference";
/** Recorded data (samples, inventories, schemas): their own relative paths mean nothing here. */
const recorded = /^docs\/reference\/|\/fixtures\//;
const escapes = /(?<![\w.$/-])((?:\.\.\/)+)([\w@.-]*)/g;
const markdownLinks = /\]\(((?:\.\.\/)+)([\w@.-]*)/g;

let files;
try {
  files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 })
    .split("\0")
    .filter((f) => f !== "" && f !== "pnpm-lock.yaml" && f !== self);
} catch (error) {
  console.error(`check-standalone: needs a git checkout to list the tracked files (${error.message})`);
  process.exit(2);
}

const problems = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(resolve(root, file));
  } catch {
    continue; // deleted in the working tree
  }
  if (text.includes(0)) continue; // binary
  const lines = text.toString("utf8").split("\n");
  const vendorAllowed = file.startsWith(".ci/") || file.endsWith(".md");
  const dir = posix.dirname(file);
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line.includes(oldReference)) problems.push(`${where}: names ${oldReference} (use docs/reference/)`);
    for (const m of line.matchAll(/\.\.\/shared\b[\w./-]*/g)) {
      if (vendorAllowed && m[0].startsWith("../shared/vendor")) continue;
      problems.push(`${where}: reads ${m[0]}, outside the repository`);
    }
    if (/(?<![\w.])\/work\//.test(line)) problems.push(`${where}: names a machine path (/work/…)`);
    if (recorded.test(file)) return;
    for (const m of line.matchAll(file.endsWith(".md") ? markdownLinks : escapes)) {
      const target = posix.normalize(posix.join(dir, m[1] + m[2]));
      if (target === ".." || target.startsWith("../"))
        problems.push(`${where}: ${m[0]} leads out of the repository (from ${dirname(file)}/)`);
    }
  });
}

if (problems.length > 0) {
  console.error(`check-standalone: ${problems.length} reference(s) outside the repository:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-standalone: ${files.length} tracked files read nothing outside the repository`);
