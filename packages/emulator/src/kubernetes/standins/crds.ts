/**
 * The CustomResourceDefinitions of MetalLB (metallb.io/v1beta1) and cert-manager
 * (cert-manager.io/v1, acme.cert-manager.io/v1): minimal but valid apiextensions.k8s.io/v1 CRDs with the real groups, kinds,
 * scopes, short names and status subresources. The fields the stand-ins read are typed (the API
 * server rejects an IPAddressPool without `addresses`); the rest is kept as written.
 */
import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
  type V1JSONSchemaProps,
} from "@kubernetes/client-node";
import { apiStatus, StandInError } from "./errors.js";

const open = (
  properties: Record<string, V1JSONSchemaProps> = {},
  required?: string[],
): V1JSONSchemaProps => ({
  type: "object",
  x_kubernetes_preserve_unknown_fields: true,
  properties,
  ...(required ? { required } : {}),
});
const str: V1JSONSchemaProps = { type: "string" };
const strings: V1JSONSchemaProps = { type: "array", items: { type: "string" } };
const conditions: V1JSONSchemaProps = {
  type: "array",
  items: open(
    {
      type: str,
      status: { type: "string", _enum: ["True", "False", "Unknown"] },
      reason: str,
      message: str,
      lastTransitionTime: { type: "string", format: "date-time" },
      observedGeneration: { type: "integer", format: "int64" },
    },
    ["type", "status"],
  ),
  x_kubernetes_list_map_keys: ["type"],
  x_kubernetes_list_type: "map",
};

