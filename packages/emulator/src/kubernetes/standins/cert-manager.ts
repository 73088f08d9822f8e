/**
 * cert-manager stand-in: its CRDs, Issuers and ClusterIssuers validated (Ready with cert-manager's
 * reasons), and Certificates issued for real through the objects cert-manager makes:
 * CertificateRequests (a real CSR, approved, signed), and for ACME issuers Orders and Challenges
 * solved through the DNS provider (the emulated Cloudflare API when `dns01` says where it is) and
 * validated by an emulated ACME server whose CA (`acmeCaCertificate()`) signs the certificates.
 * The Secrets are `kubernetes.io/tls`, renewed before they expire and issued again when deleted.
 * Ingresses annotated `cert-manager.io/cluster-issuer` get their Certificates (ingress-shim).
 */
import { generateKeyPairSync } from "node:crypto";
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  NetworkingV1Api,
  type V1Ingress,
  type V1Secret,
} from "@kubernetes/client-node";
import {
  ACME_FINALIZER,
  CHALLENGE,
  createAcmeControllers,
  type Dns01Options,
  type IssuerLookup,
  ORDER,
} from "./acme-orders.js";
import { CERTIFICATE, CERTIFICATE_REQUEST, createIssuanceControllers } from "./cert-manager-issuance.js";
import {
  b64,
  CmApi,
  type CmObject,
  FreshCache,
  type Kind,
  unb64,
  withCondition,
} from "./cert-manager-objects.js";
import { createIssuerCa, type KeyPair } from "./cert-pki.js";
import { CERT_MANAGER_GROUP, CERT_MANAGER_VERSION } from "./crds.js";
import { apiStatus } from "./errors.js";
import { keyOf, splitKey, type Watched, WorkQueue, watch } from "./informer.js";
import { certificatesFor, createIngressShim } from "./ingress-shim.js";
import { type IssuerSpec, validateIssuer } from "./issuers.js";

export type { Dns01Options } from "./acme-orders.js";

export interface CertManagerOptions {
  /** Where ClusterIssuers' Secrets live (cert-manager's `--cluster-resource-namespace`; default `cert-manager`). */
  clusterResourceNamespace?: string;
  /**
   * Where DNS01 challenges go: the Cloudflare API to call (the emulator's) and the authoritative
   * TXT answers. Without it, DNS01 challenges are taken as presented and no DNS API is contacted.
   */
  dns01?: Dns01Options;
}

const ISSUER: Kind = {
  group: CERT_MANAGER_GROUP,
  version: CERT_MANAGER_VERSION,
  plural: "issuers",
  kind: "Issuer",
};
const CLUSTER_ISSUER: Kind = { ...ISSUER, plural: "clusterissuers", kind: "ClusterIssuer" };
/** The Secret (in the cluster resource namespace) holding the emulated ACME server's CA. */
export const ACME_CA_SECRET = "homelab-kit-acme-ca";

