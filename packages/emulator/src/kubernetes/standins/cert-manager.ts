/**
 * cert-manager stand-in: its CRDs, Issuers and ClusterIssuers validated (Ready with cert-manager's
 * reasons), and Certificates issued for real: a `kubernetes.io/tls` Secret holding a certificate
 * for the requested names, signed by a CA the stand-in keeps per issuer (an ACME issuer's CA plays
 * Let's Encrypt; no ACME server or DNS provider is contacted), renewed before it expires.
 */
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from "@kubernetes/client-node";
import {
  createIssuerCa,
  issueLeaf,
  type KeyPair,
  keyTypeOf,
  leafKeyType,
  parseGoDuration,
} from "./cert-pki.js";
import { CERT_MANAGER_GROUP, CERT_MANAGER_VERSION } from "./crds.js";
import { apiStatus } from "./errors.js";
import { recordEvent } from "./events.js";
import { keyOf, splitKey, type Watched, WorkQueue, watch } from "./informer.js";
import { type IssuerCondition, type IssuerSpec, issuerType, solverFor, validateIssuer } from "./issuers.js";

export interface CertManagerOptions {
  /** Where ClusterIssuers' Secrets live (cert-manager's `--cluster-resource-namespace`; default `cert-manager`). */
  clusterResourceNamespace?: string;
}

interface Condition extends IssuerCondition {
  type: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

interface CmObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: { conditions?: Condition[]; revision?: number; [k: string]: unknown };
}

