/**
 * Real X.509 for the cert-manager stand-in: CAs made with `selfsigned`, private keys as
 * cert-manager generates them, PKCS#10 requests, and certificates issued for a request by a CA
 * (or by the request's own key) with @peculiar/x509 (what `selfsigned` uses underneath).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  webcrypto,
} from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import * as x509 from "@peculiar/x509";
import { generate } from "selfsigned";

export interface KeyPair {
  /** PEM private key (PKCS#8). */
  key: string;
  /** PEM certificate. */
  cert: string;
}

/** A CA valid ten years: EC P-256 (default) or RSA 2048. */
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

// ---- private keys, CSRs and signing a CSR (what cert-manager and an ACME server do) -------------

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** cert-manager's `privateKey`: algorithm, size and encoding (PKCS1 by default: RSA or EC PRIVATE KEY). */
export interface PrivateKeySpec {
  algorithm?: "RSA" | "ECDSA" | undefined;
  size?: number | undefined;
  encoding?: "PKCS1" | "PKCS8" | undefined;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A new private key as cert-manager generates it (RSA 2048 by default), PEM in the spec's
 * encoding. Generated on libuv's thread pool: an RSA key takes a few hundred ms.
 */
export async function generatePrivateKey(spec: PrivateKeySpec = {}): Promise<string> {
  const pkcs8 = spec.encoding === "PKCS8";
  if (spec.algorithm === "ECDSA") {
    const namedCurve = spec.size === 384 ? "secp384r1" : spec.size === 521 ? "secp521r1" : "prime256v1";
    const { privateKey } = await generateKeyPairAsync("ec", { namedCurve });
    return privateKey.export({ type: pkcs8 ? "pkcs8" : "sec1", format: "pem" }).toString();
  }
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: spec.size ?? 2048 });
  return privateKey.export({ type: pkcs8 ? "pkcs8" : "pkcs1", format: "pem" }).toString();
}

/** The WebCrypto algorithm that signs with this key (SHA-256/384/512 by EC curve). */
function signingAlgorithm(key: KeyObject): { name: string; hash: string; namedCurve?: string } {
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const [namedCurve, hash] =
      curve === "secp384r1"
        ? ["P-384", "SHA-384"]
        : curve === "secp521r1"
          ? ["P-521", "SHA-512"]
          : ["P-256", "SHA-256"];
    return { name: "ECDSA", hash, namedCurve };
  }
  if (key.asymmetricKeyType === "rsa") return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  throw new Error(`${key.asymmetricKeyType ?? "unknown"} keys are not emulated (RSA and ECDSA are)`);
}

type KeyPairForX509 = Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0]["keys"];

async function cryptoKeys(
  privatePem: string,
): Promise<{ pair: KeyPairForX509; algorithm: ReturnType<typeof signingAlgorithm> }> {
  const privateKey = createPrivateKey(privatePem);
  const algorithm = signingAlgorithm(privateKey);
  const importAlgorithm =
    algorithm.name === "ECDSA"
      ? { name: "ECDSA", namedCurve: algorithm.namedCurve ?? "P-256" }
      : { name: algorithm.name, hash: algorithm.hash };
  const subtle = webcrypto.subtle;
  const pair = {
    privateKey: await subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      importAlgorithm,
      true,
      ["sign"],
    ),
    publicKey: await subtle.importKey(
      "spki",
      createPublicKey(privateKey).export({ type: "spki", format: "der" }),
      importAlgorithm,
      true,
      ["verify"],
    ),
  } as unknown as KeyPairForX509;
  return { pair, algorithm };
}

export interface CsrRequest {
  commonName?: string | undefined;
  dnsNames?: string[] | undefined;
  ipAddresses?: string[] | undefined;
  isCA?: boolean | undefined;
}

function sanExtension(dnsNames: string[], ipAddresses: string[], critical: boolean) {
  return new x509.SubjectAlternativeNameExtension(
    [
      ...dnsNames.map((value) => ({ type: "dns" as const, value })),
      ...ipAddresses.filter((ip) => isIP(ip)).map((value) => ({ type: "ip" as const, value })),
    ],
    critical,
  );
}

