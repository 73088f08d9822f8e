/**
 * ACME issuance as cert-manager shows it (acme.cert-manager.io/v1): an Order per
 * CertificateRequest, a Challenge per DNS name, solved with the issuer's solver, and an emulated
 * ACME server (the Let's Encrypt of the stand-in) that validates the DNS01 TXT record and signs the
 * request with a CA of its own.
 *
 * - Order: created `pending` with its authorizations; `valid` with the certificate once every
 *   Challenge is valid (then its Challenges are deleted, as cert-manager cleans them up), `invalid`
 *   when one failed.
 * - Challenge (finalizer `finalizer.acme.cert-manager.io`): `Started`, then Present through the
 *   DNS provider (Cloudflare's API; `PresentError` and `status.reason` with cert-manager's text when
 *   it fails, retried with back-off), the propagation self-check, acceptance by the ACME server
 *   (`DomainVerified`), and CleanUp of the record once it is valid or deleted.
 */
import { createHash, createPublicKey, randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import {
  b64,
  type CmApi,
  type CmObject,
  type FreshCache,
  isOwnedBy,
  type Kind,
  ownedBy,
  rfc3339,
  specHash,
  unb64,
} from "./cert-manager-objects.js";
import type { KeyPair } from "./cert-pki.js";
import { signCsr } from "./cert-pki.js";
import { CloudflareDns01 } from "./cloudflare-dns01.js";
import { ACME_GROUP, ACME_VERSION } from "./crds.js";
import type { WorkQueue } from "./informer.js";
import { keyOf, splitKey } from "./informer.js";
import { type AcmeSolver, type IssuerSpec, solverFor } from "./issuers.js";

export const ORDER: Kind = { group: ACME_GROUP, version: ACME_VERSION, plural: "orders", kind: "Order" };
export const CHALLENGE: Kind = {
  group: ACME_GROUP,
  version: ACME_VERSION,
  plural: "challenges",
  kind: "Challenge",
};
export const ACME_FINALIZER = "finalizer.acme.cert-manager.io";

/** Where DNS01 challenges are presented (see `CertManagerOptions.dns01`). */
export interface Dns01Options {
  /**
   * Base URL of the Cloudflare API the Cloudflare solver calls instead of
   * `https://api.cloudflare.com/client/v4` (the emulator's: `endpoints.cloudflare.url`). Without
   * it, DNS01 challenges are taken as presented and nothing is contacted.
   */
  cloudflareApiUrl?: string;
  /**
   * The authoritative answer for a TXT name: what cert-manager's propagation check and the ACME
   * server's validation read (the emulated zones' `resolveTxt`). Default: the records the
   * Cloudflare API lists for the name.
   */
  resolveTxt?: (fqdn: string) => string[] | Promise<string[]>;
}

export interface IssuerLookup {
  object: CmObject;
  spec: IssuerSpec;
  /** Where its Secrets are (the cluster resource namespace for a ClusterIssuer). */
  secretNamespace: string;
}

export interface AcmeContext {
  api: CmApi;
  orders: FreshCache<CmObject>;
  challenges: FreshCache<CmObject>;
  secrets: FreshCache<V1Secret>;
  queue: WorkQueue;
  issuer(ref: { name?: string; kind?: string } | undefined, namespace: string): IssuerLookup | undefined;
  acmeCa(): Promise<KeyPair>;
  dns01: Dns01Options | undefined;
  log(line: string): void;
}

const FINAL = new Set(["valid", "invalid", "expired", "errored"]);
const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** RFC 7638 thumbprint of the account key (the second half of a key authorization). */
function thumbprint(accountKeyPem: string): string {
  try {
    const jwk = createPublicKey(accountKeyPem).export({ format: "jwk" }) as Record<string, string>;
    const members =
      jwk.kty === "EC"
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { e: jwk.e, kty: jwk.kty, n: jwk.n };
    return base64url(createHash("sha256").update(JSON.stringify(members)).digest());
  } catch {
    return base64url(createHash("sha256").update(accountKeyPem).digest());
  }
}

/** The TXT name and value of a DNS01 challenge (`_acme-challenge.<name>.`, base64url SHA-256 of the key). */
export function dns01Record(dnsName: string, keyAuthorization: string): { fqdn: string; value: string } {
  return {
    fqdn: `_acme-challenge.${dnsName.replace(/^\*\./, "")}.`,
    value: base64url(createHash("sha256").update(keyAuthorization).digest()),
  };
}

function acmeBase(spec: IssuerSpec): string {
  try {
    return new URL(spec.acme?.server ?? "").origin;
  } catch {
    return "https://acme.invalid";
  }
}

/** The solver's credentials from its Secret, as cert-manager reads them. */
function cloudflareFor(ctx: AcmeContext, solver: AcmeSolver, issuer: IssuerLookup): CloudflareDns01 | string {
  const cf = solver.dns01?.cloudflare;
  const apiUrl = ctx.dns01?.cloudflareApiUrl;
  if (!cf || apiUrl === undefined) return "no DNS provider";
  const ref = cf.apiTokenSecretRef ?? cf.apiKeySecretRef;
  const secret = ctx.secrets.get(ref?.name ?? "", issuer.secretNamespace);
  const value = ref?.key ? unb64(secret?.data?.[ref.key]) || secret?.stringData?.[ref.key] : undefined;
  if (value === undefined || value === "")
    return `error getting cloudflare service account: secret "${ref?.name ?? ""}" has no key "${ref?.key ?? ""}"`;
  return new CloudflareDns01(
    apiUrl,
    cf.apiTokenSecretRef ? { apiToken: value.trim() } : { apiKey: value.trim(), email: cf.email },
  );
}

export function createAcmeControllers(ctx: AcmeContext) {
  const { api } = ctx;

  const challengesOf = (order: CmObject) =>
    ctx.challenges.list(order.metadata?.namespace).filter((c) => isOwnedBy(c, order));

  /** Creates the Order's authorizations on the emulated ACME server and a Challenge for each. */
  const startOrder = async (order: CmObject, issuer: IssuerLookup) => {
    const namespace = order.metadata?.namespace ?? "default";
    const spec = order.spec as {
      dnsNames?: string[];
      commonName?: string;
      issuerRef?: Record<string, string>;
    };
    const names = [...new Set([...(spec.dnsNames ?? []), ...(spec.commonName ? [spec.commonName] : [])])];
    const base = acmeBase(issuer.spec);
    const account = issuer.object.metadata?.uid?.slice(0, 8) ?? "0";
    const id = randomBytes(6).readUIntBE(0, 6);
    const accountKey = unb64(
      ctx.secrets.get(issuer.spec.acme?.privateKeySecretRef?.name ?? "", issuer.secretNamespace)?.data?.[
        issuer.spec.acme?.privateKeySecretRef?.key ?? "tls.key"
      ],
    );
    const authorizations = names.map((dnsName) => {
      const authz = randomBytes(5).readUIntBE(0, 5);
      const solver = solverFor(issuer.spec.acme?.solvers ?? [], dnsName) ?? {};
      const type = solver.http01 ? "http-01" : "dns-01";
      const token = base64url(randomBytes(32));
      return {
        url: `${base}/acme/authz-v3/${authz}`,
        identifier: dnsName.replace(/^\*\./, ""),
        wildcard: dnsName.startsWith("*."),
        initialState: "pending",
        challenges: [{ type, url: `${base}/acme/chall-v3/${authz}/${token.slice(0, 6)}`, token }],
        solver,
      };
    });
    await api.patchStatus(
      ORDER,
      order,
      {
        url: `${base}/acme/order/${account}/${id}`,
        finalizeURL: `${base}/acme/finalize/${account}/${id}`,
        state: "pending",
        authorizations: authorizations.map(({ solver: _s, ...a }) => a),
      },
      ctx.orders,
    );
    for (const authz of authorizations) {
      const challenge = authz.challenges[0];
      if (!challenge) continue;
      const chSpec = {
        url: challenge.url,
        authorizationURL: authz.url,
        dnsName: authz.identifier,
        wildcard: authz.wildcard,
        type: challenge.type === "http-01" ? "HTTP-01" : "DNS-01",
        token: challenge.token,
        key: `${challenge.token}.${thumbprint(accountKey)}`,
        solver: authz.solver,
        issuerRef: spec.issuerRef ?? {},
      };
      const name = `${order.metadata?.name}-${specHash(chSpec)}`;
      const created = await api.create(
        CHALLENGE,
        namespace,
        {
          metadata: {
            name,
            namespace,
            finalizers: [ACME_FINALIZER],
            ownerReferences: ownedBy(order, `${ACME_GROUP}/${ACME_VERSION}`, "Order"),
          },
          spec: chSpec,
        },
        ctx.challenges,
      );
      await api.event(
        order,
        "Normal",
        "Created",
        `Created Challenge resource "${name}" for domain "${authz.identifier}"`,
      );
      ctx.queue.add(`Challenge:${keyOf(created)}`);
    }
  };

  /** Finalizes a ready Order: the emulated ACME server signs its request. */
  const finalize = async (order: CmObject, issuer: IssuerLookup) => {
    const spec = order.spec as { request?: string; duration?: string; dnsNames?: string[] };
    const ca = await ctx.acmeCa();
    const now = new Date();
    // Let's Encrypt issues for 90 days whatever the request asks.
    const notAfter = new Date(now.getTime() + 90 * 24 * 3600 * 1000);
    const leaf = await signCsr(
      spec.request ?? "",
      { ca },
      { notBefore: new Date(now.getTime() - 60_000), notAfter },
    );
    await api.patchStatus(
      ORDER,
      order,
      { state: "valid", certificate: b64(`${leaf.trim()}\n${ca.cert.trim()}\n`), reason: "" },
      ctx.orders,
    );
    await api.event(order, "Normal", "Complete", "Order completed successfully");
    ctx.log(`cert-manager: order ${keyOf(order)} valid (${issuer.object.metadata?.name})`);
  };

  const reconcileOrder = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const order = ctx.orders.get(name, namespace);
    if (!order || order.metadata?.deletionTimestamp) return;
    const state = order.status?.state as string | undefined;
    const requeueRequest = () => {
      const owner = order.metadata?.ownerReferences?.find((r) => r.kind === "CertificateRequest");
      if (owner) ctx.queue.add(`CertificateRequest:${namespace}/${owner.name}`);
    };
    if (state !== undefined && FINAL.has(state)) {
      // As cert-manager: an Order that reached a final state has its Challenges cleaned up.
      for (const ch of challengesOf(order)) await api.delete(CHALLENGE, ch, ctx.challenges);
      requeueRequest();
      return;
    }
    const issuer = ctx.issuer(order.spec?.issuerRef as { name?: string; kind?: string }, namespace);
    if (!issuer?.spec.acme) return;
    if (state === undefined || state === "") {
      await startOrder(order, issuer);
      requeueRequest();
      return;
    }
    const challenges = challengesOf(order);
    const states = challenges.map((c) => c.status?.state as string | undefined);
    const failed = challenges.find((c) => c.status?.state === "invalid");
    if (failed) {
      await api.patchStatus(
        ORDER,
        order,
        {
          state: "invalid",
          reason: `Failed to finalize Order: challenge ${failed.metadata?.name} is invalid: ${failed.status?.reason ?? ""}`,
          failureTime: rfc3339(new Date()),
        },
        ctx.orders,
      );
      requeueRequest();
      return;
    }
    const expected = ((order.status?.authorizations as unknown[]) ?? []).length;
    if (challenges.length >= expected && states.every((s) => s === "valid")) {
      await finalize(order, issuer);
      ctx.queue.add(`Order:${key}`);
      requeueRequest();
    }
  };

  /** The DNS provider's answer for the record (the self-check and the ACME server's validation). */
  const lookup = async (provider: CloudflareDns01 | string, fqdn: string): Promise<string[]> => {
    if (ctx.dns01?.resolveTxt) return ctx.dns01.resolveTxt(fqdn);
    return typeof provider === "string" ? [] : provider.txtValues(fqdn);
  };

  const cleanUp = async (ch: CmObject, issuer: IssuerLookup | undefined) => {
    const spec = ch.spec as { dnsName: string; key: string; solver?: AcmeSolver; type?: string };
    if (!issuer || spec.type !== "DNS-01") return;
    const provider = cloudflareFor(ctx, spec.solver ?? {}, issuer);
    if (typeof provider === "string") return;
    const { fqdn, value } = dns01Record(spec.dnsName, spec.key);
    await provider.cleanUp(fqdn, value);
  };

  const reconcileChallenge = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const ch = ctx.challenges.get(name, namespace);
    if (!ch) return;
    const spec = ch.spec as {
      dnsName: string;
      key: string;
      type: string;
      solver?: AcmeSolver;
      issuerRef?: { name?: string; kind?: string };
    };
    const issuer = ctx.issuer(spec.issuerRef, namespace);
    const status = (ch.status ?? {}) as {
      processing?: boolean;
      presented?: boolean;
      state?: string;
      reason?: string;
    };
    const requeueOrder = () => {
      const owner = ch.metadata?.ownerReferences?.find((r) => r.kind === "Order");
      if (owner) ctx.queue.add(`Order:${namespace}/${owner.name}`);
    };
    if (ch.metadata?.deletionTimestamp) {
      if (!ch.metadata.finalizers?.includes(ACME_FINALIZER)) return;
      if (status.presented) {
        try {
          await cleanUp(ch, issuer);
        } catch (error) {
          ctx.log(`cert-manager: ${key}: error cleaning up challenge: ${(error as Error).message}`);
        }
      }
      await api.patchMetadata(
        CHALLENGE,
        ch,
        { finalizers: ch.metadata.finalizers.filter((f) => f !== ACME_FINALIZER) },
        ctx.challenges,
      );
      return;
    }
    if (status.state !== undefined && FINAL.has(status.state)) {
      if (status.presented) {
        await cleanUp(ch, issuer);
        await api.patchStatus(CHALLENGE, ch, { presented: false, processing: false }, ctx.challenges);
        ctx.log(`cert-manager: challenge ${key} cleaned up`);
      } else if (status.processing) {
        await api.patchStatus(CHALLENGE, ch, { processing: false }, ctx.challenges);
      }
      requeueOrder();
      return;
    }
    if (!issuer) return;
    let current = ch;
    if (!status.processing) {
      current = await api.patchStatus(
        CHALLENGE,
        ch,
        { processing: true, presented: false, state: "pending" },
        ctx.challenges,
      );
      await api.event(ch, "Normal", "Started", "Challenge scheduled for processing");
    }
    const { fqdn, value } = dns01Record(spec.dnsName, spec.key);
    const provider = spec.type === "DNS-01" ? cloudflareFor(ctx, spec.solver ?? {}, issuer) : "HTTP-01";
    if (!status.presented) {
      try {
        if (typeof provider !== "string") await provider.present(fqdn, value);
        else if (provider !== "no DNS provider" && provider !== "HTTP-01") throw new Error(provider);
      } catch (error) {
        const message = (error as Error).message;
        await api.event(ch, "Warning", "PresentError", `Error presenting challenge: ${message}`);
        await api.patchStatus(CHALLENGE, current, { reason: message }, ctx.challenges);
        ctx.log(`cert-manager: challenge ${key}: ${message.split("\n").join(" ")}`);
        throw error; // retried with back-off, as cert-manager re-queues it
      }
      current = await api.patchStatus(CHALLENGE, current, { presented: true, reason: "" }, ctx.challenges);
      await api.event(
        ch,
        "Normal",
        "Presented",
        `Presented challenge using ${spec.type} challenge mechanism`,
      );
    }
    const ours = typeof provider !== "string" || ctx.dns01?.resolveTxt !== undefined;
    if (spec.type === "DNS-01" && ours && !(await lookup(provider, fqdn)).includes(value)) {
      await api.patchStatus(
        CHALLENGE,
        current,
        {
          reason: `Waiting for ${spec.type} challenge propagation: DNS record for "${spec.dnsName}" not yet propagated`,
        },
        ctx.challenges,
      );
      ctx.queue.later(`Challenge:${key}`, 2_000);
      return;
    }
    // The emulated ACME server validates the authorization.
    await api.patchStatus(
      CHALLENGE,
      current,
      { state: "valid", reason: "Successfully authorized domain" },
      ctx.challenges,
    );
    await api.event(
      ch,
      "Normal",
      "DomainVerified",
      `Domain "${spec.dnsName}" verified with "${spec.type}" validation`,
    );
    ctx.queue.add(`Challenge:${key}`);
    requeueOrder();
  };

  return { reconcileOrder, reconcileChallenge };
}
