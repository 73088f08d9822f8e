import { K8S_CLUSTER, K8S_CLUSTER_MEMBERS, LEGACY_GROUP_NAMES } from "./groups.js";
import { ALL, Inventory } from "./model.js";

/** One change `migrateInventory` made. */
export interface MigrationChange {
  kind: "renamed-group" | "merged-group" | "added-k8s-cluster" | "added-k8s-cluster-child";
  from?: string;
  to: string;
  message: string;
}

export interface MigrationResult {
  inventory: Inventory;
  changes: MigrationChange[];
}

/**
 * Rewrites legacy group names (`kube-master`, `kube-node`, `k8s-cluster`, `calico-rr`,
 * `no-floating`) to the current ones, merging into a current group when both exist, and (with
 * `explicitK8sCluster`, the default) declares `k8s_cluster` with `kube_control_plane`, `kube_node` and
 * `calico_rr` as children, which Kubespray ≥ 2.27 computes at run time. Host order, group order,
 * variables and variable locations are kept. The input is not modified.
 */
export function migrateInventory(
  src: Inventory,
  options: { explicitK8sCluster?: boolean } = {},
): MigrationResult {
  const changes: MigrationChange[] = [];
  const rename = (g: string) => LEGACY_GROUP_NAMES[g] ?? g;
  for (const [from, to] of Object.entries(LEGACY_GROUP_NAMES)) {
    if (!src.groups.has(from)) continue;
    const merged = src.groups.has(to);
    changes.push({
      kind: merged ? "merged-group" : "renamed-group",
      from,
      to,
      message: merged
        ? `merged legacy group ${from} into ${to} (both were declared)`
        : `renamed legacy group ${from} to ${to} (renamed in Kubespray v2.16.0)`,
    });
  }
  const out = new Inventory();
  out.file = src.file;
  out.warnings.push(...src.warnings);
  for (const g of src.groups.values()) {
    const ng = out.addGroup(rename(g.name), g.location);
    for (const [k, v] of Object.entries(g.vars)) {
      if (!(k in ng.vars) || g.name === ng.name) {
        ng.vars[k] = v;
        const l = g.varLocations.get(k);
        if (l) ng.varLocations.set(k, l);
      }
    }
    if (g.priority !== 1) ng.priority = g.priority;
  }
  for (const h of src.hosts.values()) {
    const nh = out.addHost(h.name, undefined, undefined, h.location);
    nh.vars = { ...h.vars };
    nh.varLocations = new Map(h.varLocations);
  }
  for (const g of src.groups.values()) {
    for (const h of g.hosts) out.addHost(h, rename(g.name));
    for (const c of g.children) if (rename(c) !== rename(g.name)) out.addChild(rename(g.name), rename(c));
  }
  for (const [k, v] of src.groupVarsFiles) out.groupVarsFiles.set(rename(k), v);
  for (const [k, v] of src.hostVarsFiles) out.hostVarsFiles.set(k, v);

  if (options.explicitK8sCluster ?? true) {
    const members = K8S_CLUSTER_MEMBERS.filter((g) => out.groups.has(g));
    if (members.length > 0) {
      if (!out.groups.has(K8S_CLUSTER)) {
        out.addGroup(K8S_CLUSTER);
        changes.push({
          kind: "added-k8s-cluster",
          to: K8S_CLUSTER,
          message: `declared ${K8S_CLUSTER} with children ${members.join(", ")} (Kubespray ≥ 2.27 computes it; static tools and group_vars/${K8S_CLUSTER} need it)`,
        });
      }
      for (const m of members) {
        if (!out.groups.get(K8S_CLUSTER)!.children.includes(m)) {
          out.addChild(K8S_CLUSTER, m);
          // k8s_cluster replaces `all` as the member's parent in the printed tree, as in Kubespray's sample
          out.removeChild(ALL, m);
          changes.push({ kind: "added-k8s-cluster-child", to: m, message: `added ${m} to ${K8S_CLUSTER}` });
        }
      }
    }
  }
  out.reconcile();
  return { inventory: out, changes };
}
