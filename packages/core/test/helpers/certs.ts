/** Test certificates made with `selfsigned`: a CA and a leaf it signs, and a self-signed leaf. */
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

export interface KeyPair {
  key: string;
  cert: string;
  /** SHA-256 fingerprint of the DER certificate, "AA:BB:…" */
  fingerprint256: string;
}

const loopbackNames = {
  name: "subjectAltName" as const,
  altNames: [
    { type: 2 as const, value: "localhost" },
    { type: 7 as const, ip: "127.0.0.1" },
  ],
};

function pair(result: { private: string; cert: string }): KeyPair {
  return {
    key: result.private,
    cert: result.cert,
    fingerprint256: new X509Certificate(result.cert).fingerprint256,
  };
}

export async function makeCa(): Promise<KeyPair> {
  const ca = await generate([{ name: "commonName", value: "homelab-kit test CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return pair(ca);
}

export async function makeLeaf(ca?: KeyPair): Promise<KeyPair> {
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      loopbackNames,
    ],
    ...(ca ? { ca: { key: ca.key, cert: ca.cert } } : {}),
  });
  return pair(leaf);
}
