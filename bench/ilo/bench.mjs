// Bench: requests/s and p99 of the iLO emulator for a Redfish GET /redfish/v1/Systems/1/
// (session auth) and a RIBCL GET_HOST_POWER_STATUS, and in the same run the same Redfish GET against
// sushy-tools (PyPI, fake driver) as the peer. Both serve HTTPS with the same certificate; the load
// generator (core's undiciTransport, keep-alive, CONCURRENCY requests in flight) runs in this process, each server in
// its own. Every answer is checked (status 200 and its content: the ComputerSystem's PowerState,
// RIBCL STATUS="0x0000" with HOST_POWER); one bad answer fails the bench. The servers' CPU time per
// request (from /proc) is reported beside req/s: steadier on a shared machine.
//   pnpm build && bash bench/setup-peers.sh && node bench/ilo/bench.mjs [seconds=10] [rounds=3]
//   (pnpm bench ilo; --quick: 1 s × 1 round)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goal, numbers, QUICK, requireBuilt, writeResult } from "../lib/harness.mjs";

requireBuilt("core", "emulator");
const { undiciTransport } = await import("../../packages/core/dist/index.js");
const { generateSelfSignedCertificate } = await import("../../packages/emulator/dist/index.js");
const [seconds = QUICK ? 1 : 10, ROUNDS = QUICK ? 1 : 3] = numbers;
const DURATION_MS = seconds * 1000;
const WARMUP_MS = QUICK ? 300 : 2_000;
const CONCURRENCY = 10;
const SUSHY_TOOLS_VERSION = "2.2.0";
const cache = process.env.HOMELAB_KIT_CACHE ?? join(process.env.HOME ?? "/root", ".cache/homelab-kit");
const SUSHY_EMULATOR =
  process.env.SUSHY_EMULATOR ?? join(cache, `sushy-tools-${SUSHY_TOOLS_VERSION}/bin/sushy-emulator`);

/** CPU seconds (user + system) a process has used so far (Linux /proc, clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const dir = mkdtempSync(join(tmpdir(), "ilo-bench-"));
const { cert, key } = await generateSelfSignedCertificate();
writeFileSync(join(dir, "cert.pem"), cert);
writeFileSync(join(dir, "key.pem"), key);

function start(cmd, args, ready) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (d) => {
      out += d.toString();
      const value = ready(out);
      if (value !== undefined) resolve({ child, value });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 30_000).unref();
  });
}

/** A pool of CONCURRENCY keep-alive connections to `origin`, as `request(req)` → {status, headers, body}. */
function pool(origin) {
  const transport = undiciTransport({ connections: CONCURRENCY, tls });
  return {
    request: (req) => transport({ headers: {}, ...req, url: origin + req.path }),
    close: () => transport.close(),
  };
}

