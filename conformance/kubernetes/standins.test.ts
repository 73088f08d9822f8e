/**
 * The stand-ins against a real control plane (binaries provider): MetalLB addresses, the nginx
 * Ingress status, cert-manager issuers and certificates, Ceph CSI volumes whose RBD images are seen
 * through the Ceph API (the emulator's routes, called by the real Ceph client), and node health
 * (also driven, through linkWorld, by a World whose host is powered off through the iLO API).
 */
import { X509Certificate } from "node:crypto";
import { createCephClient } from "@homelab-kit/ceph";
import { type CephEmulator, createCephEmulator } from "@homelab-kit/emulator/ceph";
import {
  type Cluster,
  createIssuerCa,
  ipToNumber,
  k8s,
  linkWorld,
  parseAddressRange,
  type StandIns,
  startCluster,
  startStandIns,
} from "@homelab-kit/emulator/kubernetes";
import { createEmulator } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundPvc, runWebDeployment, until } from "./helpers.js";

const POOL = ["192.168.10.240/30", "192.168.10.250-192.168.10.251"];
const inPool = (ip: string) =>
  POOL.map(parseAddressRange).some((r) => ipToNumber(ip) >= r.first && ipToNumber(ip) <= r.last);
const GiB = 1024 ** 3;

describe("stand-ins on the binaries provider", () => {
  let cluster: Cluster;
  let standIns: StandIns;
  let ceph: CephEmulator;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;
  const lines: string[] = [];

  beforeAll(async () => {
    ceph = createCephEmulator();
    const started = Date.now();
    cluster = await startCluster({
      provider: "binaries",
      nodeLeaseDurationSeconds: 8,
      nodeMonitorGracePeriodSeconds: 10,
      log: (line) => console.log(`[cluster] ${line}`),
      standIns: {
        ceph: { state: ceph.state },
        metallb: { pools: [{ name: "lan", addresses: POOL }] },
        nodes: ["k8s-worker-0", "k8s-worker-1"],
        log: (line) => lines.push(line),
      },
    });
    console.log(
      `[cluster] timings ${JSON.stringify(cluster.timings)}; stand-ins ready ${Date.now() - started - cluster.timings.readyMs} ms later`,
    );
    if (!cluster.standIns) throw new Error("startCluster did not start the stand-ins");
    standIns = cluster.standIns;
    kc = standIns.kubeConfig;
    core = kc.makeApiClient(k8s.CoreV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  afterAll(async () => {
    console.log(lines.map((l) => `[standins] ${l}`).join("\n"));
    await standIns?.stop();
    await cluster?.stop();
  });

  const serviceIps = async (namespace: string, name: string) =>
    (await core.readNamespacedService({ namespace, name })).status?.loadBalancer?.ingress?.map((i) => i.ip) ??
    [];

  const lbService = (name: string, annotations?: Record<string, string>): k8s.V1Service => ({
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] },
  });

  it("installs valid CRDs with the real groups", async () => {
    const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const names = (await api.listCustomResourceDefinition()).items.map((c) => c.metadata?.name).sort();
    expect(names).toEqual([
      "certificaterequests.cert-manager.io",
      "certificates.cert-manager.io",
      "challenges.acme.cert-manager.io",
      "clusterissuers.cert-manager.io",
      "ipaddresspools.metallb.io",
      "issuers.cert-manager.io",
      "l2advertisements.metallb.io",
      "orders.acme.cert-manager.io",
    ]);
    // The schema is enforced: a pool without addresses is refused by the API server.
    const error = await custom
      .createNamespacedCustomObject({
        group: "metallb.io",
        version: "v1beta1",
        namespace: "metallb-system",
        plural: "ipaddresspools",
        body: {
          apiVersion: "metallb.io/v1beta1",
          kind: "IPAddressPool",
          metadata: { name: "bad" },
          spec: {},
        },
      })
      .catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(422);
  });

  it("runs a Deployment's pods on the world's nodes", async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const pods = await runWebDeployment(core, apps, 2);
    for (const pod of pods) expect(pod.spec?.nodeName).toMatch(/^k8s-worker-[01]$/);
  });

  it("gives LoadBalancer Services addresses from the MetalLB pool, once each, and reuses released ones", async () => {
    await core.createNamespacedService({
      namespace: "default",
      body: lbService("asks", { "metallb.universe.tf/loadBalancerIPs": "192.168.10.250" }),
    });
    expect(await until("requested IP", async () => (await serviceIps("default", "asks"))[0])).toBe(
      "192.168.10.250",
    );
    // Five at once: the pool has five addresses left.
    const names = ["lb-0", "lb-1", "lb-2", "lb-3", "lb-4"];
    await Promise.all(
      names.map((name) => core.createNamespacedService({ namespace: "default", body: lbService(name) })),
    );
    const ips = await Promise.all(
      names.map((name) => until(`${name} IP`, async () => (await serviceIps("default", name))[0])),
    );
    const all = ["192.168.10.250", ...ips];
    expect(new Set(all).size).toBe(6);
    for (const ip of all) expect(inPool(ip!)).toBe(true);
    // The pool is full: the next one waits, with MetalLB's event.
    await core.createNamespacedService({ namespace: "default", body: lbService("waits") });
    const failed = await until("AllocationFailed event", async () => {
      const events = await core.listNamespacedEvent({
        namespace: "default",
        fieldSelector: "involvedObject.name=waits,reason=AllocationFailed",
      });
      return events.items[0];
    });
    expect(failed.message).toContain("no available IPs");
    expect(await serviceIps("default", "waits")).toEqual([]);
    // A taken address is refused.
    await core.createNamespacedService({
      namespace: "default",
      body: lbService("steals", { "metallb.universe.tf/loadBalancerIPs": "192.168.10.250" }),
    });
    await until("steal refused", async () => {
      const events = await core.listNamespacedEvent({
        namespace: "default",
        fieldSelector: "involvedObject.name=steals,reason=AllocationFailed",
      });
      return events.items[0];
    });
    await core.deleteNamespacedService({ namespace: "default", name: "steals" });
    // Deleting a Service releases its address; the waiting Service gets it.
    await core.deleteNamespacedService({ namespace: "default", name: "lb-2" });
    expect(await until("released IP reused", async () => (await serviceIps("default", "waits"))[0])).toBe(
      ips[2],
    );
    // The layer-2 speaker announces from a Ready node selected by the L2Advertisement.
    expect(standIns.metallb?.announcingNode("default", "asks")).toMatch(/^k8s-worker-[01]$/);
  });

  it("publishes the ingress controller's address on Ingresses of the nginx class", async () => {
    const networking = kc.makeApiClient(k8s.NetworkingV1Api);
    const ingressClass = await networking.readIngressClass({ name: "nginx" });
    expect(ingressClass.spec?.controller).toBe("k8s.io/ingress-nginx");
    await core.deleteNamespacedService({ namespace: "default", name: "lb-3" }); // room in the pool
    await core.createNamespace({ body: { metadata: { name: "ingress-nginx" } } });
    await core.createNamespacedService({
      namespace: "ingress-nginx",
      body: { ...lbService("ingress-nginx-controller"), metadata: { name: "ingress-nginx-controller" } },
    });
    const lbIp = await until(
      "controller IP",
      async () => (await serviceIps("ingress-nginx", "ingress-nginx-controller"))[0],
    );
    await networking.createNamespacedIngress({
      namespace: "default",
      body: {
        metadata: { name: "blog" },
        spec: {
          ingressClassName: "nginx",
          tls: [{ hosts: ["blog.example.org"], secretName: "blog-tls" }],
          rules: [
            {
              host: "blog.example.org",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "asks", port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    const status = await until("Ingress status", async () => {
      const ingress = await networking.readNamespacedIngress({ namespace: "default", name: "blog" });
      return ingress.status?.loadBalancer?.ingress?.[0]?.ip;
    });
    expect(status).toBe(lbIp);
    expect(inPool(status)).toBe(true);
  });

  it("validates the Cloudflare DNS01 ClusterIssuer and issues a Certificate for the requested names", async () => {
    const issuer = {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "letsencrypt" },
      spec: {
        acme: {
          server: "https://acme-v02.api.letsencrypt.org/directory",
          email: "admin@example.org",
          privateKeySecretRef: { name: "letsencrypt-account" },
          solvers: [
            { dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-token", key: "api-token" } } } },
          ],
        },
      },
    };
    await custom.createClusterCustomObject({
      group: "cert-manager.io",
      version: "v1",
      plural: "clusterissuers",
      body: issuer,
    });
    type Issuer = {
      status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
    };
    const readyOf = async () =>
      (
        (await custom.getClusterCustomObject({
          group: "cert-manager.io",
          version: "v1",
          plural: "clusterissuers",
          name: "letsencrypt",
        })) as Issuer
      ).status?.conditions?.find((c) => c.type === "Ready");
    const notReady = await until("issuer Ready=False", async () => {
      const c = await readyOf();
      return c?.status === "False" ? c : undefined;
    });
    expect(notReady.reason).toBe("ErrGetCloudflareSecret");
    expect(notReady.message).toContain('secrets "cloudflare-token" not found');
    await core.createNamespacedSecret({
      namespace: "cert-manager",
      body: { metadata: { name: "cloudflare-token" }, stringData: { "api-token": "not-a-real-token" } },
    });
    const ready = await until("issuer Ready=True", async () => {
      const c = await readyOf();
      return c?.status === "True" ? c : undefined;
    });
    expect(ready.reason).toBe("ACMEAccountRegistered");

    const dnsNames = ["blog.example.org", "www.blog.example.org"];
    await custom.createNamespacedCustomObject({
      group: "cert-manager.io",
      version: "v1",
      namespace: "default",
      plural: "certificates",
      body: {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: "blog" },
        spec: { secretName: "blog-tls", dnsNames, issuerRef: { name: "letsencrypt", kind: "ClusterIssuer" } },
      },
    });
    type Cert = { status?: { conditions?: { type: string; status: string }[]; notAfter?: string } };
    const cert = await until("Certificate Ready", async () => {
      const c = (await custom.getNamespacedCustomObject({
        group: "cert-manager.io",
        version: "v1",
        namespace: "default",
        plural: "certificates",
        name: "blog",
      })) as Cert;
      return c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True") ? c : undefined;
    });
    const secret = await core.readNamespacedSecret({ namespace: "default", name: "blog-tls" });
    expect(secret.type).toBe("kubernetes.io/tls");
    const pem = Buffer.from(secret.data?.["tls.crt"] ?? "", "base64").toString();
    const leaf = new X509Certificate(pem);
    // As from Let's Encrypt: tls.crt is the leaf and the (emulated ACME server's) CA; no ca.crt.
    expect(secret.data?.["ca.crt"]).toBeUndefined();
    const ca = new X509Certificate(pem.slice(pem.indexOf("-----BEGIN", 10)));
    expect(ca.ca).toBe(true);
    expect(ca.toString()).toBe(
      await standIns.certManager?.acmeCaCertificate().then((c) => new X509Certificate(c).toString()),
    );
    expect(leaf.subjectAltName?.split(", ").sort()).toEqual(dnsNames.map((n) => `DNS:${n}`).sort());
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(new Date(leaf.validTo).toISOString().replace(/\.\d{3}Z$/, "Z")).toBe(cert.status?.notAfter);
    // The key in the Secret is the certificate's.
    expect(
      leaf.checkPrivateKey(
        (await import("node:crypto")).createPrivateKey(Buffer.from(secret.data?.["tls.key"] ?? "", "base64")),
      ),
    ).toBe(true);

    // The steps, as cert-manager shows them: an approved CertificateRequest, a valid Order whose
    // Challenges are cleaned up once it is valid.
    type Cm = {
      metadata?: { name?: string };
      spec?: Record<string, unknown>;
      status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason?: string }[] };
    };
    const request = (await custom.getNamespacedCustomObject({
      group: "cert-manager.io",
      version: "v1",
      namespace: "default",
      plural: "certificaterequests",
      name: "blog-1",
    })) as Cm;
    expect(request.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual(
      expect.arrayContaining([
        ["Approved", "True", "cert-manager.io"],
        ["Ready", "True", "Issued"],
      ]),
    );
    const orders = (await custom.listNamespacedCustomObject({
      group: "acme.cert-manager.io",
      version: "v1",
      namespace: "default",
      plural: "orders",
    })) as { items: Cm[] };
    expect(orders.items.map((o) => [o.metadata?.name?.replace(/\d+$/, "N"), o.status?.state])).toEqual([
      ["blog-1-N", "valid"],
    ]);
    await until("Challenges cleaned up", async () => {
      const list = (await custom.listNamespacedCustomObject({
        group: "acme.cert-manager.io",
        version: "v1",
        namespace: "default",
        plural: "challenges",
      })) as { items: Cm[] };
      return list.items.length === 0 ? true : undefined;
    });

    // A deleted Secret is issued again (revision 2, a new certificate).
    await core.deleteNamespacedSecret({ namespace: "default", name: "blog-tls" });
    const again = await until("Secret issued again", async () => {
      const s2 = await core.readNamespacedSecret({ namespace: "default", name: "blog-tls" });
      return s2.metadata?.uid !== secret.metadata?.uid ? s2 : undefined;
    });
    const reissued = new X509Certificate(Buffer.from(again.data?.["tls.crt"] ?? "", "base64").toString());
    expect(reissued.serialNumber).not.toBe(leaf.serialNumber);
    expect(reissued.subjectAltName).toBe(leaf.subjectAltName);
    await until("revision 2", async () => {
      const c = (await custom.getNamespacedCustomObject({
        group: "cert-manager.io",
        version: "v1",
        namespace: "default",
        plural: "certificates",
        name: "blog",
      })) as { status?: { revision?: number } };
      return c.status?.revision === 2 ? true : undefined;
    });
  });

  it("signs with a namespaced CA Issuer's key pair, whatever the certificate's key type", async () => {
    const ca = await createIssuerCa("homelab CA", "ec");
    await core.createNamespacedSecret({
      namespace: "default",
      body: {
        metadata: { name: "homelab-ca" },
        type: "kubernetes.io/tls",
        stringData: { "tls.crt": ca.cert, "tls.key": ca.key },
      },
    });
    const create = (plural: string, kind: string, name: string, spec: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({
        group: "cert-manager.io",
        version: "v1",
        namespace: "default",
        plural,
        body: { apiVersion: "cert-manager.io/v1", kind, metadata: { name }, spec },
      });
    await create("issuers", "Issuer", "homelab", { ca: { secretName: "homelab-ca" } });
    const issuerRef = { name: "homelab" }; // kind defaults to Issuer
    await create("certificates", "Certificate", "grafana", {
      secretName: "grafana-tls",
      dnsNames: ["grafana.home.arpa"],
      privateKey: { algorithm: "ECDSA" },
      issuerRef,
    });
    await create("certificates", "Certificate", "rsa-on-ec", {
      secretName: "rsa-tls",
      dnsNames: ["x.home.arpa"],
      issuerRef,
    });
    type Cert = {
      status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
    };
    const readyOf = async (name: string) =>
      (
        (await custom.getNamespacedCustomObject({
          group: "cert-manager.io",
          version: "v1",
          namespace: "default",
          plural: "certificates",
          name,
        })) as Cert
      ).status?.conditions?.find((c) => c.type === "Ready");
    await until("grafana Ready", async () =>
      (await readyOf("grafana"))?.status === "True" ? true : undefined,
    );
    const secret = await core.readNamespacedSecret({ namespace: "default", name: "grafana-tls" });
    const leaf = new X509Certificate(Buffer.from(secret.data?.["tls.crt"] ?? "", "base64").toString());
    expect(leaf.checkIssued(new X509Certificate(ca.cert))).toBe(true);
    expect(leaf.subjectAltName).toBe("DNS:grafana.home.arpa");
    await until("rsa-on-ec Ready", async () =>
      (await readyOf("rsa-on-ec"))?.status === "True" ? true : undefined,
    );
    const rsa = await core.readNamespacedSecret({ namespace: "default", name: "rsa-tls" });
    const rsaLeaf = new X509Certificate(Buffer.from(rsa.data?.["tls.crt"] ?? "", "base64").toString());
    expect(rsaLeaf.publicKey.asymmetricKeyType).toBe("rsa");
    expect(rsaLeaf.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(
      Buffer.from(rsa.data?.["ca.crt"] ?? "", "base64")
        .toString()
        .trim(),
    ).toBe(ca.cert.trim());
  });

  it("provisions PVCs as RBD images in the emulated Ceph and deletes them with the PV", async () => {
    const pvc = await boundPvc(core, "blog-data", "1500Mi");
    expect(pvc.spec?.storageClassName).toBe("ceph-rbd"); // the default class
    expect(pvc.status?.capacity?.storage).toBe("2Gi"); // ceph-csi rounds up to whole GiB
    const pv = await core.readPersistentVolume({ name: pvc.spec?.volumeName ?? "" });
    const attributes = pv.spec?.csi?.volumeAttributes ?? {};
    expect(pv.spec?.csi?.driver).toBe("rbd.csi.ceph.com");
    expect(attributes.imageName).toMatch(/^csi-vol-[0-9a-f-]{36}$/);
    const client = createCephClient({
      baseUrl: "https://ceph.test",
      username: "admin",
      password: "Adm1n-Passw0rd!",
      transport: ceph.transport(),
    });
    const image = await client.rbd.images.get({ pool: "rbd", image: attributes.imageName ?? "" });
    expect(image.size).toBe(2 * GiB);
    expect(pv.spec?.csi?.volumeHandle).toContain(standIns.cephCsi?.clusterId ?? "?");

    // Expansion (the class allows it): image, PV and PVC grow.
    await core.patchNamespacedPersistentVolumeClaim(
      {
        namespace: "default",
        name: "blog-data",
        body: { spec: { resources: { requests: { storage: "2500Mi" } } } },
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await until("PVC expanded", async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({ namespace: "default", name: "blog-data" });
      return c.status?.capacity?.storage === "3Gi" ? c : undefined;
    });
    expect((await core.readPersistentVolume({ name: pv.metadata?.name ?? "" })).spec?.capacity?.storage).toBe(
      "3Gi",
    );
    expect((await client.rbd.images.get({ pool: "rbd", image: attributes.imageName ?? "" })).size).toBe(
      3 * GiB,
    );

    await core.deleteNamespacedPersistentVolumeClaim({ namespace: "default", name: "blog-data" });
    await until("PV deleted", async () =>
      core.readPersistentVolume({ name: pv.metadata?.name ?? "" }).then(
        () => undefined,
        (e: { code?: number }) => (e.code === 404 ? true : undefined),
      ),
    );
    const gone = await client.rbd.images
      .get({ pool: "rbd", image: attributes.imageName ?? "" })
      .catch((e: unknown) => e);
    expect((gone as { status?: number }).status).toBe(404);
  });

  it("marks a node NotReady when the World says its machine is down, and Ready when it is back", async () => {
    const ready = async (name: string) =>
      (await core.readNode({ name })).status?.conditions?.find((c) => c.type === "Ready");
    await until("node Ready", async () =>
      (await ready("k8s-worker-1"))?.status === "True" ? true : undefined,
    );
    const t0 = Date.now();
    await standIns.setNodeReady("k8s-worker-1", false);
    const down = await until("node NotReady", async () => {
      const c = await ready("k8s-worker-1");
      return c?.status === "Unknown" ? c : undefined;
    });
    console.log(`[standins] node NotReady ${Date.now() - t0} ms after setNodeReady(false)`);
    expect(down.reason).toBe("NodeStatusUnknown");
    await until("unreachable taint", async () => {
      const n = await core.readNode({ name: "k8s-worker-1" });
      return n.spec?.taints?.some((t) => t.key === "node.kubernetes.io/unreachable") ? true : undefined;
    });
    // Still down a lease period later: kwok no longer plays its kubelet.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await ready("k8s-worker-1"))?.status).toBe("Unknown");
    expect((await ready("k8s-worker-0"))?.status).toBe("True");
    await standIns.setNodeReady("k8s-worker-1", true);
    await until("node Ready again", async () =>
      (await ready("k8s-worker-1"))?.status === "True" ? true : undefined,
    );
  });

  it("turns the node of a host powered off through iLO NotReady (linkWorld on running stand-ins)", async () => {
    const emulator = createEmulator(); // the reference topology, on a manual clock
    const world = emulator.world;
    // A record with no OpenNebula VM behind it: its Node follows its host alone.
    world.addKubernetesNode({ name: "k8s-on-node2", vm: "k8s-on-node2", host: "node2", roles: ["worker"] });
    const link = linkWorld(world, standIns);
    const endpoint = emulator.ilo.get("node2");
    if (!endpoint) throw new Error("no iLO for node2");
    const ilo = createIloClient({
      baseUrl: "https://ilo-node2.test",
      username: "Administrator",
      password: "emulator-ilo",
      transport: endpoint.transport(),
    });
    const ready = async () =>
      (await core.readNode({ name: "k8s-on-node2" })).status?.conditions?.find((c) => c.type === "Ready")
        ?.status;
    try {
      await link.idle();
      expect(link.nodes.get("k8s-on-node2")?.ready).toBe(false); // node2 is off: created NotReady
      await until("node NotReady at creation", async () =>
        (await ready()) === "Unknown" ? true : undefined,
      );
      await ilo.power.on();
      emulator.clock.advance(60_000); // power-on and POST
      expect(await ilo.power.get()).toBe("On");
      await until("node Ready", async () => ((await ready()) === "True" ? true : undefined));
      await ilo.power.off();
      emulator.clock.advance(1_000);
      expect(await ilo.power.get()).toBe("Off"); // the world applies changes on its next request
      expect(world.kubernetes.nodes.get("k8s-on-node2")?.ready).toBe(false);
      await until("node NotReady", async () => ((await ready()) === "Unknown" ? true : undefined));
    } finally {
      await link.stop();
      await emulator.close();
    }
  });

  it("stops every watch", async () => {
    await standIns.stop(); // cluster.stop() stops them too; stopping twice is fine
    await standIns.stop(); // idempotent
    // Nothing reacts any more: a new LoadBalancer Service keeps an empty status.
    await core.createNamespacedService({ namespace: "default", body: lbService("after-stop") });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await serviceIps("default", "after-stop")).toEqual([]);
  });

  it("restarted, keeps every address in use and hands out only freed ones", async () => {
    const taken = new Map<string, string>();
    for (const service of (await core.listServiceForAllNamespaces()).items) {
      const ip = service.status?.loadBalancer?.ingress?.[0]?.ip;
      if (ip) taken.set(`${service.metadata?.namespace}/${service.metadata?.name}`, ip);
    }
    expect(taken.size).toBe(6); // the pool is full
    const again = await startStandIns({
      kubeconfig: cluster.kubeconfig,
      metallb: { pools: [{ name: "lan", addresses: POOL }] },
      certManager: false,
      ingressNginx: false,
      log: (line) => lines.push(`(restarted) ${line}`),
    });
    try {
      await until("after-stop refused", async () => {
        const events = await core.listNamespacedEvent({
          namespace: "default",
          fieldSelector: "involvedObject.name=after-stop,reason=AllocationFailed",
        });
        return events.items[0];
      });
      for (const [key, ip] of taken) {
        const [namespace = "", name = ""] = key.split("/");
        expect(await serviceIps(namespace, name)).toEqual([ip]);
      }
      await core.deleteNamespacedService({ namespace: "default", name: "lb-0" });
      expect(await until("freed IP", async () => (await serviceIps("default", "after-stop"))[0])).toBe(
        taken.get("default/lb-0"),
      );
    } finally {
      await again.stop();
    }
  });
});
