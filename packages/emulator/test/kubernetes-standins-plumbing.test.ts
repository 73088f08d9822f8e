import {
  CERT_MANAGER_CRDS,
  ingressInClass,
  METALLB_CRDS,
  StandInError,
  startStandIns,
} from "@homelab-kit/emulator/kubernetes";
import { describe, expect, it } from "vitest";
import { WorkQueue } from "../src/kubernetes/standins/informer.js";

describe("CRDs", () => {
  it("carry the real groups, kinds and scopes, with one served storage version and a structural schema", () => {
    const summary = [...METALLB_CRDS, ...CERT_MANAGER_CRDS].map((crd) => ({
      name: crd.metadata?.name,
      kind: crd.spec.names.kind,
      scope: crd.spec.scope,
      versions: crd.spec.versions.map((v) => `${v.name}:${v.served}:${v.storage}`),
    }));
    expect(summary).toEqual([
      {
        name: "ipaddresspools.metallb.io",
        kind: "IPAddressPool",
        scope: "Namespaced",
        versions: ["v1beta1:true:true"],
      },
      {
        name: "l2advertisements.metallb.io",
        kind: "L2Advertisement",
        scope: "Namespaced",
        versions: ["v1beta1:true:true"],
      },
      {
        name: "certificates.cert-manager.io",
        kind: "Certificate",
        scope: "Namespaced",
        versions: ["v1:true:true"],
      },
      {
        name: "certificaterequests.cert-manager.io",
        kind: "CertificateRequest",
        scope: "Namespaced",
        versions: ["v1:true:true"],
      },
      { name: "orders.acme.cert-manager.io", kind: "Order", scope: "Namespaced", versions: ["v1:true:true"] },
      {
        name: "challenges.acme.cert-manager.io",
        kind: "Challenge",
        scope: "Namespaced",
        versions: ["v1:true:true"],
      },
      { name: "issuers.cert-manager.io", kind: "Issuer", scope: "Namespaced", versions: ["v1:true:true"] },
      {
        name: "clusterissuers.cert-manager.io",
        kind: "ClusterIssuer",
        scope: "Cluster",
        versions: ["v1:true:true"],
      },
    ]);
    for (const crd of [...METALLB_CRDS, ...CERT_MANAGER_CRDS]) {
      const name = crd.metadata?.name ?? "";
      expect(name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
      // Structural: every schema node below the root says its type.
      const visit = (node: Record<string, unknown> | undefined, path: string) => {
        if (!node) return;
        expect(node.type, `${name} ${path}`).toBeTypeOf("string");
        for (const [key, child] of Object.entries(
          (node.properties ?? {}) as Record<string, Record<string, unknown>>,
        ))
          visit(child, `${path}.${key}`);
        visit(node.items as Record<string, unknown> | undefined, `${path}[]`);
      };
      visit(crd.spec.versions[0]?.schema?.openAPIV3Schema as Record<string, unknown>, "");
    }
  });
});

describe("ingress class matching", () => {
  it("matches by ingressClassName, then the legacy annotation, then the default class", () => {
    expect(ingressInClass({ spec: { ingressClassName: "nginx" } }, "nginx", false)).toBe(true);
    expect(ingressInClass({ spec: { ingressClassName: "traefik" } }, "nginx", true)).toBe(false);
    expect(
      ingressInClass(
        { metadata: { annotations: { "kubernetes.io/ingress.class": "nginx" } } },
        "nginx",
        false,
      ),
    ).toBe(true);
    expect(ingressInClass({ spec: {} }, "nginx", false)).toBe(false);
    expect(ingressInClass({ spec: {} }, "nginx", true)).toBe(true);
  });
});

describe("WorkQueue", () => {
  it("runs jobs one at a time, once per waiting key, and retries failures", async () => {
    const log: string[] = [];
    let active = 0;
    let failOnce = true;
    const errors: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        active++;
        expect(active).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (key === "flaky" && failOnce) {
          failOnce = false;
          throw new Error("conflict");
        }
        log.push(key);
      },
      (key, error) => errors.push(`${key}: ${(error as Error).message}`),
      10,
    );
    for (const key of ["a", "b", "a", "a", "flaky", "c"]) queue.add(key);
    await queue.idle();
    expect(log).toEqual(["a", "b", "c"]);
    expect(errors).toEqual(["flaky: conflict"]);
    await new Promise((r) => setTimeout(r, 50));
    await queue.idle();
    expect(log).toEqual(["a", "b", "c", "flaky"]);
    await queue.stop();
    queue.add("after-stop");
    await queue.idle();
    expect(log).not.toContain("after-stop");
  });
});

describe("WorkQueue.later", () => {
  it("keeps one timer per key, the earliest", async () => {
    const runs: string[] = [];
    const queue = new WorkQueue(async (key) => {
      runs.push(key);
    });
    queue.later("renew", 60_000);
    queue.later("renew", 20); // earlier: replaces the pending timer
    queue.later("renew", 30_000); // later: ignored
    queue.later("retry", 10);
    await new Promise((r) => setTimeout(r, 80));
    await queue.idle();
    expect(runs.sort()).toEqual(["renew", "retry"]);
    await queue.stop();
  });
});

describe("startStandIns", () => {
  it("fails with typed errors: no kubeconfig, or an API that never answers", async () => {
    await expect(startStandIns({ kubeconfig: "" })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    const unreachable = [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]",
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: c, context: {cluster: c, user: u}}]",
      "current-context: c",
    ].join("\n");
    const error = await startStandIns({
      kubeconfig: unreachable,
      startTimeout: 300,
      metallb: false,
      certManager: false,
      ingressNginx: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StandInError);
    expect((error as StandInError).code).toBe("WATCH_FAILED");
  });
});
