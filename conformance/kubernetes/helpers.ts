/** Helpers shared by the Kubernetes conformance suites (cluster, stand-ins, world). */
import type { k8s } from "@homelab-kit/emulator/kubernetes";

/** Polls `fn` every 200 ms until it returns a value (errors count as "not yet"), or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not reached in ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ""}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Creates the Deployment "web" (label app=web, pause containers) in "default" with `replicas` pods
 * and waits until that many of its pods are Running; returns them.
 */
export async function runWebDeployment(
  core: k8s.CoreV1Api,
  apps: k8s.AppsV1Api,
  replicas: number,
): Promise<k8s.V1Pod[]> {
  // Pods are admitted once the controller-manager has created the namespace's default ServiceAccount.
  await until("default ServiceAccount", () =>
    core.readNamespacedServiceAccount({ namespace: "default", name: "default" }),
  );
  const labels = { app: "web" };
  await apps.createNamespacedDeployment({
    namespace: "default",
    body: {
      metadata: { name: "web" },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "web", image: "registry.k8s.io/pause:3.10" }] },
        },
      },
    },
  });
  return until(`${replicas} pods Running`, async () => {
    const list = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" });
    const running = list.items.filter((p) => p.status?.phase === "Running");
    return running.length === replicas ? running : undefined;
  });
}

/** Creates the PersistentVolumeClaim `name` (ReadWriteOnce, `storage`) in "default" and waits until it is Bound. */
export async function boundPvc(
  core: k8s.CoreV1Api,
  name: string,
  storage: string,
): Promise<k8s.V1PersistentVolumeClaim> {
  await core.createNamespacedPersistentVolumeClaim({
    namespace: "default",
    body: {
      metadata: { name },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
    },
  });
  return until("PVC Bound", async () => {
    const c = await core.readNamespacedPersistentVolumeClaim({ namespace: "default", name });
    return c.status?.phase === "Bound" ? c : undefined;
  });
}
