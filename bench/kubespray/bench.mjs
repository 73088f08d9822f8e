// Benchmark: parse + validate + `--list` result for a generated 5,000-host Kubespray inventory (INI and
// YAML), against `ansible-inventory -i FILE --list` on the same files in the same run.
// Build first: pnpm --filter @homelab-kit/kubespray-inventory build
// Usage: node bench/kubespray/bench.mjs [HOSTS=5000] [RUNS=7] [ANSIBLE_RUNS=3] [WARMUPS=3]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
/** Un-measured runs first, so the median is of JIT-compiled code (a long-lived process), not of start-up. */
const warmups = Number(process.argv[5] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "ks-bench-"));
const { ini, yaml } = generate(hosts);
const files = { ini: join(dir, "inv.ini"), yaml: join(dir, "inv.yaml") };
writeFileSync(files.ini, ini);
writeFileSync(files.yaml, yaml);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU (user+system) milliseconds of f(). CPU time is what to compare on a busy machine. */
function measure(f) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

function ours(format) {
  const times = { parse: [], validate: [], list: [], total: [], cpu: [] };
  let out;
  for (let i = 0; i < runs + warmups; i++) {
    const p = measure(() => {
      const text = readFileSync(files[format], "utf8");
      return format === "ini"
        ? parseIniInventory(text, { file: files[format] })
        : parseYamlInventory(text, { file: files[format] });
    });
    const v = measure(() => validateInventory(p.value));
    const l = measure(() => toAnsibleJson(toAnsibleList(p.value)));
    out = l.value;
    if (i === 0 && v.value.some((f) => f.severity === "error"))
      throw new Error(`unexpected findings: ${JSON.stringify(v.value[0])}`);
    if (i < warmups) continue;
    times.parse.push(p.wall);
    times.validate.push(v.wall);
    times.list.push(l.wall);
    times.total.push(p.wall + v.wall + l.wall);
    times.cpu.push(p.cpu + v.cpu + l.cpu);
  }
  return {
    times: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
    cpuRange: [Math.min(...times.cpu), Math.max(...times.cpu)],
    out,
  };
}

/** ansible-inventory through a tiny Python wrapper that reports the child's CPU time (RUSAGE_CHILDREN). */
const WRAP = `
import json, resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=open(sys.argv[-1] + ".out", "wb"), stderr=subprocess.PIPE)
wall = (time.monotonic() - t) * 1000
u = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode: sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)
print(json.dumps({"wall": wall, "cpu": (u.ru_utime + u.ru_stime) * 1000}))
`;

function ansible(format) {
  const walls = [];
  const cpus = [];
  for (let i = 0; i < ansibleRuns; i++) {
    const r = spawnSync("python3", ["-c", WRAP, "ansible-inventory", "--list", "-i", files[format]], {
      cwd: dir,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const m = JSON.parse(r.stdout);
    walls.push(m.wall);
    cpus.push(m.cpu);
  }
  return { time: median(walls), cpu: median(cpus), out: readFileSync(`${files[format]}.out`, "utf8") };
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
    cpuRange: o.cpuRange,
    ansible: a.time,
    ansibleCpu: a.cpu,
    same,
  });
}
const ms = (x) => `${x.toFixed(1)} ms`;
const s = (x) => `${(x / 1000).toFixed(2)} s`;
console.log(
  `${hosts} hosts; ours: median of ${runs} in-process runs after ${warmups} warm-ups; ${version}: median of ${ansibleRuns} runs; node ${process.version}; load average ${(await import("node:os")).loadavg()[0].toFixed(1)}`,
);
console.log(
  "| file | size | parse | validate | --list JSON | ours wall | ours CPU | ansible wall | ansible CPU | ratio wall | ratio CPU | same output |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
const worst = [];
for (const r of rows)
  console.log(
    `| ${r.format} | ${(r.size / 1024).toFixed(0)} kB | ${ms(r.parse)} | ${ms(r.validate)} | ${ms(r.list)} | ${ms(r.total)} | ${ms(r.cpu)} | ${s(r.ansible)} | ${s(r.ansibleCpu)} | ${(r.ansible / r.total).toFixed(0)}× | ${(r.ansibleCpu / r.cpu).toFixed(0)}× | ${r.same ? "yes" : "NO"} |`,
  );
for (const r of rows)
  worst.push(
    `${r.format}: our CPU per run ${ms(r.cpuRange[0])}–${ms(r.cpuRange[1])} → CPU ratio ${(r.ansibleCpu / r.cpuRange[1]).toFixed(0)}×–${(r.ansibleCpu / r.cpuRange[0]).toFixed(0)}× (slowest–fastest run)`,
  );
console.log(worst.join("\n"));
rmSync(dir, { recursive: true, force: true });
