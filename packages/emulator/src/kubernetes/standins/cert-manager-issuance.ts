/**
 * Certificates and CertificateRequests, as cert-manager's controllers handle them: a Certificate
 * that needs a certificate (no Secret, a changed spec, renewal time) gets `Issuing=True`, a private
 * key in a temporary Secret (`status.nextPrivateKeySecretName`) and a CertificateRequest
 * `<name>-<revision>` carrying a real CSR; the request is approved, then signed by its issuer
 * (selfSigned: its own key; ca: the CA Secret; ACME: through an Order); the signed certificate
 * and the key become the `kubernetes.io/tls` Secret, and the Certificate turns Ready.
 */
import { randomBytes, X509Certificate } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import type { IssuerLookup } from "./acme-orders.js";
import { ORDER } from "./acme-orders.js";
import {
  b64,
  type CmApi,
  type CmObject,
  type Condition,
  conditionOf,
  type FreshCache,
  type Kind,
  ownedBy,
  rfc3339,
  specHash,
  unb64,
  withCondition,
} from "./cert-manager-objects.js";
import {
  createCsr,
  generatePrivateKey,
  type KeyPair,
  parseGoDuration,
  readCsr,
  signCsr,
} from "./cert-pki.js";
import { CERT_MANAGER_GROUP, CERT_MANAGER_VERSION } from "./crds.js";
import type { WorkQueue } from "./informer.js";
import { keyOf, splitKey } from "./informer.js";
import { type IssuerCondition, issuerType, solverFor } from "./issuers.js";

export const CERTIFICATE: Kind = {
  group: CERT_MANAGER_GROUP,
  version: CERT_MANAGER_VERSION,
  plural: "certificates",
  kind: "Certificate",
};
export const CERTIFICATE_REQUEST: Kind = {
  group: CERT_MANAGER_GROUP,
  version: CERT_MANAGER_VERSION,
  plural: "certificaterequests",
  kind: "CertificateRequest",
};

