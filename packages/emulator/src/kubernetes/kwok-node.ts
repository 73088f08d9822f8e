import type { V1Node } from "@kubernetes/client-node";
import { KWOK_NODE_ANNOTATION, KWOK_NODE_ANNOTATION_VALUE } from "./providers/binaries.js";

export interface KwokNodeOptions {
  labels?: Record<string, string>;
  /** Capacity (default 32 CPUs, 256 GiB, 110 pods: one kwok node can hold a whole test). */
  capacity?: Record<string, string>;
}

/**
 * A Node that kwok plays (its `kwok.x-k8s.io/node: fake` annotation): kwok makes it Ready, renews
 * its Lease and runs the pods scheduled on it. Create it with `CoreV1Api.createNode({body})`.
 */
export function kwokNode(name: string, options: KwokNodeOptions = {}): V1Node {
  const capacity = options.capacity ?? { cpu: "32", memory: "256Gi", pods: "110" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: {
        [KWOK_NODE_ANNOTATION]: KWOK_NODE_ANNOTATION_VALUE,
        "node.alpha.kubernetes.io/ttl": "0",
      },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
        ...options.labels,
      },
    },
    status: { capacity, allocatable: capacity },
  };
}
