import { createPrivateKey, X509Certificate } from "node:crypto";
import {
  type AcmeSolver,
  createCsr,
  createIssuerCa,
  generatePrivateKey,
  type IssuerSpec,
  parseGoDuration,
  readCsr,
  signCsr,
  solverFor,
  validateIssuer,
} from "@homelab-kit/emulator/kubernetes";
import { describe, expect, it } from "vitest";

const secrets = (data: Record<string, Record<string, string>>) => (name: string) =>
  data[name] ? { metadata: { name }, data: data[name] } : undefined;

const acme = (solvers: AcmeSolver[]): IssuerSpec => ({
  acme: {
    server: "https://acme-staging-v02.api.letsencrypt.org/directory",
    email: "admin@example.org",
    privateKeySecretRef: { name: "account" },
    solvers,
  },
});
const cloudflare = (ref: NonNullable<NonNullable<AcmeSolver["dns01"]>["cloudflare"]>): AcmeSolver[] => [
  { dns01: { cloudflare: ref } },
];

describe("issuer validation", () => {
  it("accepts selfSigned and a CA issuer whose key pair exists", () => {
    expect(validateIssuer({ selfSigned: {} }, secrets({}))).toEqual({
      status: "True",
      reason: "IsReady",
      message: "",
    });
    expect(
      validateIssuer({ ca: { secretName: "ca" } }, secrets({ ca: { "tls.crt": "x", "tls.key": "y" } }))
        .reason,
    ).toBe("KeyPairVerified");
    expect(validateIssuer({ ca: { secretName: "ca" } }, secrets({}))).toEqual({
      status: "False",
      reason: "ErrGetKeyPair",
      message: 'Error getting keypair for CA issuer: secrets "ca" not found',
    });
  });

  it("requires exactly one issuer type", () => {
    expect(validateIssuer({}, secrets({})).message).toContain("no issuer type configured");
    expect(validateIssuer({ selfSigned: {}, ca: { secretName: "x" } }, secrets({})).message).toContain(
      "more than one issuer type",
    );
  });

  it("validates the Cloudflare DNS01 solver's API token Secret", () => {
    const ref = { apiTokenSecretRef: { name: "cf", key: "api-token" } };
    const missing = validateIssuer(acme(cloudflare(ref)), secrets({}));
    expect(missing).toMatchObject({ status: "False", reason: "ErrGetCloudflareSecret" });
    expect(missing.message).toContain('secrets "cf" not found');
    const noKey = validateIssuer(acme(cloudflare(ref)), secrets({ cf: { token: "x" } }));
    expect(noKey.message).toContain('no key "api-token" in secret "cf"');
    expect(validateIssuer(acme(cloudflare(ref)), secrets({ cf: { "api-token": "eA==" } }))).toEqual({
      status: "True",
      reason: "ACMEAccountRegistered",
      message: "The ACME account was registered with the ACME server",
    });
    const both = validateIssuer(
      acme(cloudflare({ ...ref, apiKeySecretRef: { name: "cf", key: "k" } })),
      secrets({}),
    );
    expect(both.message).toContain("exactly one of apiTokenSecretRef and apiKeySecretRef");
    const keyNoEmail = validateIssuer(
      acme(cloudflare({ apiKeySecretRef: { name: "cf", key: "k" } })),
      secrets({}),
    );
    expect(keyNoEmail.message).toContain("email is required");
  });

  it("refuses an ACME issuer without an https server or account key reference", () => {
    expect(
      validateIssuer({ acme: { server: "http://insecure", privateKeySecretRef: { name: "a" } } }, secrets({}))
        .reason,
    ).toBe("ErrRegisterACMEAccount");
    expect(validateIssuer({ acme: { server: "https://acme.test/dir" } }, secrets({})).message).toContain(
      "privateKeySecretRef",
    );
    expect(validateIssuer(acme([{ dns01: { route53: {} } }]), secrets({})).message).toContain(
      "only the cloudflare provider",
    );
  });

  it("picks the most specific solver for a name", () => {
    const any = { http01: {} };
    const zone = { selector: { dnsZones: ["example.org"] }, dns01: { cloudflare: {} } };
    const deeper = { selector: { dnsZones: ["blog.example.org"] }, dns01: { cloudflare: {} } };
    const exact = { selector: { dnsNames: ["www.example.org"] }, dns01: { cloudflare: {} } };
    const solvers = [any, zone, deeper, exact];
    expect(solverFor(solvers, "other.test")).toBe(any);
    expect(solverFor(solvers, "a.example.org")).toBe(zone);
    expect(solverFor(solvers, "*.blog.example.org")).toBe(deeper);
    expect(solverFor(solvers, "www.example.org")).toBe(exact);
    expect(solverFor([zone], "example.net")).toBeUndefined();
  });
});

