// bench/ceph: the Ceph emulator's throughput over loopback keep-alive, and the Ceph client's
// overhead against raw undici on the same server. Not a timed test.
//
//   pnpm build && node bench/ceph/bench.mjs [seconds-per-run=5] [rounds=3]   (pnpm bench ceph)
//   --quick: 1 s × 1 round
// Every raw answer is checked for status 200 and parsed (the health answer must carry `health`);
// the client's answers are validated by the client itself (zod) or checked the same way.
//
// Throughput: CONCURRENCY raw undici requests in flight for SECONDS per endpoint (median of ROUNDS).
// Client overhead: GET /api/health/minimal through raw undici.request (+ JSON.parse), through
// ceph.health.minimal() (zod validation on) and with validate: false, in rotated order per round.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { numbers, QUICK, requireBuilt, writeResult } from "../lib/harness.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const coreDir = new URL("../../packages/core/", import.meta.url);
const undici = createRequire(new URL("package.json", coreDir))("undici");
requireBuilt("core", "emulator", "ceph");
const { createCephClient } = await import(new URL("../../packages/ceph/dist/index.js", import.meta.url).href);

const [SECONDS = QUICK ? 1 : 5, ROUNDS = QUICK ? 1 : 3] = numbers;
const WARMUP = QUICK ? 0.3 : 2;
const CONCURRENCY = 16;
const ACCEPT_V1 = "application/vnd.ceph.api.v1.0+json";
const ACCEPT_V2 = "application/vnd.ceph.api.v2.0+json";

const child = fork(`${here}/server.mjs`, ["1000"], { stdio: "inherit" });
const { url, images } = await new Promise((resolve) => child.once("message", resolve));
const agent = new undici.Agent({ connections: CONCURRENCY, keepAliveTimeout: 60_000 });

const login = await undici.request(`${url}/api/auth`, {
  method: "POST",
  dispatcher: agent,
  headers: { accept: ACCEPT_V1, "content-type": "application/json" },
  body: JSON.stringify({ username: "admin", password: "Adm1n-Passw0rd!" }),
});
const { token } = await login.body.json();

async function raw(path, accept) {
  const res = await undici.request(`${url}${path}`, {
    method: "GET",
    dispatcher: agent,
    headers: { accept, authorization: `Bearer ${token}` },
  });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${body}`);
  return JSON.parse(body);
}

/** Runs `fn` with CONCURRENCY in flight for `seconds`; returns req/s and this process's CPU µs per request. */
async function throughput(fn, seconds) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await fn();
      done++;
    }
  };
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { rps: done / ((performance.now() - start) / 1000), cpuMicros: (cpu.user + cpu.system) / done };
}
const health = async (answer) => {
  const value = await answer;
  if (typeof value?.health !== "object" && typeof value?.health !== "string")
    throw new Error(`unexpected health answer: ${JSON.stringify(value).slice(0, 200)}`);
  return value;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

// Sanity: the list really holds 1000 images.
const full = await raw("/api/block/image?limit=1000", ACCEPT_V2);
if (full[0].value.length !== 1000 || images !== 1000) throw new Error("expected 1000 images");
const listBytes = JSON.stringify(full).length;

const endpoints = {
  "GET /api/health/minimal": () => health(raw("/api/health/minimal", ACCEPT_V1)),
  "GET /api/block/image (1,000 images, default page of 5)": () => raw("/api/block/image", ACCEPT_V2),
  [`GET /api/block/image?limit=1000 (all 1,000, ${(listBytes / 1e6).toFixed(1)} MB)`]: () =>
    raw("/api/block/image?limit=1000", ACCEPT_V2),
};
const emulatorRows = [];
for (const [name, fn] of Object.entries(endpoints)) {
  await throughput(fn, WARMUP);
  const results = [];
  for (let r = 0; r < ROUNDS; r++) results.push((await throughput(fn, SECONDS)).rps);
  emulatorRows.push([name, median(results)]);
}

const clients = {
  "raw undici.request + JSON.parse": () => health(raw("/api/health/minimal", ACCEPT_V1)),
  "ceph.health.minimal() (zod on)": (() => {
    const ceph = createCephClient({ baseUrl: url, username: "admin", password: "Adm1n-Passw0rd!" });
    return () => health(ceph.health.minimal());
  })(),
  "ceph.health.minimal() (validate: false)": (() => {
    const ceph = createCephClient({
      baseUrl: url,
      username: "admin",
      password: "Adm1n-Passw0rd!",
      validate: false,
    });
    return () => health(ceph.health.minimal());
  })(),
};
const names = Object.keys(clients);
for (const name of names) await throughput(clients[name], WARMUP);
const clientResults = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    clientResults[name].push(await throughput(clients[name], SECONDS));
  }
}

const setup = `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), concurrency ${CONCURRENCY}, ${SECONDS} s × ${ROUNDS} rounds, median`;
console.log(`\n${setup}\n`);
console.log("| emulator endpoint (loopback, keep-alive) | req/s |\n|---|---:|");
for (const [name, rps] of emulatorRows) console.log(`| ${name} | ${fmt(rps)} |`);
// per round against raw undici of the same round, then the median
const ratio = (name, key, invert) =>
  median(
    clientResults[name].map((x, i) => {
      const b = clientResults[names[0]][i][key];
      return invert ? b / x[key] : x[key] / b;
    }),
  );
const clientRows = names.map((name) => ({
  name,
  rps: median(clientResults[name].map((x) => x.rps)),
  cpuMicrosPerRequest: median(clientResults[name].map((x) => x.cpuMicros)),
  rpsVsRaw: ratio(name, "rps", false),
  perCpuVsRaw: ratio(name, "cpuMicros", true),
}));
console.log(
  "\n| GET /api/health/minimal through | req/s | client CPU µs/req | req/s vs raw undici | req per client CPU-s vs raw undici |\n|---|---:|---:|---:|---:|",
);
for (const r of clientRows)
  console.log(
    `| ${r.name} | ${fmt(r.rps)} | ${r.cpuMicrosPerRequest.toFixed(0)} | ${(r.rpsVsRaw * 100).toFixed(0)} % | ${(r.perCpuVsRaw * 100).toFixed(0)} % |`,
  );
await agent.close();
child.disconnect();
writeResult("ceph", {
  setup,
  emulator: emulatorRows.map(([name, rps]) => ({ name, rps })),
  client: clientRows,
  goals: [],
});
process.exit(0);
