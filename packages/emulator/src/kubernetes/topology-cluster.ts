/**
 * `startTopologyCluster`: the Kubernetes cluster a topology's `kubernetes:` section describes,
 * started next to a listening emulator and linked to its World — kwok Nodes for the node VMs
 * (NotReady when their host is powered off through iLO), Ceph CSI on the topology's RBD pool,
 * MetalLB with its pools, cert-manager with its ClusterIssuers solving DNS01 through the
 * emulated Cloudflare API, and ingress-nginx with its LoadBalancer Service and loopback listeners.
 * What `homelab-emulator up` runs; usable on its own with `createEmulator().listen()`.
 */
import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { CoreV1Api, CustomObjectsApi, type KubernetesObject, StorageV1Api } from "@kubernetes/client-node";
import type { Topology } from "../topology/schema.js";
import type { Emulator, EmulatorEndpoints } from "../world/emulator.js";
import { cacheDir, DEFAULT_BINARY_VERSIONS, resolveAssetsDir } from "./assets.js";
import { k3sUnavailableReason } from "./providers/k3s.js";
import { kindUnavailableReason } from "./providers/kind.js";
import { apiStatus } from "./standins/errors.js";
import type { IngressEndpoints } from "./standins/ingress-listener.js";
import { type StandIns, type StandInsOptions, startStandIns } from "./standins/start.js";
import { startCluster } from "./start-cluster.js";
import { BINARY_NAMES, type Cluster, type ClusterProvider } from "./types.js";

export interface TopologyClusterOptions {
  /** The emulator: its World, and its Cloudflare endpoint once it listens. */
  emulator: Emulator;
  /**
   * `emulator.listen()`'s promise when it is still starting: the cluster starts meanwhile and the
   * stand-ins wait for it (default: the emulator already listens).
   */
  listening?: Promise<EmulatorEndpoints>;
  /** Default: the topology's `kubernetes.provider` (`binaries`). */
  provider?: ClusterProvider;
  /** Keep the cluster's objects there across restarts (binaries provider: etcd data and CA). */
  dataDir?: string;
  /** Where the ingress listeners bind (default 127.0.0.1) and their ports (default: free ones). */
  ingress?: { host?: string; httpsPort?: number; httpPort?: number };
  /** Give up when the cluster and stand-ins are not ready after this many ms (default 120 000). */
  startTimeout?: number;
  log?: (line: string) => void;
}

export interface KubernetesHealth {
  status: "running";
  provider: ClusterProvider;
  server: string;
  nodes: Array<{ name: string; ready: string }>;
  standIns: {
    metallb: { pools: Array<{ name: string; addresses: string[] }>; controllerAddress: string | undefined };
    certManager: { clusterIssuers: Array<{ name: string; ready: string; reason: string }> };
    cephCsi: { storageClass: string | undefined; pool: string | undefined };
    ingressNginx: { className: string; https: string | undefined; http: string | undefined };
  };
}

export interface TopologyCluster {
  readonly provider: ClusterProvider;
  readonly cluster: Cluster;
  /** cluster-admin kubeconfig (YAML). */
  readonly kubeconfig: string;
  /** The ingress controller's loopback listeners. */
  readonly ingress: IngressEndpoints | undefined;
  /** The LoadBalancer address MetalLB gave the ingress controller's Service. */
  readonly ingressAddress: string | undefined;
  readonly ingressClass: string;
  /** PEM of the CA the emulated ACME server signs with (what `curl --cacert` needs for Ingress hosts). */
  readonly acmeCa: string | undefined;
  /** The topology's MetalLB pools, ClusterIssuers and the StorageClass name. */
  readonly metallbPools: Array<{ name: string; addresses: string[] }>;
  readonly clusterIssuers: string[];
  readonly storageClass: string | undefined;
  /** Milliseconds to a ready API, and to every stand-in and topology object ready. */
  readonly timings: { apiReadyMs: number; readyMs: number };
  /** What `status` reports (a few API calls). */
  health(): Promise<KubernetesHealth>;
  /** Stops the stand-ins and the cluster (every process, every temp dir). Idempotent. */
  stop(): Promise<void>;
}

/** What the CLI prints when the binaries are not built: how to build them and how long it takes. */
export function binariesMissingMessage(dir: string, missing: string[]): string {
  return (
    `Kubernetes not started: the cluster binaries are not built (missing in ${dir}: ${missing.join(", ")}).\n` +
    `  Build them once with: bash scripts/k8s/build-binaries.sh\n` +
    `  (Kubernetes ${DEFAULT_BINARY_VERSIONS.kubernetes}, etcd ${DEFAULT_BINARY_VERSIONS.etcd} and kwok ${DEFAULT_BINARY_VERSIONS.kwok} from the Go module proxy, Go 1.26+;\n` +
    `  about 30 minutes on 2 cores, 1.9 GiB of memory at peak, 365 MB in ${join(cacheDir(), "k8s")}), then run up again.\n` +
    `  Or set KUBEBUILDER_ASSETS to a folder holding kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok.\n` +
    `  --no-kubernetes starts the rest without this message.`
  );
}