describe("certificates", () => {
  const now = new Date();
  const later = new Date(now.getTime() + 90 * 24 * 3600 * 1000);

  it.each([
    ["RSA", "rsa"],
    ["ECDSA", "ec"],
    ["RSA", "ec"],
    ["ECDSA", "rsa"],
  ] as const)(
    "issues a %s certificate for a CSR's names, signed by the issuer's %s CA",
    async (algorithm, caType) => {
      const ca = await createIssuerCa("test CA", caType);
      const key = await generatePrivateKey({ algorithm });
      expect(key).toContain(algorithm === "RSA" ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY"); // PKCS1, cert-manager's default
      const csr = await createCsr(
        { dnsNames: ["blog.example.org", "*.blog.example.org"], ipAddresses: ["192.168.10.5"] },
        key,
      );
      expect(csr).toContain("BEGIN CERTIFICATE REQUEST");
      expect(await readCsr(Buffer.from(csr).toString("base64"))).toMatchObject({
        commonName: undefined,
        dnsNames: ["blog.example.org", "*.blog.example.org"],
        ipAddresses: ["192.168.10.5"],
        isCA: false,
      });
      const cert = new X509Certificate(await signCsr(csr, { ca }, { notBefore: now, notAfter: later }));
      const caCert = new X509Certificate(ca.cert);
      expect(cert.subjectAltName).toBe(
        "DNS:blog.example.org, DNS:*.blog.example.org, IP Address:192.168.10.5",
      );
      expect(cert.checkIssued(caCert)).toBe(true);
      expect(cert.verify(caCert.publicKey)).toBe(true);
      expect(cert.checkPrivateKey(createPrivateKey(key))).toBe(true);
      expect(cert.ca).toBe(false);
      expect(caCert.ca).toBe(true);
      expect(Math.abs(new Date(cert.validTo).getTime() - later.getTime())).toBeLessThan(1000);
    },
  );

  it("self-signs with the CSR's own key (selfSigned issuers), and refuses a CSR whose signature is wrong", async () => {
    const key = await generatePrivateKey({ algorithm: "ECDSA", size: 384, encoding: "PKCS8" });
    expect(key).toContain("BEGIN PRIVATE KEY");
    const csr = await createCsr({ commonName: "me", dnsNames: ["me.test"], isCA: true }, key);
    const cert = new X509Certificate(
      await signCsr(csr, { selfKey: key }, { notBefore: now, notAfter: later, isCA: true }),
    );
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject).toBe("CN=me");
    expect(cert.ca).toBe(true);
    const body = csr
      .split("\n")
      .filter((l) => !l.startsWith("-----"))
      .join("");
    const der = Buffer.from(body, "base64");
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff; // inside the signature
    const broken = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(readCsr(broken)).rejects.toThrow(/signature does not verify/);
  });

  it("parses Go durations as cert-manager takes them", () => {
    expect(parseGoDuration("2160h")).toBe(2160 * 3600 * 1000);
    expect(parseGoDuration("1h30m")).toBe(90 * 60 * 1000);
    expect(parseGoDuration("720h0m0s")).toBe(720 * 3600 * 1000);
    expect(parseGoDuration("90d")).toBeUndefined();
    expect(parseGoDuration("")).toBeUndefined();
  });
});
