import { ClusterError } from "./errors.js";
import { startBinariesCluster } from "./providers/binaries.js";
import { startK3sCluster } from "./providers/k3s.js";
import { startKindCluster } from "./providers/kind.js";
import { startStandIns } from "./standins/start.js";
import type { Cluster, StartClusterOptions } from "./types.js";

/**
 * Starts a Kubernetes cluster (docs/DESIGN.md §6) and resolves once its API is ready:
 * - `binaries`: etcd + kube-apiserver + controller-manager + scheduler + kwok from local binaries;
 * - `kind`: the kind CLI (needs Docker and the node image);
 * - `k3s`: `@testcontainers/k3s` (needs Docker and the image).
 * With `standIns`, the stand-ins (MetalLB, cert-manager, Ceph CSI, ingress-nginx, node health) are
 * started on it and `cluster.standIns` holds them.
 * `stop()` removes every process, container and temp dir; they are also removed on SIGINT/SIGTERM.
 */
export async function startCluster(options: StartClusterOptions): Promise<Cluster> {
  const cluster = await startProvider(options);
  if (options.standIns === undefined) return cluster;
  const log = options.log;
  try {
    const standIns = await startStandIns({
      ...(log ? { log } : {}),
      ...options.standIns,
      kubeconfig: cluster.kubeconfig,
    });
    return {
      ...cluster,
      standIns,
      stop: async () => {
        await standIns.stop();
        await cluster.stop();
      },
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

function startProvider(options: StartClusterOptions): Promise<Cluster> {
  switch (options.provider) {
    case "binaries":
      return startBinariesCluster(options);
    case "kind":
      return startKindCluster(options);
    case "k3s":
      return startK3sCluster(options);
    default:
      throw new ClusterError(`unknown provider ${(options as { provider: unknown }).provider}`, {
        code: "INVALID_OPTIONS",
      });
  }
}
