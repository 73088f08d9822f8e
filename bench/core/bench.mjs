// bench/core: undiciTransport (built dist of @homelab-kit/core) against raw undici.request on the
// same loopback server, in the same run, keep-alive, interleaved rounds. Not a timed test.
//
//   pnpm build && node bench/core/bench.mjs [requests-per-round=10000] [rounds=15]   (pnpm bench core)
//   --quick: 500 requests, one round
//
// Each round sends REQUESTS requests at CONCURRENCY through each variant, in a rotated order so
// that no variant always runs first, twice: once to one constant URL, once to a distinct URL per
// request (path and query vary, so the transport's URL-parse cache never hits). Every answer is
// checked: status 200, the body's length, and the x-path header the server echoes must be the path
// asked for. The ratio compared is of requests per CPU-second of this (client) process, round by
// round against raw undici.request of the same round; req/s is shown too.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { goal, numbers, QUICK, requireBuilt, writeResult } from "../lib/harness.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const coreDir = new URL("../../packages/core/", import.meta.url);
// The same undici copy that @homelab-kit/core uses.
const undici = createRequire(new URL("package.json", coreDir))("undici");
requireBuilt("core");
const core = await import(new URL("dist/index.js", coreDir).href);

const [REQUESTS = QUICK ? 500 : 10_000, ROUNDS = QUICK ? 1 : 15] = numbers;
const CONCURRENCY = 8;
const WARMUP = QUICK ? 200 : 3_000;

const child = fork(`${here}/server.mjs`, { stdio: "inherit" });
const { port, bytes } = await new Promise((resolve) => child.once("message", resolve));
const origin = `http://127.0.0.1:${port}`;
/** The URL of request `i`: one constant URL, or a distinct one per request. */
let distinct = false;
const pathOf = (i) => (distinct ? `/api/vms/${i}?page=${i % 97}&filter=vm-${i}` : "/api/vms");
let counter = 0;

const agentOptions = { connections: CONCURRENCY, keepAliveTimeout: 60_000 };
const rawAgent = new undici.Agent(agentOptions);
const transport = core.undiciTransport(agentOptions);

const variants = {
  "raw undici.request": async () => {
    const path = pathOf(counter++);
    const res = await undici.request(origin + path, {
      method: "GET",
      headers: { accept: "application/json" },
      dispatcher: rawAgent,
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    if (res.statusCode !== 200 || body.length !== bytes || res.headers["x-path"] !== path)
      throw new Error("bad response");
  },
  "raw Agent.request": async () => {
    const path = pathOf(counter++);
    const res = await rawAgent.request({
      origin,
      path,
      method: "GET",
      headers: { accept: "application/json" },
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    if (res.statusCode !== 200 || body.length !== bytes || res.headers["x-path"] !== path)
      throw new Error("bad response");
  },
  undiciTransport: async () => {
    const path = pathOf(counter++);
    const res = await transport({
      method: "GET",
      url: origin + path,
      headers: { accept: "application/json" },
    });
    if (res.status !== 200 || res.body.length !== bytes || res.headers["x-path"] !== path)
      throw new Error("bad response");
  },
  "request(undiciTransport)": async () => {
    const path = pathOf(counter++);
    const res = await core.request(transport, {
      method: "GET",
      url: origin + path,
      headers: { accept: "application/json" },
    });
    if (res.status !== 200 || res.body.length !== bytes || res.headers["x-path"] !== path)
      throw new Error("bad response");
  },
};

/** Requests per second (wall) and client CPU microseconds per request of one round. */
async function runRound(fn, n) {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < n) await fn();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { rps: n / seconds, cpuMicros: (cpu.user + cpu.system) / n };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const names = Object.keys(variants);
const tables = {};
for (const urls of ["constant", "distinct"]) {
  distinct = urls === "distinct";
  for (const name of names) await runRound(variants[name], WARMUP);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) results[name].push(await runRound(variants[name], REQUESTS));
  }
  // Ratios round by round (each variant against the baseline of the same round), then the median.
  const cpuRatio = (baseline, name) =>
    median(results[name].map((x, i) => results[baseline][i].cpuMicros / x.cpuMicros));
  const rpsRatio = (baseline, name) => median(results[name].map((x, i) => x.rps / results[baseline][i].rps));
  tables[urls] = Object.fromEntries(
    names.map((name) => [
      name,
      {
        rps: median(results[name].map((x) => x.rps)),
        cpuMicrosPerRequest: median(results[name].map((x) => x.cpuMicros)),
        perCpuVsRawRequest: cpuRatio("raw undici.request", name),
        perCpuVsAgentRequest: cpuRatio("raw Agent.request", name),
        rpsVsRawRequest: rpsRatio("raw undici.request", name),
      },
    ]),
  );
}

const setup = `node ${process.version}, undici ${undiciVersion()}, ${REQUESTS} requests x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${bytes} B JSON body, keep-alive`;
console.log(setup);
console.log(
  "| URLs | variant | req/s (median) | client CPU µs/req | req per CPU-s vs raw undici.request | vs raw Agent.request | req/s vs raw undici.request |",
);
console.log("|---|---|---:|---:|---:|---:|---:|");
const pct = (r) => `${(r * 100).toFixed(1)} %`;
for (const [urls, table] of Object.entries(tables))
  for (const [name, t] of Object.entries(table))
    console.log(
      `| ${urls} | ${name} | ${Math.round(t.rps)} | ${t.cpuMicrosPerRequest.toFixed(1)} | ${pct(t.perCpuVsRawRequest)} | ${pct(t.perCpuVsAgentRequest)} | ${pct(t.rpsVsRawRequest)} |`,
    );
writeResult("core", {
  setup,
  tables,
  goals: [
    goal(
      "undiciTransport req per client CPU-second vs raw undici.request, distinct URLs",
      100 * tables.distinct.undiciTransport.perCpuVsRawRequest,
      ">=",
      95,
      " %",
      "pnpm bench core",
    ),
    goal(
      "request(undiciTransport) req per client CPU-second vs raw undici.request, distinct URLs",
      100 * tables.distinct["request(undiciTransport)"].perCpuVsRawRequest,
      ">=",
      95,
      " %",
      "pnpm bench core",
    ),
  ],
});

function undiciVersion() {
  return createRequire(new URL("package.json", coreDir))("undici/package.json").version;
}

await transport.close();
await rawAgent.close();
child.disconnect();