/**
 * Why the provider cannot run here (binaries not built, no Docker), or undefined when it can.
 * The binaries provider needs every component (`kwok` included) in the assets folder.
 */
export async function clusterUnavailableReason(provider: ClusterProvider): Promise<string | undefined> {
  if (provider === "kind") return kindUnavailableReason();
  if (provider === "k3s") return k3sUnavailableReason();
  const dir = resolveAssetsDir(undefined);
  const missing: string[] = [];
  for (const name of BINARY_NAMES) {
    try {
      await access(join(dir, name), constants.X_OK);
    } catch {
      missing.push(name);
    }
  }
  return missing.length === 0 ? undefined : binariesMissingMessage(dir, missing);
}

const CERT_MANAGER_NS = "cert-manager";
const tokenSecretName = (token: string) => `cloudflare-api-token-${token}`;

/** The ClusterIssuer a topology entry stands for: ACME, DNS01 through the emulated Cloudflare. */
function clusterIssuer(
  topology: Topology,
  issuer: NonNullable<NonNullable<Topology["kubernetes"]>["certManager"]>["clusterIssuers"][number],
) {
  const token = topology.cloudflare?.tokens.find((t) => t.name === issuer.cloudflareToken);
  const zones = token?.zones ?? topology.cloudflare?.zones.map((z) => z.name) ?? [];
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name: issuer.name },
    spec: {
      acme: {
        server: issuer.server,
        email: issuer.email,
        privateKeySecretRef: { name: `${issuer.name}-account-key` },
        solvers: [
          {
            selector: { dnsZones: zones },
            dns01: {
              cloudflare: {
                apiTokenSecretRef: { name: tokenSecretName(issuer.cloudflareToken), key: "api-token" },
              },
            },
          },
        ],
      },
    },
  };
}

