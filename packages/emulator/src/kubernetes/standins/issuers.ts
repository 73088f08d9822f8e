/**
 * cert-manager's checks of Issuers and ClusterIssuers as pure code: which issuer type is
 * configured, whether the Secrets it references exist (the Cloudflare DNS01 solver's API token
 * included), and which solver answers for a DNS name.
 */
import type { V1Secret } from "@kubernetes/client-node";

export interface SecretKeySelector {
  name?: string;
  key?: string;
}

export interface AcmeSolver {
  selector?: { dnsNames?: string[]; dnsZones?: string[]; matchLabels?: Record<string, string> };
  dns01?: {
    cloudflare?: {
      email?: string;
      apiTokenSecretRef?: SecretKeySelector;
      apiKeySecretRef?: SecretKeySelector;
    };
  } & Record<string, unknown>;
  http01?: Record<string, unknown>;
}

export interface IssuerSpec {
  selfSigned?: Record<string, unknown>;
  ca?: { secretName?: string };
  acme?: {
    server?: string;
    email?: string;
    privateKeySecretRef?: SecretKeySelector;
    solvers?: AcmeSolver[];
  };
  [other: string]: unknown;
}

export interface IssuerCondition {
  status: "True" | "False";
  reason: string;
  message: string;
}

export type IssuerType = "selfSigned" | "ca" | "acme";

const KNOWN = ["acme", "ca", "selfSigned", "vault", "venafi"] as const;

/** Reads a Secret by name from the namespace the issuer's Secrets live in. */
export type SecretLookup = (name: string) => V1Secret | undefined;

function secretKeyProblem(
  ref: SecretKeySelector | undefined,
  lookup: SecretLookup,
  what: string,
): string | undefined {
  if (!ref?.name) return `${what}: secret name is required`;
  const secret = lookup(ref.name);
  if (!secret) return `${what}: secrets "${ref.name}" not found`;
  if (
    ref.key !== undefined &&
    secret.data?.[ref.key] === undefined &&
    secret.stringData?.[ref.key] === undefined
  ) {
    return `${what}: no key "${ref.key}" in secret "${ref.name}"`;
  }
  return undefined;
}

/** The issuer type, or an explanation of why there is none (zero or several configured). */
export function issuerType(spec: IssuerSpec | undefined): IssuerType | { error: string } {
  const set = KNOWN.filter((k) => spec?.[k] !== undefined && spec[k] !== null);
  if (set.length !== 1) {
    return {
      error:
        set.length === 0
          ? "no issuer type configured"
          : `more than one issuer type configured: ${set.join(", ")}`,
    };
  }
  const only = set[0]!;
  if (only === "vault" || only === "venafi") return { error: `${only} issuers are not emulated` };
  return only;
}

/**
 * The Ready condition cert-manager would give this issuer. `lookup` reads Secrets in the issuer's
 * namespace (the cluster resource namespace, `cert-manager`, for a ClusterIssuer).
 */
export function validateIssuer(spec: IssuerSpec | undefined, lookup: SecretLookup): IssuerCondition {
  const type = issuerType(spec);
  if (typeof type !== "string")
    return { status: "False", reason: "ErrInitIssuer", message: `Error initializing issuer: ${type.error}` };
  if (type === "selfSigned") return { status: "True", reason: "IsReady", message: "" };
  if (type === "ca") {
    const name = spec?.ca?.secretName ?? "";
    const secret = lookup(name);
    if (!secret)
      return {
        status: "False",
        reason: "ErrGetKeyPair",
        message: `Error getting keypair for CA issuer: secrets "${name}" not found`,
      };
    if (!secret.data?.["tls.crt"] || !secret.data["tls.key"]) {
      return {
        status: "False",
        reason: "ErrInvalidKeyPair",
        message: `Error getting keypair for CA issuer: secret "${name}" has no tls.crt and tls.key`,
      };
    }
    return { status: "True", reason: "KeyPairVerified", message: "Signing CA verified" };
  }
  const acme = spec?.acme ?? {};
  let server: URL | undefined;
  try {
    server = new URL(acme.server ?? "");
  } catch {
    server = undefined;
  }
  if (server?.protocol !== "https:") {
    return {
      status: "False",
      reason: "ErrRegisterACMEAccount",
      message: `Failed to register ACME account: invalid server URL "${acme.server ?? ""}"`,
    };
  }
  if (!acme.privateKeySecretRef?.name) {
    return {
      status: "False",
      reason: "ErrInitIssuer",
      message: "Error initializing issuer: privateKeySecretRef.name is required",
    };
  }
  const solvers = acme.solvers ?? [];
  for (const [index, solver] of solvers.entries()) {
    const where = `solvers[${index}]`;
    if (!solver.dns01 && !solver.http01) {
      return {
        status: "False",
        reason: "ErrInitIssuer",
        message: `Error initializing issuer: ${where}: no dns01 or http01 solver configured`,
      };
    }
    const cloudflare = solver.dns01?.cloudflare;
    if (solver.dns01 && !cloudflare) {
      return {
        status: "False",
        reason: "ErrInitIssuer",
        message: `Error initializing issuer: ${where}.dns01: only the cloudflare provider is emulated`,
      };
    }
    if (cloudflare) {
      const token = cloudflare.apiTokenSecretRef;
      const key = cloudflare.apiKeySecretRef;
      if ((token && key) || (!token && !key)) {
        return {
          status: "False",
          reason: "ErrInitIssuer",
          message: `Error initializing issuer: ${where}.dns01.cloudflare: exactly one of apiTokenSecretRef and apiKeySecretRef must be set`,
        };
      }
      if (key && !cloudflare.email) {
        return {
          status: "False",
          reason: "ErrInitIssuer",
          message: `Error initializing issuer: ${where}.dns01.cloudflare: email is required with apiKeySecretRef`,
        };
      }
      const problem = secretKeyProblem(
        token ?? key,
        lookup,
        `error getting cloudflare service account (${where})`,
      );
      if (problem) return { status: "False", reason: "ErrGetCloudflareSecret", message: problem };
    }
  }
  return {
    status: "True",
    reason: "ACMEAccountRegistered",
    message: "The ACME account was registered with the ACME server",
  };
}

/**
 * The solver cert-manager picks for a DNS name: the most specific selector wins (a listed dnsName,
 * then the longest matching dnsZone, then a solver without selector). Undefined when none applies.
 */
export function solverFor(solvers: AcmeSolver[], dnsName: string): AcmeSolver | undefined {
  const name = dnsName.replace(/^\*\./, "");
  let best: { solver: AcmeSolver; score: number } | undefined;
  for (const solver of solvers) {
    const selector = solver.selector;
    let score = -1;
    if (!selector || (!selector.dnsNames?.length && !selector.dnsZones?.length)) score = 0;
    if (selector?.dnsNames?.includes(dnsName)) score = 10_000;
    for (const zone of selector?.dnsZones ?? []) {
      if (name === zone || name.endsWith(`.${zone}`)) score = Math.max(score, zone.length + 1);
    }
    if (score >= 0 && (best === undefined || score > best.score)) best = { solver, score };
  }
  return best?.solver;
}
