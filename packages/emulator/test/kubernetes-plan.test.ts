import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  binariesArgs,
  ClusterError,
  defaultAssetsDir,
  firstServiceIp,
  isClusterError,
  KWOK_NODE_LABEL,
  k3sCommand,
  kindConfig,
  kindCreateArgs,
  kindDeleteArgs,
  kwokNode,
  renderKubeconfig,
  resolveAssetsDir,
  startCluster,
} from "@homelab-kit/emulator/kubernetes";
import { KubeConfig } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { resolveBinaries } from "../src/kubernetes/assets.js";
import { KWOK_STAGES_YAML } from "../src/kubernetes/kwok-stages.js";
import { generateClusterPki } from "../src/kubernetes/pki.js";
import { freePorts } from "../src/kubernetes/ports.js";

describe("binaries plan", () => {
  const ports = {
    etcd: 2379,
    etcdPeer: 2380,
    apiserver: 6443,
    controllerManager: 10257,
    scheduler: 10259,
    kwok: 10247,
  };
  const args = binariesArgs({
    dir: "/tmp/c",
    ports,
    serviceClusterIpRange: "10.96.0.0/16",
    podCidr: "10.244.0.0/16",
  });

  it("binds every component to loopback on the given ports", () => {
    expect(args.etcd).toContain("--listen-client-urls=http://127.0.0.1:2379");
    expect(args.etcd).toContain("--initial-cluster=homelab-kit=http://127.0.0.1:2380");
    expect(args["kube-apiserver"]).toEqual(
      expect.arrayContaining([
        "--etcd-servers=http://127.0.0.1:2379",
        "--bind-address=127.0.0.1",
        "--secure-port=6443",
      ]),
    );
    expect(args["kube-controller-manager"]).toEqual(
      expect.arrayContaining(["--bind-address=127.0.0.1", "--secure-port=10257"]),
    );
    expect(args["kube-scheduler"]).toEqual(
      expect.arrayContaining(["--bind-address=127.0.0.1", "--secure-port=10259"]),
    );
    expect(args.kwok).toContain("--server-address=127.0.0.1:10247");
    for (const list of Object.values(args)) {
      for (const flag of list) expect(flag).not.toMatch(/0\.0\.0\.0/);
    }
  });

  it("secures the API server with certificates, service-account keys and RBAC", () => {
    const api = args["kube-apiserver"];
    expect(api).toEqual(
      expect.arrayContaining([
        "--client-ca-file=/tmp/c/pki/ca.crt",
        "--tls-cert-file=/tmp/c/pki/apiserver.crt",
        "--tls-private-key-file=/tmp/c/pki/apiserver.key",
        "--service-account-key-file=/tmp/c/pki/sa.pub",
        "--service-account-signing-key-file=/tmp/c/pki/sa.key",
        "--authorization-mode=Node,RBAC",
      ]),
    );
    expect(args["kube-controller-manager"]).toEqual(
      expect.arrayContaining([
        "--service-account-private-key-file=/tmp/c/pki/sa.key",
        "--use-service-account-credentials=true",
      ]),
    );
    expect(args.kwok).toContain(`--manage-nodes-with-label-selector=${KWOK_NODE_LABEL}=fake`);
  });

  it("appends extra arguments last, so they win", () => {
    const extra = binariesArgs({
      dir: "/tmp/c",
      ports,
      serviceClusterIpRange: "10.96.0.0/16",
      podCidr: "10.244.0.0/16",
      extraArgs: { "kube-apiserver": ["--v=4"] },
    });
    expect(extra["kube-apiserver"].at(-1)).toBe("--v=4");
  });

  it("computes the kubernetes Service IP from the range", () => {
    expect(firstServiceIp("10.96.0.0/16")).toBe("10.96.0.1");
    expect(firstServiceIp("10.0.0.0/24")).toBe("10.0.0.1");
    expect(firstServiceIp("172.20.5.77/20")).toBe("172.20.0.1");
    expect(() => firstServiceIp("fd00::/108")).toThrow(ClusterError);
    expect(() => firstServiceIp("10.0.0.0/31")).toThrow(/not a usable/);
  });

  it("ships kwok stages that make nodes Ready and pods Running", () => {
    const docs = parseAllDocuments(KWOK_STAGES_YAML).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string } },
    );
    expect(docs.map((d) => d.kind)).toEqual(["Stage", "Stage", "Stage", "Stage", "Stage"]);
    expect(docs.map((d) => d.metadata.name)).toEqual([
      "node-initialize",
      "node-heartbeat-with-lease",
      "pod-ready",
      "pod-complete",
      "pod-delete",
    ]);
  });
});

