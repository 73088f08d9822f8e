/**
 * Real X.509 certificates for the cert-manager stand-in, made with `selfsigned` (@peculiar/x509
 * underneath): a CA per issuer and leaf certificates for the requested names signed by it.
 */
import { createPrivateKey } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";

export interface KeyPair {
  /** PEM private key (PKCS#8). */
  key: string;
  /** PEM certificate. */
  cert: string;
}

export interface LeafRequest {
  commonName?: string | undefined;
  dnsNames?: string[] | undefined;
  ipAddresses?: string[] | undefined;
  /** cert-manager's `privateKey.algorithm` (default RSA, as cert-manager). */
  algorithm?: "RSA" | "ECDSA" | undefined;
  /** RSA bits (default 2048) or ECDSA curve size (256, 384, 521; default 256). */
  size?: number | undefined;
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean | undefined;
}

function keyOptions(algorithm: LeafRequest["algorithm"], size: number | undefined) {
  if (algorithm === "ECDSA") {
    const curve = size === 384 ? "P-384" : size === 521 ? "P-521" : "P-256";
    return { keyType: "ec" as const, curve: curve as "P-256" | "P-384" | "P-521" };
  }
  return { keyType: "rsa" as const, keySize: size ?? 2048 };
}

/** The key type of a PEM private key (`rsa`, `ec`, …). */
export function keyTypeOf(pem: string): string | undefined {
  try {
    return createPrivateKey(pem).asymmetricKeyType;
  } catch {
    return undefined;
  }
}

/** The key type of a leaf of this algorithm; its signing CA has the same (`selfsigned` signs with one type). */
export function leafKeyType(algorithm: LeafRequest["algorithm"]): "rsa" | "ec" {
  return algorithm === "ECDSA" ? "ec" : "rsa";
}

/**
 * A CA named after its issuer, valid ten years: EC P-256 or RSA 2048. An issuer has one of each,
 * as Let's Encrypt has ECDSA (E5, E6) and RSA (R10, R11) intermediates.
 */
export async function createIssuerCa(
  name: string,
  keyType: "rsa" | "ec" = "ec",
  now = new Date(),
): Promise<KeyPair> {
  const result = await generate(
    [
      { name: "commonName", value: name },
      { name: "organizationName", value: "homelab-kit" },
    ],
    {
      ...(keyType === "ec"
        ? { keyType: "ec" as const, curve: "P-256" as const }
        : { keyType: "rsa" as const, keySize: 2048 }),
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - 60 * 60 * 1000),
      notAfterDate: new Date(now.getTime() + 10 * 365 * 24 * 60 * 60 * 1000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  return { key: result.private, cert: result.cert };
}

/** A certificate for the requested names, signed by `ca` (or by its own key without one). */
export async function issueLeaf(request: LeafRequest, ca?: KeyPair): Promise<KeyPair> {
  const dnsNames = request.dnsNames ?? [];
  const ips = request.ipAddresses ?? [];
  const commonName = request.commonName ?? dnsNames[0] ?? ips[0] ?? "";
  const altNames = [
    ...dnsNames.map((value) => ({ type: 2 as const, value })),
    ...ips.filter((ip) => isIP(ip)).map((ip) => ({ type: 7 as const, ip })),
  ];
  const result = await generate(commonName ? [{ name: "commonName", value: commonName }] : [], {
    ...keyOptions(request.algorithm, request.size),
    algorithm: "sha256",
    notBeforeDate: request.notBefore,
    notAfterDate: request.notAfter,
    ...(ca ? { ca } : {}),
    extensions: [
      { name: "basicConstraints", cA: request.isCA ?? false, critical: true },
      {
        name: "keyUsage",
        digitalSignature: true,
        keyEncipherment: request.algorithm !== "ECDSA",
        keyCertSign: request.isCA ?? false,
        critical: true,
      },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      ...(altNames.length ? [{ name: "subjectAltName" as const, altNames }] : []),
    ],
  });
  return { key: result.private, cert: result.cert };
}

/** Go's `time.ParseDuration` for what cert-manager takes (`2160h`, `1h30m`, `720h0m0s`), in ms. */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 1e-6,
  };
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(match[1]) * (units[match[2]!] ?? 0);
  }
  return total;
}
