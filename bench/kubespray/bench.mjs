// Kubespray inventory, process against process: `kubespray-inventory list FILE` (the built CLI, a cold
// Node process, start-up included) against `ansible-inventory -i FILE --list` (Debian ansible-core) on
// the same generated 5,000-host inventories, interleaved in the same run, CPU time of each process
// (wait4). Inputs: INI, plain YAML, YAML with anchors/aliases/merge keys/block scalars. Every output
// is compared byte for byte with Ansible's. Start-up: `kubespray-inventory --help` against `node -e 0`.
//
//   pnpm build && node bench/kubespray/bench.mjs [ROUNDS=5] [HOSTS=5000]     (pnpm bench kubespray)
//   node bench/kubespray/bench.mjs --quick                                    (200 hosts, one round)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  goal,
  numbers,
  QUICK,
  ROOT,
  requireBuilt,
  runProcesses,
  summarize,
  writeResult,
} from "../lib/harness.mjs";
import { generate } from "./generate.mjs";

const [rounds = QUICK ? 1 : 5, hosts = QUICK ? 200 : 5000] = numbers;
requireBuilt("kubespray-inventory");
const bin = join(ROOT, "packages/kubespray-inventory/dist/bin.js");
const dir = mkdtempSync(join(tmpdir(), "ks-bench-"));
const { ini, yaml } = generate(hosts);
const inputs = {
  ini: { file: join(dir, "inventory.ini"), text: ini },
  yaml: { file: join(dir, "inventory.yaml"), text: yaml },
  anchors: { file: join(dir, "inventory-anchors.yaml"), text: generate(hosts, { anchors: true }).yaml },
};
for (const i of Object.values(inputs)) writeFileSync(i.file, i.text);

const node = process.execPath;
const cases = [
  { name: "node -e 0", argv: [node, "-e", "0"] },
  { name: "kubespray-inventory --help", argv: [node, bin, "--help"] },
];
for (const [format, i] of Object.entries(inputs)) {
  cases.push({
    name: `ours ${format}`,
    argv: [node, bin, "list", i.file],
    stdout: `${i.file}.ours.json`,
    cwd: dir,
  });
  cases.push({
    name: `ansible ${format}`,
    argv: ["ansible-inventory", "-i", i.file, "--list"],
    stdout: `${i.file}.ansible.json`,
    cwd: dir,
    env: { ANSIBLE_LOCAL_TEMP: join(dir, ".ansible-tmp"), ANSIBLE_NOCOLOR: "1" },
  });
}
const ansibleVersion = execFileSync("ansible-inventory", ["--version"], { encoding: "utf8" }).split("\n")[0];
const runs = runProcesses(cases, rounds);
const s = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summarize(v)]));

const rows = [];
for (const [format, i] of Object.entries(inputs)) {
  const ours = readFileSync(`${i.file}.ours.json`, "utf8");
  const theirs = readFileSync(`${i.file}.ansible.json`, "utf8");
  if (ours !== theirs) throw new Error(`${format}: our output differs from ansible-inventory's`);
  const o = s[`ours ${format}`];
  const a = s[`ansible ${format}`];
  const perRound = runs[`ours ${format}`].map((x, r) => runs[`ansible ${format}`][r].cpu / x.cpu);
  rows.push({
    input: format,
    bytes: Buffer.byteLength(i.text),
    ours: o,
    ansible: a,
    cpuRatio: a.cpu / o.cpu,
    cpuRatioPerRound: perRound,
    wallRatio: a.wall / o.wall,
    sameOutput: true,
  });
}
const startup = {
  nodeE0: s["node -e 0"],
  help: s["kubespray-inventory --help"],
  cpuOverMs: (s["kubespray-inventory --help"].cpu - s["node -e 0"].cpu) * 1000,
  wallOverMs: (s["kubespray-inventory --help"].wall - s["node -e 0"].wall) * 1000,
};
rmSync(dir, { recursive: true, force: true });

const cmd = "pnpm bench kubespray";
const byInput = Object.fromEntries(rows.map((r) => [r.input, r]));
const goals = [
  goal(`list, ${hosts} hosts INI: ansible-inventory CPU / ours`, byInput.ini.cpuRatio, ">=", 40, "×", cmd),
  goal(
    `list, ${hosts} hosts YAML with anchors: ansible-inventory CPU / ours`,
    byInput.anchors.cpuRatio,
    ">=",
    20,
    "×",
    cmd,
  ),
  goal("--help CPU minus node -e 0 CPU", startup.cpuOverMs, "<=", 60, " ms", cmd),
];
console.log(`${hosts} hosts, ${rounds} interleaved rounds, ${ansibleVersion}, node ${process.version}`);
console.log(
  "| input | size | ours CPU | ansible CPU | CPU ratio (per round) | ours wall | ansible wall | same output |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---|");
const sec = (x) => `${x.toFixed(3)} s`;
for (const r of rows)
  console.log(
    `| ${r.input} | ${(r.bytes / 1024).toFixed(0)} kB | ${sec(r.ours.cpu)} | ${sec(r.ansible.cpu)} | **${r.cpuRatio.toFixed(1)}×** (${r.cpuRatioPerRound.map((x) => x.toFixed(1)).join(", ")}) | ${sec(r.ours.wall)} | ${sec(r.ansible.wall)} | yes |`,
  );
console.log(
  `start-up: node -e 0 ${sec(startup.nodeE0.cpu)} CPU, --help ${sec(startup.help.cpu)} CPU: +${startup.cpuOverMs.toFixed(1)} ms CPU (+${startup.wallOverMs.toFixed(1)} ms wall)`,
);
writeResult("kubespray", { hosts, rounds, peer: ansibleVersion, rows, startup, goals });