/** A PKCS#10 request for the names, signed with `privatePem` (PEM, `CERTIFICATE REQUEST`). */
export async function createCsr(request: CsrRequest, privatePem: string): Promise<string> {
  const { pair, algorithm } = await cryptoKeys(privatePem);
  const dnsNames = request.dnsNames ?? [];
  const ipAddresses = request.ipAddresses ?? [];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    ...(request.commonName ? { name: [{ CN: [request.commonName] }] } : {}),
    keys: pair,
    signingAlgorithm: algorithm,
    extensions: [
      ...(dnsNames.length + ipAddresses.length > 0
        ? [sanExtension(dnsNames, ipAddresses, !request.commonName)]
        : []),
      new x509.BasicConstraintsExtension(request.isCA ?? false, undefined, true),
    ],
  });
  return `${csr.toString("pem").trim()}\n`;
}

/** What a CSR asks for. */
export interface CsrContents {
  commonName: string | undefined;
  dnsNames: string[];
  ipAddresses: string[];
  isCA: boolean;
}

/** Reads (and checks the signature of) a PEM or base64 PEM certificate request. */
export async function readCsr(pemOrBase64: string): Promise<CsrContents> {
  const { csr: _csr, ...contents } = await parseCsr(pemOrBase64);
  return contents;
}

/**
 * {@link readCsr} with the parsed request, for signing. Not exported from the package: its type is
 * @peculiar/x509's, whose declarations need the DOM library (a strict consumer would have to add it).
 */
async function parseCsr(pemOrBase64: string): Promise<CsrContents & { csr: x509.Pkcs10CertificateRequest }> {
  const pem = pemOrBase64.includes("-----BEGIN")
    ? pemOrBase64
    : Buffer.from(pemOrBase64, "base64").toString("utf8");
  const csr = new x509.Pkcs10CertificateRequest(pem);
  if (!(await csr.verify())) throw new Error("the certificate request's signature does not verify");
  const san = csr.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  const names = san?.names.toJSON() ?? [];
  const cn = csr.subjectName.getField("CN")[0];
  return {
    csr,
    commonName: cn,
    dnsNames: names.filter((n) => n.type === "dns").map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === "ip").map((n) => n.value),
    isCA: csr.extensions.find((e) => e instanceof x509.BasicConstraintsExtension)?.ca ?? false,
  };
}

export interface SignOptions {
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean | undefined;
}

/**
 * Issues a certificate for a CSR: signed by `ca` (any key type signs any key type), or by the
 * CSR's own key (`selfKey`, a selfSigned issuer). Returns the PEM certificate.
 */
export async function signCsr(
  csrPem: string,
  signer: { ca: KeyPair } | { selfKey: string },
  options: SignOptions,
): Promise<string> {
  const { csr, commonName, dnsNames, ipAddresses } = await parseCsr(csrPem);
  const signingPem = "ca" in signer ? signer.ca.key : signer.selfKey;
  const { pair, algorithm } = await cryptoKeys(signingPem);
  const caCert = "ca" in signer ? new x509.X509Certificate(signer.ca.cert) : undefined;
  const isCA = options.isCA ?? false;
  const rsa = csr.publicKey.algorithm.name.startsWith("RSA");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: `7f${randomBytes(15).toString("hex")}`,
    subject: csr.subject,
    issuer: caCert?.subject ?? csr.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: csr.publicKey,
    signingKey: pair.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(isCA, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          (rsa ? x509.KeyUsageFlags.keyEncipherment : 0) |
          (isCA ? x509.KeyUsageFlags.keyCertSign : 0),
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      ...(dnsNames.length + ipAddresses.length > 0 ? [sanExtension(dnsNames, ipAddresses, !commonName)] : []),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      ...(caCert ? [await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey)] : []),
    ],
  });
  return `${cert.toString("pem").trim()}\n`;
}
