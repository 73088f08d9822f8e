// Examples: `examples/redmine` and `examples/blog` end to end against `homelab-emulator up` (reference
// topology, its Kubernetes cluster, clock x60) and a real MariaDB — goal: under 30 s per example with
// the cluster already up — and a second, idempotent run (it must print `changes: none`).
//   node bench/examples/bench.mjs [rounds=3]     (pnpm bench examples; --quick: one round)
// Needs the built emulator (pnpm build) and the Kubernetes binaries (scripts/k8s/build-binaries.sh);
// builds the three examples itself. MARIADB_ENV=FILE uses a running MariaDB (scripts/mariadb/start.sh's
// env file); else the bench starts one (root, Debian's mariadb-server) in a temp dir and stops it.
//
// Up and the bootstrap example run once, before the rounds ("the cluster already up"). Each round,
// per app: `--destroy --drop-data` (untimed: a clean start), the first run, the second run, each its
// own `node examples/<app>/dist/main.js` process: its wall time, its CPU time (user+sys, wait4) and
// the "Done in" it prints (its own work, without Node's start).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import {
  emulatorCopy,
  emulatorUp,
  goal,
  median,
  numbers,
  QUICK,
  ROOT,
  range,
  requireBuilt,
  writeResult,
} from "../lib/harness.mjs";
import { loadAverage, timed } from "../lib/timed.mjs";

const [rounds = QUICK ? 1 : 3] = numbers;
requireBuilt("core", "emulator");
execFileSync(
  "pnpm",
  [
    "--filter",
    "@homelab-kit/example-bootstrap",
    "--filter",
    "@homelab-kit/example-redmine",
    "--filter",
    "@homelab-kit/example-blog",
    "build",
  ],
  { cwd: ROOT, stdio: "ignore" },
);
const work = mkdtempSync(join(tmpdir(), "bench-examples-"));
let mariadbEnv = process.env.MARIADB_ENV;
const ownMariadb = !mariadbEnv;
const mariadbDir = { ...process.env, MARIADB_DIR: join(work, "mariadb") };
if (ownMariadb)
  mariadbEnv = execFileSync("bash", [join(ROOT, "scripts/mariadb/start.sh")], {
    env: mariadbDir,
    encoding: "utf8",
  }).trim();

process.env.TMPDIR = work; // the cluster's dirs, removed with the rest
const runDir = join(work, "run");
const t0 = performance.now();
const up = emulatorUp(emulatorCopy(), runDir, ["--speed", "60"]);
const results = {};
let upSeconds;
let bootstrapSeconds;
try {
  await up.endpoints;
  upSeconds = (performance.now() - t0) / 1000;
  const envFile = join(runDir, "env");
  const stack = parseEnv(readFileSync(envFile, "utf8"));
  if (!stack.KUBECONFIG)
    throw new Error(
      "up started no Kubernetes cluster: build the binaries (bash scripts/k8s/build-binaries.sh)",
    );
  const bootstrap = timed(work, `node ${join(ROOT, "examples/bootstrap/dist/main.js")}`, {
    env: { ...stack, INVENTORY_FILE: join(work, "hosts.yaml") },
  });
  if (bootstrap.status !== 0) throw new Error(`the bootstrap example failed:\n${bootstrap.output}`);
  bootstrapSeconds = bootstrap.wall;

  const example = (app, ...args) => {
    const r = timed(
      work,
      [
        "node",
        join(ROOT, `examples/${app}/dist/main.js`),
        "--env-file",
        envFile,
        "--env-file",
        mariadbEnv,
        ...args,
      ].join(" "),
    );
    if (r.status !== 0) throw new Error(`${app} ${args.join(" ")} failed:\n${r.output}`);
    return {
      wall: r.wall,
      cpu: r.cpu,
      done: Number(/Done in ([\d.]+) s/.exec(r.output)?.[1]),
      output: r.output,
    };
  };
  for (let round = 1; round <= rounds; round++) {
    for (const app of ["redmine", "blog"]) {
      example(app, "--destroy", "--drop-data");
      rmSync(join(work, "blog.sqlite"), { force: true });
      const first = example(app);
      const second = example(app);
      if (!second.output.includes("changes: none, everything was already in place"))
        throw new Error(`${app}: the second run changed something:\n${second.output}`);
      results[app] ??= { first: [], second: [] };
      results[app].first.push({ wall: first.wall, cpu: first.cpu, done: first.done });
      results[app].second.push({ wall: second.wall, cpu: second.cpu, done: second.done });
      console.log(
        `round ${round} ${app}: first ${first.wall.toFixed(2)} s wall / ${first.cpu.toFixed(2)} s CPU, second ${second.wall.toFixed(2)} s / ${second.cpu.toFixed(2)} s (load ${loadAverage()})`,
      );
    }
  }
} finally {
  up.child.kill("SIGTERM");
  await new Promise((resolve) => (up.child.exitCode === null ? up.child.once("exit", resolve) : resolve()));
  if (ownMariadb)
    execFileSync("bash", [join(ROOT, "scripts/mariadb/stop.sh")], { env: mariadbDir, stdio: "ignore" });
  rmSync(work, { recursive: true, force: true });
}

const stats = (xs) => ({ median: median(xs), range: range(xs) });
const summary = {};
for (const [app, r] of Object.entries(results))
  for (const which of ["first", "second"])
    summary[`${app} ${which}`] = {
      wall: stats(r[which].map((x) => x.wall)),
      cpu: stats(r[which].map((x) => x.cpu)),
      done: stats(r[which].map((x) => x.done)),
    };
console.log(
  `up (reference topology, Kubernetes, x60) ${upSeconds.toFixed(1)} s, bootstrap ${bootstrapSeconds.toFixed(1)} s`,
);
console.log('| example | run | wall s, median (min–max) | CPU s | "Done in" s |\n|---|---|---:|---:|---:|');
const f = (s) => `${s.median.toFixed(2)} (${s.range[0].toFixed(2)}–${s.range[1].toFixed(2)})`;
for (const [key, s] of Object.entries(summary))
  console.log(`| ${key.replace(" ", " | ")} | ${f(s.wall)} | ${f(s.cpu)} | ${f(s.done)} |`);
writeResult("examples", {
  rounds,
  upSeconds,
  bootstrapSeconds,
  summary,
  results,
  goals: ["redmine", "blog"].map((app) =>
    goal(
      `${app}: first run end to end, cluster up (wall, median)`,
      summary[`${app} first`].wall.median,
      "<=",
      30,
      " s",
      "pnpm bench examples",
    ),
  ),
});
