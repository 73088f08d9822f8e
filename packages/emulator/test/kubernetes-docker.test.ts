/**
 * kind and k3s need Docker (and their images). Where Docker is there, these start a real cluster;
 * where it is not, they check that the provider refuses with PROVIDER_UNAVAILABLE and a reason, and
 * say loudly on stderr that the live part did not run.
 */
import {
  type Cluster,
  type ClusterError,
  k3sUnavailableReason,
  kindUnavailableReason,
  type StartClusterOptions,
  startCluster,
} from "@homelab-kit/emulator/kubernetes";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

const cases: {
  provider: "kind" | "k3s";
  reason: () => Promise<string | undefined>;
  options: StartClusterOptions;
}[] = [
  {
    provider: "kind",
    reason: () => kindUnavailableReason(),
    options: { provider: "kind", nodes: [{ role: "control-plane" }] },
  },
  { provider: "k3s", reason: () => k3sUnavailableReason(), options: { provider: "k3s" } },
];

describe.each(cases)("$provider provider", ({ provider, reason, options }) => {
  it("starts a live cluster where Docker is available, and otherwise says why it cannot", {
    timeout: 600_000,
  }, async () => {
    const why = await reason();
    if (why) {
      console.warn(`\n!!! ${provider} live test NOT RUN: ${why}\n`);
      const error = (await startCluster(options).catch((e: unknown) => e)) as ClusterError;
      expect(error.name).toBe("ClusterError");
      expect(error.code).toBe("PROVIDER_UNAVAILABLE");
      expect(error.message).toContain(provider);
      expect(error.message.length).toBeGreaterThan(`${provider} provider cannot run: `.length);
      return;
    }
    let cluster: Cluster | undefined;
    try {
      cluster = await startCluster({ ...options, startTimeout: 300_000 });
      const kc = new KubeConfig();
      kc.loadFromString(cluster.kubeconfig);
      const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(namespaces.items.map((n) => n.metadata?.name)).toContain("kube-system");
    } finally {
      await cluster?.stop();
    }
  });
});
