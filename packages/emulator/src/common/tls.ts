import { generate } from "selfsigned";

/** Key and certificate (PEM) for an HTTPS server. */
export interface TlsCredentials {
  key: string;
  cert: string;
  /** The PEM a client must trust to verify `cert` (defaults to `cert` itself when omitted). */
  ca?: string;
}

/**
 * Generates a self-signed EC P-256 certificate for `localhost`, `127.0.0.1` and `::1`, valid for a
 * day (back-dated an hour for clock skew). It is its own CA: clients trust it by passing `cert` as `ca`.
 */
export async function generateSelfSignedCertificate(): Promise<Required<TlsCredentials>> {
  const now = Date.now();
  const result = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 24 * 60 * 60 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { key: result.private, cert: result.cert, ca: result.cert };
}