export interface CertificateSpec {
  secretName?: string;
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  duration?: string;
  renewBefore?: string;
  isCA?: boolean;
  usages?: string[];
  privateKey?: { algorithm?: string; size?: number; encoding?: string };
  issuerRef?: { name?: string; kind?: string; group?: string };
  secretTemplate?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface IssuanceContext {
  api: CmApi;
  certificates: FreshCache<CmObject>;
  requests: FreshCache<CmObject>;
  orders: FreshCache<CmObject>;
  secrets: FreshCache<V1Secret>;
  queue: WorkQueue;
  issuer(ref: { name?: string; kind?: string } | undefined, namespace: string): IssuerLookup | undefined;
  log(line: string): void;
}

const DAY = 24 * 60 * 60 * 1000;
const MAX_TIMER = 24 * 60 * 60 * 1000;
const FAILURE_BACKOFF_MS = 60_000;
const CERT_NAME = "cert-manager.io/certificate-name";
const REVISION = "cert-manager.io/certificate-revision";
const KEY_SECRET = "cert-manager.io/private-key-secret-name";

const issuerKey = (ref: CertificateSpec["issuerRef"], namespace: string) =>
  ref?.kind === "ClusterIssuer" ? `ClusterIssuer:${ref.name}` : `Issuer:${namespace}/${ref?.name}`;

export function createIssuanceControllers(ctx: IssuanceContext) {
  const { api } = ctx;

  const setStatus = async (
    cert: CmObject,
    conditions: Array<Omit<Condition, "lastTransitionTime" | "observedGeneration">>,
    extra: Record<string, unknown> = {},
    drop: string[] = [],
  ) => {
    let current: CmObject = cert;
    let changed = false;
    for (const condition of conditions) {
      const next = withCondition(current, condition);
      if (next) {
        current = { ...current, status: { ...current.status, conditions: next } };
        changed = true;
      }
    }
    const remaining = (current.status?.conditions ?? []).filter((c) => !drop.includes(c.type));
    if (remaining.length !== (current.status?.conditions ?? []).length) changed = true;
    if (!changed && Object.keys(extra).length === 0) return cert;
    return api.patchStatus(CERTIFICATE, cert, { conditions: remaining, ...extra }, ctx.certificates);
  };

  /** cert-manager's checks of a Certificate before it asks for anything (a string says why not). */
  const checkSpec = (spec: CertificateSpec, issuer: IssuerLookup | undefined): string | undefined => {
    const dnsNames = spec.dnsNames ?? [];
    if (!spec.commonName && dnsNames.length === 0 && (spec.ipAddresses ?? []).length === 0)
      return "at least one of commonName, dnsNames, uris, ipAddresses or emailAddresses must be set";
    const algorithm = spec.privateKey?.algorithm ?? "RSA";
    if (algorithm !== "RSA" && algorithm !== "ECDSA")
      return `private key algorithm ${algorithm} is not emulated`;
    if (issuer?.spec.acme) {
      const unsolvable = dnsNames.filter((n) => !solverFor(issuer.spec.acme?.solvers ?? [], n));
      if (unsolvable.length)
        return `Failed to determine a valid solver configuration for the set of domains on the Order: no configured challenge solvers can be used for ${unsolvable.join(", ")}`;
    }
    return undefined;
  };

  const reconcileCertificate = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const cert = ctx.certificates.get(name, namespace);
    if (!cert || cert.metadata?.deletionTimestamp) return;
    const spec = (cert.spec ?? {}) as CertificateSpec;
    const ref = spec.issuerRef ?? {};
    if (ref.group && ref.group !== CERT_MANAGER_GROUP) return; // an external issuer's business
    const issuerKind = ref.kind ?? "Issuer";
    const issuer = ctx.issuer(ref, namespace);
    const issuerReady = conditionOf(issuer?.object, "Ready");
    if (!issuer || issuerReady?.status !== "True") {
      const why = issuer ? `is not ready: ${issuerReady?.message ?? "no Ready condition"}` : "not found";
      await setStatus(cert, [
        {
          type: "Ready",
          status: "False",
          reason: "IssuerNotReady",
          message: `${issuerKind} "${ref.name}" ${why}`,
        },
      ]);
      return;
    }
    const problem = checkSpec(spec, issuer);
    if (problem) {
      await setStatus(cert, [{ type: "Ready", status: "False", reason: "Failed", message: problem }]);
      return;
    }
    const duration = parseGoDuration(spec.duration ?? "2160h") ?? 90 * DAY;
    const renewBefore = spec.renewBefore ? (parseGoDuration(spec.renewBefore) ?? duration / 3) : duration / 3;
    const secretName = spec.secretName ?? "";
    const dnsNames = spec.dnsNames ?? [];
    const ipAddresses = spec.ipAddresses ?? [];
    const annotations: Record<string, string> = {
      ...spec.secretTemplate?.annotations,
      [CERT_NAME]: name,
      "cert-manager.io/issuer-name": ref.name ?? "",
      "cert-manager.io/issuer-kind": issuerKind,
      "cert-manager.io/issuer-group": CERT_MANAGER_GROUP,
      "cert-manager.io/common-name": spec.commonName ?? "",
      "cert-manager.io/alt-names": dnsNames.join(","),
      "cert-manager.io/ip-sans": ipAddresses.join(","),
      "cert-manager.io/uri-sans": "",
    };
    const existing = ctx.secrets.get(secretName, namespace);
    let notBefore: Date | undefined;
    let notAfter: Date | undefined;
    try {
      const x509 = new X509Certificate(unb64(existing?.data?.["tls.crt"]));
      notBefore = new Date(x509.validFrom);
      notAfter = new Date(x509.validTo);
    } catch {
      notAfter = undefined;
    }
    const renewal = notAfter === undefined ? undefined : new Date(notAfter.getTime() - renewBefore);
    const matches = Object.entries(annotations).every(([k, v]) => existing?.metadata?.annotations?.[k] === v);
    const revision = (cert.status?.revision as number | undefined) ?? 0;
    if (renewal !== undefined && renewal.getTime() > Date.now() && matches) {
      // Up to date: Ready, and the next look at renewal time.
      const keySecret = cert.status?.nextPrivateKeySecretName as string | undefined;
      if (keySecret) await api.deleteSecret(keySecret, namespace, ctx.secrets);
      await setStatus(
        cert,
        [
          {
            type: "Ready",
            status: "True",
            reason: "Ready",
            message: "Certificate is up to date and has not expired",
          },
        ],
        cert.status?.renewalTime && !keySecret
          ? {}
          : {
              notBefore: rfc3339(notBefore ?? new Date()),
              notAfter: rfc3339(notAfter ?? new Date()),
              renewalTime: rfc3339(renewal),
              revision: Math.max(revision, 1),
              nextPrivateKeySecretName: null,
            },
        ["Issuing"],
      );
      ctx.queue.later(
        `Certificate:${key}`,
        Math.min(MAX_TIMER, Math.max(1000, renewal.getTime() - Date.now())),
      );
      return;
    }

    // It needs a certificate.
    const [reason, message] =
      existing === undefined
        ? ["DoesNotExist", "Issuing certificate as Secret does not exist"]
        : !matches
          ? ["SecretMismatch", "Issuing certificate as Secret was previously issued for another spec"]
          : [
              "Renewing",
              `Renewing certificate as renewal was scheduled at ${rfc3339(renewal ?? new Date())}`,
            ];
    const requestName = `${name}-${revision + 1}`;
    const request = ctx.requests.get(requestName, namespace);
    const issuing = conditionOf(cert, "Issuing");
    const conditions: Array<Omit<Condition, "lastTransitionTime" | "observedGeneration">> = [];
    if (issuing?.status !== "True" && issuing?.reason !== "Failed") {
      conditions.push({ type: "Issuing", status: "True", reason, message });
      await api.event(cert, "Normal", "Issuing", message);
    }
    if (existing === undefined) conditions.push({ type: "Ready", status: "False", reason, message });

    // The private key, kept in a temporary Secret until the certificate is issued.
    let keySecretName = cert.status?.nextPrivateKeySecretName as string | undefined;
    let keySecret = keySecretName ? ctx.secrets.get(keySecretName, namespace) : undefined;
    if (!keySecret) {
      keySecretName = `${name}-${randomBytes(4).toString("hex").slice(0, 5)}`;
      const privateKey = await generatePrivateKey({
        algorithm: (spec.privateKey?.algorithm as "RSA" | "ECDSA" | undefined) ?? "RSA",
        size: spec.privateKey?.size,
        encoding: spec.privateKey?.encoding as "PKCS1" | "PKCS8" | undefined,
      });
      keySecret = await api.saveSecret(
        {
          metadata: {
            name: keySecretName,
            namespace,
            labels: { "cert-manager.io/next-private-key": "true", "controller.cert-manager.io/fao": "true" },
            ownerReferences: ownedBy(cert, `${CERT_MANAGER_GROUP}/${CERT_MANAGER_VERSION}`, "Certificate"),
          },
          data: { "tls.key": b64(privateKey) },
        },
        undefined,
        ctx.secrets,
      );
      await api.event(
        cert,
        "Normal",
        "Generated",
        `Stored new private key in temporary Secret resource "${keySecretName}"`,
      );
    }
    const current = await setStatus(cert, conditions, { nextPrivateKeySecretName: keySecretName });
    const privateKey = unb64(keySecret.data?.["tls.key"]);

    if (!request) {
      const csr = await createCsr(
        { commonName: spec.commonName, dnsNames, ipAddresses, isCA: spec.isCA },
        privateKey,
      );
      const created = await api.create(
        CERTIFICATE_REQUEST,
        namespace,
        {
          metadata: {
            name: requestName,
            namespace,
            annotations: {
              [CERT_NAME]: name,
              [REVISION]: String(revision + 1),
              [KEY_SECRET]: keySecretName ?? "",
            },
            ownerReferences: ownedBy(cert, `${CERT_MANAGER_GROUP}/${CERT_MANAGER_VERSION}`, "Certificate"),
          },
          spec: {
            request: b64(csr),
            issuerRef: { name: ref.name, kind: issuerKind, group: CERT_MANAGER_GROUP },
            duration: spec.duration ?? "2160h0m0s",
            isCA: spec.isCA ?? false,
            usages: spec.usages ?? ["digital signature", "key encipherment"],
          },
        },
        ctx.requests,
      );
      await api.event(
        cert,
        "Normal",
        "Requested",
        `Created new CertificateRequest resource "${requestName}"`,
      );
      ctx.queue.add(`CertificateRequest:${keyOf(created)}`);
      return;
    }
    const asked = await readCsr(unb64(request.spec?.request as string | undefined)).catch(() => undefined);
    const same = (a: string[] | undefined, b: string[]) =>
      [...(a ?? [])].sort().join(",") === [...b].sort().join(",");
    if (
      conditionOf(request, "Ready")?.status !== "True" &&
      (asked === undefined ||
        !same(asked.dnsNames, dnsNames) ||
        !same(asked.ipAddresses, ipAddresses) ||
        (asked.commonName ?? "") !== (spec.commonName ?? ""))
    ) {
      // The spec changed while a request was pending: that request is dropped, a new one follows.
      await api.delete(CERTIFICATE_REQUEST, request, ctx.requests);
      ctx.queue.later(`Certificate:${key}`, 200);
      return;
    }
    const ready = conditionOf(request, "Ready");
    if (ready?.status === "True") {
      const chain = unb64(request.status?.certificate as string | undefined);
      const ca = unb64(request.status?.ca as string | undefined);
      const saved = await api.saveSecret(
        {
          metadata: {
            name: secretName,
            namespace,
            annotations,
            labels: { ...spec.secretTemplate?.labels, "controller.cert-manager.io/fao": "true" },
          },
          type: "kubernetes.io/tls",
          data: { "tls.crt": b64(chain), "tls.key": b64(privateKey), ...(ca ? { "ca.crt": b64(ca) } : {}) },
        },
        existing,
        ctx.secrets,
      );
      void saved;
      await api.deleteSecret(keySecretName ?? "", namespace, ctx.secrets);
      const leaf = new X509Certificate(chain);
      const after = new Date(leaf.validTo);
      await setStatus(
        current,
        [
          {
            type: "Ready",
            status: "True",
            reason: "Ready",
            message: "Certificate is up to date and has not expired",
          },
        ],
        {
          notBefore: rfc3339(new Date(leaf.validFrom)),
          notAfter: rfc3339(after),
          renewalTime: rfc3339(new Date(after.getTime() - renewBefore)),
          revision: revision + 1,
          nextPrivateKeySecretName: null,
        },
        ["Issuing"],
      );
      await api.event(cert, "Normal", "Issuing", "The certificate has been successfully issued");
      ctx.log(
        `cert-manager: ${key} issued by ${issuerKey(ref, namespace)} for ${[...dnsNames, ...ipAddresses].join(",")}`,
      );
      ctx.queue.later(
        `Certificate:${key}`,
        Math.min(MAX_TIMER, Math.max(1000, after.getTime() - renewBefore - Date.now())),
      );
      return;
    }
    if (ready?.reason === "Failed") {
      // As cert-manager: Issuing=False, and a new request after a back-off.
      const failedAt = (current.status?.lastFailureTime as string | undefined) ?? rfc3339(new Date());
      await setStatus(
        current,
        [
          {
            type: "Issuing",
            status: "False",
            reason: "Failed",
            message: `The certificate request has failed to complete and will be retried: ${ready.message ?? ""}`,
          },
        ],
        { lastFailureTime: failedAt },
      );
      const wait = new Date(failedAt).getTime() + FAILURE_BACKOFF_MS - Date.now();
      if (wait > 0) {
        ctx.queue.later(`Certificate:${key}`, wait);
        return;
      }
      await api.delete(CERTIFICATE_REQUEST, request, ctx.requests);
      await api.patchStatus(CERTIFICATE, current, { lastFailureTime: null }, ctx.certificates);
      ctx.queue.later(`Certificate:${key}`, 500);
    }
  };

