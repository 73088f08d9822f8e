// bench/fresh-clone: this checkout as a clone of it would be (scripts/copy-checkout.sh), alone in an
// empty temp folder, taken to a green `pnpm test` the README's way: `pnpm install --frozen-lockfile`
// then `pnpm test`. Reports the time of each and the count of test files and tests from vitest's JSON
// report. With --beside=NAME=DIR, the same commit runs a second time with DIR placed beside the copy
// as NAME (a symlink), so the two counts show whether anything reads outside the repository.
// Not a timed test.
//
//   node bench/fresh-clone/bench.mjs [--beside=NAME=DIR]     (pnpm bench fresh-clone [--beside=NAME=DIR])
//
// pnpm's package store is the machine's own (warm): the install links packages, it downloads none.
// --quick (what CI runs) is one small step of it, not the whole: the copy, `pnpm install --offline
// --frozen-lockfile` and one package's tests (`pnpm test --project core`), about half a minute.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { goal, QUICK, writeResult } from "../lib/harness.mjs";
import { loadAverage, timed } from "../lib/timed.mjs";

const root = resolve(import.meta.dirname, "../..");
const installCommand = QUICK ? "pnpm install --offline --frozen-lockfile" : "pnpm install --frozen-lockfile";
const testCommand = QUICK ? "pnpm test --project core" : "pnpm test";
const args = process.argv.slice(2);
const beside = args.find((a) => a.startsWith("--beside="))?.slice("--beside=".length);
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).trim() !== "";

function fresh(label, sibling) {
  const parent = mkdtempSync(join(tmpdir(), "bench-fresh-clone-"));
  const dir = join(parent, "homelab-kit");
  try {
    execFileSync("bash", [join(root, "scripts/copy-checkout.sh"), dir], { stdio: "ignore" });
    if (sibling) {
      const [name, target] = sibling.split("=");
      symlinkSync(resolve(target), join(parent, name));
    }
    const besides = readdirSync(parent).filter((f) => f !== "homelab-kit");
    console.error(`${label}: ${dir}${besides.length ? `, beside it: ${besides.join(", ")}` : ", alone"}`);
    const install = timed(dir, installCommand);
    if (install.status !== 0) throw new Error(`${label}: pnpm install failed:\n${install.output}`);
    const report = join(parent, "vitest.json");
    const test = timed(dir, testCommand, { env: { HOMELAB_KIT_TEST_REPORT: report } });
    const r = JSON.parse(readFileSync(report, "utf8"));
    const failedFiles = r.testResults.filter((f) => f.status !== "passed");
    const row = {
      label,
      install,
      test,
      files: r.testResults.length,
      failedFiles: failedFiles.length,
      tests: r.numTotalTests,
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
      green: test.status === 0,
    };
    for (const f of failedFiles) console.error(`  ${label}: not passed: ${f.name.replace(`${dir}/`, "")}`);
    return row;
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

const rows = [fresh("clone alone", undefined)];
if (beside) rows.push(fresh(`clone with ${beside.split("=")[0]}/ beside it`, beside));

const s = (t) => `${t.wall.toFixed(0)} s (${t.cpu.toFixed(0)} s CPU)`;
if (QUICK) console.log(`quick: the copy, \`${installCommand}\` and \`${testCommand}\` only`);
console.log(
  "| case | pnpm install | pnpm test | install + test | test files | tests | passed | failed | skipped | green |",
);
console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|");
for (const r of rows) {
  const total = { wall: r.install.wall + r.test.wall, cpu: r.install.cpu + r.test.cpu };
  console.log(
    `| ${r.label} | ${s(r.install)} | ${s(r.test)} | ${s(total)} | ${r.files} (${r.failedFiles} failed) | ${r.tests} | ${r.passed} | ${r.failed} | ${r.skipped} | ${r.green ? "yes" : "NO"} |`,
  );
}
console.log(
  `\ncommit ${commit}${dirty ? " + uncommitted changes" : ""}; node ${process.version}; load average at the end: ${loadAverage()}; ${new Date().toISOString()}`,
);
const command = "pnpm bench fresh-clone";
const time = (t) => ({ wall: t.wall, cpu: t.cpu, status: t.status });
writeResult("fresh-clone", {
  what: QUICK
    ? `quick: the copy, ${installCommand} and ${testCommand} (one package's tests, not the whole suite)`
    : `the copy, ${installCommand} and ${testCommand}`,
  dirty,
  cases: rows.map((r) => ({ ...r, install: time(r.install), test: time(r.test) })),
  goals: [
    goal(
      "clone alone: tests not passed (failed or skipped)",
      rows[0].tests - rows[0].passed,
      "<=",
      0,
      "",
      command,
    ),
  ],
});
if (rows.length === 2 && (rows[0].tests !== rows[1].tests || rows[0].passed !== rows[1].passed)) {
  console.log("the counts differ: something reads outside the repository");
  process.exitCode = 1;
}
if (rows.some((r) => !r.green)) process.exitCode = 1;
