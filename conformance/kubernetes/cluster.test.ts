/**
 * The binaries provider against the real kube-apiserver, controller-manager, scheduler, etcd and
 * kwok built by scripts/k8s/build-binaries.sh (the suite passes their folder in
 * HOMELAB_KIT_K8S_ASSETS): a kwok Node becomes Ready, a Deployment's pods become Running on it, and
 * stop() leaves no process and no file behind.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type Cluster,
  k8s,
  kwokNode,
  setKwokNodeRunning,
  startCluster,
} from "@homelab-kit/emulator/kubernetes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWebDeployment, until } from "./helpers.js";

async function processesMentioning(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ");
      if (cmdline.includes(needle)) found.push(`${entry}: ${cmdline.slice(0, 120)}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe("binaries provider (real control plane)", () => {
  let cluster: Cluster;
  let kc: k8s.KubeConfig;
  let clusterDir: string;

  beforeAll(async () => {
    cluster = await startCluster({
      provider: "binaries",
      // Short heartbeats, so a powered-off node turns Unknown in seconds rather than a minute.
      nodeLeaseDurationSeconds: 8,
      nodeMonitorGracePeriodSeconds: 10,
      log: (line) => console.log(`[cluster] ${line}`),
    });
    clusterDir = dirname(cluster.kubeconfigPath);
    kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    console.log(`[cluster] timings ${JSON.stringify(cluster.timings)}`);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("serves the API at the version the binaries were built as", async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.(3[4-9]|[4-9]\d)\.\d+$/);
    expect(`${version.major}.${version.minor}`).toBe(
      version.gitVersion.replace(/^v(\d+)\.(\d+)\..*$/, "$1.$2"),
    );
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("enforces RBAC: a ServiceAccount without bindings is forbidden", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "rbac-check" } } });
    await core.createNamespacedServiceAccount({
      namespace: "rbac-check",
      body: { metadata: { name: "nobody" } },
    });
    const token = await core.createNamespacedServiceAccountToken({
      namespace: "rbac-check",
      name: "nobody",
      body: { spec: { audiences: ["https://kubernetes.default.svc.cluster.local"], expirationSeconds: 600 } },
    });
    const asNobody = new k8s.KubeConfig();
    asNobody.loadFromOptions({
      clusters: [{ name: "c", server: cluster.server, caData: kc.getCurrentCluster()?.caData }],
      users: [{ name: "nobody", token: token.status?.token }],
      contexts: [{ name: "c", cluster: "c", user: "nobody" }],
      currentContext: "c",
    });
    const error = await asNobody
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedSecret({ namespace: "kube-system" })
      .catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(403);
  });

  it("runs a Deployment's pods on a kwok Node", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNode({ body: kwokNode("kwok-node-0") });
    await until("node Ready", async () => {
      const node = await core.readNode({ name: "kwok-node-0" });
      return node.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
    });
    const pods = await runWebDeployment(core, apps, 3);
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toBe("kwok-node-0");
      expect(pod.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
    }
    const deployment = await until("Deployment available", async () => {
      const d = await apps.readNamespacedDeployment({ namespace: "default", name: "web" });
      return d.status?.availableReplicas === 3 ? d : undefined;
    });
    expect(deployment.status?.readyReplicas).toBe(3);
  });

  it("turns a node Unknown and unreachable when kwok stops playing its kubelet, and Ready again after", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const ready = async () =>
      (await core.readNode({ name: "kwok-node-1" })).status?.conditions?.find((c) => c.type === "Ready")
        ?.status;
    await core.createNode({ body: kwokNode("kwok-node-1") });
    await until("node Ready", async () => ((await ready()) === "True" ? true : undefined));
    const off = Date.now();
    await setKwokNodeRunning(kc, "kwok-node-1", false);
    await until("node Ready=Unknown", async () => ((await ready()) === "Unknown" ? true : undefined), 60_000);
    console.log(`[cluster] node Unknown ${Date.now() - off} ms after its kubelet stopped`);
    const node = await until("unreachable taint", async () => {
      const n = await core.readNode({ name: "kwok-node-1" });
      return n.spec?.taints?.some((t) => t.key === "node.kubernetes.io/unreachable") ? n : undefined;
    });
    expect(node.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("NodeStatusUnknown");
    // The other node is untouched.
    expect(
      (await core.readNode({ name: "kwok-node-0" })).status?.conditions?.find((c) => c.type === "Ready")
        ?.status,
    ).toBe("True");
    await setKwokNodeRunning(kc, "kwok-node-1", true);
    await until("node Ready again", async () => ((await ready()) === "True" ? true : undefined), 60_000);
  });

  it("stops every process and removes its temp dir", async () => {
    expect((await processesMentioning(clusterDir)).length).toBe(5);
    await cluster.stop();
    expect(await processesMentioning(clusterDir)).toEqual([]);
    await expect(stat(clusterDir)).rejects.toMatchObject({ code: "ENOENT" });
    await cluster.stop(); // idempotent
  });
});
