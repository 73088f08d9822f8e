// OpenNebula decode benchmark, object against object: our decoders and Python's (lxml; pyone's path,
// and pyone itself) on the same bytes, in the same run, rounds interleaved (case order rotated every
// round). Inputs: the OpenNebula emulator's own answer to one.vmpool.infoextended for 10,000 VMs
// (ASCII), and the same with notes and names in German, Japanese, Russian and French (UTF-8-heavy).
// Every decoder walks every VM (ID, NAME, STATE, LCM_STATE, TEMPLATE.NIC.IP) and the counts are
// checked; each run is a fresh process, CPU time measured inside it from the bytes in memory to the
// walked VMs (import excluded on both sides).
//
// The `decode` part of the opennebula area (bench.mjs imports it; results.json).
//   pnpm build && bash bench/setup-peers.sh && node bench/opennebula/bench.mjs [ROUNDS=5] [VMS=10000]
//   (pnpm bench opennebula; --quick: 300 VMs, one round; --slow adds the JavaScript peers that take
//   tens of seconds: xmlrpc npm + fast-xml-parser, fast-xml-parser on the pool, run once each)
//   --sample-input uses the older input built from docs/reference/opennebula/samples/vm.xml.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { benchPython, goal, median, numbers, QUICK, requireBuilt, writeResult } from "../lib/harness.mjs";
import { generate } from "./generate.mjs";

const here = import.meta.dirname;
const [rounds = QUICK ? 1 : 5, count = QUICK ? 300 : 10_000] = numbers;
const slow = process.argv.includes("--slow");
const python = benchPython();
requireBuilt("core", "opennebula", "emulator");

const sources = process.argv.includes("--sample-input") ? ["sample"] : ["emulator", "emulator-utf8"];
const inputs = Object.fromEntries(sources.map((s) => [s, generate(count, s)]));

/** Cases per input: name, what, which file (envelope or pool), who runs it, its baseline. */
const CASES = [
  ["ours-envelope", "envelope → walked raw VMs (ours)", "envelope", "node", "pyone-envelope"],
  ["ours-envelope-zod", "envelope → zod-validated typed VMs (ours)", "envelope", "node", "pyone-envelope"],
  [
    "client-raw",
    "client, validate: false: vmpool.infoextended → walked raw VMs",
    "envelope",
    "node",
    "pyone-envelope",
  ],
  [
    "client-zod",
    "client (zod, item by item): vmpool.infoextended → typed VMs",
    "envelope",
    "node",
    "pyone-envelope",
  ],
  [
    "pyone-envelope",
    "envelope → VMs, pyone's path (xmlrpc.client + lxml + xmltodict)",
    "envelope",
    "python",
    "pyone-envelope",
  ],
  [
    "pyone-real-envelope",
    "envelope → VMs, pyone 7 itself (generateDS objects)",
    "envelope",
    "python",
    "pyone-envelope",
  ],
  ["ours-pool", "pool XML → walked VMs (ours)", "pool", "node", "lxml-pool"],
  ["lxml-pool", "pool XML → walked VMs (Python lxml)", "pool", "python", "lxml-pool"],
];
const SLOW = [
  [
    "xmlrpc-fxp-envelope",
    "envelope → VMs (xmlrpc npm + fast-xml-parser)",
    "envelope",
    "node",
    "pyone-envelope",
  ],
  ["fxp-pool", "pool XML → VMs (fast-xml-parser)", "pool", "node", "lxml-pool"],
];
const expectedIps = count + Math.ceil(count / 3); // every third VM has a second NIC

function runCase([name, , file, runner], source) {
  const path = file === "pool" ? inputs[source].poolPath : inputs[source].envelopePath;
  const [cmd, args] =
    runner === "node"
      ? [process.execPath, [join(here, "case.mjs"), name, path]]
      : [python, [join(here, "peer_python.py"), name, path]];
  const out = execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  const result = JSON.parse(out.trim().split("\n").at(-1));
  if (result.vms !== count || result.ips !== expectedIps)
    throw new Error(`${name} on ${source} walked ${result.vms} VMs / ${result.ips} IPs`);
  return result;
}

