// bench/build: `pnpm build` from a fresh copy of this checkout — cold (no dist/), warm (again, nothing
// changed), after a one-line change in one package — and, as the peer in the same run, the same steps
// on another commit (--baseline REF, e.g. the commit before the build changed). Not a timed test.
//
//   node bench/build/bench.mjs [rounds=1] [--baseline=REF]     (pnpm bench build [rounds] [--baseline=REF])
//
// --quick (what CI runs) is one small step, not `pnpm build`: this checkout's copy, `pnpm install
// --offline --frozen-lockfile`, then one package's build (@homelab-kit/core) cold and again warm.
//
// Each tree is a copy in its own empty temp folder (scripts/copy-checkout.sh for this checkout,
// `git archive REF` for the baseline) with `pnpm install --frozen-lockfile` (from the pnpm store).
// Reported per step: wall time and the CPU time (user + sys) of every process the build ran
// (bench/lib/timed.mjs), steadier than wall time on a shared machine. With --rounds N the trees are rebuilt N times (cold = after `rm -rf packages/*/dist`)
// and the median per step is reported; a step that fails is reported as failed with its exit code.
import { execFileSync, execSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { goal, median, numbers, QUICK, writeResult } from "../lib/harness.mjs";
import { loadAverage, timed } from "../lib/timed.mjs";

const root = resolve(import.meta.dirname, "../..");
const baseline = process.argv.find((a) => a.startsWith("--baseline="))?.slice("--baseline=".length);
const [rounds = 1] = numbers;

function run(cwd, command) {
  const r = timed(cwd, command);
  if (r.status !== 0) {
    const errors = r.output.split("\n").filter((l) => /error/i.test(l));
    console.error(`  ${command} failed (${r.status}): ${errors.slice(0, 3).join(" | ")}`);
  }
  return r;
}

function prepare(label, copy) {
  const parent = mkdtempSync(join(tmpdir(), `bench-build-${label}-`));
  const dir = join(parent, "homelab-kit");
  copy(dir);
  const install = run(dir, `pnpm install --frozen-lockfile ${QUICK ? "--offline" : "--prefer-offline"}`);
  if (install.status !== 0) throw new Error(`${label}: pnpm install failed`);
  return { label, parent, dir };
}

const trees = [
  prepare("this checkout", (dir) => execFileSync("bash", [join(root, "scripts/copy-checkout.sh"), dir])),
];
if (baseline !== undefined) {
  const sha = execFileSync("git", ["rev-parse", "--short", baseline], { cwd: root, encoding: "utf8" }).trim();
  trees.push(
    prepare(`baseline ${sha}`, (dir) => {
      execSync(`mkdir -p '${dir}' && git archive ${sha} | tar -x -C '${dir}'`, { cwd: root });
    }),
  );
}

// One-line change: a comment appended to a source file of a package others depend on.
const touchFile = "packages/core/src/redact.ts";
const core = "pnpm --filter @homelab-kit/core build";
const steps = QUICK
  ? [
      ["quick: core package alone, cold (no dist/)", `rm -rf packages/core/dist && ${core}`],
      ["quick: core package alone, warm (again)", core],
    ]
  : [
      ["cold (no dist/)", "rm -rf packages/*/dist && pnpm build"],
      ["warm (again, nothing changed)", "pnpm build"],
      [`after a one-line change in ${touchFile}`, `echo '// bench' >> ${touchFile} && pnpm build`],
    ];
const results = new Map(); // `${tree}\t${step}` → [{wall, cpu, status}]
try {
  for (let round = 1; round <= rounds; round++) {
    // Alternate which tree goes first, so that neither always builds on a quieter machine.
    const order = round % 2 === 1 ? trees : [...trees].reverse();
    for (const tree of order) {
      for (const [step, command] of steps) {
        const r = run(tree.dir, command);
        const key = `${tree.label}\t${step}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.error(
          `round ${round} ${tree.label}: ${step}: ${r.wall.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU${r.status === 0 ? "" : ` FAILED (${r.status})`}`,
        );
      }
      if (!QUICK) execSync(`sed -i '$ d' ${touchFile}`, { cwd: tree.dir }); // undo the one-line change
    }
  }
} finally {
  for (const tree of trees) rmSync(tree.parent, { recursive: true, force: true });
}

const load = loadAverage();
const lines = ["| tree | step | wall | CPU, all processes | runs that failed |", "|---|---|--:|--:|--:|"];
for (const [key, rs] of results) {
  const [tree, step] = key.split("\t");
  const ok = rs.filter((r) => r.status === 0);
  const cell = (pick) => (ok.length ? `${median(ok.map(pick)).toFixed(1)} s` : "—");
  lines.push(
    `| ${tree} | ${step} | ${cell((r) => r.wall)} | ${cell((r) => r.cpu)} | ${rs.length - ok.length} of ${rs.length} |`,
  );
}
lines.push("", `Times: median of the runs that succeeded (${rounds} rounds).`);
console.log(lines.join("\n"));
console.log(`\nload average at the end: ${load}; node ${process.version}; ${new Date().toISOString()}`);

const table = [...results].map(([key, rs]) => {
  const [tree, step] = key.split("\t");
  const ok = rs.filter((r) => r.status === 0);
  return {
    tree,
    step,
    runs: rs.map((r) => ({ wall: r.wall, cpu: r.cpu, status: r.status })),
    failed: rs.length - ok.length,
    wallMedian: ok.length ? median(ok.map((r) => r.wall)) : null,
    cpuMedian: ok.length ? median(ok.map((r) => r.cpu)) : null,
  };
});
const ours = table.filter((r) => r.tree === "this checkout");
writeResult("build", {
  what: QUICK
    ? "quick: one package's build (@homelab-kit/core) cold and warm in a fresh copy, not pnpm build"
    : "pnpm build cold, warm and after a one-line change, in a fresh copy",
  rounds,
  baseline: baseline ?? null,
  steps: table,
  goals: [
    goal(
      `this checkout: builds that failed (${steps.map(([step]) => step.replace(/ \(.*/, "")).join(", ")})`,
      ours.reduce((n, r) => n + r.failed, 0),
      "<=",
      0,
      "",
      "pnpm bench build",
    ),
  ],
});
if (ours.some((r) => r.failed)) process.exitCode = 1;
