/** `homelab-emulator` commands; `main()` returns the exit code (0 ok, 1 failure, 2 usage). */

import { existsSync } from "node:fs";
import { ClusterError } from "../kubernetes/errors.js";
import type { KubernetesHealth } from "../kubernetes/topology-cluster.js";
import { DEFAULT_TOPOLOGY_YAML } from "../topology/default-topology.js";
import { TopologyError } from "../topology/load.js";
import { SnapshotError } from "../world/snapshot.js";
import { parseCli, USAGE, UsageError } from "./args.js";
import { readRunFile, runFilePath } from "./run-file.js";
import { type CliIo, startUp } from "./up.js";

export type { CliIo } from "./up.js";

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    onSignal(handler) {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
}

async function controlCall(runDir: string, cwd: string, method: string, path: string): Promise<Response> {
  const run = readRunFile(runDir.startsWith("/") ? runDir : `${cwd}/${runDir}`);
  try {
    return await fetch(`${run.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${run.token}` },
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    throw new UsageError(`the emulator at ${run.controlUrl} does not answer (stale run file?)`);
  }
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const args = parseCli(argv, io.env ?? {});
    switch (args.command) {
      case "help":
        io.stdout(USAGE);
        return EXIT.ok;
      case "topology":
        io.stdout(DEFAULT_TOPOLOGY_YAML);
        return EXIT.ok;
      case "up": {
        const running = await startUp(args, io);
        await running.stopped;
        return EXIT.ok;
      }
      case "status": {
        const res = await controlCall(args.runDir, io.cwd, "GET", "/_emulator/health");
        const health = (await res.json()) as {
          status: string;
          topology: string;
          clock: { now: string; speed: number };
          hosts: Array<{ name: string; power: string; post: string }>;
          kubernetes?: KubernetesHealth | { status: string; reason?: string; error?: string };
        };
        if (args.json) io.stdout(`${JSON.stringify(health)}\n`);
        else {
          io.stdout(
            `${health.status}: ${health.topology} topology, emulated time ${health.clock.now} (x${health.clock.speed})\n`,
          );
          for (const h of health.hosts) io.stdout(`  ${h.name}: ${h.power}, ${h.post}\n`);
          if (health.kubernetes !== undefined) io.stdout(kubernetesStatus(health.kubernetes));
        }
        return EXIT.ok;
      }
      case "down": {
        const res = await controlCall(args.runDir, io.cwd, "POST", "/_emulator/shutdown");
        if (res.status !== 202) throw new UsageError(`the emulator refused to stop (HTTP ${res.status})`);
        io.stdout("homelab-emulator: stopping\n");
        // `up` removes its run file last: once it is gone, every process and temp dir is too.
        const runFile = runFilePath(args.runDir.startsWith("/") ? args.runDir : `${io.cwd}/${args.runDir}`);
        const deadline = Date.now() + 60_000;
        while (existsSync(runFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        if (existsSync(runFile))
          throw new UsageError(`the emulator did not stop within 60 s (${runFile} is still there)`);
        io.stdout("homelab-emulator: stopped\n");
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`homelab-emulator: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof TopologyError || error instanceof SnapshotError || error instanceof ClusterError) {
      io.stderr(`homelab-emulator: ${error.message}\n`);
      return EXIT.failure;
    }
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      io.stderr(`homelab-emulator: cannot listen: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}

/** The Kubernetes lines of `status`. */
function kubernetesStatus(
  k8s: KubernetesHealth | { status: string; reason?: string; error?: string },
): string {
  if (!("standIns" in k8s))
    return `kubernetes: ${k8s.status}${k8s.reason || k8s.error ? ` (${k8s.reason ?? k8s.error})` : ""}\n`;
  const ready = k8s.nodes.filter((n) => n.ready === "True").length;
  const { metallb, certManager, cephCsi, ingressNginx } = k8s.standIns;
  return [
    `kubernetes: ${k8s.status} (${k8s.provider}) ${k8s.server}, ${k8s.nodes.length} node(s), ${ready} Ready`,
    ...k8s.nodes.map((n) => `  node ${n.name}: Ready=${n.ready}`),
    `  metallb: ${metallb.pools.map((p) => `pool ${p.name} ${p.addresses.join(",")}`).join("; ") || "no pools"}${metallb.controllerAddress ? `; ingress controller at ${metallb.controllerAddress}` : ""}`,
    `  cert-manager: ${certManager.clusterIssuers.map((i) => `ClusterIssuer ${i.name} Ready=${i.ready}${i.reason ? ` (${i.reason})` : ""}`).join("; ") || "no ClusterIssuers"}`,
    `  ceph-csi: ${cephCsi.storageClass ? `StorageClass ${cephCsi.storageClass} on pool ${cephCsi.pool}` : "not running (no Ceph)"}`,
    `  ingress-nginx: class ${ingressNginx.className}, ${ingressNginx.https ?? "-"} (HTTPS), ${ingressNginx.http ?? "-"} (HTTP)`,
    "",
  ].join("\n");
}