export interface CertManagerStandIn {
  /** The PEM of the CA the emulated ACME server signs with (what clients trust, as ISRG Root X1). */
  acmeCaCertificate(): Promise<string>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCertManager(
  kubeConfig: KubeConfig,
  options: CertManagerOptions,
  log: (line: string) => void,
  startTimeoutMs?: number,
): Promise<CertManagerStandIn> {
  const resourceNs = options.clusterResourceNamespace ?? "cert-manager";
  const api = new CmApi(kubeConfig, "cert-manager");
  await api.core.createNamespace({ body: { metadata: { name: resourceNs } } }).catch((e: unknown) => {
    if (apiStatus(e) !== 409) throw e;
  });
  const secrets = new FreshCache<V1Secret>();
  const issuers = new FreshCache<CmObject>();
  const clusterIssuers = new FreshCache<CmObject>();
  const certificates = new FreshCache<CmObject>();
  const requests = new FreshCache<CmObject>();
  const orders = new FreshCache<CmObject>();
  const challenges = new FreshCache<CmObject>();

  const issuer = (
    ref: { name?: string; kind?: string } | undefined,
    namespace: string,
  ): IssuerLookup | undefined => {
    const cluster = ref?.kind === "ClusterIssuer";
    const object = cluster ? clusterIssuers.get(ref?.name ?? "") : issuers.get(ref?.name ?? "", namespace);
    if (!object) return undefined;
    return {
      object,
      spec: (object.spec ?? {}) as IssuerSpec,
      secretNamespace: cluster ? resourceNs : namespace,
    };
  };

  // The emulated ACME server's CA: kept in a Secret, so a cluster kept across restarts keeps it.
  let acmeCa: Promise<KeyPair> | undefined;
  const loadAcmeCa = (): Promise<KeyPair> => {
    acmeCa ??= (async () => {
      const existing = await api.core
        .readNamespacedSecret({ name: ACME_CA_SECRET, namespace: resourceNs })
        .catch((e: unknown) => {
          if (apiStatus(e) === 404) return undefined;
          throw e;
        });
      if (existing?.data?.["tls.crt"] && existing.data["tls.key"])
        return { cert: unb64(existing.data["tls.crt"]), key: unb64(existing.data["tls.key"]) };
      const ca = await createIssuerCa("homelab-kit emulated ACME CA", "ec");
      await api.core
        .createNamespacedSecret({
          namespace: resourceNs,
          body: {
            metadata: { name: ACME_CA_SECRET, namespace: resourceNs },
            type: "kubernetes.io/tls",
            data: { "tls.crt": b64(ca.cert), "tls.key": b64(ca.key) },
          },
        })
        .catch((e: unknown) => {
          if (apiStatus(e) !== 409) throw e;
        });
      const saved = await api.core.readNamespacedSecret({ name: ACME_CA_SECRET, namespace: resourceNs });
      return { cert: unb64(saved.data?.["tls.crt"]), key: unb64(saved.data?.["tls.key"]) };
    })();
    acmeCa.catch(() => {
      acmeCa = undefined;
    });
    return acmeCa;
  };

  const reconcileIssuer = async (key: string) => {
    const [kind, rest = ""] = key.split(":") as [string, string?];
    const { namespace, name } = splitKey(rest);
    const cluster = kind === "ClusterIssuer";
    const object = cluster ? clusterIssuers.get(name) : issuers.get(name, namespace);
    if (!object) return;
    const secretNamespace = cluster ? resourceNs : (namespace ?? "default");
    const spec = object.spec as IssuerSpec | undefined;
    const condition = validateIssuer(spec, (n) => secrets.get(n, secretNamespace));
    const acme = spec?.acme;
    if (
      condition.status === "True" &&
      acme?.privateKeySecretRef?.name &&
      !secrets.get(acme.privateKeySecretRef.name, secretNamespace)
    ) {
      // cert-manager generates the ACME account key the first time it registers.
      const account = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString();
      await api.core
        .createNamespacedSecret({
          namespace: secretNamespace,
          body: {
            metadata: { name: acme.privateKeySecretRef.name, namespace: secretNamespace },
            data: { [acme.privateKeySecretRef.key ?? "tls.key"]: b64(account) },
          },
        })
        .then((saved) => secrets.remember(saved))
        .catch((e: unknown) => {
          if (apiStatus(e) !== 409) throw e;
        });
    }
    const conditions = withCondition(object, { type: "Ready", ...condition });
    if (!conditions) return;
    await api.patchStatus(
      cluster ? CLUSTER_ISSUER : ISSUER,
      object,
      {
        conditions,
        ...(acme && condition.status === "True"
          ? {
              acme: {
                uri: `${acme.server}/acct/${object.metadata?.uid ?? ""}`,
                lastRegisteredEmail: acme.email ?? "",
              },
            }
          : {}),
      },
      cluster ? clusterIssuers : issuers,
    );
    log(`cert-manager: ${key} Ready=${condition.status} ${condition.reason}`);
    for (const cert of certificates.list()) queue.add(`Certificate:${keyOf(cert)}`);
  };

  const context = { api, secrets, certificates, requests, orders, challenges, issuer, log };
  let queue: WorkQueue;
  const lazyQueue = {
    add: (k: string) => queue.add(k),
    later: (k: string, ms: number) => queue.later(k, ms),
  } as WorkQueue;
  const issuance = createIssuanceControllers({ ...context, queue: lazyQueue });
  const acmeControllers = createAcmeControllers({
    ...context,
    queue: lazyQueue,
    acmeCa: loadAcmeCa,
    dns01: options.dns01,
  });
  let ingresses: Watched<V1Ingress> | undefined;
  const ingressShim = createIngressShim({ api, certificates, ingresses: () => ingresses });
  queue = new WorkQueue(
    (key) => {
      const colon = key.indexOf(":");
      const kind = key.slice(0, colon);
      const rest = key.slice(colon + 1);
      switch (kind) {
        case "Certificate":
          return issuance.reconcileCertificate(rest);
        case "CertificateRequest":
          return issuance.reconcileRequest(rest);
        case "Order":
          return acmeControllers.reconcileOrder(rest);
        case "Challenge":
          return acmeControllers.reconcileChallenge(rest);
        case "Ingress":
          return ingressShim(rest);
        default:
          return reconcileIssuer(key);
      }
    },
    (key, error) => log(`cert-manager: ${key}: ${String(error).split("\n").join(" ")}`),
  );

  const requeueIssuers = () => {
    for (const i of clusterIssuers.list()) queue.add(`ClusterIssuer:${keyOf(i)}`);
    for (const i of issuers.list()) queue.add(`Issuer:${keyOf(i)}`);
  };
  const started: Watched<KubernetesObject>[] = [];
  const timeout = startTimeoutMs !== undefined ? { startTimeoutMs } : {};
  /** Watches a cert-manager kind into its cache; `onChange` queues work. */
  const watchKind = async (
    kind: Kind,
    cache: FreshCache<CmObject>,
    onChange: (o: CmObject, deleted: boolean) => void,
  ) => {
    cache.watched = await watch<CmObject>({
      kubeConfig,
      ...timeout,
      path: `/apis/${kind.group}/${kind.version}/${kind.plural}`,
      list: () =>
        api.custom.listClusterCustomObject({
          group: kind.group,
          version: kind.version,
          plural: kind.plural,
        }) as Promise<KubernetesListObject<CmObject>>,
      onChange: (o, deleted) => {
        if (deleted) cache.forget(o);
        else cache.settle(o);
        onChange(o, deleted);
      },
    });
    started.push(cache.watched);
  };
  // Every watch lists at once (each first list is a round trip; the API server answers them side by side).
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const watching = await Promise.allSettled([
    (async () => {
      secrets.watched = await watch<V1Secret>({
        kubeConfig,
        ...timeout,
        path: "/api/v1/secrets",
        list: () => api.core.listSecretForAllNamespaces(),
        onChange: (secret, deleted) => {
          if (deleted) secrets.forget(secret);
          else secrets.settle(secret);
          requeueIssuers();
          // A deleted certificate Secret is issued again, as cert-manager does; a solver's token
          // Secret that changed gives pending Challenges another try.
          for (const cert of certificates.list(secret.metadata?.namespace)) {
            if ((cert.spec as { secretName?: string } | undefined)?.secretName === secret.metadata?.name)
              queue.add(`Certificate:${keyOf(cert)}`);
          }
          if (secret.metadata?.namespace === resourceNs || !deleted)
            for (const ch of challenges.list())
              if (ch.status?.state !== "valid") queue.add(`Challenge:${keyOf(ch)}`);
        },
      });
      started.push(secrets.watched);
    })(),
    watchKind(CLUSTER_ISSUER, clusterIssuers, (o) => queue.add(`ClusterIssuer:${keyOf(o)}`)),
    watchKind(ISSUER, issuers, (o) => queue.add(`Issuer:${keyOf(o)}`)),
    watchKind(CERTIFICATE, certificates, (o, deleted) => {
      if (!deleted) queue.add(`Certificate:${keyOf(o)}`);
    }),
    watchKind(CERTIFICATE_REQUEST, requests, (o) => {
      queue.add(`CertificateRequest:${keyOf(o)}`);
      const cert = o.metadata?.annotations?.["cert-manager.io/certificate-name"];
      if (cert) queue.add(`Certificate:${o.metadata?.namespace}/${cert}`);
    }),
    watchKind(ORDER, orders, (o) => queue.add(`Order:${keyOf(o)}`)),
    (async () => {
      ingresses = await watch<V1Ingress>({
        kubeConfig,
        ...timeout,
        path: "/apis/networking.k8s.io/v1/ingresses",
        list: () => networking.listIngressForAllNamespaces(),
        onChange: (ingress, deleted) => {
          if (!deleted && certificatesFor(ingress).length > 0) queue.add(`Ingress:${keyOf(ingress)}`);
        },
      });
      started.push(ingresses);
    })(),
    watchKind(CHALLENGE, challenges, (o, deleted) => {
      if (!deleted || o.metadata?.finalizers?.includes(ACME_FINALIZER)) queue.add(`Challenge:${keyOf(o)}`);
    }),
  ]);
  const failed = watching.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((w) => w.stop()));
    await queue.stop();
    throw failed.reason;
  }
  requeueIssuers();
  for (const kind of ["Certificate", "CertificateRequest", "Order", "Challenge"] as const) {
    const cache = {
      Certificate: certificates,
      CertificateRequest: requests,
      Order: orders,
      Challenge: challenges,
    }[kind];
    for (const o of cache.list()) queue.add(`${kind}:${keyOf(o)}`);
  }
  return {
    acmeCaCertificate: async () => (await loadAcmeCa()).cert,
    idle: async () => {
      await queue.idle();
      await api.eventsSent();
    },
    stop: async () => {
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
      await api.eventsSent();
    },
  };
}
