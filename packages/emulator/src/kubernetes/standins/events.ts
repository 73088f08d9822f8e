import { CoreV1Api, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";

/** Records a core/v1 Event on an object, as the real controller would (failures are ignored). */
export async function recordEvent(
  kubeConfig: KubeConfig,
  object: KubernetesObject,
  event: { type?: "Normal" | "Warning"; reason: string; message: string; component: string },
): Promise<void> {
  const namespace = object.metadata?.namespace ?? "default";
  const now = new Date();
  await kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${object.metadata?.name ?? "object"}.` },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata?.name,
          namespace: object.metadata?.namespace,
          uid: object.metadata?.uid,
          resourceVersion: object.metadata?.resourceVersion,
        },
        reason: event.reason,
        message: event.message,
        type: event.type ?? "Normal",
        source: { component: event.component },
        reportingComponent: event.component,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    })
    .catch(() => undefined);
}
