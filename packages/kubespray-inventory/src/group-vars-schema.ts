import { z } from "zod";

/** Values Kubespray accepts (roles/validate_inventory/tasks/main.yml at v2.31.0, docs/reference/kubespray/FORMAT.md §7.11). */
export const NETWORK_PLUGINS = [
  "calico",
  "flannel",
  "cloud",
  "cilium",
  "cni",
  "kube-ovn",
  "kube-router",
  "macvlan",
  "custom_cni",
  "none",
] as const;
export const DNS_MODES = ["coredns", "coredns_dual", "manual", "none"] as const;
export const PROXY_MODES = ["iptables", "ipvs", "nftables"] as const;
export const CERT_MANAGEMENT = ["script", "none"] as const;
export const RESOLVCONF_MODES = ["docker_dns", "host_resolvconf", "none"] as const;
export const ETCD_DEPLOYMENT_TYPES = ["host", "docker", "kubeadm"] as const;
export const CONTAINER_MANAGERS = ["docker", "crio", "containerd"] as const;
export const EXTERNAL_CLOUD_PROVIDERS = [
  "hcloud",
  "huaweicloud",
  "oci",
  "openstack",
  "vsphere",
  "manual",
] as const;

const cidr = z
  .string()
  .regex(/^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, "a CIDR such as 10.233.0.0/18");

/** One MetalLB address pool (`metallb_config.address_pools.<name>`). */
export const MetallbAddressPool = z.looseObject({
  ip_range: z.array(z.string()).min(1),
  auto_assign: z.boolean().default(true),
  avoid_buggy_ips: z.boolean().default(false),
});
export type MetallbAddressPool = z.infer<typeof MetallbAddressPool>;

const placement = z.looseObject({
  nodeselector: z.record(z.string(), z.string()).optional(),
  tolerations: z.array(z.unknown()).optional(),
});

/** `metallb_config` (Kubespray ≥ 2.22, roles/kubernetes-apps/metallb). */
export const MetallbConfig = z.looseObject({
  speaker: placement.optional(),
  controller: placement.optional(),
  address_pools: z.record(z.string(), MetallbAddressPool),
  layer2: z.array(z.string()).optional(),
  layer3: z
    .looseObject({
      defaults: z
        .looseObject({ peer_port: z.number().int().optional(), hold_time: z.string().optional() })
        .optional(),
      communities: z.record(z.string(), z.string()).optional(),
      metallb_peers: z
        .record(
          z.string(),
          z.looseObject({ peer_address: z.string(), peer_asn: z.number().int(), my_asn: z.number().int() }),
        )
        .optional(),
    })
    .optional(),
});
export type MetallbConfig = z.infer<typeof MetallbConfig>;

/**
 * The group_vars that matter to this stack, typed, with Kubespray v2.31.0's defaults
 * (roles/kubespray_defaults, docs/reference/kubespray/FORMAT.md §8). Unknown variables pass through untouched.
 */
export const KubesprayVars = z.looseObject({
  kube_version: z
    .string()
    .regex(/^v?\d+\.\d+\.\d+$/, "a version such as 1.35.4")
    .default("1.35.4"),
  kube_network_plugin: z.enum(NETWORK_PLUGINS).default("calico"),
  kube_network_plugin_multus: z.boolean().default(false),
  container_manager: z.enum(CONTAINER_MANAGERS).default("containerd"),
  kube_proxy_mode: z.enum(PROXY_MODES).default("ipvs"),
  kube_proxy_strict_arp: z.boolean().default(false),
  kube_service_addresses: cidr.default("10.233.0.0/18"),
  kube_pods_subnet: cidr.default("10.233.64.0/18"),
  kube_network_node_prefix: z.number().int().min(0).max(32).default(24),
  kubelet_max_pods: z.number().int().positive().default(110),
  dns_mode: z.enum(DNS_MODES).default("coredns"),
  cert_management: z.enum(CERT_MANAGEMENT).default("script"),
  resolvconf_mode: z.enum(RESOLVCONF_MODES).default("host_resolvconf"),
  etcd_deployment_type: z.enum(ETCD_DEPLOYMENT_TYPES).default("host"),
  metallb_enabled: z.boolean().default(false),
  metallb_namespace: z.string().default("metallb-system"),
  metallb_config: MetallbConfig.optional(),
  kube_vip_enabled: z.boolean().default(false),
  kube_vip_arp_enabled: z.boolean().optional(),
  kube_vip_address: z.string().optional(),
  cert_manager_enabled: z.boolean().default(false),
  cert_manager_namespace: z.string().default("cert-manager"),
  helm_enabled: z.boolean().default(false),
  local_path_provisioner_enabled: z.boolean().default(false),
  download_run_once: z.boolean().default(false),
  download_always_pull: z.boolean().default(false),
  supplementary_addresses_in_ssl_keys: z.array(z.string()).default([]),
  loadbalancer_apiserver: z.looseObject({ address: z.string(), port: z.number().int() }).optional(),
  ignore_assert_errors: z.boolean().default(false),
});
export type KubesprayVars = z.infer<typeof KubesprayVars>;

/** Kubespray's defaults for the typed variables (what a variable is when nobody sets it). */
export const KUBESPRAY_DEFAULTS: Readonly<KubesprayVars> = Object.freeze(KubesprayVars.parse({}));

/** Parses a host's merged variables into typed Kubespray settings (defaults filled in); throws a ZodError on wrong types. */
export function parseKubesprayVars(vars: Record<string, unknown>): KubesprayVars {
  return KubesprayVars.parse(vars);
}
