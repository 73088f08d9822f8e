// Shared helpers of the bench scripts: command-line flags, statistics, interleaved whole-process runs
// (bench/lib/procs.py), goals and the JSON result each area writes next to its RESULTS.md table.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** `--quick`: small inputs and one round, so CI proves every bench still runs (its figures mean nothing). */
export const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
/** Positional numbers after the script name (rounds, sizes…), as given. */
export const numbers = process.argv
  .slice(2)
  .filter((a) => /^\d+(?:\.\d+)?$/.test(a))
  .map(Number);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const range = (xs) => [Math.min(...xs), Math.max(...xs)];

/** Fails the bench when a built package is missing (the benches import `dist/`, as users do). */
export function requireBuilt(...packages) {
  for (const p of packages)
    if (!existsSync(join(ROOT, "packages", p, "dist/index.js")))
      throw new Error(`packages/${p}/dist is missing: run pnpm build first`);
}

/**
 * A private copy of the built emulator, so a concurrent build (which cleans dist/) cannot pull it away
 * mid-run; its dependencies still resolve from the package's node_modules. Returns its CLI's path.
 */
export function emulatorCopy() {
  const copy = mkdtempSync(join(tmpdir(), "emu-dist-"));
  cpSync(join(ROOT, "packages/emulator/dist"), join(copy, "dist"), { recursive: true });
  symlinkSync(join(ROOT, "packages/emulator/node_modules"), join(copy, "node_modules"));
  cpSync(join(ROOT, "packages/emulator/package.json"), join(copy, "package.json"));
  return join(copy, "dist/cli/bin.js");
}

/**
 * Spawns `homelab-emulator up --json --run-dir RUN_DIR ARGS…` (the CLI at `bin`); returns the child at
 * once and a promise of the endpoints it prints as its first line.
 */
export function emulatorUp(bin, runDir, args = []) {
  const child = spawn(process.execPath, [bin, "up", "--json", "--run-dir", runDir, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const endpoints = new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on("exit", (code) => reject(new Error(`emulator exited ${code}`)));
  });
  return { child, endpoints };
}

/** A Python with the peers installed: $BENCH_PYTHON, else the venv bench/setup-peers.sh makes. */
export function benchPython() {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  const cache = process.env.HOMELAB_KIT_CACHE ?? join(process.env.HOME ?? "/root", ".cache/homelab-kit");
  const venv = join(cache, "bench-pyone-7.3.80/bin/python");
  if (!existsSync(venv)) throw new Error(`${venv} is missing: run bash bench/setup-peers.sh`);
  return venv;
}

/**
 * Runs whole processes interleaved (order rotated every round) and returns each run's wall time,
 * CPU time (user + system of that process alone, from wait4) and peak RSS, keyed by case name.
 */
export function runProcesses(cases, rounds) {
  const r = spawnSync("python3", [join(ROOT, "bench/lib/procs.py")], {
    input: JSON.stringify({ rounds, cases }),
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["pipe", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`a benchmarked process failed (see above)`);
  return JSON.parse(r.stdout).runs;
}

/** Summary of a list of runs: medians and ranges of CPU and wall seconds, max RSS. */
export function summarize(runs) {
  return {
    runs: runs.length,
    cpu: median(runs.map((x) => x.cpu)),
    cpuRange: range(runs.map((x) => x.cpu)),
    wall: median(runs.map((x) => x.wall)),
    wallRange: range(runs.map((x) => x.wall)),
    rssMiB: Math.max(...runs.map((x) => x.rssMiB)),
  };
}

/** A goal of the area: `value` compared with `target` (`<=` or `>=`); `met` is false in quick mode's eyes too. */
export function goal(name, value, op, target, unit, command) {
  const met = op === "<=" ? value <= target : value >= target;
  return { name, value: Number(value.toPrecision(4)), op, target, unit, met, command };
}

function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The parts of an area to run: every `--part=NAME` given (each must be one of `all`), else `defaults`.
 * An area whose extra part needs a peer its default does not (a built oned, say) lists it in `all`
 * and leaves it out of `defaults` unless the peer is there.
 */
export function parts(all, defaults = all) {
  const asked = process.argv.filter((a) => a.startsWith("--part=")).map((a) => a.slice("--part=".length));
  const unknown = asked.filter((p) => !all.includes(p));
  if (unknown.length) throw new Error(`unknown part(s) ${unknown.join(", ")}; parts: ${all.join(", ")}`);
  return asked.length ? asked : defaults;
}

/** Says loudly that a part of a bench does not run, and why (the one case a bench may skip work). */
export function skipLoudly(what, why) {
  const line = "!".repeat(100);
  console.log(`${line}\n!!! SKIPPED: ${what}\n!!! because ${why}\n${line}`);
}

/**
 * Writes the area's result: `bench/<area>/results.json` for a full run (committed next to the table in
 * RESULTS.md), `.tmp/bench/<area>.quick.json` for a quick one; a second part of an area writes
 * `bench/<area>/<part>.results.json` (quick: `.tmp/bench/<area>-<part>.quick.json`). Prints the goals;
 * returns the path.
 */
export function writeResult(area, result, part) {
  const file = QUICK
    ? join(ROOT, ".tmp/bench", `${area}${part ? `-${part}` : ""}.quick.json`)
    : join(ROOT, "bench", area, part ? `${part}.results.json` : "results.json");
  mkdirSync(dirname(file), { recursive: true });
  const doc = {
    area,
    ...(part ? { part } : {}),
    quick: QUICK,
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: cpus().length,
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    command: `node ${process.argv
      .slice(1)
      .map((a) => a.replace(ROOT, ""))
      .join(" ")}`,
    ...result,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  for (const g of result.goals ?? [])
    console.log(
      `goal ${g.met ? "met    " : "NOT met"}: ${g.name}: ${g.value}${g.unit} (goal ${g.op} ${g.target}${g.unit})`,
    );
  console.log(`result: ${file.replace(ROOT, "")}`);
  return file;
}
