import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
} from "@kubernetes/client-node";
import { KWOK_NODE_LABEL, KWOK_NODE_LABEL_VALUE } from "./providers/binaries.js";

export interface KwokNodeOptions {
  labels?: Record<string, string>;
  /** Capacity (default 32 CPUs, 256 GiB, 110 pods: one kwok node can hold a whole test). */
  capacity?: Record<string, string>;
}

/**
 * A Node that kwok plays (its `kwok.x-k8s.io/node: fake` label): kwok makes it Ready, renews
 * its Lease and runs the pods scheduled on it. Create it with `CoreV1Api.createNode({body})`.
 */
export function kwokNode(name: string, options: KwokNodeOptions = {}): V1Node {
  const capacity = options.capacity ?? { cpu: "32", memory: "256Gi", pods: "110" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
        [KWOK_NODE_LABEL]: KWOK_NODE_LABEL_VALUE,
        ...options.labels,
      },
    },
    status: { capacity, allocatable: capacity },
  };
}

/**
 * Whether kwok plays this node's kubelet. `false` is what a powered-off VM or host looks like to
 * Kubernetes: the node leaves kwok's watch, its Lease is no longer renewed, and after the
 * controller-manager's node-monitor grace period the node turns Ready=Unknown and gets the
 * `node.kubernetes.io/unreachable` taint. `true` hands it back to kwok, which makes it Ready again.
 */
export async function setKwokNodeRunning(
  kubeConfig: KubeConfig,
  name: string,
  running: boolean,
): Promise<void> {
  await kubeConfig.makeApiClient(CoreV1Api).patchNode(
    {
      name,
      body: { metadata: { labels: { [KWOK_NODE_LABEL]: running ? KWOK_NODE_LABEL_VALUE : null } } },
    },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
}
