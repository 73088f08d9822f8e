/**
 * Before anything is changed: the cluster answers, and what the app's objects name exists — the
 * StorageClass (Ceph RBD), the IngressClass, the ClusterIssuer (and it is Ready). A missing one
 * stops the run here, so a bad env leaves nothing half-made.
 */
import { VersionApi } from "@kubernetes/client-node";
import type { StackEnv } from "./env.js";
import { type KubeClients, readOrUndefined } from "./kubernetes.js";
import type { Reporter } from "./progress.js";

export async function clusterVersion(kube: KubeClients, reporter: Reporter): Promise<string> {
  const version = await kube.config.makeApiClient(VersionApi).getCode();
  reporter.note(`API server ${kube.config.getCurrentCluster()?.server} (Kubernetes ${version.gitVersion})`);
  return version.gitVersion;
}

export async function checkCluster(kube: KubeClients, stack: StackEnv, reporter: Reporter): Promise<void> {
  await clusterVersion(kube, reporter);
  const classes = await kube.storage.listStorageClass();
  const storageClass = classes.items.find((c) => c.metadata?.name === stack.storageClass);
  if (storageClass === undefined)
    throw new Error(
      `StorageClass "${stack.storageClass}" does not exist (STORAGE_CLASS; the cluster has: ${
        classes.items.map((c) => c.metadata?.name).join(", ") || "none"
      })`,
    );
  reporter.note(
    `StorageClass ${stack.storageClass}: ${storageClass.provisioner}, pool ${storageClass.parameters?.pool ?? "?"}, reclaim ${storageClass.reclaimPolicy ?? "Delete"}`,
  );
  const ingressClass = await readOrUndefined(() =>
    kube.networking.readIngressClass({ name: stack.ingressClass }),
  );
  if (ingressClass === undefined)
    throw new Error(`IngressClass "${stack.ingressClass}" does not exist (INGRESS_CLASS)`);
  const issuer = (await readOrUndefined(() =>
    kube.custom.getClusterCustomObject({
      group: "cert-manager.io",
      version: "v1",
      plural: "clusterissuers",
      name: stack.clusterIssuer,
    }),
  )) as { status?: { conditions?: Array<{ type?: string; status?: string; message?: string }> } } | undefined;
  if (issuer === undefined)
    throw new Error(`ClusterIssuer "${stack.clusterIssuer}" does not exist (CERT_MANAGER_CLUSTER_ISSUER)`);
  const ready = issuer.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True")
    throw new Error(
      `ClusterIssuer "${stack.clusterIssuer}" is not Ready: ${ready?.message ?? "no Ready condition"}`,
    );
  reporter.note(`IngressClass ${stack.ingressClass}, ClusterIssuer ${stack.clusterIssuer} Ready`);
}
