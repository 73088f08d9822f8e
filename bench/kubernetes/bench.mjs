// Kubernetes: `startCluster({ provider: "binaries" })` to a ready API, to every component healthy, to
// a kwok Node Ready, the components' RSS, and stop (start-cluster.bench-run.ts, run by vitest for its
// TypeScript imports). The binaries come from scripts/k8s/build-binaries.sh (reused from the cache;
// a cold build takes about half an hour), as .ci/suites/kubernetes.sh gets them.
//   node bench/kubernetes/bench.mjs [runs=5]     (pnpm bench kubernetes; --quick: one run)
// Two parts, both by default (--part=cluster or --part=up: one of them): `cluster` is the above
// (results.json); `up` is up.mjs, `homelab-emulator up` with the cluster to every endpoint ready and
// Certificates through DNS01 (up.results.json; 3 runs × 5 certificates per key type, BENCH_CERTIFICATES;
// --quick: one run, one certificate per key type).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goal, median, numbers, parts, QUICK, ROOT, requireBuilt, writeResult } from "../lib/harness.mjs";
import { benchUp } from "./up.mjs";

const which = parts(["cluster", "up"]);
requireBuilt("core", "emulator");
const assets =
  process.env.HOMELAB_KIT_K8S_ASSETS ??
  execFileSync("bash", [join(ROOT, "scripts/k8s/build-binaries.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1);
if (which.includes("cluster")) cluster(numbers[0] ?? (QUICK ? 1 : 5));
if (which.includes("up")) {
  const certificates = QUICK ? 1 : Number(process.env.BENCH_CERTIFICATES ?? 5);
  const r = await benchUp(numbers[0] ?? (QUICK ? 1 : 3), certificates);
  const command = "pnpm bench kubernetes --part=up";
  writeResult(
    "kubernetes",
    {
      ...r,
      goals: [
        goal(
          "up with the cluster to every endpoint ready (wall, median)",
          r.everyEndpointMs / 1000,
          "<=",
          10,
          " s",
          command,
        ),
        ...["RSA", "ECDSA"].map((key) =>
          goal(
            `Certificate (${key}) through DNS01 to Ready (wall, median)`,
            r.certificateReadyMs[key] / 1000,
            "<=",
            2,
            " s",
            command,
          ),
        ),
      ],
    },
    "up",
  );
}

function cluster(runs) {
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
}
