/**
 * Measures the binaries provider: start to ready API (/readyz), to every component healthy, to the
 * first kwok Node Ready, the components' resident memory once ready, and stop. BENCH_RUNS (default
 * 3) sequential runs; prints one JSON line per run and a summary, and writes the runs to BENCH_RESULT
 * when set. Run it through bench/kubernetes/bench.mjs (pnpm bench kubernetes).
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { k8s, kwokNode, startCluster } from "@homelab-kit/emulator/kubernetes";
import { expect, it } from "vitest";

async function componentRssMiB(dir: string): Promise<Record<string, number>> {
  const rss: Record<string, number> = {};
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0");
      if (!cmdline.some((a) => a.includes(dir))) continue;
      const name = (cmdline[0] ?? "?").split("/").at(-1) ?? "?";
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss[name] = Math.round(kb / 1024);
    } catch {
      // exited meanwhile
    }
  }
  return rss;
}

it("starts, serves and stops a binaries cluster", async () => {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const cluster = await startCluster({ provider: "binaries" });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNode({ body: kwokNode("bench-node") });
    for (;;) {
      const node = await core.readNode({ name: "bench-node" });
      if (node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const nodeReadyMs = Math.round(performance.now() - t0);
    const rssMiB = await componentRssMiB(dirname(cluster.kubeconfigPath));
    const s = performance.now();
    await cluster.stop();
    const stopMs = Math.round(performance.now() - s);
    const result = { run: i + 1, ...cluster.timings, nodeReadyMs, stopMs, rssMiB };
    console.log(JSON.stringify(result));
    results.push(result);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(
    `median of ${runs}: apiReady ${median(results.map((r) => r.apiReadyMs))} ms, ready ${median(results.map((r) => r.readyMs))} ms, ` +
      `node Ready ${median(results.map((r) => r.nodeReadyMs))} ms, stop ${median(results.map((r) => r.stopMs))} ms`,
  );
  expect(results).toHaveLength(runs);
  // bench/kubernetes/bench.mjs reads the runs from here
  if (process.env.BENCH_RESULT) await writeFile(process.env.BENCH_RESULT, JSON.stringify(results));
});
