/**
 * MetalLB stand-in: its controller (addresses for Services of type LoadBalancer from the
 * IPAddressPools, released on delete) and its layer-2 speaker's choice of announcing node (a Ready
 * node selected by an L2Advertisement covering the address's pool).
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1Service,
} from "@kubernetes/client-node";
import { METALLB_GROUP, METALLB_VERSION } from "./crds.js";
import { apiStatus } from "./errors.js";
import { recordEvent } from "./events.js";
import { keyOf, splitKey, type Watched, WorkQueue, watch } from "./informer.js";
import { type AllocationResult, IpAllocator, type PoolSpec } from "./ip-pool.js";

export const LOAD_BALANCER_IPS_ANNOTATIONS = [
  "metallb.universe.tf/loadBalancerIPs",
  "metallb.io/loadBalancerIPs",
];
export const ADDRESS_POOL_ANNOTATIONS = ["metallb.universe.tf/address-pool", "metallb.io/address-pool"];

export interface MetallbOptions {
  /** Namespace of MetalLB's resources (default `metallb-system`), as the real controller watches. */
  namespace?: string;
  /** IPAddressPools to create at start (with an L2Advertisement for them unless `l2Advertisement: false`). */
  pools?: PoolSpec[];
  l2Advertisement?: boolean;
  /** `loadBalancerClass` MetalLB answers to (default: only Services without one). */
  loadBalancerClass?: string;
}

interface CustomObject extends KubernetesObject {
  spec?: Record<string, unknown>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
}

function matches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

function annotation(service: V1Service, names: string[]): string | undefined {
  for (const name of names) {
    const value = service.metadata?.annotations?.[name];
    if (value) return value;
  }
  return undefined;
}

/** The addresses a Service asks for: the MetalLB annotation, else `spec.loadBalancerIP`. */
export function requestedIps(service: V1Service): string[] | undefined {
  const listed = annotation(service, LOAD_BALANCER_IPS_ANNOTATIONS);
  if (listed)
    return listed
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return service.spec?.loadBalancerIP ? [service.spec.loadBalancerIP] : undefined;
}

export function poolSpecOf(object: CustomObject): PoolSpec {
  const spec = object.spec ?? {};
  const allocation = (spec.serviceAllocation ?? {}) as { namespaces?: string[]; priority?: number };
  return {
    name: object.metadata?.name ?? "",
    addresses: (spec.addresses as string[] | undefined) ?? [],
    autoAssign: spec.autoAssign as boolean | undefined,
    avoidBuggyIPs: spec.avoidBuggyIPs as boolean | undefined,
    ...(allocation.namespaces ? { namespaces: allocation.namespaces } : {}),
    ...(allocation.priority !== undefined ? { priority: allocation.priority } : {}),
  };
}

