import type { SourceLocation } from "./errors.js";
import {
  CERT_MANAGEMENT,
  CONTAINER_MANAGERS,
  DNS_MODES,
  ETCD_DEPLOYMENT_TYPES,
  EXTERNAL_CLOUD_PROVIDERS,
  KUBESPRAY_DEFAULTS,
  NETWORK_PLUGINS,
  PROXY_MODES,
  RESOLVCONF_MODES,
} from "./group-vars-schema.js";
import {
  BASTION,
  CALICO_RR,
  ETCD,
  K8S_CLUSTER,
  K8S_CLUSTER_MEMBERS,
  KUBE_CONTROL_PLANE,
  LEGACY_GROUP_NAMES,
} from "./groups.js";
import { migrateInventory } from "./migrate.js";
import type { Inventory } from "./model.js";
import type { AnsibleValue, Vars } from "./values.js";

export type Severity = "error" | "warning";

/** One validation result: a stable code, what is wrong, where it was written, and the Kubespray rule it mirrors. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** File and line of the variable or group that decided, when known. */
  location?: SourceLocation | undefined;
  host?: string | undefined;
  /** The Kubespray task this mirrors (file: task name), or the issue it comes from. */
  rule: string;
}

export interface ValidateOptions {
  /** Kubespray release the inventory is for (default "2.31"): decides version rules and removed variables. */
  kubesprayVersion?: string;
  /** Playbook about to run. Since v2.28 the etcd checks run for every playbook, including remove-node/reset (#12268). */
  operation?: "deploy" | "scale" | "upgrade" | "remove-node" | "reset";
  /** Narrow override for the odd-etcd rule while replacing a member (docs/reference/kubespray/ISSUES.md #8): reported as a warning instead. */
  allowEvenEtcd?: boolean;
  /** Extra vars (`-e`), highest precedence. */
  extraVars?: Vars;
}

const V = "roles/validate_inventory/tasks/main.yml";
const PRE = "roles/kubernetes/preinstall/tasks/0040-verify-settings.yml";
const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** kube_version_min_required per Kubespray release (only releases we have verified). */
const MIN_KUBE_VERSION: Record<string, string> = { "2.31": "1.33.0" };
/** Newest kube_version with kubeadm/kubelet/kubectl checksums in roles/kubespray_defaults/vars/main/checksums.yml (docs/reference/kubespray/FORMAT.md §8). */
const MAX_KUBE_VERSION: Record<string, string> = { "2.31": "1.35.4" };

const isJinja = (v: AnsibleValue | undefined) => typeof v === "string" && v.includes("{{");

function cmpVersion(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const cidrCache = new Map<string, ReturnType<typeof parseCidrUncached>>();
function parseCidr(text: string): ReturnType<typeof parseCidrUncached> {
  let r = cidrCache.get(text);
  if (r === undefined && !cidrCache.has(text)) {
    r = parseCidrUncached(text);
    if (cidrCache.size > 1000) cidrCache.clear();
    cidrCache.set(text, r);
  }
  return r;
}

function parseCidrUncached(text: string): { base: bigint; prefix: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(32 - prefix);
  if ((addr & ~mask & 0xffffffffn) !== 0n) return undefined; // host bits set: not a network (ipaddr('net') fails)
  return { base: addr, prefix, bits: 32 };
}

/** An IPv6 network (`ipaddr('net')` in Kubespray's asserts): `::` compression, no host bits set. */
function parseCidr6(text: string): { base: bigint; prefix: number; bits: number } | undefined {
  const m = /^([0-9A-Fa-f:]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  if (prefix > 128) return undefined;
  const halves = m[1]!.split("::");
  if (halves.length > 2) return undefined;
  const words = (part: string) => (part === "" ? [] : part.split(":"));
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let addr = 0n;
  for (const w of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail]) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(w)) return undefined;
    addr = (addr << 16n) | BigInt(Number.parseInt(w, 16));
  }
  const hostBits = (1n << BigInt(128 - prefix)) - 1n;
  if ((addr & hostBits) !== 0n) return undefined;
  return { base: addr, prefix, bits: 128 };
}

