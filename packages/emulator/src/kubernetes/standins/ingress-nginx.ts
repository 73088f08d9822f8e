/**
 * ingress-nginx stand-in: the `nginx` IngressClass (controller `k8s.io/ingress-nginx`), the
 * controller's LoadBalancer Service (`controllerService`, as the ingress-nginx install creates it;
 * MetalLB gives it its address), the status updater (Ingresses of the class get the
 * `status.loadBalancer` of the published Service, `--publish-service`, by default
 * `ingress-nginx/ingress-nginx-controller`), and with `listen` the data plane: HTTPS and HTTP on
 * loopback serving the rules (see `ingress-listener.ts`).
 */
import {
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesObject,
  NetworkingV1Api,
  type V1EndpointSlice,
  type V1Ingress,
  type V1IngressLoadBalancerIngress,
  type V1Secret,
  type V1Service,
} from "@kubernetes/client-node";
import { apiStatus } from "./errors.js";
import { keyOf, splitKey, type Watched, WorkQueue, watch } from "./informer.js";
import {
  type IngressEndpoints,
  type IngressListener,
  type IngressListenOptions,
  startIngressListener,
} from "./ingress-listener.js";

export const INGRESS_NGINX_CONTROLLER = "k8s.io/ingress-nginx";

export interface IngressNginxOptions {
  /** IngressClass name (default `nginx`). */
  className?: string;
  /** Mark the class as the cluster's default (default false). */
  default?: boolean;
  /** `namespace/name` of the controller's Service (default `ingress-nginx/ingress-nginx-controller`). */
  publishService?: string;
  /**
   * Create that Service (type LoadBalancer, ports http 80 and https 443), as installing
   * ingress-nginx does (default false: it is yours to create).
   */
  controllerService?: boolean;
  /** Serve the class's Ingress rules on loopback HTTPS and HTTP listeners (ports 0: free ones). */
  listen?: IngressListenOptions;
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
  /** The loopback listeners (with `listen`). */
  readonly endpoints: IngressEndpoints | undefined;
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

  if (options.controllerService) {
    await core.createNamespace({ body: { metadata: { name: publishNs } } }).catch((e: unknown) => {
      if (apiStatus(e) !== 409) throw e;
    });
    const labels = {
      "app.kubernetes.io/name": "ingress-nginx",
      "app.kubernetes.io/instance": "ingress-nginx",
      "app.kubernetes.io/component": "controller",
    };
    await core
      .createNamespacedService({
        namespace: publishNs,
        body: {
          metadata: { name: publish.name, namespace: publishNs, labels },
          spec: {
            type: "LoadBalancer",
            externalTrafficPolicy: "Local",
            selector: labels,
            ports: [
              { name: "http", port: 80, protocol: "TCP", targetPort: "http" },
              { name: "https", port: 443, protocol: "TCP", targetPort: "https" },
            ],
          },
        },
      })
      .catch((e: unknown) => {
        if (apiStatus(e) !== 409) throw e;
      });
  }

  let ingresses: Watched<V1Ingress> | undefined;
  let services: Watched<V1Service> | undefined;
  let slices: Watched<V1EndpointSlice> | undefined;
  let secrets: Watched<V1Secret> | undefined;
  const serveRules = options.listen !== undefined;

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
    // With listeners, every Service (backends' ports); else only the published one's namespace.
    services = await watch<V1Service>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: serveRules ? "/api/v1/services" : `/api/v1/namespaces/${publishNs}/services`,
      list: () =>
        serveRules
          ? core.listServiceForAllNamespaces()
          : core.listNamespacedService({ namespace: publishNs }),
      onChange: (service) => {
        if (service.metadata?.name === publish.name && service.metadata.namespace === publishNs) requeueAll();
      },
    });
    started.push(services);
    if (serveRules) {
      const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
      slices = await watch<V1EndpointSlice>({
        kubeConfig,
        ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
        path: "/apis/discovery.k8s.io/v1/endpointslices",
        list: () => discovery.listEndpointSliceForAllNamespaces(),
        onChange: () => {},
      });
      started.push(slices);
      secrets = await watch<V1Secret>({
        kubeConfig,
        ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
        path: "/api/v1/secrets",
        list: () => core.listSecretForAllNamespaces(),
        onChange: () => {},
      });
      started.push(secrets);
    }
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
  let listener: IngressListener | undefined;
  if (options.listen) {
    try {
      listener = await startIngressListener(
        {
          ingresses: () => (ingresses?.list() ?? []).filter((i) => ingressInClass(i, className, isDefault)),
          service: (namespace, name) => services?.get(name, namespace),
          endpointSlices: (namespace) => slices?.list(namespace) ?? [],
          secret: (namespace, name) => secrets?.get(name, namespace),
        },
        options.listen,
        log,
      );
    } catch (error) {
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
      throw error;
    }
    log(
      `ingress-nginx: serving the rules on ${listener.endpoints.https.url} and ${listener.endpoints.http.url}`,
    );
  }
  return {
    endpoints: listener?.endpoints,
    idle: () => queue.idle(),
    stop: async () => {
      await listener?.close();
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
    },
  };
}