export interface MetallbStandIn {
  /** The node announcing a Service's address (layer 2), if an L2Advertisement covers its pool. */
  announcingNode(namespace: string, name: string): string | undefined;
  /** Resolves when every change seen so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMetallb(
  kubeConfig: KubeConfig,
  nodes: Watched<V1Node>,
  options: MetallbOptions,
  log: (line: string) => void,
  startTimeoutMs?: number,
): Promise<MetallbStandIn & { onNodeChange(): void }> {
  const namespace = options.namespace ?? "metallb-system";
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch((e: unknown) => {
    if (apiStatus(e) !== 409) throw e;
  });
  const create = async (plural: string, body: CustomObject) =>
    custom
      .createNamespacedCustomObject({
        group: METALLB_GROUP,
        version: METALLB_VERSION,
        namespace,
        plural,
        body,
      })
      .catch((e: unknown) => {
        if (apiStatus(e) !== 409) throw e;
      });
  for (const pool of options.pools ?? []) {
    await create("ipaddresspools", {
      apiVersion: `${METALLB_GROUP}/${METALLB_VERSION}`,
      kind: "IPAddressPool",
      metadata: { name: pool.name, namespace },
      spec: {
        addresses: pool.addresses,
        autoAssign: pool.autoAssign ?? true,
        avoidBuggyIPs: pool.avoidBuggyIPs ?? false,
        ...(pool.namespaces || pool.priority !== undefined
          ? { serviceAllocation: { namespaces: pool.namespaces, priority: pool.priority } }
          : {}),
      },
    });
  }
  if (options.pools?.length && options.l2Advertisement !== false) {
    await create("l2advertisements", {
      apiVersion: `${METALLB_GROUP}/${METALLB_VERSION}`,
      kind: "L2Advertisement",
      metadata: { name: "homelab-kit", namespace },
      spec: { ipAddressPools: options.pools.map((p) => p.name) },
    });
  }

  const allocator = new IpAllocator();
  const announced = new Map<string, string>();
  let configError: string | undefined;
  const lbClass = options.loadBalancerClass;
  const ours = (s: V1Service) =>
    s.spec?.type === "LoadBalancer" && (s.spec.loadBalancerClass ?? undefined) === lbClass;

  const listOf = (plural: string) => () =>
    custom.listNamespacedCustomObject({
      group: METALLB_GROUP,
      version: METALLB_VERSION,
      namespace,
      plural,
    }) as Promise<KubernetesListObject<CustomObject>>;

  let services: Watched<V1Service> | undefined;
  let pools: Watched<CustomObject> | undefined;
  let l2: Watched<CustomObject> | undefined;
  const requeueAll = () => {
    for (const s of services?.list() ?? []) if (ours(s) || allocator.held(keyOf(s))) queue.add(keyOf(s));
  };
  const reloadPools = () => {
    try {
      allocator.setPools((pools?.list() ?? []).map(poolSpecOf));
      configError = undefined;
    } catch (error) {
      // MetalLB keeps its last good configuration when a new one is invalid.
      configError = (error as Error).message;
      log(`metallb: configuration rejected: ${configError}`);
    }
  };

  const announcer = (service: V1Service, pool: string): string | undefined => {
    const poolObject = pools?.get(pool, namespace);
    const eligible = new Set<string>();
    for (const ad of l2?.list() ?? []) {
      const spec = (ad.spec ?? {}) as {
        ipAddressPools?: string[];
        ipAddressPoolSelectors?: LabelSelector[];
        nodeSelectors?: LabelSelector[];
      };
      const byName = spec.ipAddressPools ?? [];
      const bySelector = spec.ipAddressPoolSelectors ?? [];
      const covers =
        (byName.length === 0 && bySelector.length === 0) ||
        byName.includes(pool) ||
        bySelector.some((s) => matches(s, poolObject?.metadata?.labels));
      if (!covers) continue;
      for (const node of nodes.list()) {
        const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
        const selected =
          (spec.nodeSelectors ?? []).length === 0 ||
          spec.nodeSelectors!.some((s) => matches(s, node.metadata?.labels));
        if (ready && selected && !node.spec?.unschedulable) eligible.add(node.metadata?.name ?? "");
      }
    }
    const sorted = [...eligible].sort();
    if (sorted.length === 0) return undefined;
    // The speakers agree on one node per Service by hashing its name (memberlist order in MetalLB).
    let hash = 0;
    for (const ch of keyOf(service)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return sorted[hash % sorted.length];
  };

  const reconcile = async (key: string) => {
    const { namespace: ns = "default", name } = splitKey(key);
    const service = services?.get(name, ns);
    if (!service || !ours(service)) {
      if (allocator.held(key)) {
        allocator.release(key);
        log(`metallb: released ${key}`);
        // Services that found the pools full get another chance.
        for (const other of services?.list() ?? []) {
          if (ours(other) && !allocator.held(keyOf(other))) queue.add(keyOf(other));
        }
      }
      announced.delete(key);
      if (service?.status?.loadBalancer?.ingress?.length && service.spec?.type !== "LoadBalancer") {
        await patchStatus(ns, name, []);
      }
      return;
    }
    const requested = requestedIps(service);
    const poolName = annotation(service, ADDRESS_POOL_ANNOTATIONS);
    const current =
      service.status?.loadBalancer?.ingress?.map((i) => i.ip).filter((ip): ip is string => !!ip) ?? [];
    const pool = poolName ? { pool: poolName } : {};
    let result: AllocationResult | undefined;
    // After a restart, a Service keeps the addresses its status already shows while they are valid.
    if (!requested && current.length && !allocator.held(key)) {
      const kept = allocator.assign(key, { namespace: ns, requested: current, ...pool });
      if ("ips" in kept) result = kept;
    }
    result ??= allocator.assign(key, { namespace: ns, ...(requested ? { requested } : {}), ...pool });
    if ("error" in result) {
      const message = `Failed to allocate IP for "${key}": ${result.error}${configError ? ` (config: ${configError})` : ""}`;
      log(`metallb: ${message}`);
      await recordEvent(kubeConfig, service, {
        type: "Warning",
        reason: "AllocationFailed",
        message,
        component: "metallb-controller",
      });
      if (current.length) await patchStatus(ns, name, []);
      return;
    }
    if (result.ips.join(",") !== current.join(",")) {
      try {
        await patchStatus(ns, name, result.ips);
      } catch (error) {
        if (apiStatus(error) === 404) {
          allocator.release(key);
          return;
        }
        throw error;
      }
      log(`metallb: ${key} → ${result.ips.join(",")} (pool ${result.pool})`);
      await recordEvent(kubeConfig, service, {
        reason: "IPAllocated",
        message: `Assigned IP ${JSON.stringify(result.ips)}`,
        component: "metallb-controller",
      });
    }
    const node = announcer(service, result.pool);
    if (node !== announced.get(key)) {
      if (node === undefined) announced.delete(key);
      else {
        announced.set(key, node);
        await recordEvent(kubeConfig, service, {
          reason: "nodeAssigned",
          message: `announcing from node "${node}" with protocol "layer2"`,
          component: "metallb-speaker",
        });
      }
    }
  };

  async function patchStatus(ns: string, name: string, ips: string[]): Promise<void> {
    await core.patchNamespacedServiceStatus(
      {
        namespace: ns,
        name,
        body: { status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: "VIP" })) } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  const queue = new WorkQueue(reconcile, (key, error) => log(`metallb: ${key}: ${String(error)}`));
  const started: Watched<KubernetesObject>[] = [];
  try {
    pools = await watch<CustomObject>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: `/apis/${METALLB_GROUP}/${METALLB_VERSION}/namespaces/${namespace}/ipaddresspools`,
      list: listOf("ipaddresspools"),
      onChange: () => {
        reloadPools();
        requeueAll();
      },
    });
    started.push(pools);
    reloadPools();
    l2 = await watch<CustomObject>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: `/apis/${METALLB_GROUP}/${METALLB_VERSION}/namespaces/${namespace}/l2advertisements`,
      list: listOf("l2advertisements"),
      onChange: requeueAll,
    });
    started.push(l2);
    // Addresses already in Services' status are claimed before anything new is handed out.
    const claimFirst: string[] = [];
    services = await watch<V1Service>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: "/api/v1/services",
      list: () => core.listServiceForAllNamespaces(),
      onChange: (service) => {
        if (services === undefined) claimFirst.push(keyOf(service));
        else queue.add(keyOf(service));
      },
    });
    started.push(services);
    const withStatus = (key: string) => {
      const { namespace: ns, name } = splitKey(key);
      return !!services?.get(name, ns)?.status?.loadBalancer?.ingress?.length;
    };
    for (const key of claimFirst.filter(withStatus)) queue.add(key);
    for (const key of claimFirst.filter((k) => !withStatus(k))) queue.add(key);
  } catch (error) {
    await Promise.all(started.map((w) => w.stop()));
    throw error;
  }
  return {
    announcingNode: (ns, name) => announced.get(`${ns}/${name}`),
    idle: () => queue.idle(),
    onNodeChange: requeueAll,
    stop: async () => {
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
    },
  };
}
