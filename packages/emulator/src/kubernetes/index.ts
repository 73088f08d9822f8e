/**
 * The `@kubernetes/client-node` (1.x) the emulator uses, re-exported so callers build clients from
 * the same copy (a `KubeConfig` from another copy is a different class).
 */
export * as k8s from "@kubernetes/client-node";
export { cacheDir, DEFAULT_BINARY_VERSIONS, defaultAssetsDir, resolveAssetsDir } from "./assets.js";
export { ClusterError, type ClusterErrorCode, isClusterError } from "./errors.js";
export { renderKubeconfig } from "./kubeconfig.js";
export { type KwokNodeOptions, kwokNode, setKwokNodeRunning } from "./kwok-node.js";
export {
  binariesArgs,
  firstServiceIp,
  KWOK_NODE_LABEL,
  KWOK_NODE_LABEL_VALUE,
  reapStaleClusters,
} from "./providers/binaries.js";
export { dockerUnavailableReason } from "./providers/docker.js";
export { DEFAULT_K3S_IMAGE, k3sCommand, k3sUnavailableReason } from "./providers/k3s.js";
export {
  DEFAULT_KIND_NODES,
  kindConfig,
  kindCreateArgs,
  kindDeleteArgs,
  kindUnavailableReason,
} from "./providers/kind.js";
export * from "./standins/index.js";
export { startCluster } from "./start-cluster.js";
export {
  binariesMissingMessage,
  clusterUnavailableReason,
  type KubernetesHealth,
  startTopologyCluster,
  type TopologyCluster,
  type TopologyClusterOptions,
} from "./topology-cluster.js";
export type {
  BinariesClusterOptions,
  BinaryName,
  Cluster,
  ClusterProvider,
  CommonClusterOptions,
  K3sClusterOptions,
  KindClusterOptions,
  KindNode,
  StartClusterOptions,
} from "./types.js";
export {
  kubernetesNodeSink,
  type LinkWorldOptions,
  linkWorld,
  WORLD_HOST_LABEL,
  WORLD_VM_LABEL,
  type WorldLink,
  type WorldNode,
  type WorldNodeSink,
  worldNode,
} from "./world-link.js";