function crd(input: {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  scope: "Namespaced" | "Cluster";
  spec: V1JSONSchemaProps;
  status?: boolean;
  columns?: { name: string; type: string; jsonPath: string; priority?: number }[];
}): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${input.plural}.${input.group}`,
      labels: { "app.kubernetes.io/managed-by": "homelab-kit-standins" },
    },
    spec: {
      group: input.group,
      scope: input.scope,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular: input.kind.toLowerCase(),
        ...(input.shortNames ? { shortNames: input.shortNames } : {}),
        ...(input.categories ? { categories: input.categories } : {}),
      },
      versions: [
        {
          name: input.version,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                apiVersion: str,
                kind: str,
                metadata: { type: "object" },
                spec: input.spec,
                ...(input.status ? { status: open({ conditions }) } : {}),
              },
              required: ["spec"],
            },
          },
          ...(input.status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: [
            ...(input.columns ?? []),
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
        },
      ],
    },
  };
}

const secretKeySelector = open({ name: str, key: str }, ["name"]);
const issuerSpec = open({
  selfSigned: open({ crlDistributionPoints: strings }),
  ca: open({ secretName: str }, ["secretName"]),
  acme: open(
    {
      server: str,
      email: str,
      privateKeySecretRef: secretKeySelector,
      solvers: {
        type: "array",
        items: open({
          selector: open({ dnsNames: strings, dnsZones: strings, matchLabels: open() }),
          dns01: open({
            cloudflare: open({
              email: str,
              apiTokenSecretRef: secretKeySelector,
              apiKeySecretRef: secretKeySelector,
            }),
          }),
          http01: open({ ingress: open({ ingressClassName: str, class: str }) }),
        }),
      },
    },
    ["server", "privateKeySecretRef"],
  ),
});
const readyColumns = [
  { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: "Status", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].message', priority: 1 },
];

export const METALLB_GROUP = "metallb.io";
export const METALLB_VERSION = "v1beta1";
export const CERT_MANAGER_GROUP = "cert-manager.io";
export const CERT_MANAGER_VERSION = "v1";
export const ACME_GROUP = "acme.cert-manager.io";
export const ACME_VERSION = "v1";

export const METALLB_CRDS: V1CustomResourceDefinition[] = [
  crd({
    group: METALLB_GROUP,
    version: METALLB_VERSION,
    kind: "IPAddressPool",
    plural: "ipaddresspools",
    scope: "Namespaced",
    spec: open(
      {
        addresses: { ...strings, minItems: 1 },
        autoAssign: { type: "boolean", _default: true },
        avoidBuggyIPs: { type: "boolean", _default: false },
        serviceAllocation: open({ priority: { type: "integer" }, namespaces: strings }),
      },
      ["addresses"],
    ),
    columns: [
      { name: "Auto Assign", type: "boolean", jsonPath: ".spec.autoAssign" },
      { name: "Avoid Buggy IPs", type: "boolean", jsonPath: ".spec.avoidBuggyIPs" },
      { name: "Addresses", type: "string", jsonPath: ".spec.addresses" },
    ],
  }),
  crd({
    group: METALLB_GROUP,
    version: METALLB_VERSION,
    kind: "L2Advertisement",
    plural: "l2advertisements",
    scope: "Namespaced",
    spec: open({
      ipAddressPools: strings,
      ipAddressPoolSelectors: { type: "array", items: open({ matchLabels: open() }) },
      nodeSelectors: { type: "array", items: open({ matchLabels: open() }) },
      interfaces: strings,
    }),
    columns: [
      { name: "IPAddressPools", type: "string", jsonPath: ".spec.ipAddressPools" },
      { name: "Node Selectors", type: "string", jsonPath: ".spec.nodeSelectors", priority: 10 },
    ],
  }),
];

export const CERT_MANAGER_CRDS: V1CustomResourceDefinition[] = [
  crd({
    group: CERT_MANAGER_GROUP,
    version: CERT_MANAGER_VERSION,
    kind: "Certificate",
    plural: "certificates",
    shortNames: ["cert", "certs"],
    categories: ["cert-manager"],
    scope: "Namespaced",
    status: true,
    spec: open(
      {
        secretName: str,
        commonName: str,
        dnsNames: strings,
        ipAddresses: strings,
        duration: str,
        renewBefore: str,
        isCA: { type: "boolean" },
        usages: strings,
        privateKey: open({
          algorithm: { type: "string", _enum: ["RSA", "ECDSA", "Ed25519"] },
          encoding: { type: "string", _enum: ["PKCS1", "PKCS8"] },
          size: { type: "integer" },
          rotationPolicy: { type: "string", _enum: ["Never", "Always"] },
        }),
        issuerRef: open({ name: str, kind: str, group: str }, ["name"]),
      },
      ["secretName", "issuerRef"],
    ),
    columns: [...readyColumns, { name: "Secret", type: "string", jsonPath: ".spec.secretName" }],
  }),
  crd({
    group: CERT_MANAGER_GROUP,
    version: CERT_MANAGER_VERSION,
    kind: "CertificateRequest",
    plural: "certificaterequests",
    shortNames: ["cr", "crs"],
    categories: ["cert-manager"],
    scope: "Namespaced",
    status: true,
    spec: open(
      {
        request: str,
        issuerRef: open({ name: str, kind: str, group: str }, ["name"]),
        duration: str,
        isCA: { type: "boolean" },
        usages: strings,
        username: str,
        uid: str,
      },
      ["request", "issuerRef"],
    ),
    columns: [
      { name: "Approved", type: "string", jsonPath: '.status.conditions[?(@.type=="Approved")].status' },
      { name: "Denied", type: "string", jsonPath: '.status.conditions[?(@.type=="Denied")].status' },
      ...readyColumns.slice(0, 1),
      { name: "Issuer", type: "string", jsonPath: ".spec.issuerRef.name" },
      { name: "Requester", type: "string", jsonPath: ".spec.username" },
      ...readyColumns.slice(1),
    ],
  }),
  crd({
    group: ACME_GROUP,
    version: ACME_VERSION,
    kind: "Order",
    plural: "orders",
    categories: ["cert-manager", "cert-manager-acme"],
    scope: "Namespaced",
    status: true,
    spec: open(
      {
        request: str,
        issuerRef: open({ name: str, kind: str, group: str }, ["name"]),
        commonName: str,
        dnsNames: strings,
        ipAddresses: strings,
        duration: str,
      },
      ["request", "issuerRef"],
    ),
    columns: [
      { name: "State", type: "string", jsonPath: ".status.state" },
      { name: "Issuer", type: "string", jsonPath: ".spec.issuerRef.name", priority: 1 },
      { name: "Reason", type: "string", jsonPath: ".status.reason", priority: 1 },
    ],
  }),
  crd({
    group: ACME_GROUP,
    version: ACME_VERSION,
    kind: "Challenge",
    plural: "challenges",
    categories: ["cert-manager", "cert-manager-acme"],
    scope: "Namespaced",
    status: true,
    spec: open(
      {
        url: str,
        authorizationURL: str,
        dnsName: str,
        wildcard: { type: "boolean" },
        type: { type: "string", _enum: ["HTTP-01", "DNS-01"] },
        token: str,
        key: str,
        solver: open(),
        issuerRef: open({ name: str, kind: str, group: str }, ["name"]),
      },
      ["url", "authorizationURL", "dnsName", "type", "token", "key", "solver", "issuerRef"],
    ),
    columns: [
      { name: "State", type: "string", jsonPath: ".status.state" },
      { name: "Domain", type: "string", jsonPath: ".spec.dnsName" },
      { name: "Reason", type: "string", jsonPath: ".status.reason", priority: 1 },
    ],
  }),
  crd({
    group: CERT_MANAGER_GROUP,
    version: CERT_MANAGER_VERSION,
    kind: "Issuer",
    plural: "issuers",
    categories: ["cert-manager"],
    scope: "Namespaced",
    status: true,
    spec: issuerSpec,
    columns: readyColumns,
  }),
  crd({
    group: CERT_MANAGER_GROUP,
    version: CERT_MANAGER_VERSION,
    kind: "ClusterIssuer",
    plural: "clusterissuers",
    categories: ["cert-manager"],
    scope: "Cluster",
    status: true,
    spec: issuerSpec,
    columns: readyColumns,
  }),
];

/**
 * Creates (or updates) CRDs, all at once, and waits until the API server serves them
 * (Established=True).
 */
export async function installCrds(
  kubeConfig: KubeConfig,
  crds: V1CustomResourceDefinition[],
  timeoutMs = 30_000,
): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const install = async (body: V1CustomResourceDefinition) => {
    const name = body.metadata?.name ?? "";
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (error) {
      if (apiStatus(error) !== 409) {
        throw new StandInError(`cannot install CRD ${name}: ${String(error)}`, {
          code: "INSTALL_FAILED",
          cause: error,
        });
      }
      const current = await api.readCustomResourceDefinition({ name });
      await api.replaceCustomResourceDefinition({
        name,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
      });
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await api.readCustomResourceDefinition({ name });
      if (current.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
      if (Date.now() > deadline)
        throw new StandInError(`CRD ${name} not Established after ${timeoutMs} ms`, {
          code: "INSTALL_FAILED",
        });
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // All at once: each CRD takes the API server about a second to serve.
  const results = await Promise.allSettled(crds.map(install));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
