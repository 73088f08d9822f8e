// bench/examples: the Redmine and blog examples end to end against `homelab-emulator up` (reference
// topology, its Kubernetes cluster, clock x60) and a real MariaDB — the goal is under 30 s per
// example with the cluster already up — and the time of a second, idempotent run.
//
//   pnpm --filter "@homelab-kit/emulator..." build
//   pnpm --filter @homelab-kit/example-bootstrap --filter @homelab-kit/example-redmine --filter @homelab-kit/example-blog build
//   node bench/examples/run.mjs [rounds=3]
//   MARIADB_ENV=FILE uses a running MariaDB (scripts/mariadb/start.sh's env); else the script starts
//   one (as root) in a temp dir and stops it.
//
// Each round, per app: `--destroy --drop-data` (a clean start, not timed), the first run, the second
// run. Times are the example process's wall time and its CPU time (user+sys, /usr/bin/time), and
// the "Done in" figure it prints (its own work, without Node's start). Up and the bootstrap are
// done once, before the rounds ("the cluster already up").
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const rounds = Number(process.argv[2] ?? 3);
const work = mkdtempSync(join(tmpdir(), "bench-examples-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

let mariadbEnv = process.env.MARIADB_ENV;
let startedMariadb = false;
if (!mariadbEnv) {
  mariadbEnv = execFileSync("bash", [join(root, "scripts/mariadb/start.sh")], {
    env: { ...process.env, MARIADB_DIR: join(work, "mariadb") },
    encoding: "utf8",
  }).trim();
  startedMariadb = true;
}

const runDir = join(work, "run");
const up = spawn(
  process.execPath,
  [join(root, "packages/emulator/dist/cli/bin.js"), "up", "--json", "--speed", "60", "--run-dir", runDir],
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: work } },
);
let stderr = "";
up.stderr.on("data", (c) => {
  stderr += c;
});
const t0 = performance.now();
await new Promise((resolve, reject) => {
  up.stdout.once("data", resolve);
  up.once("exit", (code) => reject(new Error(`homelab-emulator up exited ${code}: ${stderr}`)));
});
const upMs = performance.now() - t0;
const envFile = join(runDir, "env");
const stackEnv = Object.fromEntries(
  readFileSync(envFile, "utf8")
    .split("\n")
    .map((l) => /^([A-Z0-9_]+)='(.*)'$/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
if (!stackEnv.KUBECONFIG)
  throw new Error("up started no Kubernetes cluster: build the binaries (scripts/k8s/build-binaries.sh)");
const b0 = performance.now();
execFileSync(process.execPath, [join(root, "examples/bootstrap/dist/main.js")], {
  env: { ...process.env, ...stackEnv, INVENTORY_FILE: join(work, "hosts.yaml") },
  stdio: "ignore",
});
const bootstrapMs = performance.now() - b0;

/** Runs one example process; returns wall s, CPU s and its own "Done in" s. */
function example(app, ...args) {
  const started = performance.now();
  const r = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "CPU %U %S",
      process.execPath,
      join(root, `examples/${app}/dist/main.js`),
      "--env-file",
      envFile,
      "--env-file",
      mariadbEnv,
      ...args,
    ],
    { cwd: work, encoding: "utf8" },
  );
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${app} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  const [, user, sys] = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr) ?? [];
  const done = Number(/Done in ([\d.]+) s/.exec(r.stdout)?.[1]);
  return { wall, cpu: Number(user) + Number(sys), done, out: r.stdout };
}

const results = {};
try {
  for (let round = 1; round <= rounds; round++) {
    for (const app of ["redmine", "blog"]) {
      example(app, "--destroy", "--drop-data");
      rmSync(join(work, "blog.sqlite"), { force: true });
      const first = example(app);
      const second = example(app);
      if (!second.out.includes("changes: none, everything was already in place"))
        throw new Error(`${app}: the second run changed something:\n${second.out}`);
      results[app] ??= { first: [], second: [] };
      results[app].first.push(first);
      results[app].second.push(second);
      console.error(
        `round ${round} ${app}: first ${first.wall.toFixed(2)} s wall / ${first.cpu.toFixed(2)} s CPU, second ${second.wall.toFixed(2)} s / ${second.cpu.toFixed(2)} s (load ${loadavg()[0].toFixed(1)})`,
      );
    }
  }
} finally {
  up.kill("SIGTERM");
  await new Promise((resolve) => up.once("exit", resolve));
  if (startedMariadb)
    execFileSync("bash", [join(root, "scripts/mariadb/stop.sh")], {
      env: { ...process.env, MARIADB_DIR: join(work, "mariadb") },
    });
  rmSync(work, { recursive: true, force: true });
}

console.log(
  `up (reference topology, Kubernetes, x60): ${(upMs / 1000).toFixed(1)} s; bootstrap: ${(bootstrapMs / 1000).toFixed(1)} s; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(`| example | run | wall s, median (min–max) | CPU s (user+sys) | "Done in" s | goal | met? |`);
console.log(`|---|---|---:|---:|---:|---|---|`);
for (const [app, r] of Object.entries(results)) {
  for (const which of ["first", "second"]) {
    const xs = r[which];
    const wall = xs.map((x) => x.wall);
    const goal = which === "first" ? "< 30 s" : "—";
    const met = which === "first" ? (median(wall) < 30 ? "yes" : "no") : "";
    console.log(
      `| ${app} | ${which} | ${fmt(wall)} | ${fmt(xs.map((x) => x.cpu))} | ${fmt(xs.map((x) => x.done))} | ${goal} | ${met} |`,
    );
  }
}