function overlaps(
  a: { base: bigint; prefix: number; bits: number },
  b: { base: bigint; prefix: number; bits: number },
): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const mask = p === 0 ? 0n : ((1n << BigInt(p)) - 1n) << BigInt(a.bits - p);
  return (a.base & mask) === (b.base & mask);
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/**
 * Checks an inventory against every Kubespray assert that can be decided without touching a host
 * (docs/reference/kubespray/FORMAT.md §7), with the same meaning, plus the traps in docs/reference/kubespray/ISSUES.md. Variables are resolved per host
 * with Ansible's precedence and Kubespray's defaults. Returns findings (errors first); an empty
 * array means Kubespray's static checks would pass.
 */
export function validateInventory(source: Inventory, options: ValidateOptions = {}): Finding[] {
  // Kubespray maps legacy names at run time (roles/dynamic_groups); judge the inventory as it will see it.
  const hasLegacy = Object.keys(LEGACY_GROUP_NAMES).some((g) => source.groups.has(g));
  const inv = hasLegacy ? migrateInventory(source, { explicitK8sCluster: false }).inventory : source;
  const fileStart: SourceLocation | undefined = source.file
    ? { file: source.file, line: 1, column: 1 }
    : undefined;
  const version = options.kubesprayVersion ?? "2.31";
  const [major, minor] = version.split(".").map(Number) as [number, number];
  const atLeast = (mi: number) => major > 2 || (major === 2 && minor >= mi);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const add = (f: Finding) => {
    const key = `${f.code}|${f.message}|${f.location?.file}:${f.location?.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };

  for (const w of inv.warnings)
    add({
      code: w.code,
      severity: "warning",
      message: w.message,
      location: w.location,
      rule: "reader",
    });

  const groupHosts = (g: string) => (inv.groups.has(g) ? inv.groupHosts(g) : undefined);
  const cp = groupHosts(KUBE_CONTROL_PLANE);
  const etcd = groupHosts(ETCD);
  const k8s = inv.groups.has(K8S_CLUSTER)
    ? inv.groupHosts(K8S_CLUSTER)
    : [...new Set(K8S_CLUSTER_MEMBERS.flatMap((g) => groupHosts(g) ?? []))];

  // legacy names (read as written; Kubespray ≥ 2.27 maps some, not k8s-cluster)
  for (const [legacy, current] of Object.entries(LEGACY_GROUP_NAMES)) {
    const g = source.groups.get(legacy);
    if (g)
      add({
        code: "KS_LEGACY_GROUP",
        severity: "warning",
        message: `legacy group name ${legacy}: use ${current} (kubespray-inventory migrate rewrites it)${legacy === "k8s-cluster" ? "; since v2.27 k8s-cluster is no longer mapped at all" : ""}`,
        location: g.location,
        rule: "roles/dynamic_groups (kubespray v2.16.0 group rename)",
      });
  }

  // per-host variables, resolved as Ansible does, over Kubespray's defaults
  // Layers below a host's own variables are the same for every host with the same direct groups:
  // kept once per group signature; the host's own layers (inventory vars, host_vars/, -e) are read directly.
  const extra = options.extraVars;
  const extraLayer = extra ? { vars: extra } : undefined;
  const groupLayersCache = new Map<string, { vars: Vars }[]>();
  const groupLayersOf = (h: string) => {
    const sig = inv.groupSignature(h);
    let layers = groupLayersCache.get(sig);
    if (!layers) {
      const host = inv.hosts.get(h);
      const all = inv.hostLayers(h);
      layers = all.slice(0, all.indexOf(host as (typeof all)[number]));
      groupLayersCache.set(sig, layers);
    }
    return layers;
  };
  const ownLayers = (h: string): { vars: Vars }[] => {
    const own: { vars: Vars }[] = [inv.hosts.get(h)!];
    const file = inv.hostVarsFiles.get(h);
    if (file) own.push(file);
    if (extraLayer) own.push(extraLayer);
    return own;
  };
  const defaults = KUBESPRAY_DEFAULTS as unknown as Vars;
  /** Keys read while checking the current host (see the signature shortcut below). */
  let reads: Set<string> | undefined;
  /** The value a host sees: the highest layer that sets it, else Kubespray's default. */
  const val = (h: string, k: string): AnsibleValue | undefined => {
    reads?.add(k);
    if (extra && k in extra) return extra[k];
    const file = inv.hostVarsFiles.get(h);
    if (file && k in file.vars) return file.vars[k];
    const own = inv.hosts.get(h)!.vars;
    if (k in own) return own[k];
    const layers = groupLayersOf(h);
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = layers[i]!.vars[k];
      if (v !== undefined || k in layers[i]!.vars) return v;
    }
    return defaults[k];
  };
  /** Every variable name set for a host, each layer scanned once per validation. */
  const scannedLayers = new Set<object>();
  const newKeys = (h: string): string[] => {
    const keys: string[] = [];
    for (const layer of [...groupLayersOf(h), ...ownLayers(h)]) {
      if (scannedLayers.has(layer)) continue;
      scannedLayers.add(layer);
      keys.push(...Object.keys(layer.vars));
    }
    return keys;
  };
  const loc = (h: string, k: string) =>
    options.extraVars && k in options.extraVars ? undefined : inv.varSource(h, k);
  const ignoreAsserts = (h: string) => val(h, "ignore_assert_errors") === true;

  // Hosts whose settings matter: Kubernetes nodes and etcd members (the first control plane decides cluster-wide ones)
  const relevant = [...new Set([...(cp ?? []), ...k8s, ...(etcd ?? [])])];
  const clusterHost = cp?.[0] ?? relevant[0];

  // 2. non-empty control plane
  if (!cp || cp.length === 0)
    add({
      code: "KS_CONTROL_PLANE_EMPTY",
      severity: "error",
      message: "kube_control_plane group is empty or missing",
      location: inv.groups.get(KUBE_CONTROL_PLANE)?.location ?? fileStart,
      rule: `${V}: Stop if kube_control_plane group is empty`,
    });

  if (clusterHost !== undefined && !ignoreAsserts(clusterHost)) {
    const etcdType = val(clusterHost, "etcd_deployment_type");
    // 3. etcd non-empty unless kubeadm
    if ((!etcd || etcd.length === 0) && etcdType !== "kubeadm")
      add({
        code: "KS_ETCD_EMPTY",
        severity: "error",
        message:
          "Group 'etcd' cannot be empty in external etcd mode (set etcd_deployment_type: kubeadm to let kubeadm run etcd)",
        location: inv.groups.get(ETCD)?.location ?? fileStart,
        rule: `${V}: Stop if etcd group is empty in external etcd mode`,
      });
    // 7. odd etcd count, falling back to kube_control_plane when etcd is not declared
    const counted = etcd ?? cp ?? [];
    if (counted.length % 2 === 0) {
      const during = options.operation === "remove-node" || options.operation === "reset";
      add({
        code: "KS_ETCD_EVEN",
        severity: options.allowEvenEtcd ? "warning" : "error",
        message: `${etcd ? "etcd" : "kube_control_plane (etcd is not declared)"} has ${counted.length} hosts; Kubespray requires an odd number${during ? ` — and since v2.28 ${options.operation} checks it too (#12268)` : ""}`,
        location: inv.groups.get(etcd ? ETCD : KUBE_CONTROL_PLANE)?.location,
        rule: `${V}: Stop if even number of etcd hosts`,
      });
    }
  }

  // etcd outside the control plane is supported but worth a look (docs/reference/kubespray/ISSUES.md #10)
  if (etcd && cp) {
    const outside = etcd.filter((h) => !cp.includes(h));
    if (outside.length)
      add({
        code: "KS_ETCD_NOT_CONTROL_PLANE",
        severity: "warning",
        message: `etcd members outside kube_control_plane: ${outside.join(", ")} (supported; stand-alone etcd hosts cannot be removed with remove-node.yml, #11072)`,
        location: inv.groups.get(ETCD)?.location,
        rule: "kubespray#11682",
      });
  }

  // bastion host naming
  const bastion = inv.groups.get(BASTION);
  if (bastion) {
    for (const h of bastion.hosts.filter((x) => x !== BASTION))
      add({
        code: "KS_BASTION_NAME",
        severity: "warning",
        message: `host ${h} is in group bastion but Kubespray only uses a host named 'bastion'`,
        location: inv.hosts.get(h)?.location,
        host: h,
        rule: "roles/bastion-ssh-config (hostvars['bastion'])",
      });
  }

  // calico route reflectors
  for (const h of groupHosts(CALICO_RR) ?? []) {
    const cid = val(h, "cluster_id");
    if (cid === undefined || (!isJinja(cid) && !(typeof cid === "string" && IPV4.test(cid))))
      add({
        code: "KS_CALICO_RR_CLUSTER_ID",
        severity: "error",
        message: `calico_rr host ${h} needs cluster_id set to an IPv4 address${cid === undefined ? "" : ` (got ${JSON.stringify(cid)})`}`,
        location: loc(h, "cluster_id") ?? inv.hosts.get(h)?.location,
        host: h,
        rule: "roles/network_plugin/calico/tasks/check.yml",
      });
    if (!k8s.includes(h))
      add({
        code: "KS_CALICO_RR_NOT_IN_CLUSTER",
        severity: "error",
        message: `calico_rr host ${h} is not in k8s_cluster`,
        location: inv.hosts.get(h)?.location,
        host: h,
        rule: "roles/network_plugin/calico/tasks/check.yml",
      });
  }

  const enumCheck = (h: string, key: string, allowed: readonly string[], ignorable: boolean) => {
    const v = val(h, key);
    if (v === undefined || isJinja(v) || (ignorable && ignoreAsserts(h))) return;
    if (typeof v !== "string" || !allowed.includes(v))
      add({
        code: "KS_UNSUPPORTED_VALUE",
        severity: "error",
        message: `${key}: ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`,
        location: loc(h, key),
        host: h,
        rule: `${V}: Check ${key} value`,
      });
  };

  /** Variables Kubespray removed, misspelt or computes itself (rule 1, release notes, docs/reference/kubespray/ISSUES.md #7). */
  const checkVarName = (h: string, k: string): void => {
    // v2.28.x only: no version variable may start with 'v' (kube_version is checked with its format)
    if (major === 2 && minor === 28 && k.endsWith("_version") && k !== "kube_version") {
      const v = val(h, k);
      if (typeof v === "string" && /^v\d/.test(v) && !ignoreAsserts(h))
        add({
          code: "KS_VERSION_PREFIX",
          severity: "error",
          message: `${k} ${v}: Kubespray 2.28 refuses version variables with a leading 'v' (write ${v.slice(1)})`,
          location: loc(h, k),
          host: h,
          rule: "roles/kubespray_defaults (v2.28.x, #12164): all version variables must not start with 'v'",
        });
    }
    const c = k.charCodeAt(0);
    // only names starting k, i, r, c, m or e can match a rule below
    if (c !== 107 && c !== 105 && c !== 114 && c !== 99 && c !== 109 && c !== 101) return;
    if (k === "kubelet_static_pod_path")
      add({
        code: "KS_REMOVED_VAR",
        severity: "error",
        message: `${k} was removed; Kubespray refuses to run while it is set`,
        location: loc(h, k),
        host: h,
        rule: `${V}: Stop if removed tags are used`,
      });
    else if (atLeast(31) && k.startsWith("ingress_nginx_"))
      add({
        code: "KS_IGNORED_VAR",
        severity: "warning",
        message: `${k}: the ingress-nginx addon was removed in Kubespray 2.31 (#12767); this variable is ignored`,
        location: loc(h, k),
        host: h,
        rule: "kubespray v2.31.0 release (#12767)",
      });
    else if (atLeast(28) && /^(?:rbd|cephfs)_provisioner_/.test(k))
      add({
        code: "KS_IGNORED_VAR",
        severity: "warning",
        message: `${k}: the ${k.split("_")[0]} provisioner was removed in Kubespray 2.28 (#12114, #12113); use ceph-csi`,
        location: loc(h, k),
        host: h,
        rule: "kubespray v2.28.0 release (#12114)",
      });
    else if (
      atLeast(22) &&
      /^metallb_(?:ip_range|pool_name|auto_assign|avoid_buggy_ips|additional_address_pools|peers)$/.test(k)
    )
      add({
        code: "KS_IGNORED_VAR",
        severity: "warning",
        message: `${k}: flat MetalLB variables were replaced by metallb_config in Kubespray 2.22 (#9120) and are ignored`,
        location: loc(h, k),
        host: h,
        rule: "kubespray v2.22.0 release (#9120)",
      });
    else if (k === "matallb_auto_assign")
      add({
        code: "KS_MISSPELT_VAR",
        severity: "error",
        message:
          "matallb_auto_assign is a misspelling Kubespray refuses; use metallb_config.address_pools.<pool>.auto_assign",
        location: loc(h, k),
        host: h,
        rule: "roles/kubernetes-apps/metallb/tasks/main.yml",
      });
    else if (k === "main_ip" || k === "main_access_ip" || k === "main_ips" || k === "main_access_ips")
      add({
        code: "KS_COMPUTED_VAR",
        severity: "warning",
        message: `${k} is computed by roles/network_facts; set ip/access_ip instead`,
        location: loc(h, k),
        host: h,
        rule: "kubespray#11970",
      });
    else if (k === "enable_dual_stack_networks")
      add({
        code: "KS_DEPRECATED_VAR",
        severity: "warning",
        message: "enable_dual_stack_networks is deprecated: use ipv4_stack / ipv6_stack",
        location: loc(h, k),
        host: h,
        rule: `${V}: Warn about deprecated enable_dual_stack_networks`,
      });
  };

  // Hosts with the same direct groups share every group layer: once one of them has been checked, another
  // gives the same variable findings unless its own variables set a key the first check read.
  const checkedBySignature = new Map<string, Set<string>>();
  const ignBySignature = new Map<string, boolean>();
  const ownKeys = (h: string): string[] => {
    const keys = Object.keys(inv.hosts.get(h)!.vars);
    const file = inv.hostVarsFiles.get(h);
    return file ? [...keys, ...Object.keys(file.vars)] : keys;
  };
  for (const h of relevant) {
    const sig = inv.groupSignature(h);
    const prior = checkedBySignature.get(sig);
    const same = prior !== undefined && !ownKeys(h).some((k) => prior.has(k));
    // ignore_assert_errors is always among the keys read, so a "same" host has its signature's value
    const ign = same ? ignBySignature.get(sig)! : ignoreAsserts(h);
    if (!same && !prior) ignBySignature.set(sig, ign);
    if (!HOSTNAME.test(h) && !ign)
      add({
        code: "KS_BAD_HOSTNAME",
        severity: "error",
        message: `host name ${h} is not a valid RFC 1123 name (lower case letters, digits, '-' and '.')`,
        location: inv.hosts.get(h)?.location,
        host: h,
        rule: `${PRE}: Stop if bad hostname`,
      });
    if (same) {
      for (const k of ownKeys(h)) checkVarName(h, k);
      continue;
    }
    reads = new Set(["ignore_assert_errors"]);
    if (!prior) checkedBySignature.set(sig, reads);
    // 1 and removed variables
    for (const k of new Set(newKeys(h))) checkVarName(h, k);
    // 11. supported values (not ignorable)
    enumCheck(h, "kube_network_plugin", NETWORK_PLUGINS, false);
    enumCheck(h, "dns_mode", DNS_MODES, false);
    enumCheck(h, "kube_proxy_mode", PROXY_MODES, false);
    enumCheck(h, "cert_management", CERT_MANAGEMENT, false);
    enumCheck(h, "resolvconf_mode", RESOLVCONF_MODES, false);
    enumCheck(h, "etcd_deployment_type", ETCD_DEPLOYMENT_TYPES, false);
    enumCheck(h, "container_manager", CONTAINER_MANAGERS, false);
    if (val(h, "etcd_deployment_type") === "docker" && val(h, "container_manager") !== "docker")
      add({
        code: "KS_ETCD_DOCKER",
        severity: "error",
        message: "etcd_deployment_type: docker requires container_manager: docker",
        location: loc(h, "etcd_deployment_type"),
        host: h,
        rule: `${V}: Check etcd_deployment_type value`,
      });
    if (val(h, "kube_network_plugin") === "none")
      add({
        code: "KS_NETWORK_PLUGIN_NONE",
        severity: "warning",
        message: "kube_network_plugin: none — no CNI is installed",
        location: loc(h, "kube_network_plugin"),
        host: h,
        rule: `${V}: Warn if kube_network_plugin is none`,
      });
    // 6. real booleans
    for (const k of [
      "download_run_once",
      "download_always_pull",
      "helm_enabled",
      "openstack_lbaas_enabled",
    ]) {
      const v = val(h, k);
      if (v !== undefined && typeof v !== "boolean" && !isJinja(v) && !ign)
        add({
          code: "KS_NOT_BOOLEAN",
          severity: "error",
          message: `${k} must be a boolean, got ${JSON.stringify(v)} (${typeof v}); in INI write True/False, in YAML true/false`,
          location: loc(h, k),
          host: h,
          rule: `${V}: Stop if ${k} is not boolean`,
        });
    }
    // 5. kube_version
    const kv = val(h, "kube_version");
    if (typeof kv === "string" && !isJinja(kv) && !ign) {
      const hasV = kv.startsWith("v");
      const plain = hasV ? kv.slice(1) : kv;
      if (!/^\d+\.\d+\.\d+$/.test(plain))
        add({
          code: "KS_KUBE_VERSION_FORMAT",
          severity: "error",
          message: `kube_version ${JSON.stringify(kv)} is not MAJOR.MINOR.PATCH`,
          location: loc(h, "kube_version"),
          host: h,
          rule: `${V}: Stop if kube_version is too low`,
        });
      else if (atLeast(28) && hasV)
        add({
          code: "KS_KUBE_VERSION_FORMAT",
          severity: "error",
          message: `kube_version ${kv}: no leading 'v' since Kubespray 2.28 (write ${plain})`,
          location: loc(h, "kube_version"),
          host: h,
          rule: "roles/kubespray_defaults (v2.28.0, #12164)",
        });
      else if (!atLeast(28) && !hasV)
        add({
          code: "KS_KUBE_VERSION_FORMAT",
          severity: "error",
          message: `kube_version ${kv}: Kubespray before 2.28 expects a leading 'v' (v${plain})`,
          location: loc(h, "kube_version"),
          host: h,
          rule: "roles/kubespray_defaults (before v2.28.0)",
        });
      const min = MIN_KUBE_VERSION[`${major}.${minor}`];
      if (min && /^\d+\.\d+\.\d+$/.test(plain) && cmpVersion(plain, min) < 0)
        add({
          code: "KS_KUBE_VERSION_TOO_LOW",
          severity: "error",
          message: `kube_version ${kv} is below kube_version_min_required ${min} for Kubespray ${version}`,
          location: loc(h, "kube_version"),
          host: h,
          rule: `${V}: Stop if kube_version is too low`,
        });
      const max = MAX_KUBE_VERSION[`${major}.${minor}`];
      if (max && /^\d+\.\d+\.\d+$/.test(plain) && cmpVersion(plain, max) > 0)
        add({
          code: "KS_KUBE_VERSION_NO_CHECKSUMS",
          severity: "error",
          message: `kube_version ${kv} is newer than the newest version Kubespray ${version} has kubeadm/kubelet/kubectl checksums for (${max})`,
          location: loc(h, "kube_version"),
          host: h,
          rule: `${V}: Stop if kube_version has no checksums for image_arch (roles/kubespray_defaults/vars/main/checksums.yml)`,
        });
    }
    // 9. cloud provider
    const cloud = val(h, "cloud_provider");
    if (cloud !== undefined && cloud !== null && cloud !== "" && !isJinja(cloud) && !ign) {
      if (cloud !== "external")
        add({
          code: "KS_CLOUD_PROVIDER",
          severity: "error",
          message: `cloud_provider must be 'external', got ${JSON.stringify(cloud)}`,
          location: loc(h, "cloud_provider"),
          host: h,
          rule: `${V}: Stop if unsupported cloud_provider`,
        });
      else {
        const ext = val(h, "external_cloud_provider");
        if (typeof ext !== "string" || !(EXTERNAL_CLOUD_PROVIDERS as readonly string[]).includes(ext))
          add({
            code: "KS_CLOUD_PROVIDER",
            severity: "error",
            message: `external_cloud_provider must be one of ${EXTERNAL_CLOUD_PROVIDERS.join(", ")}`,
            location: loc(h, "external_cloud_provider") ?? loc(h, "cloud_provider"),
            host: h,
            rule: `${V}: Stop if unsupported external_cloud_provider`,
          });
      }
    }
    // MetalLB / kube-vip ARP with ipvs need strict ARP
    const ipvs = val(h, "kube_proxy_mode") === "ipvs";
    const strict = val(h, "kube_proxy_strict_arp");
    if (ipvs && strict !== true && !isJinja(strict)) {
      if (val(h, "metallb_enabled") === true)
        add({
          code: "KS_STRICT_ARP",
          severity: "error",
          message: "metallb_enabled with kube_proxy_mode: ipvs requires kube_proxy_strict_arp: true",
          location: loc(h, "metallb_enabled"),
          host: h,
          rule: "roles/kubernetes-apps/metallb/tasks/main.yml: Kubernetes Apps | Check that kube_proxy_strict_arp is enabled",
        });
      if (val(h, "kube_vip_enabled") === true && val(h, "kube_vip_arp_enabled") === true)
        add({
          code: "KS_STRICT_ARP",
          severity: "error",
          message: "kube-vip in ARP mode with kube_proxy_mode: ipvs requires kube_proxy_strict_arp: true",
          location: loc(h, "kube_vip_arp_enabled"),
          host: h,
          rule: "roles/kubernetes/node/tasks/loadbalancer/kube-vip.yml",
        });
    }
    if (val(h, "metallb_enabled") === true && val(h, "metallb_config") === undefined)
      add({
        code: "KS_METALLB_CONFIG",
        severity: "error",
        message:
          "metallb_enabled but metallb_config is not set (templates iterate metallb_config.address_pools)",
        location: loc(h, "metallb_enabled"),
        host: h,
        rule: "roles/kubernetes-apps/metallb/templates",
      });
    // 8 and 10: networks
    const plugin = val(h, "kube_network_plugin");
    const prefix = val(h, "kube_network_node_prefix");
    if (!ign && typeof prefix === "number" && plugin !== "calico" && plugin !== "none") {
      const maxPods = val(h, "kubelet_max_pods");
      if (typeof maxPods === "number" && maxPods > 2 ** (32 - prefix) - 2)
        add({
          code: "KS_PODS_PER_NODE",
          severity: "error",
          message: `kubelet_max_pods ${maxPods} does not fit a /${prefix} node CIDR (max ${2 ** (32 - prefix) - 2})`,
          location: loc(h, "kubelet_max_pods") ?? loc(h, "kube_network_node_prefix"),
          host: h,
          rule: `${V}: Guarantee that enough network address space is available for all pods`,
        });
    }
    // 10. networks, for each enabled stack (IPv4 unless ipv4_stack: false; IPv6 with ipv6_stack: true)
    const stacks = [
      { on: val(h, "ipv4_stack") !== false, family: "IPv4", sfx: "", parse: parseCidr, prefix },
      {
        on: val(h, "ipv6_stack") === true,
        family: "IPv6",
        sfx: "_ipv6",
        parse: parseCidr6,
        prefix: val(h, "kube_network_node_prefix_ipv6"),
      },
    ];
    for (const st of stacks) {
      if (!st.on) continue;
      const svcKey = `kube_service_addresses${st.sfx}`;
      const podsKey = `kube_pods_subnet${st.sfx}`;
      const prefixKey = `kube_network_node_prefix${st.sfx}`;
      const sv = val(h, svcKey);
      const pv = val(h, podsKey);
      if (typeof sv !== "string" || typeof pv !== "string" || isJinja(sv) || isJinja(pv)) continue;
      const s = st.parse(sv);
      const p = st.parse(pv);
      if (!s)
        add({
          code: "KS_NETWORK",
          severity: "error",
          message: `${svcKey} ${sv} is not an ${st.family} network`,
          location: loc(h, svcKey),
          host: h,
          rule: `${V}: Ensure ${svcKey} is a network`,
        });
      if (!p)
        add({
          code: "KS_NETWORK",
          severity: "error",
          message: `${podsKey} ${pv} is not an ${st.family} network`,
          location: loc(h, podsKey),
          host: h,
          rule: `${V}: Ensure ${podsKey} is a network`,
        });
      if (s && p && overlaps(s, p))
        add({
          code: "KS_NETWORK_OVERLAP",
          severity: "error",
          message: `${svcKey} ${sv} and ${podsKey} ${pv} overlap`,
          location: loc(h, podsKey) ?? loc(h, svcKey),
          host: h,
          rule: `${V}: Ensure ${svcKey} and ${podsKey} do not overlap`,
        });
      const np = st.prefix;
      if (p && typeof np === "number" && plugin !== "calico" && 2 ** (np - p.prefix) < k8s.length)
        add({
          code: "KS_NODE_SUBNETS",
          severity: "error",
          message: `${podsKey} ${pv} split in /${np} gives ${2 ** Math.max(0, np - p.prefix)} node subnets for ${k8s.length} nodes`,
          location: loc(h, podsKey) ?? loc(h, prefixKey),
          host: h,
          rule: `${V}: Ensure enough node subnets${st.sfx ? " (IPv6)" : ""}`,
        });
    }
    // 13. download, runtimes, certificates
    if (val(h, "download_localhost") === true && val(h, "download_run_once") !== true)
      add({
        code: "KS_DOWNLOAD_LOCALHOST",
        severity: "error",
        message: "download_localhost: true requires download_run_once: true",
        location: loc(h, "download_localhost"),
        host: h,
        rule: `${V}: Stop if download_localhost is enabled but download_run_once is not`,
      });
    const runtime = val(h, "container_manager");
    if (val(h, "kata_containers_enabled") === true && runtime === "docker")
      add({
        code: "KS_KATA_DOCKER",
        severity: "error",
        message: "kata_containers_enabled cannot be used with container_manager: docker",
        location: loc(h, "kata_containers_enabled"),
        host: h,
        rule: `${V}: Stop if kata_containers_enabled is enabled when container_manager is docker`,
      });
    if (val(h, "gvisor_enabled") === true && runtime !== "containerd" && !isJinja(runtime))
      add({
        code: "KS_GVISOR_RUNTIME",
        severity: "error",
        message: `gvisor_enabled requires container_manager: containerd (got ${JSON.stringify(runtime)})`,
        location: loc(h, "gvisor_enabled"),
        host: h,
        rule: `${V}: Stop if gvisor_enabled is enabled when container_manager is not containerd`,
      });
    const containerd = val(h, "containerd_version");
    if (runtime === "containerd" && typeof containerd === "string" && !isJinja(containerd)) {
      const cv = containerd.replace(/^v/, "");
      if (/^\d+\.\d+\.\d+/.test(cv) && cmpVersion(cv.replace(/[-+].*$/, ""), "1.3.7") < 0)
        add({
          code: "KS_CONTAINERD_VERSION",
          severity: "error",
          message: `containerd_version ${containerd} is below the minimum 1.3.7`,
          location: loc(h, "containerd_version"),
          host: h,
          rule: `${V}: Stop if containerd version is too low`,
        });
    }
    if (!ign && val(h, "auto_renew_certificates") === true && val(h, "kube_external_ca_mode") === true)
      add({
        code: "KS_AUTO_RENEW_EXTERNAL_CA",
        severity: "error",
        message:
          "auto_renew_certificates must be false when kube_external_ca_mode is true (kubeadm cannot renew certificates it did not sign)",
        location: loc(h, "auto_renew_certificates"),
        host: h,
        rule: `${V}: Stop if auto_renew_certificates is enabled when certificates are managed externally (kube_external_ca_mode=true)`,
      });
    // kube-vip in BGP mode: a source address or a source interface, not both
    if (val(h, "kube_vip_enabled") === true) {
      const sip = val(h, "kube_vip_bgp_sourceip");
      const sif = val(h, "kube_vip_bgp_sourceif");
      if (sip !== undefined && sip !== null && sip !== "" && sif !== undefined && sif !== null && sif !== "")
        add({
          code: "KS_KUBE_VIP_BGP_SOURCE",
          severity: "error",
          message: "kube_vip_bgp_sourceip and kube_vip_bgp_sourceif are mutually exclusive: set only one",
          location: loc(h, "kube_vip_bgp_sourceif") ?? loc(h, "kube_vip_bgp_sourceip"),
          host: h,
          rule: "roles/kubernetes/node/tasks/loadbalancer/kube-vip.yml: kube-vip | Check for bgp sourceip and sourceif",
        });
    }
  }

  // the same address bound on two hosts is almost always a copy-paste slip
  const byIp = new Map<string, string[]>();
  for (const h of relevant) {
    const ip = val(h, "ip") ?? val(h, "ansible_host");
    if (typeof ip === "string" && IPV4.test(ip)) byIp.set(ip, [...(byIp.get(ip) ?? []), h]);
  }
  for (const [ip, hosts] of byIp)
    if (hosts.length > 1)
      add({
        code: "KS_DUPLICATE_IP",
        severity: "warning",
        message: `hosts ${hosts.join(", ")} share the address ${ip}`,
        location: inv.hosts.get(hosts[1]!)?.location,
        rule: "kubespray#6054",
      });

  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
}
