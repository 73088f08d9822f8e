// bench/monitoring: the metrics endpoints `homelab-emulator up` serves — scrape time of the ceph-mgr
// module's /metrics for the reference topology and for 1,000 hosts / 6,000 OSDs (goals < 50 ms and
// < 1 s), node_exporter and the iLO exporter, our node_exporter against the real one (Debian's
// prometheus-node-exporter, same run) — and the alert latency after a power-off with a real
// Prometheus (goal: one evaluation interval).
//
//   pnpm --filter "@homelab-kit/emulator..." build     (the bench builds examples/monitoring itself)
//   node bench/monitoring/bench.mjs [scrapes=20] [drills=5]     (pnpm bench monitoring)
//   BENCH_BIG=0 skips the 1,000-host topology; BENCH_DRILLS=0 the alert latency; BENCH_INTERVAL=1s.
// --quick: 3 scrapes per endpoint, one drill, 50 hosts / 300 OSDs instead of 1,000 / 6,000. The
// alert latency needs Prometheus and the peer ratio prometheus-node-exporter (bench/setup-peers.sh
// installs both); a quick run without them says so loudly and skips that part, a full run fails.
//
// Times are wall time per scrape over keep-alive HTTP (median, p95) and the CPU time the serving
// process spent per scrape (from /proc/<pid>/stat): the machine is shared, CPU time is the steadier.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  emulatorCopy,
  emulatorUp,
  goal,
  numbers,
  QUICK,
  requireBuilt,
  skipLoudly,
  writeResult,
} from "../lib/harness.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { Agent, request } = createRequire(join(root, "packages/emulator/package.json"))("undici");
requireBuilt("core", "emulator");
execFileSync("pnpm", ["--filter", "@homelab-kit/example-monitoring", "build"], {
  cwd: root,
  stdio: "ignore",
});
const bin = emulatorCopy();
const [scrapes = QUICK ? 3 : 20, drillsArg = QUICK ? 1 : 5] = numbers;
const drills = Number(process.env.BENCH_DRILLS ?? drillsArg);
const interval = process.env.BENCH_INTERVAL ?? "1s";
const [bigHosts, bigOsds] = QUICK ? [50, 6] : [1000, 6];
const found = (binary) => spawnSync(binary, ["--version"], { stdio: "ignore" }).status === 0;
/** What the run measured, for results.json. */
const result = { scrapes, drills, interval, scrape: {}, big: { hosts: bigHosts, osdsPerHost: bigOsds } };
const TICK_MS = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Spawns `homelab-emulator up --json --no-kubernetes` (the cluster plays no part in the metrics); resolves with the printed endpoints and the child. */
async function up(args) {
  const runDir = mkdtempSync(join(tmpdir(), "emu-"));
  const { child, endpoints: printed } = emulatorUp(bin, join(runDir, "run"), ["--no-kubernetes", ...args]);
  const endpoints = await printed;
  return { child, endpoints, runDir: join(runDir, "run") };
}

async function stop(child) {
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const dispatcher = new Agent({ connections: 4, bodyTimeout: 60_000, headersTimeout: 60_000 });

/** `n` sequential scrapes of `url`; wall ms each and the serving process's CPU ms per scrape. */
async function scrape(url, n, pid) {
  const walls = [];
  let bytes = 0;
  const res0 = await request(url, { dispatcher });
  await res0.body.dump(); // warm-up (first collect builds caches)
  const cpu0 = cpuMs(pid);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await request(url, { dispatcher });
    const body = await res.body.arrayBuffer();
    walls.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    bytes = body.byteLength;
  }
  return { median: quantile(walls, 0.5), p95: quantile(walls, 0.95), cpu: (cpuMs(pid) - cpu0) / n, bytes };
}

function row(what, r, goal = "") {
  result.scrape[what] = r;
  console.log(
    `| ${what} | ${(r.bytes / 1e6).toFixed(2)} MB | ${fmt(r.median)} ms | ${fmt(r.p95)} ms | ${fmt(r.cpu)} ms | ${goal} |`,
  );
}

const RIBCL_ON = (user, password) =>
  `<?xml version="1.0"?><RIBCL VERSION="2.0"><LOGIN USER_LOGIN="${user}" PASSWORD="${password}"><SERVER_INFO MODE="write"><SET_HOST_POWER HOST_POWER="Yes"/></SERVER_INFO></LOGIN></RIBCL>`;