const runs = new Map(); // `${source} ${case}` → results
const jobs = sources.flatMap((source) => CASES.map((c) => ({ source, c })));
for (let r = 0; r < rounds; r++) {
  const shift = r % jobs.length;
  for (const { source, c } of [...jobs.slice(shift), ...jobs.slice(0, shift)]) {
    const key = `${source} ${c[0]}`;
    runs.set(key, [...(runs.get(key) ?? []), runCase(c, source)]);
    process.stderr.write(".");
  }
}
if (slow) for (const c of SLOW) runs.set(`${sources[0]} ${c[0]}`, [runCase(c, sources[0])]);
process.stderr.write("\n");

const stat = (key) => {
  const list = runs.get(key);
  return {
    runs: list.length,
    cpu: median(list.map((x) => x.cpuSeconds)),
    cpuRange: [Math.min(...list.map((x) => x.cpuSeconds)), Math.max(...list.map((x) => x.cpuSeconds))],
    wall: median(list.map((x) => x.seconds)),
    rssMiB: Math.max(...list.map((x) => x.rssMiB)),
  };
};
const rows = [];
for (const source of sources)
  for (const c of [...CASES, ...(slow ? SLOW : [])]) {
    if (!runs.has(`${source} ${c[0]}`)) continue;
    const s = stat(`${source} ${c[0]}`);
    const base = stat(`${source} ${c[4]}`);
    // per round: the case against its baseline measured in the same round
    const perRound = runs
      .get(`${source} ${c[0]}`)
      .map((x, i) => x.cpuSeconds / runs.get(`${source} ${c[4]}`)[i].cpuSeconds);
    rows.push({
      input: source,
      case: c[0],
      what: c[1],
      baseline: c[4],
      ...s,
      cpuRatio: s.cpu / base.cpu,
      cpuRatioPerRound: perRound,
    });
  }
const mb = (path) => Number((statSync(path).size / 1e6).toFixed(1));
const sizes = Object.fromEntries(
  sources.map((s) => [s, { envelopeMB: mb(inputs[s].envelopePath), poolMB: mb(inputs[s].poolPath) }]),
);
const pythonVersions = execFileSync(
  python,
  [
    "-c",
    "import sys, lxml, importlib.metadata as m; print(sys.version.split()[0], lxml.__version__, m.version('pyone'))",
  ],
  { encoding: "utf8" },
).trim();

console.log(
  `Node ${process.version}; Python, lxml, pyone: ${pythonVersions}; ${count} VMs; ${rounds} rounds (median)`,
);
console.log("| input | case | CPU (median) | CPU ratio | per round | wall (median) | peak RSS |");
console.log("|---|---|---:|---:|---|---:|---:|");
for (const r of rows)
  console.log(
    `| ${r.input} (${sizes[r.input][r.case.includes("pool") ? "poolMB" : "envelopeMB"]} MB) | ${r.what} | ${r.cpu.toFixed(3)} s | ${r.cpuRatio.toFixed(3)}× ${r.baseline.replace("-envelope", "").replace("-pool", "")} | ${r.cpuRatioPerRound.map((x) => x.toFixed(3)).join(", ")} | ${r.wall.toFixed(2)} s | ${r.rssMiB.toFixed(0)} MiB |`,
  );

const find = (input, name) => rows.find((r) => r.input === input && r.case === name);
const cmd = "pnpm bench opennebula";
const goals = [];
if (sources.includes("emulator")) {
  goals.push(
    goal(
      `pool XML → walked VMs, ${count} VMs ASCII: ours / lxml CPU`,
      find("emulator", "ours-pool").cpuRatio,
      "<=",
      0.5,
      "×",
      cmd,
    ),
    goal(
      `pool XML → walked VMs, ${count} VMs UTF-8-heavy: ours / lxml CPU`,
      find("emulator-utf8", "ours-pool").cpuRatio,
      "<=",
      0.5,
      "×",
      cmd,
    ),
    goal(
      `envelope → walked raw VMs, ${count} VMs: ours / pyone's path CPU`,
      find("emulator", "ours-envelope").cpuRatio,
      "<=",
      0.12,
      "×",
      cmd,
    ),
  );
}
writeResult("opennebula", { count, rounds, python: pythonVersions, sizes, rows, goals });
