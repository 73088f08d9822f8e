import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ClusterError } from "../errors.js";
import { registerEmergencyCleanup } from "../processes.js";
import type { Cluster, KindClusterOptions, KindNode } from "../types.js";
import { dockerCluster, dockerUnavailableReason, run } from "./docker.js";

/** One control-plane and two workers: the reference topology's three Kubernetes VMs. */
export const DEFAULT_KIND_NODES: readonly KindNode[] = [
  { role: "control-plane" },
  { role: "worker" },
  { role: "worker" },
];

/** The kind `Cluster` config (kind.x-k8s.io/v1alpha4) for these options, as YAML. */
export function kindConfig(options: Omit<KindClusterOptions, "provider"> & { name: string }): string {
  const nodes = (options.nodes ?? DEFAULT_KIND_NODES).map((node) => ({
    role: node.role,
    ...(options.image ? { image: options.image } : {}),
    ...(node.labels && Object.keys(node.labels).length > 0 ? { labels: node.labels } : {}),
    ...(node.extraPortMappings && node.extraPortMappings.length > 0
      ? {
          extraPortMappings: node.extraPortMappings.map((m) => ({
            containerPort: m.containerPort,
            hostPort: m.hostPort,
            listenAddress: m.listenAddress ?? "127.0.0.1",
            protocol: m.protocol ?? "TCP",
          })),
        }
      : {}),
  }));
  if (!nodes.some((n) => n.role === "control-plane")) {
    throw new ClusterError("a kind cluster needs at least one control-plane node", {
      code: "INVALID_OPTIONS",
    });
  }
  return stringify({
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: options.name,
    networking: {
      // Loopback only (this project's rule): kind's default, made explicit.
      apiServerAddress: "127.0.0.1",
      ...(options.apiServerPort !== undefined ? { apiServerPort: options.apiServerPort } : {}),
      ...(options.podSubnet ? { podSubnet: options.podSubnet } : {}),
      ...(options.serviceSubnet ? { serviceSubnet: options.serviceSubnet } : {}),
    },
    nodes,
  });
}

/** `kind create cluster …` arguments. */
export function kindCreateArgs(input: {
  name: string;
  configPath: string;
  kubeconfigPath: string;
  waitSeconds: number;
}): string[] {
  return [
    "create",
    "cluster",
    `--name=${input.name}`,
    `--config=${input.configPath}`,
    `--kubeconfig=${input.kubeconfigPath}`,
    `--wait=${input.waitSeconds}s`,
  ];
}

/** `kind delete cluster …` arguments. */
export function kindDeleteArgs(input: { name: string; kubeconfigPath: string }): string[] {
  return ["delete", "cluster", `--name=${input.name}`, `--kubeconfig=${input.kubeconfigPath}`];
}

/** Why the kind provider cannot run here, or undefined. */
export async function kindUnavailableReason(kindPath = "kind"): Promise<string | undefined> {
  const version = await run(kindPath, ["version"]);
  if (!version.ok) return `kind CLI unavailable: ${version.reason}`;
  return dockerUnavailableReason();
}

export async function startKindCluster(options: KindClusterOptions): Promise<Cluster> {
  const t0 = performance.now();
  const kind = options.kindPath ?? "kind";
  const reason = await kindUnavailableReason(kind);
  if (reason)
    throw new ClusterError(`kind provider cannot run: ${reason}`, {
      code: "PROVIDER_UNAVAILABLE",
      component: "kind",
    });
  const name = options.name ?? `homelab-kit-${Math.random().toString(36).slice(2, 8)}`;
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "homelab-kit-kind-"));
  const configPath = join(dir, "kind.yaml");
  const kubeconfigPath = join(dir, "kubeconfig");
  const timeout = options.startTimeout ?? 300_000;
  const deleteArgs = kindDeleteArgs({ name, kubeconfigPath });
  const unregister = registerEmergencyCleanup({
    processes: () => [],
    dirs: () => [dir],
    onDeath: () => {
      // Best effort while dying: containers outlive us otherwise.
      spawnSync(kind, deleteArgs, { stdio: "ignore", timeout: 60_000 });
    },
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const result = await run(kind, deleteArgs, { timeout: 120_000 });
      await rm(dir, { recursive: true, force: true });
      unregister();
      if (!result.ok)
        throw new ClusterError(`kind delete failed: ${result.reason}`, {
          code: "COMMAND_FAILED",
          component: "kind",
        });
    })();
    return stopped;
  };
  try {
    await writeFile(configPath, kindConfig({ ...options, name }));
    options.log?.(`kind: creating cluster ${name}`);
    const created = await run(
      kind,
      kindCreateArgs({ name, configPath, kubeconfigPath, waitSeconds: Math.ceil(timeout / 1000) }),
      {
        timeout,
        signal: options.signal,
      },
    );
    if (!created.ok) {
      throw new ClusterError(`kind create cluster failed: ${created.reason}`, {
        code: "COMMAND_FAILED",
        component: "kind",
        logTail: created.stderr.split("\n").slice(-25).join("\n"),
      });
    }
    const kubeconfig = await readFile(kubeconfigPath, "utf8");
    return dockerCluster("kind", kubeconfig, kubeconfigPath, t0, stop);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
