/**
 * serve() against bare node:http and msw getResponse(), same run, keep-alive, concurrency 10,
 * load from wrk (Debian package `wrk`) in its own process; each server in its own process.
 * Rounds are interleaved and the median req/s per variant reported, with ratios to bare node:http.
 *
 *   pnpm build && node bench/serve/bench.mjs [seconds=5] [rounds=7] [--pin] [--nice] [--snapshot]
 *   (pnpm bench serve; --quick: 1 s × 1 round)
 *
 * The goal compares serve() with bare node:http on the same work, object against object: both
 * answer the document as an object stringified per request (serve-object, bare-object); msw does the
 * same (HttpResponse.json per request). Every server's answer is checked (status, content type and
 * the exact bytes of the document) before it is measured, and wrk's non-2xx count must be zero.
 *
 * --pin runs every server on CPU 0 and wrk on CPU 1 (taskset), so the two never share a core.
 * --nice raises both to nice -15 (needs root) so that other work on a shared machine disturbs less.
 * --snapshot builds core and the emulator from src/ into one esbuild bundle first (the esbuild tsup
 *   uses, same target), so that a concurrent `pnpm build` cannot pull dist/ away mid-run.
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { goal, numbers, QUICK, requireBuilt, writeResult } from "../lib/harness.mjs";
import { makeDocument } from "./document.mjs";

const run = promisify(execFile);
const pin = process.argv.includes("--pin");
const boost = process.argv.includes("--nice") ? ["nice", "-n", "-15"] : [];
const serverEnv = { ...process.env };
if (process.argv.includes("--snapshot")) serverEnv.EMULATOR_ENTRY = await snapshotEmulator();
else requireBuilt("emulator");

/** Bundles the emulator (with core and its dependencies) from src/ into one file under the OS temp dir. */
async function snapshotEmulator() {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const tsup = createRequire(join(root, "package.json")).resolve("tsup/package.json");
  const esbuild = createRequire(tsup)("esbuild");
  const outfile = join(await mkdtemp(join(tmpdir(), "bench-serve-")), "emulator.mjs");
  for (let attempt = 1; ; attempt++) {
    try {
      await bundle(esbuild, root, outfile);
      return pathToFileURL(outfile).href;
    } catch (error) {
      if (attempt >= 30) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000)); // a source file mid-edit: try again
    }
  }
}

function bundle(esbuild, root, outfile) {
  return esbuild.build({
    entryPoints: [join(root, "packages/emulator/src/index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    tsconfig: join(root, "tsconfig.base.json"),
    plugins: [
      {
        name: "workspace-sources",
        setup(build) {
          build.onResolve({ filter: /^@homelab-kit\/core$/ }, () => ({
            path: join(root, "packages/core/src/index.ts"),
          }));
        },
      },
    ],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "silent",
  });
}
const [seconds = QUICK ? 1 : 5, rounds = QUICK ? 1 : 7] = numbers;
const warmup = QUICK ? 1 : 2;
const expected = Buffer.from(JSON.stringify(makeDocument()));
const variants = ["bare", "serve-bytes", "bare-object", "bare-object-loaded", "serve-object", "msw"];
const here = new URL(".", import.meta.url).pathname;

/** Starts a server process; retries a few times because a concurrent `pnpm build` may be rewriting dist/. */
async function startServer(variant, attempts = 12) {
  const argv = [process.execPath, `${here}server.mjs`, variant];
  const [command, ...args] = [...boost, ...(pin ? ["taskset", "-c", "0", ...argv] : argv)];
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], env: serverEnv });
  const started = await Promise.race([
    once(child.stdout, "data").then(([line]) => String(line)),
    once(child, "exit").then(() => undefined),
  ]);
  if (started === undefined) {
    if (attempts <= 1) throw new Error(`${variant}: server did not start`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    return startServer(variant, attempts - 1);
  }
  const [url, size] = started.trim().split(" ");
  return { child, url, size: Number(size) };
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
async function cpuSeconds(pid) {
  const { readFile } = await import("node:fs/promises");
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function wrk(url, duration) {
  const argv = ["wrk", "-t1", "-c10", `-d${duration}s`, "--latency", url];
  const [command, ...args] = [...boost, ...(pin ? ["taskset", "-c", "1", ...argv] : argv)];
  const { stdout } = await run(command, args);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+\w+)/.exec(stdout)?.[1];
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout)?.[0];
  return { rps, requests, p99, errors };
}