interface CertificateSpec {
  secretName?: string;
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  duration?: string;
  renewBefore?: string;
  isCA?: boolean;
  privateKey?: { algorithm?: string; size?: number };
  issuerRef?: { name?: string; kind?: string; group?: string };
  secretTemplate?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

const DAY = 24 * 60 * 60 * 1000;
const MAX_TIMER = 24 * 60 * 60 * 1000;
const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (text: string | undefined) => (text ? Buffer.from(text, "base64").toString("utf8") : "");

export interface CertManagerStandIn {
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
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: resourceNs } } }).catch((e: unknown) => {
    if (apiStatus(e) !== 409) throw e;
  });
  const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  const cas = new Map<string, KeyPair>();
  /** Secrets this stand-in wrote, until the informer's cache has caught up with them. */
  const written = new Map<string, V1Secret>();
  const secretOf = (name: string, namespace: string): V1Secret | undefined => {
    const cached = secrets?.get(name, namespace);
    const mine = written.get(`${namespace}/${name}`);
    if (
      mine &&
      (!cached || Number(cached.metadata?.resourceVersion) < Number(mine.metadata?.resourceVersion))
    )
      return mine;
    return cached;
  };

  let secrets: Watched<V1Secret> | undefined;
  let issuers: Watched<CmObject> | undefined;
  let clusterIssuers: Watched<CmObject> | undefined;
  let certificates: Watched<CmObject> | undefined;

  const issuerOf = (key: string) => {
    const [kind, rest = ""] = key.split(":") as [string, string?];
    const { namespace, name } = splitKey(rest);
    const object = kind === "ClusterIssuer" ? clusterIssuers?.get(name) : issuers?.get(name, namespace);
    return {
      kind,
      name,
      namespace: kind === "ClusterIssuer" ? resourceNs : (namespace ?? "default"),
      object,
    };
  };
  const ready = (object: CmObject | undefined) => object?.status?.conditions?.find((c) => c.type === "Ready");

  const withCondition = (object: CmObject, condition: IssuerCondition): Condition[] | undefined => {
    const previous = ready(object);
    if (
      previous?.status === condition.status &&
      previous.reason === condition.reason &&
      previous.message === condition.message
    ) {
      return undefined;
    }
    const now = rfc3339(new Date());
    return [
      ...(object.status?.conditions ?? []).filter((c) => c.type !== "Ready"),
      {
        type: "Ready",
        ...condition,
        lastTransitionTime:
          previous?.status === condition.status ? (previous.lastTransitionTime ?? now) : now,
        observedGeneration: object.metadata?.generation ?? 1,
      },
    ];
  };

  const patchStatus = async (plural: string, object: CmObject, status: Record<string, unknown>) => {
    const name = object.metadata?.name ?? "";
    const namespace = object.metadata?.namespace;
    const common = {
      group: CERT_MANAGER_GROUP,
      version: CERT_MANAGER_VERSION,
      plural,
      name,
      body: { status },
    };
    if (namespace) await custom.patchNamespacedCustomObjectStatus({ ...common, namespace }, mergePatch);
    else await custom.patchClusterCustomObjectStatus(common, mergePatch);
  };

  /**
   * The issuer's signing key pair for a leaf of `keyType` (undefined for selfSigned: certificates
   * sign themselves); a string says why it cannot sign.
   */
  const signerFor = async (
    key: string,
    spec: IssuerSpec,
    namespace: string,
    uid: string,
    keyType: "rsa" | "ec",
  ): Promise<KeyPair | string | undefined> => {
    const type = issuerType(spec);
    if (type === "ca") {
      const secret = secrets?.get(spec.ca?.secretName ?? "", namespace);
      const pair = { key: unb64(secret?.data?.["tls.key"]), cert: unb64(secret?.data?.["tls.crt"]) };
      const caType = keyTypeOf(pair.key);
      if (caType !== keyType) {
        return `the stand-in signs with a CA key of the leaf's type: the CA key is ${caType ?? "unreadable"}, the certificate asks for ${keyType}`;
      }
      return pair;
    }
    if (type !== "acme") return undefined;
    const id = `${key}/${uid}/${keyType}`;
    let ca = cas.get(id);
    if (!ca) {
      ca = await createIssuerCa(`homelab-kit fake ACME CA (${keyType}) for ${key}`, keyType);
      cas.set(id, ca);
    }
    return ca;
  };

  const reconcileIssuer = async (key: string) => {
    const { kind, namespace, object } = issuerOf(key);
    if (!object) return;
    const spec = object.spec as IssuerSpec | undefined;
    const condition = validateIssuer(spec, (name) => secrets?.get(name, namespace));
    const acme = spec?.acme;
    if (
      condition.status === "True" &&
      acme?.privateKeySecretRef?.name &&
      !secrets?.get(acme.privateKeySecretRef.name, namespace)
    ) {
      // cert-manager generates the ACME account key the first time it registers.
      const account = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString();
      await core
        .createNamespacedSecret({
          namespace,
          body: {
            metadata: { name: acme.privateKeySecretRef.name, namespace },
            data: { [acme.privateKeySecretRef.key ?? "tls.key"]: b64(account) },
          },
        })
        .catch((e: unknown) => {
          if (apiStatus(e) !== 409) throw e;
        });
    }
    const conditions = withCondition(object, condition);
    if (!conditions) return;
    await patchStatus(kind === "ClusterIssuer" ? "clusterissuers" : "issuers", object, {
      conditions,
      ...(acme && condition.status === "True"
        ? {
            acme: {
              uri: `${acme.server}/acct/${object.metadata?.uid ?? ""}`,
              lastRegisteredEmail: acme.email ?? "",
            },
          }
        : {}),
    });
    log(`cert-manager: ${key} Ready=${condition.status} ${condition.reason}`);
    for (const cert of certificates?.list() ?? []) queue.add(`Certificate:${keyOf(cert)}`);
  };

  const setCertificateStatus = async (
    cert: CmObject,
    condition: IssuerCondition,
    extra: Record<string, unknown> = {},
  ) => {
    const conditions = withCondition(cert, condition);
    if (!conditions && Object.keys(extra).length === 0) return;
    await patchStatus("certificates", cert, { ...(conditions ? { conditions } : {}), ...extra });
  };

  const reconcileCertificate = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const cert = certificates?.get(name, namespace);
    if (!cert) return;
    const spec = (cert.spec ?? {}) as CertificateSpec;
    const ref = spec.issuerRef ?? {};
    if (ref.group && ref.group !== CERT_MANAGER_GROUP) return; // an external issuer's business
    const issuerKind = ref.kind ?? "Issuer";
    const issuerKey =
      issuerKind === "ClusterIssuer" ? `ClusterIssuer:${ref.name}` : `Issuer:${namespace}/${ref.name}`;
    const issuer = issuerOf(issuerKey);
    const issuerReady = ready(issuer.object);
    if (!issuer.object || issuerReady?.status !== "True") {
      const why = issuer.object
        ? `is not ready: ${issuerReady?.message ?? "no Ready condition"}`
        : "not found";
      await setCertificateStatus(cert, {
        status: "False",
        reason: "IssuerNotReady",
        message: `${issuerKind} "${ref.name}" ${why}`,
      });
      return;
    }
    const issuerSpec = issuer.object.spec as IssuerSpec;
    const dnsNames = spec.dnsNames ?? [];
    const ipAddresses = spec.ipAddresses ?? [];
    if (!spec.commonName && dnsNames.length === 0 && ipAddresses.length === 0) {
      await setCertificateStatus(cert, {
        status: "False",
        reason: "Failed",
        message: "at least one of commonName, dnsNames, uris, ipAddresses or emailAddresses must be set",
      });
      return;
    }
    if (issuerSpec.acme) {
      const unsolvable = dnsNames.filter((n) => !solverFor(issuerSpec.acme?.solvers ?? [], n));
      if (unsolvable.length) {
        await setCertificateStatus(cert, {
          status: "False",
          reason: "Failed",
          message: `Failed to determine a valid solver configuration for the set of domains on the Order: no configured challenge solvers can be used for ${unsolvable.join(", ")}`,
        });
        return;
      }
    }
    const algorithm = spec.privateKey?.algorithm ?? "RSA";
    if (algorithm !== "RSA" && algorithm !== "ECDSA") {
      await setCertificateStatus(cert, {
        status: "False",
        reason: "Failed",
        message: `private key algorithm ${algorithm} is not emulated`,
      });
      return;
    }
    const duration = parseGoDuration(spec.duration ?? "2160h") ?? 90 * DAY;
    const renewBefore = spec.renewBefore ? (parseGoDuration(spec.renewBefore) ?? duration / 3) : duration / 3;
    const secretName = spec.secretName ?? "";
    const annotations: Record<string, string> = {
      ...spec.secretTemplate?.annotations,
      "cert-manager.io/certificate-name": name,
      "cert-manager.io/issuer-name": ref.name ?? "",
      "cert-manager.io/issuer-kind": issuerKind,
      "cert-manager.io/issuer-group": CERT_MANAGER_GROUP,
      "cert-manager.io/common-name": spec.commonName ?? "",
      "cert-manager.io/alt-names": dnsNames.join(","),
      "cert-manager.io/ip-sans": ipAddresses.join(","),
      "cert-manager.io/uri-sans": "",
    };
    const existing = secretOf(secretName, namespace);
    let notBefore: Date | undefined;
    let notAfter: Date | undefined;
    if (existing?.data?.["tls.crt"]) {
      try {
        const x509 = new X509Certificate(unb64(existing.data["tls.crt"]));
        notBefore = new Date(x509.validFrom);
        notAfter = new Date(x509.validTo);
      } catch {
        notAfter = undefined;
      }
    }
    const upToDate =
      notAfter !== undefined &&
      notAfter.getTime() - renewBefore > Date.now() &&
      Object.entries(annotations).every(([k, v]) => existing?.metadata?.annotations?.[k] === v);
    let revision = cert.status?.revision ?? 0;
    if (!upToDate) {
      const signer = await signerFor(
        issuerKey,
        issuerSpec,
        issuer.namespace,
        issuer.object.metadata?.uid ?? "",
        leafKeyType(algorithm),
      );
      if (typeof signer === "string") {
        await setCertificateStatus(cert, { status: "False", reason: "Failed", message: signer });
        return;
      }
      const now = new Date();
      notBefore = now;
      notAfter = new Date(now.getTime() + duration);
      const leaf = await issueLeaf(
        {
          commonName: spec.commonName,
          dnsNames,
          ipAddresses,
          algorithm,
          size: spec.privateKey?.size,
          notBefore,
          notAfter,
          isCA: spec.isCA,
        },
        signer,
      );
      const body: V1Secret = {
        metadata: {
          name: secretName,
          namespace,
          annotations,
          labels: { ...spec.secretTemplate?.labels, "controller.cert-manager.io/fao": "true" },
        },
        type: "kubernetes.io/tls",
        data: {
          "tls.crt": b64(signer ? `${leaf.cert.trim()}\n${signer.cert.trim()}\n` : leaf.cert),
          "tls.key": b64(leaf.key),
          "ca.crt": b64(signer?.cert ?? leaf.cert),
        },
      };
      const saved = existing
        ? await core.replaceNamespacedSecret({
            name: secretName,
            namespace,
            body: {
              ...body,
              metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion },
            },
          })
        : await core.createNamespacedSecret({ namespace, body });
      written.set(`${namespace}/${secretName}`, saved);
      revision += 1;
      log(`cert-manager: ${key} issued by ${issuerKey} for ${[...dnsNames, ...ipAddresses].join(",")}`);
      await recordEvent(kubeConfig, cert, {
        reason: "Issuing",
        message: "The certificate has been successfully issued",
        component: "cert-manager-certificates-issuing",
      });
    }
    const renewal = new Date((notAfter?.getTime() ?? Date.now()) - renewBefore);
    await setCertificateStatus(
      cert,
      { status: "True", reason: "Ready", message: "Certificate is up to date and has not expired" },
      upToDate && cert.status?.renewalTime
        ? {}
        : {
            notBefore: rfc3339(notBefore ?? new Date()),
            notAfter: rfc3339(notAfter ?? new Date()),
            renewalTime: rfc3339(renewal),
            revision,
          },
    );
    queue.later(key, Math.min(MAX_TIMER, Math.max(1000, renewal.getTime() - Date.now())));
  };

  const queue = new WorkQueue(
    (key) =>
      key.startsWith("Certificate:")
        ? reconcileCertificate(key.slice("Certificate:".length))
        : reconcileIssuer(key),
    (key, error) => log(`cert-manager: ${key}: ${String(error)}`),
  );
  const list = (plural: string) => () =>
    custom.listClusterCustomObject({
      group: CERT_MANAGER_GROUP,
      version: CERT_MANAGER_VERSION,
      plural,
    }) as Promise<KubernetesListObject<CmObject>>;
  const path = (plural: string) => `/apis/${CERT_MANAGER_GROUP}/${CERT_MANAGER_VERSION}/${plural}`;
  const requeueIssuers = () => {
    for (const i of clusterIssuers?.list() ?? []) queue.add(`ClusterIssuer:${keyOf(i)}`);
    for (const i of issuers?.list() ?? []) queue.add(`Issuer:${keyOf(i)}`);
  };
  const started: Watched<KubernetesObject>[] = [];
  try {
    secrets = await watch<V1Secret>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: "/api/v1/secrets",
      list: () => core.listSecretForAllNamespaces(),
      onChange: (secret, deleted) => {
        requeueIssuers();
        if (!deleted) return;
        written.delete(keyOf(secret));
        // A deleted certificate Secret is issued again, as cert-manager does.
        for (const cert of certificates?.list(secret.metadata?.namespace) ?? []) {
          if ((cert.spec as CertificateSpec | undefined)?.secretName === secret.metadata?.name) {
            queue.add(`Certificate:${keyOf(cert)}`);
          }
        }
      },
    });
    started.push(secrets);
    clusterIssuers = await watch<CmObject>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: path("clusterissuers"),
      list: list("clusterissuers"),
      onChange: (o) => queue.add(`ClusterIssuer:${keyOf(o)}`),
    });
    started.push(clusterIssuers);
    issuers = await watch<CmObject>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: path("issuers"),
      list: list("issuers"),
      onChange: (o) => queue.add(`Issuer:${keyOf(o)}`),
    });
    started.push(issuers);
    certificates = await watch<CmObject>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: path("certificates"),
      list: list("certificates"),
      onChange: (o, deleted) => {
        if (!deleted) queue.add(`Certificate:${keyOf(o)}`);
      },
    });
    started.push(certificates);
  } catch (error) {
    await Promise.all(started.map((w) => w.stop()));
    throw error;
  }
  requeueIssuers();
  for (const cert of certificates.list()) queue.add(`Certificate:${keyOf(cert)}`);
  return {
    idle: () => queue.idle(),
    stop: async () => {
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
    },
  };
}