  const signDirectly = async (
    request: CmObject,
    issuer: IssuerLookup,
  ): Promise<{ chain: string; ca: string } | string> => {
    const spec = request.spec as { request?: string; duration?: string; isCA?: boolean };
    const now = new Date();
    const duration = parseGoDuration(spec.duration ?? "2160h") ?? 90 * DAY;
    const validity = { notBefore: now, notAfter: new Date(now.getTime() + duration), isCA: spec.isCA };
    if (issuerType(issuer.spec) === "selfSigned") {
      const keyName = request.metadata?.annotations?.[KEY_SECRET] ?? "";
      const key = unb64(ctx.secrets.get(keyName, request.metadata?.namespace)?.data?.["tls.key"]);
      if (!key) return `Referenced private key secret "${keyName}" not found`;
      const cert = await signCsr(unb64(spec.request), { selfKey: key }, validity);
      return { chain: cert, ca: cert };
    }
    const secret = ctx.secrets.get(issuer.spec.ca?.secretName ?? "", issuer.secretNamespace);
    const pair: KeyPair = { key: unb64(secret?.data?.["tls.key"]), cert: unb64(secret?.data?.["tls.crt"]) };
    try {
      const cert = await signCsr(unb64(spec.request), { ca: pair }, validity);
      return { chain: `${cert.trim()}\n${pair.cert.trim()}\n`, ca: pair.cert };
    } catch (error) {
      return `Error signing certificate: ${(error as Error).message}`;
    }
  };