const results = Object.fromEntries(variants.map((v) => [v, []]));
let bodySize = 0;
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    const { child, url, size } = await startServer(variant);
    bodySize = size;
    try {
      const check = await fetch(url);
      const body = Buffer.from(await check.arrayBuffer());
      if (
        check.status !== 200 ||
        !check.headers.get("content-type")?.startsWith("application/json") ||
        body.byteLength !== size ||
        !body.equals(expected)
      )
        throw new Error(`${variant}: bad answer (${check.status}, ${body.byteLength} B)`);
      await wrk(url, warmup);
      const cpuBefore = await cpuSeconds(child.pid);
      const result = await wrk(url, seconds);
      result.cpuMicros = (((await cpuSeconds(child.pid)) - cpuBefore) * 1e6) / result.requests;
      if (result.errors) throw new Error(`${variant}: ${result.errors}`);
      if (!(result.requests > 0)) {
        console.error(`round ${round + 1} ${variant}: no requests measured, round dropped`);
        continue;
      }
      results[variant].push(result);
      console.error(
        `round ${round + 1} ${variant}: ${Math.round(result.rps)} req/s, ${result.cpuMicros.toFixed(1)} µs CPU/req, p99 ${result.p99}`,
      );
    } finally {
      child.kill();
      await once(child, "exit");
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bareCpu = median(results.bare.map((r) => r.cpuMicros));
const { stdout: wrkVersion } = await run("wrk", ["-v"]).catch((e) => ({ stdout: e.stdout ?? "" }));
const setup = `node ${process.version}, ${(await import("node:os")).cpus().length} CPUs, ${wrkVersion.split("\n")[0].trim()}, body ${bodySize} B, ${seconds}s × ${rounds} rounds, c=10, keep-alive${pin ? ", server on CPU 0 and wrk on CPU 1" : ""}${boost.length > 0 ? ", nice -15" : ""}${serverEnv.EMULATOR_ENTRY ? ", emulator bundled from src/ by esbuild" : ""}`;
console.log(setup);
console.log(
  "| server | req/s (median) | server CPU µs/req (median) | req/s per CPU-second vs bare (bytes) | vs bare-object | p99 (median round) |",
);
console.log("|---|---:|---:|---:|---:|---|");
const rows = {};
for (const variant of variants) {
  const rps = median(results[variant].map((r) => r.rps));
  const cpu = median(results[variant].map((r) => r.cpuMicros));
  const p99 = results[variant].find((r) => r.rps === rps)?.p99;
  rows[variant] = { rps, cpuMicrosPerRequest: cpu, rounds: results[variant] };
  console.log(
    `| ${variant} | ${Math.round(rps).toLocaleString("en")} | ${cpu.toFixed(1)} | ${((100 * bareCpu) / cpu).toFixed(0)} % | ${((100 * median(results["bare-object"].map((r) => r.cpuMicros))) / cpu).toFixed(0)} % | ${p99} |`,
  );
}
// Per round (neighbouring measurements), then the median: the load moves between rounds.
const perRound = (a, b) =>
  results[a].map((r, i) => (results[b][i] ? results[b][i].cpuMicros / r.cpuMicros : Number.NaN));
const serveObject = median(perRound("serve-object", "bare-object").filter(Number.isFinite));
const serveObjectLoaded = median(perRound("serve-object", "bare-object-loaded").filter(Number.isFinite));
const serveBytes = median(perRound("serve-bytes", "bare").filter(Number.isFinite));
const mswVsServe = median(perRound("msw", "serve-object").filter(Number.isFinite));
console.log(
  `serve() per CPU-second vs bare node:http, object bodies: ${(100 * serveObject).toFixed(1)} % (per round: ${perRound(
    "serve-object",
    "bare-object",
  )
    .map((x) => (100 * x).toFixed(0))
    .join(
      ", ",
    )}); against bare node:http with the emulator imported too: ${(100 * serveObjectLoaded).toFixed(1)} %; bytes: ${(100 * serveBytes).toFixed(1)} %; msw per CPU-second vs serve(), object bodies: ${(100 * mswVsServe).toFixed(1)} %`,
);
writeResult("serve", {
  setup,
  seconds,
  rounds,
  rows,
  ratios: {
    serveObjectVsBareObject: serveObject,
    serveObjectVsBareObjectLoaded: serveObjectLoaded,
    serveBytesVsBare: serveBytes,
    mswVsServeObject: mswVsServe,
  },
  goals: [
    goal(
      "serve() req per server CPU-second vs bare node:http, object bodies",
      100 * serveObject,
      ">=",
      90,
      " %",
      "pnpm bench serve --pin",
    ),
  ],
});
