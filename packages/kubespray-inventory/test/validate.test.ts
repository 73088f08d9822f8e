import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  parseIniInventory,
  parseYamlInventory,
  readInventory,
  type ValidateOptions,
  validateInventory,
} from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../../shared/reference/kubespray/inventories");
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
