import { InventoryError } from "./errors.js";
import { CALICO_RR, ETCD, K8S_CLUSTER, KUBE_CONTROL_PLANE, KUBE_NODE } from "./groups.js";
import { Inventory } from "./model.js";
import type { Vars } from "./values.js";

/** One network interface of a VM (as OpenNebula reports it: NIC IP, optional network name). */
export interface VmNic {
  ip: string;
  /** Virtual network name (OpenNebula NETWORK), used to pick the node and access addresses. */
  network?: string;
}

/** A VM to turn into a Kubespray host: its name, NICs and labels (OpenNebula USER_TEMPLATE / LABELS). */
export interface VmInput {
  name: string;
  nics: VmNic[];
  /** Labels; roles are read from `labels[roleLabel]` ("control-plane,etcd", "worker", "calico-rr"). */
  labels?: Record<string, string>;
  /** Extra host variables to write as they are. */
  vars?: Vars;
}

export type KubesprayRole = "control-plane" | "etcd" | "worker" | "calico-rr";

export interface BuildOptions {
  /** Label holding a comma-separated role list (default "kubespray.role"). VMs without it get roles by rule. */
  roleLabel?: string;
  /** Control-plane count when roles come by rule (default 2, as the old inventory builder). */
  controlPlaneCount?: number;
  /** NIC network whose address becomes `ip` (default: the first NIC). */
  nodeNetwork?: string;
  /** NIC network whose address becomes `access_ip` and `ansible_host` (default: same as `ip`). */
  accessNetwork?: string;
  /** Keep the input order instead of sorting hosts by name (natural order). Default false. */
  keepOrder?: boolean;
}

const ROLES: readonly KubesprayRole[] = ["control-plane", "etcd", "worker", "calico-rr"];
/** Thresholds of contrib/inventory_builder/inventory.py (719c0b0^). */
export const SCALE_THRESHOLD = 50;
export const MASSIVE_SCALE_THRESHOLD = 200;

const natural = new Intl.Collator("en", { numeric: true });

function pickNic(vm: VmInput, network: string | undefined, what: string): string {
  const nic = network === undefined ? vm.nics[0] : vm.nics.find((n) => n.network === network);
  if (!nic)
    throw new InventoryError(
      "BUILD_NO_NIC",
      network === undefined
        ? `VM ${vm.name} has no NIC`
        : `VM ${vm.name} has no NIC on network ${network} (needed for ${what})`,
    );
  return nic.ip;
}

/** Host name Kubespray accepts (RFC 1123, lower case): VM names are lower-cased, '_' and spaces become '-'. */
export function hostNameFor(vmName: string): string {
  const n = vmName
    .toLowerCase()
    .replace(/[_\s]+/g, "-")
    .replace(/[^a-z0-9.-]/g, "")
    .replace(/^[-.]+|[-.]+$/g, "");
  if (!n)
    throw new InventoryError("BUILD_BAD_NAME", `VM name ${JSON.stringify(vmName)} gives no usable host name`);
  return n;
}

/** Roles for each host: from the role label when present, else the old builder's rules. */
export function assignRoles(
  names: string[],
  labelled: Map<string, KubesprayRole[]>,
  options: BuildOptions = {},
): Map<string, Set<KubesprayRole>> {
  const out = new Map<string, Set<KubesprayRole>>();
  const unlabelled = names.filter((n) => !labelled.has(n));
  for (const [n, roles] of labelled) out.set(n, new Set(roles));
  // contrib/inventory_builder rules, applied to the hosts without a role label
  const count = unlabelled.length;
  const cpCount = Math.min(options.controlPlaneCount ?? 2, count);
  const etcdCount = count >= 3 ? 3 : Math.min(1, count);
  const scale = count >= SCALE_THRESHOLD;
  for (const n of unlabelled) out.set(n, new Set());
  unlabelled.forEach((n, i) => {
    const roles = out.get(n)!;
    if (i < etcdCount) roles.add("etcd");
    const cpStart = scale ? etcdCount : 0;
    if (i >= cpStart && i < cpStart + cpCount) roles.add("control-plane");
    const etcdOnly = scale && i < etcdCount;
    const massiveCp = count >= MASSIVE_SCALE_THRESHOLD && roles.has("control-plane");
    if (etcdOnly) roles.add("calico-rr");
    else if (!massiveCp) roles.add("worker");
  });
  return out;
}

/**
 * Builds a Kubespray inventory from VMs — the replacement for Kubespray's removed inventory builder
 * (contrib/inventory_builder, removed in v2.27.0). Every host gets `ansible_host` and `access_ip`
 * (access network) and `ip` (node network). Roles come from a label or from the builder's rules
 * (first 3 hosts etcd, or 1 below 3; first 2 control planes; everyone a worker; ≥ 50 hosts: control
 * plane after etcd, etcd hosts become calico_rr; ≥ 200: control planes are not workers). The output is
 * deterministic: same input, same inventory, hosts in natural name order.
 */
