// Kubernetes: `startCluster({ provider: "binaries" })` to a ready API, to every component healthy, to
// a kwok Node Ready, the components' RSS, and stop (start-cluster.bench-run.ts, run by vitest for its
// TypeScript imports). The binaries come from scripts/k8s/build-binaries.sh (reused from the cache;
// a cold build takes about half an hour), as .ci/suites/kubernetes.sh gets them.
//   node bench/kubernetes/bench.mjs [runs=5]     (pnpm bench kubernetes; --quick: one run)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goal, median, numbers, QUICK, ROOT, writeResult } from "../lib/harness.mjs";

const [runs = QUICK ? 1 : 5] = numbers;
const assets =
  process.env.HOMELAB_KIT_K8S_ASSETS ??
  execFileSync("bash", [join(ROOT, "scripts/k8s/build-binaries.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1);
const out = join(mkdtempSync(join(tmpdir(), "k8s-bench-")), "runs.json");
const r = spawnSync("pnpm", ["exec", "vitest", "run", "--config", "bench/kubernetes/vitest.config.ts"], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, BENCH_RUNS: String(runs), BENCH_RESULT: out, HOMELAB_KIT_K8S_ASSETS: assets },
});
if (r.status !== 0) throw new Error(`the Kubernetes bench failed (exit ${r.status})`);
const results = JSON.parse(readFileSync(out, "utf8"));
const med = (key) => median(results.map((x) => x[key]));
const versions = JSON.parse(readFileSync(join(assets, "versions.json"), "utf8"));
console.log(
  `median of ${runs}: API ready ${med("apiReadyMs")} ms, all components ${med("readyMs")} ms, kwok Node Ready ${med("nodeReadyMs")} ms, stop ${med("stopMs")} ms`,
);
writeResult("kubernetes", {
  runs,
  versions,
  results,
  goals: [
    goal(
      "startCluster to a ready API (wall, median)",
      med("apiReadyMs") / 1000,
      "<=",
      20,
      " s",
      "pnpm bench kubernetes",
    ),
  ],
});
