import { generateKeyPairSync } from "node:crypto";
import { generate } from "selfsigned";

/** A PEM key and certificate. */
export interface KeyAndCert {
  key: string;
  cert: string;
}

/** Everything a control plane needs (kubeadm's `pki/` folder, minus front-proxy and etcd TLS). */
export interface ClusterPki {
  ca: KeyAndCert;
  /** kube-apiserver's serving certificate. */
  apiserver: KeyAndCert;
  /** cluster-admin (O=system:masters): the kubeconfig handed to the user. */
  admin: KeyAndCert;
  /** CN=system:kube-controller-manager, bound by the bootstrap RBAC policy. */
  controllerManager: KeyAndCert;
  /** CN=system:kube-scheduler, bound by the bootstrap RBAC policy. */
  scheduler: KeyAndCert;
  /** kwok plays every kubelet; it gets O=system:masters (as kwokctl does). */
  kwok: KeyAndCert;
  /** Service-account token signing key pair (PKCS#8 / SPKI PEM). */
  serviceAccount: { privateKey: string; publicKey: string };
}

const HOUR = 60 * 60 * 1000;

function validity(days = 7): { notBeforeDate: Date; notAfterDate: Date } {
  const now = Date.now();
  // Back-dated an hour for clock skew; a test cluster lives for minutes, a week is plenty (a CA
  // kept with the cluster's data lives ten years: the leaves are made again at every start).
  return { notBeforeDate: new Date(now - HOUR), notAfterDate: new Date(now + days * 24 * HOUR) };
}

async function leaf(
  ca: KeyAndCert,
  subject: { cn: string; o?: string },
  usage: "server" | "client",
  altNames: { dns: string[]; ips: string[] } = { dns: [], ips: [] },
): Promise<KeyAndCert> {
  const attrs = [{ name: "commonName", value: subject.cn }];
  if (subject.o) attrs.push({ name: "organizationName", value: subject.o });
  const result = await generate(attrs, {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    ...validity(),
    ca,
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: usage === "server", clientAuth: usage === "client" },
      ...(usage === "server"
        ? [
            {
              name: "subjectAltName" as const,
              altNames: [
                ...altNames.dns.map((value) => ({ type: 2 as const, value })),
                ...altNames.ips.map((ip) => ({ type: 7 as const, ip })),
              ],
            },
          ]
        : []),
    ],
  });
  return { key: result.private, cert: result.cert };
}

/**
 * Generates a fresh CA and the certificates of one cluster (EC P-256: generating all of them takes
 * milliseconds, where RSA-2048 keys take a noticeable part of a second each).
 */
export async function generateClusterPki(options: {
  serviceIp: string;
  /** Keep this CA and service-account key pair (a cluster whose data is kept); default new ones. */
  keep?: Pick<ClusterPki, "ca" | "serviceAccount"> | undefined;
  /** Days a new CA is valid (default 7; a cluster whose data is kept uses years). */
  caDays?: number;
}): Promise<ClusterPki> {
  const ca: KeyAndCert =
    options.keep?.ca ??
    (await generate([{ name: "commonName", value: "homelab-kit-kubernetes-ca" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      ...validity(options.caDays),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    }).then((r) => ({ key: r.private, cert: r.cert })));
  const [apiserver, admin, controllerManager, scheduler, kwok] = await Promise.all([
    leaf(ca, { cn: "kube-apiserver" }, "server", {
      dns: [
        "localhost",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
      ],
      ips: ["127.0.0.1", options.serviceIp],
    }),
    leaf(ca, { cn: "homelab-kit-admin", o: "system:masters" }, "client"),
    leaf(ca, { cn: "system:kube-controller-manager" }, "client"),
    leaf(ca, { cn: "system:kube-scheduler" }, "client"),
    leaf(ca, { cn: "kwok-controller", o: "system:masters" }, "client"),
  ]);
  const sa = options.keep?.serviceAccount ?? newServiceAccountKeys();
  return { ca, apiserver, admin, controllerManager, scheduler, kwok, serviceAccount: sa };
}

function newServiceAccountKeys(): ClusterPki["serviceAccount"] {
  const sa = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKey: sa.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: sa.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
