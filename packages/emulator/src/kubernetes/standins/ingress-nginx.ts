/**
 * ingress-nginx stand-in: the `nginx` IngressClass (controller `k8s.io/ingress-nginx`), and the
 * controller's status updater: Ingresses of that class get the `status.loadBalancer` of the
 * controller's published Service (`--publish-service`, by default
 * `ingress-nginx/ingress-nginx-controller`), once MetalLB has given it an address.
 */
import {
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  NetworkingV1Api,
  type V1Ingress,
  type V1IngressLoadBalancerIngress,
  type V1Service,
} from "@kubernetes/client-node";
import { apiStatus } from "./errors.js";
import { keyOf, splitKey, type Watched, WorkQueue, watch } from "./informer.js";

export const INGRESS_NGINX_CONTROLLER = "k8s.io/ingress-nginx";

export interface IngressNginxOptions {
  /** IngressClass name (default `nginx`). */
  className?: string;
  /** Mark the class as the cluster's default (default false). */
  default?: boolean;
  /** `namespace/name` of the controller's Service (default `ingress-nginx/ingress-nginx-controller`). */
  publishService?: string;
}

/** Whether an Ingress belongs to the class (by name, legacy annotation, or as the default class). */
export function ingressInClass(ingress: V1Ingress, className: string, isDefault: boolean): boolean {
  const byName = ingress.spec?.ingressClassName;
  if (byName) return byName === className;
  const legacy = ingress.metadata?.annotations?.["kubernetes.io/ingress.class"];
  if (legacy) return legacy === className;
  return isDefault;
}

export interface IngressNginxStandIn {
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startIngressNginx(
  kubeConfig: KubeConfig,
  options: IngressNginxOptions,
  log: (line: string) => void,
  startTimeoutMs?: number,
): Promise<IngressNginxStandIn> {
  const className = options.className ?? "nginx";
  const isDefault = options.default ?? false;
  const publish = splitKey(options.publishService ?? "ingress-nginx/ingress-nginx-controller");
  const publishNs = publish.namespace ?? "default";
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await networking
    .createIngressClass({
      body: {
        metadata: {
          name: className,
          labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
          ...(isDefault ? { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } : {}),
        },
        spec: { controller: INGRESS_NGINX_CONTROLLER },
      },
    })
    .catch((e: unknown) => {
      if (apiStatus(e) !== 409) throw e;
    });

  let ingresses: Watched<V1Ingress> | undefined;
  let services: Watched<V1Service> | undefined;

  const reconcile = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const ingress = ingresses?.get(name, namespace);
    if (!ingress || !ingressInClass(ingress, className, isDefault)) return;
    const service = services?.get(publish.name, publishNs);
    const desired: V1IngressLoadBalancerIngress[] = (service?.status?.loadBalancer?.ingress ?? []).map(
      (i) => ({
        ...(i.ip ? { ip: i.ip } : {}),
        ...(i.hostname ? { hostname: i.hostname } : {}),
      }),
    );
    const current = (ingress.status?.loadBalancer?.ingress ?? []).map((i) => ({
      ...(i.ip ? { ip: i.ip } : {}),
      ...(i.hostname ? { hostname: i.hostname } : {}),
    }));
    if (JSON.stringify(desired) === JSON.stringify(current)) return;
    await networking.replaceNamespacedIngressStatus({
      namespace,
      name,
      body: { ...ingress, status: { loadBalancer: { ingress: desired } } },
    });
    log(`ingress-nginx: ${key} → ${desired.map((d) => d.ip ?? d.hostname).join(",") || "(none)"}`);
  };
  const queue = new WorkQueue(reconcile, (key, error) => log(`ingress-nginx: ${key}: ${String(error)}`));
  const requeueAll = () => {
    for (const ingress of ingresses?.list() ?? []) queue.add(keyOf(ingress));
  };
  const started: Watched<KubernetesObject>[] = [];
  try {
    services = await watch<V1Service>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: `/api/v1/namespaces/${publishNs}/services`,
      list: () => core.listNamespacedService({ namespace: publishNs }),
      onChange: (service) => {
        if (service.metadata?.name === publish.name) requeueAll();
      },
    });
    started.push(services);
    ingresses = await watch<V1Ingress>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: "/apis/networking.k8s.io/v1/ingresses",
      list: () => networking.listIngressForAllNamespaces(),
      onChange: (ingress, deleted) => {
        if (!deleted) queue.add(keyOf(ingress));
      },
    });
    started.push(ingresses);
  } catch (error) {
    await Promise.all(started.map((w) => w.stop()));
    throw error;
  }
  requeueAll();
  return {
    idle: () => queue.idle(),
    stop: async () => {
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
    },
  };
}
