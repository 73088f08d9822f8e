/**
 * cert-manager's ingress-shim: an Ingress annotated `cert-manager.io/cluster-issuer` (or
 * `cert-manager.io/issuer`, with `cert-manager.io/issuer-kind`) gets a Certificate per `spec.tls`
 * entry, named after its Secret, for the entry's hosts, owned by the Ingress (deleted with it) and
 * kept in line when the Ingress changes.
 */
import type { V1Ingress } from "@kubernetes/client-node";
import { CERTIFICATE } from "./cert-manager-issuance.js";
import type { CmApi, CmObject, FreshCache } from "./cert-manager-objects.js";
import { CERT_MANAGER_GROUP } from "./crds.js";
import type { Watched } from "./informer.js";
import { splitKey } from "./informer.js";

export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";
export const ISSUER_ANNOTATION = "cert-manager.io/issuer";

/** The Certificates an Ingress asks for (none without the annotations). */
export function certificatesFor(ingress: V1Ingress): Array<{ name: string; spec: Record<string, unknown> }> {
  const annotations = ingress.metadata?.annotations ?? {};
  const cluster = annotations[CLUSTER_ISSUER_ANNOTATION];
  const namespaced = annotations[ISSUER_ANNOTATION];
  const issuerRef = cluster
    ? { name: cluster, kind: "ClusterIssuer", group: CERT_MANAGER_GROUP }
    : namespaced
      ? {
          name: namespaced,
          kind: annotations["cert-manager.io/issuer-kind"] ?? "Issuer",
          group: annotations["cert-manager.io/issuer-group"] ?? CERT_MANAGER_GROUP,
        }
      : undefined;
  if (!issuerRef) return [];
  return (ingress.spec?.tls ?? [])
    .filter((tls) => tls.secretName && (tls.hosts ?? []).length > 0)
    .map((tls) => ({
      name: tls.secretName ?? "",
      spec: {
        dnsNames: tls.hosts,
        secretName: tls.secretName,
        issuerRef,
        usages: ["digital signature", "key encipherment"],
        ...(annotations["cert-manager.io/common-name"]
          ? { commonName: annotations["cert-manager.io/common-name"] }
          : {}),
        ...(annotations["cert-manager.io/duration"]
          ? { duration: annotations["cert-manager.io/duration"] }
          : {}),
      },
    }));
}

export function createIngressShim(ctx: {
  api: CmApi;
  certificates: FreshCache<CmObject>;
  ingresses: () => Watched<V1Ingress> | undefined;
}) {
  return async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const ingress = ctx.ingresses()?.get(name, namespace);
    if (!ingress || ingress.metadata?.deletionTimestamp) return;
    for (const wanted of certificatesFor(ingress)) {
      const existing = ctx.certificates.get(wanted.name, namespace);
      if (!existing) {
        await ctx.api.create(
          CERTIFICATE,
          namespace,
          {
            metadata: {
              name: wanted.name,
              namespace,
              ownerReferences: [
                {
                  apiVersion: "networking.k8s.io/v1",
                  kind: "Ingress",
                  name,
                  uid: ingress.metadata?.uid ?? "",
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            },
            spec: wanted.spec,
          },
          ctx.certificates,
        );
        await ctx.api.event(
          ingress,
          "Normal",
          "CreateCertificate",
          `Successfully created Certificate "${wanted.name}"`,
        );
        continue;
      }
      const ours = existing.metadata?.ownerReferences?.some((r) => r.uid === ingress.metadata?.uid);
      if (ours && JSON.stringify(existing.spec) !== JSON.stringify({ ...existing.spec, ...wanted.spec })) {
        const updated = (await ctx.api.custom.replaceNamespacedCustomObject({
          group: CERTIFICATE.group,
          version: CERTIFICATE.version,
          plural: CERTIFICATE.plural,
          namespace,
          name: wanted.name,
          body: { ...existing, spec: { ...existing.spec, ...wanted.spec } },
        })) as CmObject;
        ctx.certificates.remember(updated);
        await ctx.api.event(
          ingress,
          "Normal",
          "UpdateCertificate",
          `Successfully updated Certificate "${wanted.name}"`,
        );
      }
    }
  };
}