  const reconcileRequest = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    let request = ctx.requests.get(name, namespace);
    if (!request || request.metadata?.deletionTimestamp) return;
    const requeueCertificate = () => {
      const cert = request?.metadata?.annotations?.[CERT_NAME];
      if (cert) ctx.queue.add(`Certificate:${namespace}/${cert}`);
    };
    const ready = conditionOf(request, "Ready");
    if (ready?.status === "True" || ready?.reason === "Failed" || ready?.reason === "Denied") {
      requeueCertificate();
      return;
    }
    const setReady = async (condition: IssuerCondition, extra: Record<string, unknown> = {}) => {
      const conditions = withCondition(request as CmObject, { type: "Ready", ...condition });
      if (!conditions && Object.keys(extra).length === 0) return;
      request = await api.patchStatus(
        CERTIFICATE_REQUEST,
        request as CmObject,
        { ...(conditions ? { conditions } : {}), ...extra },
        ctx.requests,
      );
    };
    if (conditionOf(request, "Approved")?.status !== "True") {
      // cert-manager's internal approver approves requests for its own issuer types.
      const approved = withCondition(request, {
        type: "Approved",
        status: "True",
        reason: "cert-manager.io",
        message: "Certificate request has been approved by cert-manager.io",
      });
      request = await api.patchStatus(CERTIFICATE_REQUEST, request, { conditions: approved }, ctx.requests);
      await api.event(
        request,
        "Normal",
        "cert-manager.io",
        "Certificate request has been approved by cert-manager.io",
      );
    }
    const spec = request.spec as {
      request?: string;
      issuerRef?: { name?: string; kind?: string };
      duration?: string;
    };
    const issuer = ctx.issuer(spec.issuerRef, namespace);
    if (!issuer || conditionOf(issuer.object, "Ready")?.status !== "True") {
      await setReady({
        status: "False",
        reason: "Pending",
        message: `Referenced "${spec.issuerRef?.kind ?? "Issuer"}" not found or not ready: ${spec.issuerRef?.name ?? ""}`,
      });
      return;
    }
    if (!issuer.spec.acme) {
      const signed = await signDirectly(request, issuer);
      if (typeof signed === "string") {
        await setReady(
          { status: "False", reason: "Failed", message: signed },
          { failureTime: rfc3339(new Date()) },
        );
        await api.event(request, "Warning", "ErrorSigning", signed);
      } else {
        await setReady(
          { status: "True", reason: "Issued", message: "Certificate fetched from issuer successfully" },
          { certificate: b64(signed.chain), ca: b64(signed.ca) },
        );
        await api.event(
          request,
          "Normal",
          "CertificateIssued",
          "Certificate fetched from issuer successfully",
        );
      }
      requeueCertificate();
      return;
    }
    // ACME: through an Order.
    const csr = await readCsr(spec.request ?? "");
    const orderSpec = {
      request: spec.request,
      issuerRef: spec.issuerRef,
      ...(csr.commonName ? { commonName: csr.commonName } : {}),
      dnsNames: csr.dnsNames,
      ...(csr.ipAddresses.length ? { ipAddresses: csr.ipAddresses } : {}),
      duration: spec.duration,
    };
    const orderName = `${name}-${specHash(orderSpec)}`;
    let order = ctx.orders.get(orderName, namespace);
    if (!order) {
      order = await api.create(
        ORDER,
        namespace,
        {
          metadata: {
            name: orderName,
            namespace,
            ownerReferences: ownedBy(
              request,
              `${CERT_MANAGER_GROUP}/${CERT_MANAGER_VERSION}`,
              "CertificateRequest",
            ),
          },
          spec: orderSpec,
        },
        ctx.orders,
      );
      await api.event(request, "Normal", "OrderCreated", `Created Order resource ${namespace}/${orderName}`);
      ctx.queue.add(`Order:${namespace}/${orderName}`);
    }
    const state = (order.status?.state as string | undefined) ?? "";
    if (state === "valid" && order.status?.certificate) {
      await setReady(
        { status: "True", reason: "Issued", message: "Certificate fetched from issuer successfully" },
        { certificate: order.status.certificate },
      );
      await api.event(request, "Normal", "CertificateIssued", "Certificate fetched from issuer successfully");
    } else if (state === "invalid" || state === "errored" || state === "expired") {
      const message = `Failed to wait for order resource "${orderName}" to become ready: order is in "${state}" state: ${order.status?.reason ?? ""}`;
      await setReady({ status: "False", reason: "Failed", message }, { failureTime: rfc3339(new Date()) });
      await api.event(request, "Warning", "OrderFailed", message);
    } else {
      await setReady({
        status: "False",
        reason: "Pending",
        message: `Waiting on certificate issuance from order ${namespace}/${orderName}: "${state}"`,
      });
    }
    requeueCertificate();
  };

  return { reconcileCertificate, reconcileRequest };
}
