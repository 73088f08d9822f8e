/** Kubespray's group vocabulary (docs/reference/kubespray/FORMAT.md §4): one constant, used by the reader, writers, validator and builder. */
export const KUBE_CONTROL_PLANE = "kube_control_plane";
export const KUBE_NODE = "kube_node";
export const ETCD = "etcd";
export const K8S_CLUSTER = "k8s_cluster";
export const CALICO_RR = "calico_rr";
export const BASTION = "bastion";
export const NO_FLOATING = "no_floating";

/** Groups in the order the canonical writers put them. */
export const KUBESPRAY_GROUP_ORDER = [
  BASTION,
  KUBE_CONTROL_PLANE,
  ETCD,
  KUBE_NODE,
  CALICO_RR,
  K8S_CLUSTER,
] as const;

/** Pre-v2.16 names and their replacements (renamed in v2.16.0, #7256 and #7552). */
export const LEGACY_GROUP_NAMES: Readonly<Record<string, string>> = {
  "kube-master": KUBE_CONTROL_PLANE,
  "kube-node": KUBE_NODE,
  "k8s-cluster": K8S_CLUSTER,
  "calico-rr": CALICO_RR,
  "no-floating": NO_FLOATING,
};

/** Since v2.27.0 Kubespray computes k8s_cluster as the union of these (#11559). */
export const K8S_CLUSTER_MEMBERS = [KUBE_CONTROL_PLANE, KUBE_NODE, CALICO_RR] as const;
