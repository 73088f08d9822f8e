/**
 * What the app needs before it is up, each watched with progress: the PVC Bound (Ceph CSI made
 * its RBD image), the Deployment available, the Ingress given an address (MetalLB, through the
 * ingress controller's Service), and the Certificate Ready (cert-manager, DNS01). The status
 * lines carry the reason when something is stuck, so a timeout says why.
 */
import type { CoreV1Event, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { type KubeClients, readOrUndefined } from "./kubernetes.js";
import type { AppObjectNames } from "./manifests.js";
import type { Observation, Reporter } from "./progress.js";

const CERT_MANAGER = { group: "cert-manager.io", version: "v1" };

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The newest Warning event of an object, as "Reason: message". */
async function lastWarning(kube: KubeClients, namespace: string, kind: string, name: string) {
  const events = await kube.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name},type=Warning`,
  });
  const newest = events.items.slice().sort((a: CoreV1Event, b: CoreV1Event) => time(b) - time(a))[0];
  return newest === undefined ? undefined : `${newest.reason}: ${newest.message}`;
}

function time(event: CoreV1Event): number {
  const at = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
  return at === undefined ? 0 : new Date(at as unknown as string).getTime();
}

export async function waitPvcBound(kube: KubeClients, names: AppObjectNames, reporter: Reporter) {
  const { namespace, pvc: name } = names;
  let bound: V1PersistentVolumeClaim | undefined;
  await reporter.wait(`PVC ${namespace}/${name} Bound`, async (): Promise<Observation> => {
    bound = await kube.core.readNamespacedPersistentVolumeClaim({ name, namespace });
    const phase = bound.status?.phase ?? "Pending";
    if (phase === "Bound") return { done: true, status: `Bound to ${bound.spec?.volumeName}` };
    const warning = await lastWarning(kube, namespace, "PersistentVolumeClaim", name);
    return { done: false, status: warning === undefined ? phase : `${phase}, ${warning}` };
  });
  return bound;
}

export async function waitDeploymentAvailable(kube: KubeClients, names: AppObjectNames, reporter: Reporter) {
  const { namespace, deployment: name } = names;
  await reporter.wait(`Deployment ${namespace}/${name} available`, async (): Promise<Observation> => {
    const d = await kube.apps.readNamespacedDeployment({ name, namespace });
    const want = d.spec?.replicas ?? 1;
    const available = d.status?.availableReplicas ?? 0;
    const updated = d.status?.updatedReplicas ?? 0;
    const current = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
    const done = current && available >= want && updated >= want && (d.status?.replicas ?? 0) === want;
    let status = `${available}/${want} available`;
    if (!done) {
      const pods = await kube.core.listNamespacedPod({
        namespace,
        labelSelector: `app.kubernetes.io/name=${names.deployment}`,
      });
      const stuck = pods.items.find((p) => p.status?.phase !== "Running" || !ready(p.status?.conditions));
      const why = stuck?.status?.conditions?.find((c) => c.status === "False" && c.message);
      if (stuck !== undefined)
        status += `, pod ${stuck.metadata?.name} ${stuck.status?.phase ?? "Pending"}${why ? `: ${why.message}` : ""}`;
    }
    return { done, status };
  });
}

function ready(conditions: Condition[] | undefined): boolean {
  return conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export async function waitIngressAddress(kube: KubeClients, names: AppObjectNames, reporter: Reporter) {
  const { namespace, ingress: name } = names;
  let address = "";
  await reporter.wait(`Ingress ${namespace}/${name} address`, async (): Promise<Observation> => {
    const ingress = await kube.networking.readNamespacedIngress({ name, namespace });
    const lb = ingress.status?.loadBalancer?.ingress?.[0];
    address = lb?.ip ?? lb?.hostname ?? "";
    return { done: address !== "", status: address === "" ? "no address yet" : address };
  });
  return address;
}

export interface CertificateStatus {
  dnsNames: string[];
  issuer: string;
  notAfter: string | undefined;
}

export async function waitCertificateReady(kube: KubeClients, names: AppObjectNames, reporter: Reporter) {
  const { namespace, tlsSecret: name } = names;
  let found: CertificateStatus | undefined;
  await reporter.wait(`Certificate ${namespace}/${name} Ready`, async (): Promise<Observation> => {
    const cert = (await readOrUndefined(() =>
      kube.custom.getNamespacedCustomObject({ ...CERT_MANAGER, namespace, plural: "certificates", name }),
    )) as
      | {
          spec?: { dnsNames?: string[]; issuerRef?: { name?: string; kind?: string } };
          status?: { conditions?: Condition[]; notAfter?: string };
        }
      | undefined;
    if (cert === undefined)
      return { done: false, status: "not created yet (cert-manager's ingress-shim makes it)" };
    const conditions = cert.status?.conditions ?? [];
    const readyCondition = conditions.find((c) => c.type === "Ready");
    found = {
      dnsNames: cert.spec?.dnsNames ?? [],
      issuer: `${cert.spec?.issuerRef?.kind ?? "Issuer"} ${cert.spec?.issuerRef?.name ?? "?"}`,
      notAfter: cert.status?.notAfter,
    };
    if (readyCondition?.status === "True")
      return { done: true, status: `Ready, ${found.dnsNames.join(", ")}, until ${found.notAfter ?? "?"}` };
    const issuing = conditions.find((c) => c.type === "Issuing");
    const why = [readyCondition, issuing]
      .filter((c): c is Condition => c?.message !== undefined && c.message !== "")
      .map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`);
    return { done: false, status: why.length === 0 ? "not Ready" : why.join("; ") };
  });
  return found;
}