async function until<T>(what: string, deadline: number, check: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not ready in time${last ? ` (${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startTopologyCluster(options: TopologyClusterOptions): Promise<TopologyCluster> {
  const { emulator } = options;
  const topology = emulator.world.topology;
  const k8s = topology.kubernetes;
  if (k8s === undefined) throw new Error("startTopologyCluster: the topology has no kubernetes section");
  const provider = options.provider ?? k8s.provider;
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const timeout = options.startTimeout ?? 120_000;
  const world = emulator.world;
  const className = k8s.ingressNginx?.className ?? "nginx";
  const pools = (k8s.metallb?.pools ?? []).map((p) => ({
    name: p.name,
    addresses: p.addresses,
    autoAssign: p.autoAssign,
  }));
  const standInsFor = (cloudflare: EmulatorEndpoints["cloudflare"]): Omit<StandInsOptions, "kubeconfig"> => ({
    world,
    // A VM that finishes booting on the (real) clock alone gets its Node without an API request.
    worldSyncIntervalMs: 250,
    log,
    startTimeout: timeout,
    metallb: { pools },
    certManager: {
      ...(cloudflare !== undefined && world.cloudflare !== undefined
        ? {
            dns01: {
              cloudflareApiUrl: cloudflare.url,
              resolveTxt: (fqdn: string) => world.cloudflare?.resolveTxt(fqdn) ?? [],
            },
          }
        : {}),
    },
    ingressNginx: {
      className,
      default: k8s.ingressNginx?.default ?? false,
      controllerService: true,
      listen: {
        host: options.ingress?.host ?? "127.0.0.1",
        httpsPort: options.ingress?.httpsPort ?? 0,
        httpPort: options.ingress?.httpPort ?? 0,
      },
    },
  });
  // The stand-ins start as soon as the API answers (and the emulator listens), while the
  // controller-manager, the scheduler and kwok are still starting.
  const listening = options.listening ?? Promise.resolve(emulator.endpoints);
  let starting: Promise<StandIns> | undefined;
  const startStandInsOn = (kubeconfig: string) => {
    starting ??= listening.then((endpoints) =>
      startStandIns({ ...standInsFor(endpoints?.cloudflare), kubeconfig }),
    );
    starting.catch(() => {}); // awaited below
  };
  const common = { startTimeout: timeout, log, onApiReady: startStandInsOn };
  let cluster: Cluster;
  try {
    cluster = await startCluster(
      provider === "binaries"
        ? { provider, ...common, ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) }
        : { provider, ...common },
    );
  } catch (error) {
    await starting?.then((s) => s.stop()).catch(() => {});
    throw error;
  }
  let standIns: StandIns | undefined;
  try {
    startStandInsOn(cluster.kubeconfig);
    standIns = await starting;
    if (standIns === undefined) throw new Error("the stand-ins did not start");
    const running: StandIns = standIns;
    const kc = running.kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const storage = kc.makeApiClient(StorageV1Api);
    const deadline = Date.now() + timeout;

    // The ClusterIssuers of the topology, with their Cloudflare token Secrets (kept if they exist).
    const issuers = k8s.certManager?.clusterIssuers ?? [];
    for (const token of new Set(issuers.map((i) => i.cloudflareToken))) {
      const value = topology.cloudflare?.tokens.find((t) => t.name === token)?.value ?? "";
      await core
        .createNamespacedSecret({
          namespace: CERT_MANAGER_NS,
          body: {
            metadata: { name: tokenSecretName(token), namespace: CERT_MANAGER_NS },
            stringData: { "api-token": value },
          },
        })
        .catch((e: unknown) => {
          if (apiStatus(e) !== 409) throw e;
        });
    }
    for (const issuer of issuers) {
      await custom
        .createClusterCustomObject({
          group: "cert-manager.io",
          version: "v1",
          plural: "clusterissuers",
          body: clusterIssuer(topology, issuer),
        })
        .catch((e: unknown) => {
          if (apiStatus(e) !== 409) throw e;
        });
    }
    const acmeCa = await running.certManager?.acmeCaCertificate();

    // Ready: every ClusterIssuer Ready, the controller Service's address (when there are pools), the StorageClass.
    type Issuer = KubernetesObject & {
      status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
    };
    await Promise.all(
      issuers.map((issuer) =>
        until(`ClusterIssuer ${issuer.name}`, deadline, async () => {
          const object = (await custom.getClusterCustomObject({
            group: "cert-manager.io",
            version: "v1",
            plural: "clusterissuers",
            name: issuer.name,
          })) as Issuer;
          return object.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")
            ? true
            : undefined;
        }),
      ),
    );
    const ingressAddress =
      pools.length === 0
        ? undefined
        : await until("the ingress controller's LoadBalancer address", deadline, async () => {
            const service = await core.readNamespacedService({
              namespace: "ingress-nginx",
              name: "ingress-nginx-controller",
            });
            return service.status?.loadBalancer?.ingress?.[0]?.ip;
          });
    const storageClass = running.cephCsi === undefined ? undefined : "ceph-rbd";
    if (storageClass !== undefined)
      await until("StorageClass", deadline, () => storage.readStorageClass({ name: storageClass }));
    await running.idle();
    const readyMs = Math.round(performance.now() - t0);
    log(`kubernetes: cluster and stand-ins ready after ${readyMs} ms`);

    const health = async (): Promise<KubernetesHealth> => {
      const [nodes, issuerList, controller] = await Promise.all([
        core.listNode().catch(() => ({ items: [] })),
        (
          custom.listClusterCustomObject({
            group: "cert-manager.io",
            version: "v1",
            plural: "clusterissuers",
          }) as Promise<{
            items: Array<
              Issuer & { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } }
            >;
          }>
        ).catch(() => ({ items: [] })),
        core
          .readNamespacedService({ namespace: "ingress-nginx", name: "ingress-nginx-controller" })
          .catch(() => undefined),
      ]);
      return {
        status: "running",
        provider,
        server: cluster.server,
        nodes: nodes.items.map((n) => ({
          name: n.metadata?.name ?? "",
          ready: n.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "Unknown",
        })),
        standIns: {
          metallb: {
            pools: pools.map(({ name, addresses }) => ({ name, addresses })),
            controllerAddress: controller?.status?.loadBalancer?.ingress?.[0]?.ip,
          },
          certManager: {
            clusterIssuers: issuerList.items.map((i) => {
              const ready = i.status?.conditions?.find((c) => c.type === "Ready");
              return {
                name: i.metadata?.name ?? "",
                ready: ready?.status ?? "Unknown",
                reason: ready?.reason ?? "",
              };
            }),
          },
          cephCsi: { storageClass, pool: storageClass === undefined ? undefined : (k8s.rbdPool ?? "rbd") },
          ingressNginx: {
            className,
            https: running.ingressNginx?.endpoints?.https.url,
            http: running.ingressNginx?.endpoints?.http.url,
          },
        },
      };
    };
    return {
      provider,
      cluster,
      kubeconfig: cluster.kubeconfig,
      ingress: running.ingressNginx?.endpoints,
      ingressAddress,
      ingressClass: className,
      acmeCa,
      metallbPools: pools.map(({ name, addresses }) => ({ name, addresses })),
      clusterIssuers: issuers.map((i) => i.name),
      storageClass,
      timings: { apiReadyMs: cluster.timings.apiReadyMs, readyMs },
      health,
      stop: async () => {
        await running.stop();
        await cluster.stop();
      },
    };
  } catch (error) {
    await standIns?.stop().catch(() => {});
    await cluster.stop();
    throw error;
  }
}