async function powerOnAll(endpoints) {
  const ca = readFileSync(endpoints.iloCaFile, "utf8");
  const tls = new Agent({ connect: { ca } });
  for (const ilo of endpoints.ilo) {
    const res = await request(`${ilo.url}/ribcl`, {
      dispatcher: tls,
      method: "POST",
      body: RIBCL_ON(ilo.username, ilo.password),
    });
    await res.body.dump();
  }
  const deadline = Date.now() + 60_000;
  for (const node of endpoints.metrics.node) {
    for (;;) {
      const ok = await request(`${node.url}/metrics`, { dispatcher }).then(
        async (r) => {
          await r.body.dump();
          return r.statusCode === 200;
        },
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`node_exporter of ${node.host} never answered`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function bigTopology(hosts, osdsPerHost) {
  const lines = ["name: big", "hosts:"];
  for (let h = 1; h <= hosts; h++)
    lines.push(
      `  - { name: host${h}, memoryGiB: 256, cpu: { sockets: 2, cores: 16, threads: 32 }, ilo: { generation: ilo5 }, ceph: { osds: ${osdsPerHost}, osdGiB: 4000, mon: ${h <= 3} } }`,
    );
  lines.push("ceph:", "  pools: [{ name: rbd, pgNum: 8192 }]");
  return `${lines.join("\n")}\n`;
}

console.log(
  `load average at start: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
);
console.log(
  `\n| endpoint | size | wall median | wall p95 | emulator CPU per scrape | goal |\n|---|---:|---:|---:|---:|---|`,
);

// 1. the reference topology, every host on
const ref = await up(["--speed", "60"]);
await powerOnAll(ref.endpoints);
const m = ref.endpoints.metrics;
row(
  "ceph-mgr module, reference (3 hosts, 6 OSDs)",
  await scrape(`${m.cephMgr}/metrics`, scrapes, ref.child.pid),
  "< 50 ms",
);
row("node_exporter node1", await scrape(`${m.node[0].url}/metrics`, scrapes, ref.child.pid));
row("iLO exporter node1", await scrape(`${m.iloExporter}/metrics?host=node1`, scrapes, ref.child.pid));

// 2. the real node_exporter on this machine, same run (the peer for ours)
const peerBin = ["prometheus-node-exporter", "node_exporter"].find(found);
if (peerBin !== undefined) {
  const port = await freePort();
  const peer = spawn(peerBin, [`--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 1500));
  const real = await scrape(`http://127.0.0.1:${port}/metrics`, scrapes, peer.pid);
  row(`real node_exporter (${peerBin}, all its default collectors)`, real);
  const ours = await scrape(`${m.node[0].url}/metrics`, scrapes, ref.child.pid);
  result.nodeExporterPeer = {
    binary: peerBin,
    wallRatio: ours.median / real.median,
    cpuRatio: ours.cpu / real.cpu,
    ours,
    real,
  };
  console.log(
    `\nours / real node_exporter: wall ${(ours.median / real.median).toFixed(2)}×, CPU ${(ours.cpu / real.cpu).toFixed(2)}× (ours serves ${(ours.bytes / 1e3).toFixed(0)} kB of the dashboard subset, it ${(real.bytes / 1e3).toFixed(0)} kB)`,
  );
  peer.kill("SIGTERM");
} else if (QUICK)
  skipLoudly(
    "monitoring: ours against the real node_exporter",
    "no prometheus-node-exporter binary (bash bench/setup-peers.sh installs Debian's)",
  );
else throw new Error("no prometheus-node-exporter binary: run bash bench/setup-peers.sh");

// 3. alert latency after a power-off, with a real Prometheus
const prometheus = found("prometheus");
if (drills > 0 && !prometheus) {
  if (!QUICK) throw new Error("no prometheus binary: run bash bench/setup-peers.sh (or BENCH_DRILLS=0)");
  skipLoudly(
    "monitoring: alert latency after a power-off",
    "no prometheus binary (bash bench/setup-peers.sh installs Debian's)",
  );
} else if (drills > 0) {
  const { runDrill } = await import(join(root, "examples/monitoring/dist/drill.js"));
  const iloCa = readFileSync(ref.endpoints.iloCaFile, "utf8");
  const latencies = { CephOSDDown: [], NodeDown: [] };
  let intervalMs = 1000;
  for (let i = 0; i < drills; i++) {
    const report = await runDrill({
      ilo: ref.endpoints.ilo,
      iloCa,
      upConfigFile: join(ref.runDir, "prometheus.yml"),
      mixinFile: join(root, "docs/reference/ceph/prometheus/ceph_default_alerts.yml"),
      host: ref.endpoints.ilo[i % 3].host,
      interval,
    });
    intervalMs = report.intervalMs;
    if (!report.ok) throw new Error(`drill ${i + 1}: the expected alerts did not fire and clear`);
    for (const name of Object.keys(latencies))
      latencies[name].push(report.fired.find((f) => f.alertname === name)?.activeAfterMs);
  }
  console.log(
    `\nAlert latency, power-off request → alert active (Prometheus' activeAt), ${drills} drills, scrape = evaluation interval = ${interval}:`,
  );
  console.log("| alert | median | max | in evaluation intervals (median / max) |\n|---|---:|---:|---:|");
  result.alerts = { intervalMs };
  for (const [name, xs] of Object.entries(latencies)) {
    const med = quantile(xs, 0.5);
    const max = Math.max(...xs);
    result.alerts[name] = { activeAfterMs: xs, medianMs: med, maxMs: max, medianIntervals: med / intervalMs };
    console.log(
      `| ${name} | ${fmt(med)} ms | ${fmt(max)} ms | ${(med / intervalMs).toFixed(2)} / ${(max / intervalMs).toFixed(2)} |`,
    );
  }
}
await stop(ref.child);

// 4. 1,000 hosts / 6,000 OSDs (quick: 50 / 300)
const bigName = `${bigHosts.toLocaleString("en")} hosts / ${(bigHosts * bigOsds).toLocaleString("en")} OSDs`;
if (process.env.BENCH_BIG !== "0") {
  const dir = mkdtempSync(join(tmpdir(), "emu-big-"));
  writeFileSync(join(dir, "topology.yaml"), bigTopology(bigHosts, bigOsds));
  const t0 = performance.now();
  const big = await up(["--topology", join(dir, "topology.yaml")]);
  result.big.endpointsPrintedMs = performance.now() - t0;
  console.log(`\n${bigName}: endpoints printed after ${fmt(performance.now() - t0)} ms`);
  console.log(
    `\n| endpoint | size | wall median | wall p95 | emulator CPU per scrape | goal |\n|---|---:|---:|---:|---:|---|`,
  );
  const bm = big.endpoints.metrics;
  row(
    `ceph-mgr module, ${bigName}`,
    await scrape(`${bm.cephMgr}/metrics`, Math.max(3, Math.round(scrapes / 4)), big.child.pid),
    "< 1 s",
  );
  row(
    `node_exporter host1 (of ${bigHosts.toLocaleString("en")})`,
    await scrape(`${bm.node[0].url}/metrics`, scrapes, big.child.pid),
  );
  row(
    `iLO exporter host1 (of ${bigHosts.toLocaleString("en")})`,
    await scrape(`${bm.iloExporter}/metrics?host=host1`, scrapes, big.child.pid),
  );
  await stop(big.child);
}
console.log(
  `\nload average at end: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
);
await dispatcher.close();

const refMgr = result.scrape["ceph-mgr module, reference (3 hosts, 6 OSDs)"];
const bigMgr = result.scrape[`ceph-mgr module, ${bigName}`];
const command = "pnpm bench monitoring";
const goals = [
  goal(
    "ceph-mgr /metrics scrape, reference topology (wall, median)",
    refMgr.median,
    "<=",
    50,
    " ms",
    command,
  ),
];
if (bigMgr)
  goals.push(
    goal(`ceph-mgr /metrics scrape, ${bigName} (wall, median)`, bigMgr.median / 1000, "<=", 1, " s", command),
    goal(
      `ceph-mgr /metrics scrape, ${bigName} (emulator CPU per scrape)`,
      bigMgr.cpu / 1000,
      "<=",
      1,
      " s",
      command,
    ),
  );
for (const name of ["CephOSDDown", "NodeDown"])
  if (result.alerts?.[name])
    goals.push(
      goal(
        `${name}: power-off → alert active (median, in evaluation intervals)`,
        result.alerts[name].medianIntervals,
        "<=",
        1,
        " intervals",
        command,
      ),
    );
writeResult("monitoring", { ...result, goals });
