import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { KUBESPRAY_DEFAULTS, KubesprayVars, parseKubesprayVars, readInventory } from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../docs/reference/kubespray/inventories");

describe("typed group_vars", () => {
  test("Kubespray v2.31.0 defaults", () => {
    expect(KUBESPRAY_DEFAULTS).toMatchObject({
      kube_version: "1.35.4",
      kube_network_plugin: "calico",
      container_manager: "containerd",
      kube_proxy_mode: "ipvs",
      kube_proxy_strict_arp: false,
      metallb_enabled: false,
      helm_enabled: false,
      etcd_deployment_type: "host",
      kube_service_addresses: "10.233.0.0/18",
      kube_pods_subnet: "10.233.64.0/18",
    });
  });

  test("the genestack lab's real group_vars parse, MetalLB pools included", () => {
    const hv = readInventory(join(DIR, "genestack-openstack-lab")).hostVars("k8s-01.env1.example.local");
    const vars = parseKubesprayVars(hv);
    expect(vars.kube_proxy_strict_arp).toBe(true);
    expect(vars.kube_network_plugin).toBe(hv.kube_network_plugin);
    expect(vars.helm_enabled).toBe(hv.helm_enabled);
    // untyped variables pass through
    expect((vars as Record<string, unknown>).ansible_host).toBe("10.74.8.093");
  });

  test("wrong types and values are rejected with the path", () => {
    const r = KubesprayVars.safeParse({ helm_enabled: "true", kube_proxy_mode: "userspace" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join(".")).sort()).toEqual(["helm_enabled", "kube_proxy_mode"]);
    const pool = KubesprayVars.safeParse({
      metallb_config: { address_pools: { primary: { ip_range: [] } } },
    });
    expect(pool.error!.issues[0]!.path.join(".")).toBe("metallb_config.address_pools.primary.ip_range");
    const ok = KubesprayVars.parse({
      metallb_config: { address_pools: { p: { ip_range: ["10.0.0.10-10.0.0.20"] } } },
    });
    expect(ok.metallb_config!.address_pools.p!.auto_assign).toBe(true);
  });
});