describe("assets", () => {
  it("prefers the option, then HOMELAB_KIT_K8S_ASSETS, then KUBEBUILDER_ASSETS, then the cache", () => {
    const env = { HOMELAB_KIT_CACHE: "/c", KUBEBUILDER_ASSETS: "/kb", HOMELAB_KIT_K8S_ASSETS: "/hk" };
    expect(resolveAssetsDir("/opt", env)).toBe("/opt");
    expect(resolveAssetsDir(undefined, env)).toBe("/hk");
    expect(resolveAssetsDir(undefined, { ...env, HOMELAB_KIT_K8S_ASSETS: "" })).toBe("/kb");
    expect(resolveAssetsDir(undefined, { HOMELAB_KIT_CACHE: "/c" })).toBe(
      "/c/k8s/kubernetes-v1.36.3_etcd-v3.6.16_kwok-v0.8.0",
    );
    expect(defaultAssetsDir({ XDG_CACHE_HOME: "/x" })).toMatch(/^\/x\/homelab-kit\/k8s\//);
  });

  it("names every missing binary and how to build them", async () => {
    const error = await resolveBinaries("/nonexistent", ["etcd", "kube-apiserver"]).catch((e: unknown) => e);
    expect(isClusterError(error)).toBe(true);
    expect((error as ClusterError).code).toBe("BINARY_NOT_FOUND");
    expect((error as Error).message).toContain("/nonexistent/etcd, /nonexistent/kube-apiserver");
    expect((error as Error).message).toContain("scripts/k8s/build-binaries.sh");
  });

  it("startCluster rejects before creating anything when binaries are missing", async () => {
    const root = await mkdtemp(join(tmpdir(), "hk-assets-"));
    try {
      await expect(
        startCluster({ provider: "binaries", assetsDir: join(root, "none"), tmpDir: root }),
      ).rejects.toMatchObject({
        code: "BINARY_NOT_FOUND",
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("pki", () => {
  let pki: Awaited<ReturnType<typeof generateClusterPki>>;
  beforeAll(async () => {
    pki = await generateClusterPki({ serviceIp: "10.96.0.1" });
  });

  it("signs every certificate with the cluster CA", () => {
    const ca = new X509Certificate(pki.ca.cert);
    expect(ca.ca).toBe(true);
    for (const kc of [pki.apiserver, pki.admin, pki.controllerManager, pki.scheduler, pki.kwok]) {
      const cert = new X509Certificate(kc.cert);
      expect(cert.ca).toBe(false);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
    }
  });

  it("serves the API on loopback, the Service IP and the in-cluster names", () => {
    const cert = new X509Certificate(pki.apiserver.cert);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkIP("10.96.0.1")).toBe("10.96.0.1");
    expect(cert.checkHost("kubernetes.default.svc")).toBe("kubernetes.default.svc");
    expect(cert.checkHost("example.com")).toBeUndefined();
  });

  it("puts the identities RBAC expects in the client certificates", () => {
    expect(new X509Certificate(pki.admin.cert).subject).toContain("O=system:masters");
    expect(new X509Certificate(pki.controllerManager.cert).subject).toContain(
      "CN=system:kube-controller-manager",
    );
    expect(new X509Certificate(pki.scheduler.cert).subject).toContain("CN=system:kube-scheduler");
  });

  it("renders a kubeconfig client-node loads", () => {
    const yaml = renderKubeconfig({
      name: "t",
      server: "https://127.0.0.1:6443",
      caCert: pki.ca.cert,
      clientCert: pki.admin.cert,
      clientKey: pki.admin.key,
    });
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    expect(kc.getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
    expect(Buffer.from(kc.getCurrentCluster()?.caData ?? "", "base64").toString()).toBe(pki.ca.cert);
    expect(Buffer.from(kc.getCurrentUser()?.certData ?? "", "base64").toString()).toBe(pki.admin.cert);
  });
});

describe("ports", () => {
  it("hands out distinct free loopback ports", async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });
});

describe("kind plan", () => {
  it("generates a loopback cluster config with roles, labels and port mappings", () => {
    const config = parse(
      kindConfig({
        name: "hk",
        image: "kindest/node:v1.34.0",
        apiServerPort: 16443,
        podSubnet: "10.244.0.0/16",
        nodes: [
          { role: "control-plane", extraPortMappings: [{ containerPort: 80, hostPort: 8080 }] },
          { role: "worker", labels: { "homelab-kit/vm": "k8s-node-1" } },
        ],
      }),
    );
    expect(config).toEqual({
      kind: "Cluster",
      apiVersion: "kind.x-k8s.io/v1alpha4",
      name: "hk",
      networking: { apiServerAddress: "127.0.0.1", apiServerPort: 16443, podSubnet: "10.244.0.0/16" },
      nodes: [
        {
          role: "control-plane",
          image: "kindest/node:v1.34.0",
          extraPortMappings: [
            { containerPort: 80, hostPort: 8080, listenAddress: "127.0.0.1", protocol: "TCP" },
          ],
        },
        { role: "worker", image: "kindest/node:v1.34.0", labels: { "homelab-kit/vm": "k8s-node-1" } },
      ],
    });
  });

  it("defaults to one control plane and two workers, and refuses a cluster without a control plane", () => {
    const config = parse(kindConfig({ name: "hk" })) as { nodes: { role: string }[] };
    expect(config.nodes.map((n) => n.role)).toEqual(["control-plane", "worker", "worker"]);
    expect(() => kindConfig({ name: "hk", nodes: [{ role: "worker" }] })).toThrow(/control-plane/);
  });

  it("invokes kind create and delete with the name, config and kubeconfig", () => {
    expect(
      kindCreateArgs({ name: "hk", configPath: "/d/kind.yaml", kubeconfigPath: "/d/kc", waitSeconds: 300 }),
    ).toEqual([
      "create",
      "cluster",
      "--name=hk",
      "--config=/d/kind.yaml",
      "--kubeconfig=/d/kc",
      "--wait=300s",
    ]);
    expect(kindDeleteArgs({ name: "hk", kubeconfigPath: "/d/kc" })).toEqual([
      "delete",
      "cluster",
      "--name=hk",
      "--kubeconfig=/d/kc",
    ]);
  });
});

describe("k3s plan", () => {
  it("disables traefik and servicelb by default (NGINX and MetalLB stand in for them)", () => {
    expect(k3sCommand({})).toEqual(["server", "--disable=traefik,servicelb"]);
    expect(k3sCommand({ disable: [], extraArgs: ["--flannel-backend=none"] })).toEqual([
      "server",
      "--flannel-backend=none",
    ]);
  });
});

describe("kwokNode", () => {
  it("marks the node for kwok and gives it capacity", () => {
    const node = kwokNode("k8s-node-1", { labels: { role: "worker" } });
    expect(node.metadata?.labels?.[KWOK_NODE_LABEL]).toBe("fake");
    expect(node.metadata?.labels).toMatchObject({ "kubernetes.io/hostname": "k8s-node-1", role: "worker" });
    expect(node.status?.allocatable?.pods).toBe("110");
  });
});
