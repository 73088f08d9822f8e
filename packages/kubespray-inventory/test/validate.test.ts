import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  parseIniInventory,
  parseYamlInventory,
  readInventory,
  type ValidateOptions,
  validateInventory,
} from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../docs/reference/kubespray/inventories");
const codes = (text: string, opts?: ValidateOptions) =>
  validateInventory(parseIniInventory(text, { file: "inv.ini" }), opts).map((f) => `${f.severity}:${f.code}`);
const base = "[kube_control_plane]\ncp1\n[etcd]\ncp1\n[kube_node]\nw1\n";

describe("validateInventory mirrors Kubespray's asserts", () => {
  test("a sound 1-CP cluster passes", () => {
    expect(codes(base)).toEqual([]);
  });

  test("empty control plane, empty etcd, even etcd", () => {
    expect(codes("[kube_node]\nw1\n[etcd]\n")).toEqual(
      expect.arrayContaining(["error:KS_CONTROL_PLANE_EMPTY", "error:KS_ETCD_EMPTY", "error:KS_ETCD_EVEN"]),
    );
    expect(codes("[kube_control_plane]\na\nb\n[etcd]\na\nb\n")).toContain("error:KS_ETCD_EVEN");
    // etcd not declared: the count falls back to kube_control_plane (1 → fine)
    expect(codes("[kube_control_plane]\na\n", { kubesprayVersion: "2.31" })).toEqual(["error:KS_ETCD_EMPTY"]);
    // kubeadm-managed etcd needs no etcd group
    expect(codes("[kube_control_plane]\na\n[all:vars]\netcd_deployment_type=kubeadm\n")).toEqual([]);
    // narrow override for a member replacement
    expect(codes("[kube_control_plane]\na\nb\n[etcd]\na\nb\n", { allowEvenEtcd: true })).toContain(
      "warning:KS_ETCD_EVEN",
    );
  });

  test("the even-etcd finding names the file and line of the etcd group and the rule", () => {
    const [f] = validateInventory(
      parseIniInventory("[kube_control_plane]\na\nb\n\n[etcd]\na\nb\n", { file: "x.ini" }),
      {
        operation: "remove-node",
      },
    );
    expect(f).toMatchObject({ code: "KS_ETCD_EVEN", location: { file: "x.ini", line: 5 } });
    expect(f!.rule).toMatch(/validate_inventory.*even number of etcd/);
    expect(f!.message).toMatch(/remove-node/);
  });

  test("host names, enums, booleans, kube_version", () => {
    const found = codes(
      `${base}Bad_Host\n[all:vars]\nkube_network_plugin=weave\nkube_proxy_mode=userspace\ncontainer_manager=podman\nhelm_enabled=true\nkube_version=v1.34.0\ndns_mode=coredns\n`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        "error:KS_BAD_HOSTNAME",
        "error:KS_UNSUPPORTED_VALUE",
        "error:KS_NOT_BOOLEAN",
        "error:KS_KUBE_VERSION_FORMAT",
      ]),
    );
    expect(codes(`${base}[all:vars]\nkube_version=1.32.9\n`)).toEqual(["error:KS_KUBE_VERSION_TOO_LOW"]);
    expect(codes(`${base}[all:vars]\nkube_version=1.32.9\n`, { kubesprayVersion: "2.27" })).toEqual([
      "error:KS_KUBE_VERSION_FORMAT",
    ]);
    expect(codes(`${base}[all:vars]\nhelm_enabled=True\n`)).toEqual([]);
  });

  test("MetalLB with ipvs needs strict ARP; group_vars precedence is honoured", () => {
    expect(codes(`${base}[all:vars]\nmetallb_enabled=True\nmetallb_config={'address_pools': {}}\n`)).toEqual([
      "error:KS_STRICT_ARP",
    ]);
    expect(
      codes(
        `${base}[all:vars]\nmetallb_enabled=True\nkube_proxy_strict_arp=True\nmetallb_config={'address_pools': {}}\n`,
      ),
    ).toEqual([]);
    expect(codes(`${base}[all:vars]\nmetallb_enabled=True\nkube_proxy_mode=iptables\n`)).toEqual([
      "error:KS_METALLB_CONFIG",
    ]);
  });

  test("networks: overlap and node-subnet count", () => {
    expect(
      codes(`${base}[all:vars]\nkube_service_addresses=10.0.0.0/16\nkube_pods_subnet=10.0.128.0/17\n`),
    ).toContain("error:KS_NETWORK_OVERLAP");
    expect(
      codes(
        `${base}[all:vars]\nkube_network_plugin=flannel\nkube_pods_subnet=10.233.64.0/24\nkube_network_node_prefix=24\n`,
      ),
    ).toContain("error:KS_NODE_SUBNETS");
    expect(codes(`${base}[all:vars]\nkube_pods_subnet=10.233.64.1/18\n`)).toContain("error:KS_NETWORK");
  });

  test("IPv6 networks with ipv6_stack: networks, overlap, node subnets; IPv4 checks off with ipv4_stack: false", () => {
    const v6 = (svc: string, pods: string, extra = "") =>
      codes(
        `${base}[all:vars]\nipv6_stack=True\nkube_service_addresses_ipv6=${svc}\nkube_pods_subnet_ipv6=${pods}\n${extra}`,
      );
    expect(v6("fd85:ee78:d8a6:8607::1000/116", "fd85:ee78:d8a6:8607::1:0000/112")).toEqual([]);
    expect(v6("fd85::/64", "fd85::1:0/112")).toEqual(["error:KS_NETWORK_OVERLAP"]);
    expect(v6("fd85::1/64", "fd86::/64")).toEqual(["error:KS_NETWORK"]);
    expect(v6("10.0.0.0/16", "fd86::/64")).toEqual(["error:KS_NETWORK"]);
    expect(
      v6("fd85::/112", "fd86::/120", "kube_network_node_prefix_ipv6=120\nkube_network_plugin=flannel\n"),
    ).toEqual(["error:KS_NODE_SUBNETS"]);
    // without ipv6_stack the IPv6 variables are not read
    expect(
      codes(`${base}[all:vars]\nkube_service_addresses_ipv6=nonsense\nkube_pods_subnet_ipv6=x\n`),
    ).toEqual([]);
    const bad4 = `${base}[all:vars]\nkube_service_addresses=10.0.0.0/16\nkube_pods_subnet=10.0.128.0/17\n`;
    expect(codes(`${bad4}ipv4_stack=False\n`)).toEqual([]);
    const [f] = validateInventory(
      parseIniInventory(
        `${base}[all:vars]\nipv6_stack=True\nkube_service_addresses_ipv6=fd85::/64\nkube_pods_subnet_ipv6=fd85::1:0/112\n`,
        { file: "inv.ini" },
      ),
    );
    expect(f).toMatchObject({
      location: { file: "inv.ini", line: 10 },
      rule: expect.stringMatching(/validate_inventory.*kube_pods_subnet_ipv6 do not overlap/),
    });
  });

  test("assert 13: download_localhost, kata, gvisor, containerd_version, auto-renew with an external CA, checksums", () => {
    const vars = (text: string, opts?: ValidateOptions) => codes(`${base}[all:vars]\n${text}\n`, opts);
    expect(vars("download_localhost=True")).toEqual(["error:KS_DOWNLOAD_LOCALHOST"]);
    expect(vars("download_localhost=True\ndownload_run_once=True")).toEqual([]);
    expect(vars("kata_containers_enabled=True\ncontainer_manager=docker")).toEqual(["error:KS_KATA_DOCKER"]);
    expect(vars("kata_containers_enabled=True")).toEqual([]);
    expect(vars("gvisor_enabled=True\ncontainer_manager=crio")).toEqual(["error:KS_GVISOR_RUNTIME"]);
    expect(vars("gvisor_enabled=True")).toEqual([]);
    expect(vars("containerd_version=1.3.6")).toEqual(["error:KS_CONTAINERD_VERSION"]);
    expect(vars("containerd_version=2.1.4")).toEqual([]);
    expect(vars("containerd_version=1.3.6\ncontainer_manager=crio")).toEqual([]);
    expect(vars("auto_renew_certificates=True\nkube_external_ca_mode=True")).toEqual([
      "error:KS_AUTO_RENEW_EXTERNAL_CA",
    ]);
    expect(
      vars("auto_renew_certificates=True\nkube_external_ca_mode=True\nignore_assert_errors=True"),
    ).toEqual([]);
    expect(vars("kube_version=1.35.5")).toEqual(["error:KS_KUBE_VERSION_NO_CHECKSUMS"]);
    expect(vars("kube_version=1.35.4")).toEqual([]);
    expect(vars("kube_version=1.32.9")).toEqual(["error:KS_KUBE_VERSION_TOO_LOW"]);
  });

  test("kube-vip BGP: a source IP or a source interface, not both", () => {
    const vip = "kube_vip_enabled=True\nkube_vip_bgp_sourceip=10.0.0.5\n";
    expect(codes(`${base}[all:vars]\n${vip}kube_vip_bgp_sourceif=eth0\n`)).toEqual([
      "error:KS_KUBE_VIP_BGP_SOURCE",
    ]);
    expect(codes(`${base}[all:vars]\n${vip}`)).toEqual([]);
    expect(codes(`${base}[all:vars]\nkube_vip_bgp_sourceip=10.0.0.5\nkube_vip_bgp_sourceif=eth0\n`)).toEqual(
      [],
    );
  });

  test("Kubespray 2.28 refuses every version variable with a leading 'v', later releases do not check them", () => {
    const text = `${base}cp1 etcd_version=v3.5.16\n[all:vars]\nkube_version=1.31.4\ncontainerd_version=v1.7.24\n`;
    expect(codes(text, { kubesprayVersion: "2.28" })).toEqual([
      "error:KS_VERSION_PREFIX",
      "error:KS_VERSION_PREFIX",
    ]);
    expect(codes(text, { kubesprayVersion: "2.29" })).toEqual([]);
  });

  test("removed variables are warnings from the release that removed them", () => {
    const text = `${base}[all:vars]\ningress_nginx_enabled=True\nrbd_provisioner_enabled=True\nmetallb_ip_range=['10.0.0.1-10.0.0.9']\n`;
    expect(codes(text).filter((c) => c === "warning:KS_IGNORED_VAR").length).toBe(3);
    expect(
      codes(text, { kubesprayVersion: "2.27" }).filter((c) => c === "warning:KS_IGNORED_VAR").length,
    ).toBe(1);
    expect(codes(`${base}[all:vars]\nkubelet_static_pod_path=/x\n`)).toEqual(["error:KS_REMOVED_VAR"]);
  });

  test("calico_rr needs an IPv4 cluster_id and membership in k8s_cluster", () => {
    const rr = "[kube_control_plane]\ncp1\n[etcd]\ncp1\n[kube_node]\nw1\n[calico_rr]\nrr1\n";
    expect(codes(rr)).toEqual(["error:KS_CALICO_RR_CLUSTER_ID"]);
    expect(codes(`${rr}[calico_rr:vars]\ncluster_id="1.0.0.1"\n`)).toEqual([]);
    expect(codes(`${rr}[k8s_cluster:children]\nkube_node\n[calico_rr:vars]\ncluster_id="1.0.0.1"\n`)).toEqual(
      ["error:KS_CALICO_RR_NOT_IN_CLUSTER"],
    );
  });

  test("legacy inventories are judged as Kubespray maps them, with a warning per legacy group", () => {
    const f = validateInventory(readInventory(join(DIR, "ks-v2.15.0-docs-legacy.ini")));
    expect(f.filter((x) => x.severity === "error")).toEqual([]);
    expect(f.filter((x) => x.code === "KS_LEGACY_GROUP").length).toBe(3);
  });

  test("findings from group_vars files point into those files", () => {
    const f = validateInventory(readInventory(join(DIR, "genestack-openstack-lab")));
    const ingress = f.find((x) => x.code === "KS_IGNORED_VAR" && /ingress_nginx/.test(x.message));
    expect(ingress?.location?.file).toMatch(/group_vars\/k8s_cluster\/addons\.yml$/);
    expect(ingress?.location?.line).toBeGreaterThan(1);
  });

  test("host-level settings are checked on every host, not only the first of its groups", () => {
    const text =
      "[kube_control_plane]\ncp1\n[etcd]\ncp1\n[kube_node]\nw1\nw2\nw3 kube_proxy_mode=userspace\nw4 ingress_nginx_enabled=True\n";
    const f = validateInventory(parseIniInventory(text, { file: "inv.ini" }));
    expect(f.map((x) => `${x.code}@${x.host}:${x.location?.line}`)).toEqual([
      "KS_UNSUPPORTED_VALUE@w3:8",
      "KS_IGNORED_VAR@w4:9",
    ]);
  });

  test("commented-out variables (#11970) surface as findings", () => {
    const f = validateInventory(readInventory(join(DIR, "ks-pr12954-inline-comments.ini")));
    expect(f.some((x) => x.code === "INI_VARS_IN_COMMENT")).toBe(true);
  });

  test("YAML input and strict ARP from the real genestack group_vars", () => {
    const inv = parseYamlInventory(
      "all:\n  vars:\n    metallb_enabled: true\n    metallb_config: {address_pools: {}}\n  children:\n    kube_control_plane: {hosts: {a: }}\n    etcd: {hosts: {a: }}\n",
      { file: "h.yaml" },
    );
    const [f] = validateInventory(inv);
    expect(f).toMatchObject({ code: "KS_STRICT_ARP", location: { file: "h.yaml", line: 3 } });
  });
});
