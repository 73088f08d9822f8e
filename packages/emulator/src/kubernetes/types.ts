import type { StandIns, StandInsOptions } from "./standins/start.js";

/** A running cluster, whatever the provider. */
export interface Cluster {
  readonly provider: ClusterProvider;
  /** A kubeconfig (YAML) with cluster-admin credentials; `KubeConfig.loadFromString()` takes it. */
  readonly kubeconfig: string;
  /** The same kubeconfig on disk (inside the cluster's temp dir; gone after `stop()`). */
  readonly kubeconfigPath: string;
  /** The API server URL, e.g. `https://127.0.0.1:41234`. */
  readonly server: string;
  /** Milliseconds from `startCluster()` to a ready API (`/readyz`) and to every component ready. */
  readonly timings: { readonly apiReadyMs: number; readonly readyMs: number };
  /** The stand-ins started with the cluster (`standIns` option), stopped by `stop()` first. */
  readonly standIns?: StandIns;
  /** Stops every process and removes every temp dir. Idempotent; safe to call after a crash. */
  stop(): Promise<void>;
}

export type ClusterProvider = "binaries" | "kind" | "k3s";

export interface CommonClusterOptions {
  /** Give up when the cluster is not ready after this many milliseconds (default 120 000). */
  startTimeout?: number;
  /** Aborts the start; every process started so far is stopped. */
  signal?: AbortSignal;
  /** Lines of progress (`component: message`) for humans; default: silent. */
  log?: (line: string) => void;
  /**
   * Start the stand-ins (MetalLB, cert-manager, Ceph CSI, ingress-nginx, node health) once the
   * cluster is ready; they log through `log` unless given their own.
   */
  standIns?: Omit<StandInsOptions, "kubeconfig">;
  /**
   * Called with the admin kubeconfig as soon as the API server is ready, before the other
   * components are (binaries provider; the others call it when ready): what only needs the API
   * (CRDs, stand-ins) can start meanwhile.
   */
  onApiReady?: (kubeconfig: string) => void;
}

/** Real control-plane binaries on loopback ports (docs/DESIGN.md §6): Docker-less, the CI default. */
export interface BinariesClusterOptions extends CommonClusterOptions {
  provider: "binaries";
  /**
   * A `KUBEBUILDER_ASSETS`-style folder holding kube-apiserver, kube-controller-manager,
   * kube-scheduler, etcd and kwok. Default: `$HOMELAB_KIT_K8S_ASSETS`, else `$KUBEBUILDER_ASSETS`,
   * else the folder `scripts/k8s/build-binaries.sh` builds under `$HOMELAB_KIT_CACHE`.
   */
  assetsDir?: string;
  /** Paths of single binaries, overriding `assetsDir` (e.g. envtest's folder plus a kwok from elsewhere). */
  binaries?: Partial<Record<BinaryName, string>>;
  /** Start kube-controller-manager (default true). Without it Deployments create no pods. */
  controllerManager?: boolean;
  /** Start kube-scheduler (default true). Without it pods stay Pending. */
  scheduler?: boolean;
  /** Start kwok to play the kubelets of fake Nodes (default true). */
  kwok?: boolean;
  /** Where to make the cluster's temp dir (default `os.tmpdir()`). */
  tmpDir?: string;
  /**
   * Keep the cluster's objects in this folder (created if missing): etcd's data and the cluster
   * CA stay there after `stop()`, and the next start with the same folder finds every object
   * again (new ports, so read the new kubeconfig). Default: everything is in the temp dir.
   */
  dataDir?: string;
  /** Service ClusterIP range (default `10.96.0.0/16`). */
  serviceClusterIpRange?: string;
  /** Pod CIDR kwok hands pod IPs out of (default `10.244.0.0/16`). */
  podCidr?: string;
  /**
   * kwok's node Lease duration in seconds (default 40, the kubelet's); kwok renews at a quarter of it.
   * A node whose Lease is not renewed for `nodeMonitorGracePeriodSeconds` turns Ready=Unknown.
   */
  nodeLeaseDurationSeconds?: number;
  /** kube-controller-manager `--node-monitor-grace-period` in seconds (default: Kubernetes' own, 50). */
  nodeMonitorGracePeriodSeconds?: number;
  /** Extra flags per component, appended last (so they override ours): `{ "kube-apiserver": ["--v=4"] }`. */
  extraArgs?: Partial<Record<BinaryName, string[]>>;
}

export const BINARY_NAMES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];

/** A node of a kind cluster. */
export interface KindNode {
  role: "control-plane" | "worker";
  /** Host port mappings (NodePorts, Ingress): kind's `extraPortMappings`. */
  extraPortMappings?: {
    containerPort: number;
    hostPort: number;
    listenAddress?: string;
    protocol?: "TCP" | "UDP";
  }[];
  labels?: Record<string, string>;
}

/** kind (Kubernetes in Docker): needs the kind CLI, Docker and the node image. */
export interface KindClusterOptions extends CommonClusterOptions {
  provider: "kind";
  /** Cluster name (default `homelab-kit-<random>`). */
  name?: string;
  /** Node image (default `kindest/node:v1.34.0`, the 1.34 image kind v0.30 ships). */
  image?: string;
  /** Nodes (default: one control-plane and two workers, like the reference topology's three VMs). */
  nodes?: KindNode[];
  /** Host port of the API server on 127.0.0.1 (default: chosen by kind). */
  apiServerPort?: number;
  /** Pod and Service subnets (kind defaults when omitted). */
  podSubnet?: string;
  serviceSubnet?: string;
  /** The kind executable (default `kind` on PATH). */
  kindPath?: string;
  /** Where the kubeconfig and config are written (default a new temp dir under `os.tmpdir()`). */
  tmpDir?: string;
}

/** k3s in Docker through `@testcontainers/k3s` (an optional peer dependency). */
export interface K3sClusterOptions extends CommonClusterOptions {
  provider: "k3s";
  /** Image (default `rancher/k3s:v1.34.1-k3s1`). */
  image?: string;
  /** k3s components to disable (default: traefik and servicelb, as MetalLB and NGINX stand in for them). */
  disable?: string[];
  /** Extra `k3s server` arguments. */
  extraArgs?: string[];
  tmpDir?: string;
}

export type StartClusterOptions = BinariesClusterOptions | KindClusterOptions | K3sClusterOptions;