export function buildInventory(vms: readonly VmInput[], options: BuildOptions = {}): Inventory {
  const roleLabel = options.roleLabel ?? "kubespray.role";
  const list = vms.map((vm) => ({ vm, host: hostNameFor(vm.name) }));
  if (!options.keepOrder) list.sort((a, b) => natural.compare(a.host, b.host));
  const seen = new Set<string>();
  for (const { host, vm } of list) {
    if (seen.has(host))
      throw new InventoryError("BUILD_DUPLICATE_HOST", `two VMs map to host name ${host} (last: ${vm.name})`);
    seen.add(host);
  }
  const labelled = new Map<string, KubesprayRole[]>();
  for (const { vm, host } of list) {
    const raw = vm.labels?.[roleLabel];
    if (raw === undefined) continue;
    const roles = raw
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((r) => r.toLowerCase().replace("_", "-"));
    for (const r of roles)
      if (!ROLES.includes(r as KubesprayRole))
        throw new InventoryError(
          "BUILD_BAD_ROLE",
          `VM ${vm.name}: unknown role ${r} in label ${roleLabel} (use ${ROLES.join(", ")})`,
        );
    labelled.set(host, roles as KubesprayRole[]);
  }
  const roles = assignRoles(
    list.map((x) => x.host),
    labelled,
    options,
  );
  const inv = new Inventory();
  for (const g of [KUBE_CONTROL_PLANE, KUBE_NODE, ETCD, K8S_CLUSTER, CALICO_RR]) inv.addGroup(g);
  inv.addChild(K8S_CLUSTER, KUBE_CONTROL_PLANE);
  inv.addChild(K8S_CLUSTER, KUBE_NODE);
  for (const { vm, host } of list) addVmHost(inv, vm, host, roles.get(host)!, options);
  // route reflectors must be in k8s_cluster (calico check.yml); an empty calico_rr stays apart, as the builder wrote it
  if (inv.groups.get(CALICO_RR)!.hosts.length) inv.addChild(K8S_CLUSTER, CALICO_RR);
  inv.reconcile();
  return inv;
}

function addVmHost(
  inv: Inventory,
  vm: VmInput,
  host: string,
  roles: Set<KubesprayRole>,
  options: BuildOptions,
): void {
  const ip = pickNic(vm, options.nodeNetwork, "ip");
  const access = options.accessNetwork === undefined ? ip : pickNic(vm, options.accessNetwork, "access_ip");
  inv.addHost(host);
  inv.setVariable(host, "ansible_host", access);
  inv.setVariable(host, "ip", ip);
  inv.setVariable(host, "access_ip", access);
  for (const [k, v] of Object.entries(vm.vars ?? {})) inv.setVariable(host, k, v);
  if (roles.has("control-plane")) inv.addHost(host, KUBE_CONTROL_PLANE);
  if (roles.has("worker")) inv.addHost(host, KUBE_NODE);
  if (roles.has("etcd")) inv.addHost(host, ETCD);
  if (roles.has("calico-rr")) inv.addHost(host, CALICO_RR);
}

/** Groups a host joins for a role list (what the edit operations need to place a new host). */
export function groupsForRoles(roles: Iterable<KubesprayRole>): string[] {
  const set = new Set(roles);
  const out: string[] = [];
  if (set.has("control-plane")) out.push(KUBE_CONTROL_PLANE);
  if (set.has("worker")) out.push(KUBE_NODE);
  if (set.has("etcd")) out.push(ETCD);
  if (set.has("calico-rr")) out.push(CALICO_RR);
  return out;
}

export interface PlannedChanges {
  add: { host: string; vars: Vars; groups: string[] }[];
  remove: string[];
}

/**
 * Scale-up / remove-node plan against an existing inventory: VMs whose host is not in the inventory
 * are added (appended, so the first control plane never changes; new hosts are workers unless
 * labelled), and with `removeMissing` hosts of the Kubernetes groups that have no VM are removed.
 * Existing hosts are never touched.
 */
export function planChanges(
  existing: Inventory,
  vms: readonly VmInput[],
  options: BuildOptions & { removeMissing?: boolean } = {},
): PlannedChanges {
  const roleLabel = options.roleLabel ?? "kubespray.role";
  const wanted = new Map(vms.map((vm) => [hostNameFor(vm.name), vm]));
  const add: PlannedChanges["add"] = [];
  const names = [...wanted.keys()];
  if (!options.keepOrder) names.sort(natural.compare);
  for (const host of names) {
    if (existing.hosts.has(host)) continue;
    const vm = wanted.get(host)!;
    const raw = vm.labels?.[roleLabel];
    const roles = (raw ? raw.split(/[,\s]+/).filter(Boolean) : ["worker"]).map((r) =>
      r.toLowerCase().replace("_", "-"),
    );
    for (const r of roles)
      if (!ROLES.includes(r as KubesprayRole))
        throw new InventoryError("BUILD_BAD_ROLE", `VM ${vm.name}: unknown role ${r}`);
    const ip = pickNic(vm, options.nodeNetwork, "ip");
    const access = options.accessNetwork === undefined ? ip : pickNic(vm, options.accessNetwork, "access_ip");
    add.push({
      host,
      vars: { ansible_host: access, ip, access_ip: access, ...(vm.vars ?? {}) },
      groups: groupsForRoles(roles as KubesprayRole[]),
    });
  }
  const remove: string[] = [];
  if (options.removeMissing) {
    const k8sHosts = new Set(
      [KUBE_CONTROL_PLANE, KUBE_NODE, ETCD, CALICO_RR].flatMap((g) =>
        existing.groups.has(g) ? existing.groupHosts(g) : [],
      ),
    );
    for (const h of existing.hosts.keys()) if (k8sHosts.has(h) && !wanted.has(h)) remove.push(h);
    const firstCp = existing.groups.has(KUBE_CONTROL_PLANE)
      ? existing.groupHosts(KUBE_CONTROL_PLANE)[0]
      : undefined;
    if (firstCp !== undefined && remove.includes(firstCp))
      throw new InventoryError(
        "BUILD_REMOVES_FIRST_CONTROL_PLANE",
        `${firstCp} is the first control plane: Kubespray cannot remove it (#13516); reorder kube_control_plane first`,
      );
  }
  return { add, remove };
}
