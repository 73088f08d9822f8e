/**
 * Checks from outside the cluster, with clients that do not go through Kubernetes: the PVC's RBD
 * image exists in Ceph (our Ceph Dashboard client), and HTTPS on the ingress presents a
 * certificate for the app's host that chains to the issuer's CA (INGRESS_CA_FILE; the system's
 * roots when unset, as for Let's Encrypt), then answers a GET.
 */
import { request } from "node:https";
import { checkServerIdentity, connect, type PeerCertificate } from "node:tls";
import { createCephClient } from "@homelab-kit/ceph";
import type { StackEnv } from "./env.js";
import type { KubeClients } from "./kubernetes.js";

export interface RbdImageCheck {
  pool: string;
  image: string;
  sizeBytes: number;
}

/** The RBD image behind a PV, as ceph-csi records it in `spec.csi.volumeAttributes`. */
export async function rbdImageOfVolume(kube: KubeClients, pvName: string) {
  const pv = await kube.core.readPersistentVolume({ name: pvName });
  const attributes = pv.spec?.csi?.volumeAttributes ?? {};
  const pool = attributes.pool;
  const image = attributes.imageName;
  if (pool === undefined || image === undefined)
    throw new Error(
      `PV ${pvName} has no RBD pool/imageName (driver ${pv.spec?.csi?.driver ?? "none"}): not a Ceph CSI volume`,
    );
  return { pool, image, namespace: attributes.radosNamespace || undefined };
}

function cephClient(stack: StackEnv) {
  return createCephClient({
    baseUrl: stack.ceph.url,
    username: stack.ceph.username,
    password: stack.ceph.password,
    ...(stack.ceph.ca === undefined ? {} : { tls: { ca: stack.ceph.ca } }),
  });
}

export type RbdRef = { pool: string; image: string; namespace?: string | undefined };

/** The image as Ceph's dashboard reports it, or undefined when Ceph has no such image (404). */
export async function findRbdImage(stack: StackEnv, ref: RbdRef) {
  const ceph = cephClient(stack);
  try {
    return await ceph.rbd.images.get(ref);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  } finally {
    await ceph.close();
  }
}

export async function verifyRbdImage(stack: StackEnv, ref: RbdRef): Promise<RbdImageCheck> {
  const found = await findRbdImage(stack, ref);
  if (found === undefined)
    throw new Error(`RBD image ${ref.pool}/${ref.image} is not in Ceph (${stack.ceph.url})`);
  return { pool: ref.pool, image: ref.image, sizeBytes: Number(found.size) };
}

export interface HttpsCheck {
  /** Where it connected (INGRESS_HOST:INGRESS_HTTPS_PORT), with SNI = the app's host. */
  endpoint: string;
  /** The names the certificate is for: its DNS subjectAltNames (Let's Encrypt's have no CN), else its CN. */
  subject: string;
  issuer: string;
  validTo: string;
  /** Which roots it was checked against. */
  trust: string;
  status: number;
}

/**
 * TLS to the ingress with SNI = host: the chain must verify against the CA and the certificate
 * must name the host; then `GET /` with that Host must answer below 500.
 */
export async function verifyHttps(stack: StackEnv, host: string, timeout = 15_000): Promise<HttpsCheck> {
  const address = stack.ingress.host ?? host;
  const port = stack.ingress.httpsPort;
  const endpoint = `${address}:${port}`;
  const ca = stack.ingress.ca;
  const trust = ca === undefined ? "the system's CA roots" : `INGRESS_CA_FILE ${stack.ingress.caFile}`;
  const cert = await new Promise<PeerCertificate>((resolve, reject) => {
    const socket = connect({
      host: address,
      port,
      servername: host,
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: false, // checked below, to say why
      timeout,
    });
    socket.once("timeout", () =>
      socket.destroy(new Error(`no TLS handshake with ${endpoint} in ${timeout} ms`)),
    );
    socket.once("error", (error) =>
      reject(new Error(`HTTPS to ${endpoint} (SNI ${host}): ${error.message}`)),
    );
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate(false);
      const authorized = socket.authorized;
      const why = socket.authorizationError;
      socket.end();
      if (!authorized)
        reject(
          new Error(
            `the certificate ${endpoint} presents for ${host} (subject ${peer.subject?.CN ?? "?"}, issuer ${peer.issuer?.CN ?? "?"}) does not chain to ${trust}: ${String(why)}`,
          ),
        );
      else resolve(peer);
    });
  });
  const mismatch = checkServerIdentity(host, cert);
  if (mismatch !== undefined)
    throw new Error(`the certificate on ${endpoint} is not for ${host}: ${mismatch.message}`);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: address,
        port,
        servername: host,
        path: "/",
        headers: { host },
        ...(ca === undefined ? {} : { ca }),
        timeout,
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.once("timeout", () =>
      req.destroy(new Error(`no answer to GET https://${host}/ on ${endpoint} in ${timeout} ms`)),
    );
    req.once("error", reject);
    req.end();
  });
  if (status >= 500) throw new Error(`GET https://${host}/ on ${endpoint} answered ${status}`);
  return {
    endpoint,
    subject: certificateNames(cert),
    issuer: String(cert.issuer?.CN ?? ""),
    validTo: cert.valid_to,
    trust,
    status,
  };
}

function certificateNames(cert: PeerCertificate): string {
  const dns = (cert.subjectaltname ?? "")
    .split(", ")
    .filter((n) => n.startsWith("DNS:"))
    .map((n) => n.slice(4));
  return dns.length > 0 ? dns.join(", ") : `CN=${String(cert.subject?.CN ?? "?")}`;
}