async function load(name, pool, request, check, pid) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const run = async (until, record) => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const res = await pool.request(request());
        if (res.status !== 200 || !check(new TextDecoder().decode(res.body))) {
          errors++;
          firstError ??= `HTTP ${res.status}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      if (record) latencies.push(performance.now() - t0);
    }
  };
  const warm = performance.now() + WARMUP_MS;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(warm, false)));
  const cpu0 = cpuSeconds(pid);
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(start + DURATION_MS, true)));
  if (errors > 0) throw new Error(`${name}: ${errors} bad answers, first: ${firstError}`);
  const cpuMicros = ((cpuSeconds(pid) - cpu0) * 1e6) / latencies.length;
  return { name, latencies, errors, cpuMicros, seconds: (performance.now() - start) / 1000 };
}

const tls = { ca: cert, servername: "localhost" };

// Both servers run side by side; the cases alternate in rounds so that a machine whose load
// changes over time (CI neighbours) weighs on each case alike.
const ours = await start(
  "node",
  [new URL("./server.mjs", import.meta.url).pathname, join(dir, "cert.pem"), join(dir, "key.pem")],
  (out) => {
    const m = /\{"port":(\d+)\}/.exec(out);
    return m ? Number(m[1]) : undefined;
  },
);
const peerPort = 20000 + Math.floor(Math.random() * 20000);
const peer = await start(
  SUSHY_EMULATOR,
  [
    "--fake",
    "-i",
    "127.0.0.1",
    "-p",
    String(peerPort),
    "--ssl-certificate",
    join(dir, "cert.pem"),
    "--ssl-key",
    join(dir, "key.pem"),
  ],
  (out) => (/Running on|Serving Flask/.test(out) ? peerPort : undefined),
);
const cases = [];
try {
  const emulator = pool(`https://127.0.0.1:${ours.value}`);
  const login = await emulator.request({
    method: "POST",
    path: "/redfish/v1/SessionService/Sessions/",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ UserName: "Administrator", Password: "password" }),
  });
  const token = login.headers["x-auth-token"];
  if (login.status !== 201 || !token) throw new Error(`login failed: ${login.status}`);
  const script =
    '<?xml version="1.0"?>\r\n<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="Administrator" PASSWORD="password">' +
    '<SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO></LOGIN></RIBCL>\r\n';
  const sushy = pool(`https://127.0.0.1:${peerPort}`);
  let systems;
  for (let i = 0; i < 50 && !systems; i++) {
    try {
      const r = await sushy.request({ method: "GET", path: "/redfish/v1/Systems/" });
      systems = JSON.parse(new TextDecoder().decode(r.body));
    } catch {
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  const path = systems?.Members?.[0]?.["@odata.id"];
  if (!path) throw new Error("sushy-tools has no system");
  cases.push(
    {
      name: "homelab-kit iLO emulator: Redfish GET /redfish/v1/Systems/1/ (X-Auth-Token)",
      client: emulator,
      pid: ours.child.pid,
      check: (body) => JSON.parse(body).PowerState !== undefined,
      request: () => ({ method: "GET", path: "/redfish/v1/Systems/1/", headers: { "x-auth-token": token } }),
    },
    {
      name: `sushy-tools ${SUSHY_TOOLS_VERSION} --fake: Redfish GET ${path} (no auth)`,
      client: sushy,
      pid: peer.child.pid,
      check: (body) => JSON.parse(body).PowerState !== undefined,
      request: () => ({ method: "GET", path }),
    },
    {
      name: "homelab-kit iLO emulator: RIBCL GET_HOST_POWER_STATUS (new TLS connection per answer, as iLO closes it)",
      client: emulator,
      pid: ours.child.pid,
      check: (body) => body.includes('STATUS="0x0000"') && body.includes("HOST_POWER"),
      request: () => ({
        method: "POST",
        path: "/ribcl",
        headers: { "content-type": "text/xml" },
        body: script,
      }),
    },
  );
  for (const c of cases) c.runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) c.runs.push(await load(c.name, c.client, c.request, c.check, c.pid));
  }
  await emulator.close();
  await sushy.close();
} finally {
  ours.child.kill("SIGTERM");
  peer.child.kill("SIGTERM");
}
const results = cases.map((c) => {
  const latencies = c.runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  const seconds = c.runs.reduce((n, r) => n + r.seconds, 0);
  return {
    name: c.name,
    requests: latencies.length,
    errors: c.runs.reduce((n, r) => n + r.errors, 0),
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    cpuMicrosPerRequest: [...c.runs.map((r) => r.cpuMicros)].sort((a, b) => a - b)[
      Math.floor(c.runs.length / 2)
    ],
  };
});
const [redfish, sushy] = results;
const setup = `concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${DURATION_MS / 1000} s per case (after ${WARMUP_MS / 1000} s warm-up each), cases interleaved, HTTPS keep-alive`;
console.log(setup);
console.log("| case | requests | req/s | p50 ms | p99 ms | server CPU µs/req |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of results)
  console.log(
    `| ${r.name} | ${r.requests} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuMicrosPerRequest.toFixed(0)} |`,
  );
const cmd = "pnpm bench ilo";
writeResult("ilo", {
  setup,
  results,
  ratios: {
    rps: redfish.rps / sushy.rps,
    p99: redfish.p99 / sushy.p99,
    requestsPerServerCpuSecond: sushy.cpuMicrosPerRequest / redfish.cpuMicrosPerRequest,
  },
  goals: [
    goal("Redfish GET: ours / sushy-tools req/s", redfish.rps / sushy.rps, ">=", 10, "×", cmd),
    goal("Redfish GET: ours / sushy-tools p99", redfish.p99 / sushy.p99, "<=", 0.1, "×", cmd),
  ],
});
