// OpenNebula decode benchmark: 10,000 full VMs, as a pool document and as the XML-RPC
// envelope oned sends for one.vmpool.infoextended. Every decoder walks every VM (ID, NAME, STATE,
// LCM_STATE, TEMPLATE.NIC.IP), each run in a fresh process (peak RSS per run), in the same session.
//
//   pnpm --filter @homelab-kit/core build && pnpm --filter @homelab-kit/opennebula build \
//     && pnpm --filter @homelab-kit/emulator build
//   python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install lxml xmltodict
//   BENCH_PYTHON=/tmp/bench-venv/bin/python node bench/opennebula/bench.mjs [runs=5] [--slow] [--sample-input]
//
// The input is the OpenNebula emulator's answer to one.vmpool.infoextended (emulator-input.mjs);
// --sample-input uses the older input built from the reference vm.xml instead (generate.mjs).
// --slow adds the JavaScript peers that take tens of seconds (xmlrpc npm + fast-xml-parser,
// fast-xml-parser on the pool), run once each.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { generate } from "./generate.mjs";

const here = import.meta.dirname;
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const slow = process.argv.includes("--slow");
const python = process.env.BENCH_PYTHON ?? "python3";

const source = process.argv.includes("--sample-input") ? "sample" : "emulator";
for (const pkg of ["opennebula", ...(source === "emulator" ? ["emulator"] : [])]) {
  if (!existsSync(join(here, `../../packages/${pkg}/dist/index.js`))) {
    throw new Error(
      `build first: pnpm --filter @homelab-kit/core build && pnpm --filter @homelab-kit/${pkg} build`,
    );
  }
}
const { poolPath, envelopePath } = generate(10_000, source);
process.stderr.write(`input: ${source} (${envelopePath})\n`);

const cases = [
  { name: "ours-envelope", what: "envelope → walked raw VMs (ours)", input: envelopePath, node: true },
  {
    name: "ours-envelope-zod",
    what: "envelope → zod-validated typed VMs (ours)",
    input: envelopePath,
    node: true,
  },
  {
    name: "client-raw",
    what: "client, validate: false: vmpool.infoextended → walked raw VMs",
    input: envelopePath,
    node: true,
  },
  {
    name: "client-zod",
    what: "client (zod, item by item): vmpool.infoextended → typed VMs",
    input: envelopePath,
    node: true,
  },
  {
    name: "pyone-envelope",
    what: "envelope → VMs, pyone's path (xmlrpc.client + lxml + xmltodict)",
    input: envelopePath,
  },
  { name: "ours-pool", what: "pool XML → walked VMs (ours)", input: poolPath, node: true },
  { name: "lxml-pool", what: "pool XML → walked VMs (Python lxml)", input: poolPath },
];
const slowCases = [
  {
    name: "xmlrpc-fxp-envelope",
    what: "envelope → VMs (xmlrpc npm + fast-xml-parser)",
    input: envelopePath,
    node: true,
  },
  { name: "fxp-pool", what: "pool XML → VMs (fast-xml-parser)", input: poolPath, node: true },
];

function runCase(c) {
  const [cmd, args] = c.node
    ? [process.execPath, [join(here, "case.mjs"), c.name, c.input]]
    : [python, [join(here, "peer_python.py"), c.name, c.input]];
  const out = execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  const result = JSON.parse(out.trim().split("\n").at(-1));
  if (result.vms !== 10_000 || result.ips !== 13_334)
    throw new Error(`${c.name} walked ${result.vms}/${result.ips}`);
  return result;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = new Map();
for (let r = 0; r < runs; r++) {
  for (const c of cases) {
    const list = results.get(c.name) ?? [];
    list.push(runCase(c));
    results.set(c.name, list);
    process.stderr.write(".");
  }
}
if (slow) for (const c of slowCases) results.set(c.name, [runCase(c)]);
process.stderr.write("\n");

const stat = (name) => {
  const list = results.get(name);
  return {
    wall: median(list.map((x) => x.seconds)),
    cpu: median(list.map((x) => x.cpuSeconds)),
    rss: Math.max(...list.map((x) => x.rssMiB)),
    n: list.length,
  };
};
const pyone = stat("pyone-envelope");
const lxml = stat("lxml-pool");
const rows = [...cases, ...(slow ? slowCases : [])].map((c) => {
  const s = stat(c.name);
  const base = c.input === envelopePath ? pyone : lxml;
  return `| ${c.what} | ${s.wall.toFixed(2)} s | ${s.cpu.toFixed(2)} s | ${(s.cpu / base.cpu).toFixed(3)}× ${c.input === envelopePath ? "pyone" : "lxml"} | ${(s.wall / base.wall).toFixed(3)}× | ${s.rss.toFixed(0)} MiB | ${s.n} |`;
});
const mb = (path) => (statSync(path).size / 1e6).toFixed(1);
console.log(
  `Node ${process.version}, ${runs} runs (median), ${new Date().toISOString()}, load ${loadavg()[0].toFixed(1)}`,
);
console.log(`input: ${source}, envelope ${mb(envelopePath)} MB, pool ${mb(poolPath)} MB`);
console.log("| case | wall (median) | CPU (median) | CPU ratio | wall ratio | peak RSS (max) | runs |");
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
