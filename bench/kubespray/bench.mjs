// Benchmark: parse + validate + `--list` result for a generated 5,000-host Kubespray inventory (INI and
// YAML), against `ansible-inventory -i FILE --list` on the same files in the same run.
// Build first: pnpm --filter @homelab-kit/kubespray-inventory build
// Usage: node bench/kubespray/bench.mjs [HOSTS=5000] [RUNS=7] [ANSIBLE_RUNS=3]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  parseIniInventory,
  parseYamlInventory,
  toAnsibleJson,
  toAnsibleList,
  validateInventory,
} from "../../packages/kubespray-inventory/dist/index.js";
import { generate } from "./generate.mjs";

const hosts = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 7);
const ansibleRuns = Number(process.argv[4] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "ks-bench-"));
const { ini, yaml } = generate(hosts);
const files = { ini: join(dir, "inv.ini"), yaml: join(dir, "inv.yaml") };
writeFileSync(files.ini, ini);
writeFileSync(files.yaml, yaml);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ours(format) {
  const times = { parse: [], validate: [], list: [], total: [] };
  let out;
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const text = readFileSync(files[format], "utf8");
    const inv =
      format === "ini"
        ? parseIniInventory(text, { file: files[format] })
        : parseYamlInventory(text, { file: files[format] });
    const t1 = performance.now();
    const findings = validateInventory(inv);
    const t2 = performance.now();
    out = toAnsibleJson(toAnsibleList(inv));
    const t3 = performance.now();
    if (i === 0) {
      if (findings.some((f) => f.severity === "error"))
        throw new Error(`unexpected findings: ${JSON.stringify(findings[0])}`);
      continue; // warm-up
    }
    times.parse.push(t1 - t0);
    times.validate.push(t2 - t1);
    times.list.push(t3 - t2);
    times.total.push(t3 - t0);
  }
  return { times: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])), out };
}

function ansible(format) {
  const times = [];
  let out;
  for (let i = 0; i < ansibleRuns; i++) {
    const t0 = performance.now();
    const r = spawnSync("ansible-inventory", ["-i", files[format], "--list"], {
      cwd: dir,
      maxBuffer: 1 << 30,
      encoding: "utf8",
    });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(r.stderr);
    out = r.stdout;
  }
  return { time: median(times), out };
}

const version = execFileSync("ansible-inventory", ["--version"], { encoding: "utf8" }).split("\n")[0];
const rows = [];
for (const format of ["ini", "yaml"]) {
  const o = ours(format);
  const a = ansible(format);
  const same = JSON.stringify(JSON.parse(o.out)) === JSON.stringify(JSON.parse(a.out));
  rows.push({
    format,
    size: (format === "ini" ? ini : yaml).length,
    ...o.times,
    ansible: a.time,
    ratio: a.time / o.times.total,
    same,
  });
}
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(
  `${hosts} hosts, median of ${runs} runs (ours, in-process after 1 warm-up) and ${ansibleRuns} runs (${version}), node ${process.version}`,
);
console.log(
  "| file | size | parse | validate | --list JSON | ours total | ansible-inventory --list | ratio | same output |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows)
  console.log(
    `| ${r.format} | ${(r.size / 1024).toFixed(0)} kB | ${ms(r.parse)} | ${ms(r.validate)} | ${ms(r.list)} | ${ms(r.total)} | ${(r.ansible / 1000).toFixed(2)} s | ${r.ratio.toFixed(0)}× | ${r.same ? "yes" : "NO"} |`,
  );
