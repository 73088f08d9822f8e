// Hardening bench: replays the hardening probes (conformance/hardening/probes.mjs) one at a time
// against `homelab-emulator up` (the built CLI in its own process) and measures, per probe:
//   - the emulator's peak RSS growth: VmHWM after the probe minus VmRSS before it, with VmHWM reset
//     just before (`echo 5 > /proc/<pid>/clear_refs`), so the peak belongs to that probe alone;
//   - `/_emulator/health` latency while the probe is in flight: a worker thread (its own event loop,
//     so the probe's client work cannot delay it) asks for health in a loop, one at a time;
//   - the emulator's CPU time (utime + stime from /proc/<pid>/stat) spent on the probe.
// Goals (docs/DESIGN.md §5): growth < 64 MiB for any single request, health < 200 ms meanwhile.
//
// Run: pnpm --filter "@homelab-kit/emulator..." build && node bench/hardening/bench.mjs [rounds=2]
// (pnpm bench hardening; --quick: one round of every probe, no warm-up round, about half a minute).
// A probe that does not get its expected answer fails the bench. Another build of the CLI (a checkout before a change): HARDENING_EMULATOR_BIN=…/dist/cli/bin.js,
// with HARDENING_TIMEOUT_MS to cut requests it never answers, and HARDENING_WARMUP=0.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { startEmulator } from "../../conformance/hardening/emulator.mjs";
import { PROBES, probeContext } from "../../conformance/hardening/probes.mjs";
import { goal, numbers, QUICK, requireBuilt, writeResult } from "../lib/harness.mjs";

const [rounds = QUICK ? 1 : 2] = numbers;
const warmup = !QUICK && process.env.HARDENING_WARMUP !== "0";
if (process.env.HARDENING_EMULATOR_BIN === undefined) requireBuilt("emulator");
const MiB = 1024 * 1024;
const TICKS = 100; // USER_HZ on Linux

function status(pid, field) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? Number.NaN) * 1024;
}

function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** A worker asking for health in a loop; `stop()` resolves with every latency in ms. */
function healthPinger(url) {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require("node:worker_threads");
    const http = require("node:http");
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const latencies = [];
    let running = true;
    parentPort.on("message", () => { running = false; });
    const once = () => new Promise((resolve) => {
      const started = performance.now();
      const req = http.get(workerData.url, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(performance.now() - started));
      });
      req.on("error", () => resolve(Number.POSITIVE_INFINITY));
    });
    (async () => {
      while (running) latencies.push(await once());
      agent.destroy();
      parentPort.postMessage(latencies);
    })();
    `,
    { eval: true, workerData: { url } },
  );
  return {
    stop() {
      return new Promise((resolve) => {
        worker.once("message", (latencies) => {
          void worker.terminate();
          resolve(latencies);
        });
        worker.postMessage("stop");
      });
    },
  };
}

function percentile(sorted, p) {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const emulator = await startEmulator();
const ctx = probeContext(emulator);
await ctx.cephToken();
const health = `${emulator.endpoints.control.url}/_emulator/health`;
const rows = [];
try {
  // Round 0 warms up (payloads built, code compiled on both sides) and is not reported
  // (HARDENING_WARMUP=0 skips it: against a build that takes seconds per probe, say; so does --quick).
  for (let round = warmup ? 0 : 1; round <= rounds; round++) {
    const baseline = {
      name: "(baseline: no probe, health alone for 1 s)",
      run: () => new Promise((r) => setTimeout(r, 1_000)),
      check: () => undefined,
    };
    for (const probe of [baseline, ...PROBES]) {
      await new Promise((r) => setTimeout(r, 200)); // let the previous probe's garbage go
      const before = status(emulator.pid, "VmRSS");
      writeFileSync(`/proc/${emulator.pid}/clear_refs`, "5");
      const cpuBefore = cpuMs(emulator.pid);
      const pinger = healthPinger(health);
      await new Promise((r) => setTimeout(r, 20));
      const started = performance.now();
      const answer = await probe.run(ctx);
      const wall = performance.now() - started;
      const latencies = (await pinger.stop()).sort((a, b) => a - b);
      const peak = status(emulator.pid, "VmHWM");
      const problem = probe.check(answer);
      if (round === 0) continue;
      rows.push({
        round,
        probe: probe.name,
        ok: problem === undefined,
        problem,
        growthMiB: (peak - before) / MiB,
        rssBeforeMiB: before / MiB,
        healthCount: latencies.length,
        healthP50: percentile(latencies, 50),
        healthMax: latencies.at(-1) ?? Number.NaN,
        cpuMs: cpuMs(emulator.pid) - cpuBefore,
        wallMs: wall,
      });
      const r = rows.at(-1);
      console.log(
        `${round} ${r.ok ? "ok  " : "FAIL"} growth ${r.growthMiB.toFixed(1).padStart(6)} MiB  health max ${r.healthMax.toFixed(1).padStart(7)} ms (p50 ${r.healthP50.toFixed(1)}, n=${r.healthCount})  cpu ${r.cpuMs.toFixed(0).padStart(5)} ms  wall ${r.wallMs.toFixed(0).padStart(5)} ms  ${probe.name}${problem ? `  -- ${problem}` : ""}`,
      );
    }
  }
} finally {
  await emulator.stop();
}

const measured = rows.filter((r) => !r.probe.startsWith("(baseline"));
const worst = (key) => measured.reduce((a, b) => (b[key] > a[key] ? b : a));
const baselines = rows.filter((r) => r.probe.startsWith("(baseline"));
const growth = worst("growthMiB");
const latency = worst("healthMax");
console.log(
  `\nmachine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}, node ${process.version}`,
);
console.log(`probes failing their check: ${measured.filter((r) => !r.ok).length} of ${measured.length}`);
console.log(
  `health alone (no probe): p50 ${baselines.map((b) => b.healthP50.toFixed(1)).join(" / ")} ms, max ${baselines.map((b) => b.healthMax.toFixed(1)).join(" / ")} ms (one per round: the machine's own noise)`,
);
console.log(
  `largest peak RSS growth: ${growth.growthMiB.toFixed(1)} MiB (${growth.probe}, round ${growth.round}) — goal < 64 MiB: ${growth.growthMiB < 64 ? "met" : "NOT met"}`,
);
console.log(
  `slowest /_emulator/health while a probe was in flight: ${latency.healthMax.toFixed(1)} ms (${latency.probe}, round ${latency.round}) — goal < 200 ms: ${latency.healthMax < 200 ? "met" : "NOT met"}`,
);
const failing = measured.filter((r) => !r.ok);
writeResult("hardening", {
  rounds,
  warmup,
  emulator: process.env.HARDENING_EMULATOR_BIN ?? "packages/emulator/dist/cli/bin.js",
  probesFailing: failing.length,
  probes: measured.length,
  worstGrowth: { probe: growth.probe, round: growth.round, MiB: growth.growthMiB },
  slowestHealth: { probe: latency.probe, round: latency.round, ms: latency.healthMax },
  baselineHealthMaxMs: baselines.map((b) => b.healthMax),
  rows,
  goals: [
    goal(
      "peak RSS growth of the emulator, worst single probe",
      growth.growthMiB,
      "<=",
      64,
      " MiB",
      "pnpm bench hardening",
    ),
    goal(
      "/_emulator/health latency while a probe is in flight, worst",
      latency.healthMax,
      "<=",
      200,
      " ms",
      "pnpm bench hardening",
    ),
  ],
});
if (failing.length) {
  console.error(`probes that did not get their expected answer: ${failing.map((r) => r.probe).join("; ")}`);
  process.exitCode = 1;
}
