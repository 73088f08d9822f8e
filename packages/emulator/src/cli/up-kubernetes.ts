/**
 * The Kubernetes part of `homelab-emulator up`: starts the topology's cluster and stand-ins (or
 * says why not: binaries not built, how to build them and how long it takes), writes
 * `<run-dir>/kubeconfig` and `<run-dir>/ingress-ca.pem` (and the stand-ins' log to
 * `<run-dir>/kubernetes.log`), and gives the env file its lines and the
 * endpoints table its rows. With `--state FILE`, the cluster's objects are kept in `FILE.k8s/`.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { ClusterError } from "../kubernetes/errors.js";
import type { TopologyCluster } from "../kubernetes/topology-cluster.js";
import type { Emulator, EmulatorEndpoints } from "../world/emulator.js";
import type { UpArgs } from "./args.js";
import { writePrivate } from "./run-file.js";

export interface UpKubernetes {
  /** The running cluster, or undefined (no `kubernetes:` section, `--no-kubernetes`, or unavailable). */
  cluster: TopologyCluster | undefined;
  /** Why there is no cluster, for `status` and the table. */
  reason: string | undefined;
  env: Array<[string, string]>;
  rows: string[][];
  json: Record<string, unknown> | undefined;
}

/** Where `--state FILE` keeps the cluster's objects (etcd data and CA). */
export const kubernetesStateDir = (stateFile: string) => `${stateFile}.k8s`;

export async function startUpKubernetes(
  args: UpArgs,
  emulator: Emulator,
  listening: Promise<EmulatorEndpoints>,
  runDir: string,
  stateFile: string | undefined,
  stderr: (text: string) => void,
): Promise<UpKubernetes> {
  const none = (reason: string): UpKubernetes => ({
    cluster: undefined,
    reason,
    env: [],
    rows: [],
    json: undefined,
  });
  const k8s = emulator.world.topology.kubernetes;
  if (k8s === undefined) return none("the topology has no kubernetes section");
  if (!args.kubernetes) return none("--no-kubernetes");
  // Loaded only when a cluster is wanted: @kubernetes/client-node and the stand-ins are most of the
  // CLI's code, which `up --no-kubernetes`, `status` and `down` never run.
  const { clusterUnavailableReason, startTopologyCluster } = await import(
    "../kubernetes/topology-cluster.js"
  );
  const unavailable = await clusterUnavailableReason(k8s.provider);
  if (unavailable !== undefined) {
    stderr(`homelab-emulator: ${unavailable}\n`);
    return none(unavailable.split("\n")[0] ?? unavailable);
  }
  let cluster: TopologyCluster;
  try {
    cluster = await startTopologyCluster({
      emulator,
      listening,
      ...(stateFile !== undefined ? { dataDir: kubernetesStateDir(stateFile) } : {}),
      ingress: { host: args.host },
      // What the cluster and the stand-ins do, for whoever wonders why a Certificate is not Ready.
      log: (line) => appendFileSync(join(runDir, "kubernetes.log"), `${new Date().toISOString()} ${line}\n`),
    });
  } catch (error) {
    if (error instanceof ClusterError) throw error;
    throw new ClusterError(`the Kubernetes stand-ins failed to start: ${(error as Error).message}`, {
      code: "START_FAILED",
      cause: error,
    });
  }
  const kubeconfig = join(runDir, "kubeconfig");
  writePrivate(kubeconfig, cluster.kubeconfig);
  const caFile = join(runDir, "ingress-ca.pem");
  if (cluster.acmeCa !== undefined) writePrivate(caFile, cluster.acmeCa);
  const ingress = cluster.ingress;
  const pool = cluster.metallbPools[0];
  const env: Array<[string, string]> = [
    ["KUBECONFIG", kubeconfig],
    ["KUBERNETES_PROVIDER", cluster.provider],
    ["KUBERNETES_API_URL", cluster.cluster.server],
    ["INGRESS_CLASS", cluster.ingressClass],
    ["INGRESS_HOST", args.host],
    ["INGRESS_HTTPS_PORT", String(ingress?.https.port ?? "")],
    ["INGRESS_HTTP_PORT", String(ingress?.http.port ?? "")],
    ["INGRESS_ADDRESS", cluster.ingressAddress ?? ""],
    ["INGRESS_CA_FILE", cluster.acmeCa !== undefined ? caFile : ""],
    ["CERT_MANAGER_CLUSTER_ISSUER", cluster.clusterIssuers[0] ?? ""],
    ["METALLB_POOL", pool?.name ?? ""],
    ["METALLB_ADDRESSES", pool?.addresses.join(",") ?? ""],
    ["STORAGE_CLASS", cluster.storageClass ?? ""],
  ];
  const rows = [
    ["Kubernetes API", cluster.cluster.server, "KUBECONFIG", kubeconfig],
    ...(ingress
      ? [
          [
            `Ingress (${cluster.ingressClass}) HTTPS`,
            ingress.https.url,
            cluster.ingressAddress ? `LB ${cluster.ingressAddress}` : "",
            cluster.acmeCa !== undefined ? `CA ${caFile}` : "",
          ],
          [`Ingress (${cluster.ingressClass}) HTTP`, ingress.http.url, "", ""],
        ]
      : []),
  ];
  return {
    cluster,
    reason: undefined,
    env,
    rows,
    json: {
      provider: cluster.provider,
      server: cluster.cluster.server,
      kubeconfig,
      ingress: ingress
        ? { https: ingress.https.url, http: ingress.http.url, address: cluster.ingressAddress }
        : undefined,
      ingressCaFile: cluster.acmeCa !== undefined ? caFile : undefined,
      metallbPools: cluster.metallbPools,
      clusterIssuers: cluster.clusterIssuers,
      storageClass: cluster.storageClass,
      timings: cluster.timings,
    },
  };
}
