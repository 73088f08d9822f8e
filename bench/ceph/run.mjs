// bench/ceph: the Ceph emulator's throughput over loopback keep-alive, and the Ceph client's
// overhead against raw undici on the same server. Not a timed test.
//
//   pnpm --filter @homelab-kit/core --filter @homelab-kit/emulator --filter @homelab-kit/ceph build
//   node bench/ceph/run.mjs [seconds-per-run] [rounds]
//
// Throughput: CONCURRENCY raw undici requests in flight for SECONDS per endpoint (median of ROUNDS).
// Client overhead: GET /api/health/minimal through raw undici.request (+ JSON.parse), through
// ceph.health.minimal() (zod validation on) and with validate: false, in rotated order per round.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const coreDir = new URL("../../packages/core/", import.meta.url);
const undici = createRequire(new URL("package.json", coreDir))("undici");
const { createCephClient } = await import(new URL("../../packages/ceph/dist/index.js", import.meta.url).href);

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 3);
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

/** Runs `fn` with CONCURRENCY in flight for `seconds`; returns requests per second. */
async function throughput(fn, seconds) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await fn();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - start) / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

// Sanity: the list really holds 1000 images.
const full = await raw("/api/block/image?limit=1000", ACCEPT_V2);
if (full[0].value.length !== 1000 || images !== 1000) throw new Error("expected 1000 images");
const listBytes = JSON.stringify(full).length;

const endpoints = {
  "GET /api/health/minimal": () => raw("/api/health/minimal", ACCEPT_V1),
  "GET /api/block/image (1,000 images, default page of 5)": () => raw("/api/block/image", ACCEPT_V2),
  [`GET /api/block/image?limit=1000 (all 1,000, ${(listBytes / 1e6).toFixed(1)} MB)`]: () =>
    raw("/api/block/image?limit=1000", ACCEPT_V2),
};
const emulatorRows = [];
for (const [name, fn] of Object.entries(endpoints)) {
  await throughput(fn, 2); // warm-up
  const results = [];
  for (let r = 0; r < ROUNDS; r++) results.push(await throughput(fn, SECONDS));
  emulatorRows.push([name, median(results)]);
}

const clients = {
  "raw undici.request + JSON.parse": () => raw("/api/health/minimal", ACCEPT_V1),
  "ceph.health.minimal() (zod on)": (() => {
    const ceph = createCephClient({ baseUrl: url, username: "admin", password: "Adm1n-Passw0rd!" });
    return () => ceph.health.minimal();
  })(),
  "ceph.health.minimal() (validate: false)": (() => {
    const ceph = createCephClient({
      baseUrl: url,
      username: "admin",
      password: "Adm1n-Passw0rd!",
      validate: false,
    });
    return () => ceph.health.minimal();
  })(),
};
const names = Object.keys(clients);
for (const name of names) await throughput(clients[name], 2);
const clientResults = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    clientResults[name].push(await throughput(clients[name], SECONDS));
  }
}

console.log(
  `\nNode ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), concurrency ${CONCURRENCY}, ${SECONDS} s × ${ROUNDS} rounds, median\n`,
);
console.log("| emulator endpoint (loopback, keep-alive) | req/s |\n|---|---:|");
for (const [name, rps] of emulatorRows) console.log(`| ${name} | ${fmt(rps)} |`);
const base = median(clientResults[names[0]]);
console.log("\n| GET /api/health/minimal through | req/s | vs raw undici |\n|---|---:|---:|");
for (const name of names) {
  const rps = median(clientResults[name]);
  console.log(`| ${name} | ${fmt(rps)} | ${((rps / base) * 100).toFixed(0)} % |`);
}
await agent.close();
child.disconnect();
process.exit(0);
