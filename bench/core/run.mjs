// bench/core: undiciTransport (built dist of @homelab-kit/core) against raw undici.request on the
// same loopback server, in the same run, keep-alive, interleaved rounds. Not a timed test.
//
//   pnpm --filter @homelab-kit/core build && node bench/core/run.mjs [requests-per-round] [rounds]
//
// Each round sends REQUESTS requests at CONCURRENCY through each variant, in a rotated order so
// that no variant always runs first; the table reports the median round per variant and its ratio
// to raw undici.request measured in the same run.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const coreDir = new URL("../../packages/core/", import.meta.url);
// The same undici copy that @homelab-kit/core uses.
const undici = createRequire(new URL("package.json", coreDir))("undici");
const core = await import(new URL("dist/index.js", coreDir).href);

const REQUESTS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 9);
const CONCURRENCY = 8;
const WARMUP = 3_000;

const child = fork(`${here}/server.mjs`, { stdio: "inherit" });
const { port, bytes } = await new Promise((resolve) => child.once("message", resolve));
const url = `http://127.0.0.1:${port}/api/vms`;

const agentOptions = { connections: CONCURRENCY, keepAliveTimeout: 60_000 };
const rawAgent = new undici.Agent(agentOptions);
const transport = core.undiciTransport(agentOptions);

const variants = {
  "raw undici.request": async () => {
    const res = await undici.request(url, {
      method: "GET",
      headers: { accept: "application/json" },
      dispatcher: rawAgent,
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    if (res.statusCode !== 200 || body.length !== bytes) throw new Error("bad response");
  },
  "raw Agent.request": async () => {
    const res = await rawAgent.request({
      origin: `http://127.0.0.1:${port}`,
      path: "/api/vms",
      method: "GET",
      headers: { accept: "application/json" },
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    if (res.statusCode !== 200 || body.length !== bytes) throw new Error("bad response");
  },
  undiciTransport: async () => {
    const res = await transport({ method: "GET", url, headers: { accept: "application/json" } });
    if (res.status !== 200 || res.body.length !== bytes) throw new Error("bad response");
  },
  "request(undiciTransport)": async () => {
    const res = await core.request(transport, {
      method: "GET",
      url,
      headers: { accept: "application/json" },
    });
    if (res.status !== 200 || res.body.length !== bytes) throw new Error("bad response");
  },
};

async function runRound(fn, n) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < n) await fn();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return n / seconds;
}

const names = Object.keys(variants);
for (const name of names) await runRound(variants[name], WARMUP);
const results = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) results[name].push(await runRound(variants[name], REQUESTS));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(
  `node ${process.version}, undici ${undiciVersion()}, ${REQUESTS} requests x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${bytes} B JSON body, keep-alive`,
);
// Ratios are taken round by round (each variant against raw undici.request of the same round),
// then the median: noise from other processes hits neighbouring measurements alike.
const ratioTo = (baseline, name) => median(results[name].map((x, i) => x / results[baseline][i]));
console.log(
  "| variant | median req/s | min | max | vs raw undici.request (median of per-round ratios) | vs raw Agent.request |",
);
console.log("|---|---:|---:|---:|---:|---:|");
for (const name of names) {
  const xs = results[name];
  const pct = (r) => `${(r * 100).toFixed(1)} %`;
  console.log(
    `| ${name} | ${Math.round(median(xs))} | ${Math.round(Math.min(...xs))} | ${Math.round(Math.max(...xs))} | ${pct(ratioTo("raw undici.request", name))} | ${pct(ratioTo("raw Agent.request", name))} |`,
  );
}

function undiciVersion() {
  return createRequire(new URL("package.json", coreDir))("undici/package.json").version;
}

await transport.close();
await rawAgent.close();
child.disconnect();
