/**
 * A real control plane (binaries provider) linked to an emulated World (`standIns: {world}`): the
 * reference topology's hosts powered on through the iLO client, Kubernetes node VMs instantiated
 * through the OpenNebula client, their Nodes Ready in the API server with the VMs' addresses and
 * roles, running a Deployment's pods; a host powered off through iLO turns its VMs' Nodes NotReady (and back after POST); PVCs
 * become RBD images in the World's Ceph, seen through the Ceph client; a terminated VM's Node goes.
 */
import { createCephClient } from "@homelab-kit/ceph";
import {
  type Cluster,
  k8s,
  startCluster,
  WORLD_HOST_LABEL,
  WORLD_VM_LABEL,
} from "@homelab-kit/emulator/kubernetes";
import { createEmulator, type Emulator } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundPvc, runWebDeployment, until } from "./helpers.js";

const NODES = ["k8s-1", "k8s-2", "k8s-3"];
const POWER_ON_AND_POST_MS = 2_000 + 30_000;

describe("binaries cluster linked to the emulator's World", () => {
  let emulator: Emulator;
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  const vmIds = new Map<string, number>();
  const lines: string[] = [];

  const ilo = (host: string) => {
    const endpoint = emulator.ilo.get(host);
    if (!endpoint) throw new Error(`no iLO for ${host}`);
    return createIloClient({
      baseUrl: `https://ilo-${host}.test`,
      username: "Administrator",
      password: "emulator-ilo",
      transport: endpoint.transport(),
    });
  };
  const one = () => {
    const endpoint = emulator.opennebula;
    if (!endpoint) throw new Error("no OpenNebula");
    return createOpenNebulaClient({
      url: "http://one.test:2633/RPC2",
      username: "oneadmin",
      password: "opennebula",
      transport: endpoint.transport(),
    });
  };
  const readyOf = async (name: string) =>
    (await core.readNode({ name })).status?.conditions?.find((c) => c.type === "Ready")?.status;
  const readiness = async () =>
    Object.fromEntries(await Promise.all(NODES.map(async (n) => [n, await readyOf(n)] as const)));

  beforeAll(async () => {
    emulator = createEmulator(); // the reference topology (three DL360 G7, switched off), manual clock
    for (const host of ["node1", "node2", "node3"]) await ilo(host).power.on();
    emulator.clock.advance(POWER_ON_AND_POST_MS);
    const hosts = await one().hostpool.info();
    expect(hosts.map((h) => h.STATE.name)).toEqual(["MONITORED", "MONITORED", "MONITORED"]);
    const template = (await one().templatepool.info(-2, -1, -1)).find((t) => t.NAME === "k8s-node");
    if (!template) throw new Error("no k8s-node template");
    for (const name of NODES) vmIds.set(name, await one().template.instantiate(template.ID, name));
    emulator.clock.advance(5_000 + 3_000 + 2_000); // scheduler, PROLOG, BOOT
    for (const id of vmIds.values())
      await one().vm.waitFor(id, (s) => s.lcmState === "RUNNING", { interval: 0, timeout: 1_000 });

    cluster = await startCluster({
      provider: "binaries",
      nodeLeaseDurationSeconds: 8,
      nodeMonitorGracePeriodSeconds: 10,
      log: (line) => console.log(`[cluster] ${line}`),
      standIns: {
        world: emulator.world,
        metallb: false,
        certManager: false,
        ingressNginx: false,
        log: (line) => lines.push(line),
      },
    });
    console.log(`[cluster] timings ${JSON.stringify(cluster.timings)}`);
    if (!cluster.standIns) throw new Error("startCluster did not start the stand-ins");
    core = cluster.standIns.kubeConfig.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    console.log(lines.map((l) => `[standins] ${l}`).join("\n"));
    await cluster?.stop();
    await emulator?.close();
  });

  it("has a Ready Node per Kubernetes VM, with its address, roles, size and host", async () => {
    await until("three Nodes Ready", async () =>
      Object.values(await readiness()).every((s) => s === "True") ? true : undefined,
    );
    for (const [name, id] of vmIds) {
      const vm = await one().vm.info(id);
      const node = await core.readNode({ name });
      const record = emulator.world.kubernetes.nodes.get(name);
      expect(node.metadata?.labels).toMatchObject({
        "node-role.kubernetes.io/worker": "",
        [WORLD_VM_LABEL]: name,
        [WORLD_HOST_LABEL]: record?.host,
      });
      expect(node.status?.addresses).toContainEqual({ type: "InternalIP", address: vm.TEMPLATE.NIC[0]?.IP });
      expect(node.status?.capacity).toMatchObject({ cpu: "4", memory: "8Gi" });
    }
    expect([...(cluster.standIns?.world?.nodes.keys() ?? [])].sort()).toEqual(NODES);
  });

  it("runs a Deployment's pods on the World's Nodes", async () => {
    const apps = cluster.standIns?.kubeConfig.makeApiClient(k8s.AppsV1Api);
    if (!apps) throw new Error("no stand-ins");
    const pods = await runWebDeployment(core, apps, 3);
    for (const pod of pods) expect(NODES).toContain(pod.spec?.nodeName);
  });

  it("provisions a PVC as an RBD image in the World's Ceph, seen through the Ceph client", async () => {
    const pvc = await boundPvc(core, "data", "1Gi");
    const pv = await core.readPersistentVolume({ name: pvc.spec?.volumeName ?? "" });
    const image = pv.spec?.csi?.volumeAttributes?.imageName ?? "";
    const ceph = createCephClient({
      baseUrl: "https://ceph.test",
      username: "admin",
      password: "Adm1n-Passw0rd!",
      transport: emulator.ceph?.transport() ?? (undefined as never),
    });
    const names = (await ceph.rbd.images.list({ pool: "rbd" })).images.map((i) => i.name);
    expect(names).toContain(image);
    expect(names).toContain("one-0"); // the same pool as OpenNebula's images
    expect((await ceph.rbd.images.get({ pool: "rbd", image })).size).toBe(1024 ** 3);
  });

  it("turns the Nodes of a host powered off through iLO NotReady, the others staying Ready, and back after POST", async () => {
    const hostOf = (name: string) => emulator.world.kubernetes.nodes.get(name)?.host ?? "";
    const victim = hostOf("k8s-1");
    const down = NODES.filter((n) => hostOf(n) === victim);
    const t0 = Date.now();
    await ilo(victim).power.off();
    expect(await ilo(victim).power.get()).toBe("Off"); // the World applies it on this request
    const states = await until("NotReady", async () => {
      const r = await readiness();
      return down.every((n) => r[n] === "Unknown") ? r : undefined;
    });
    console.log(`[world] ${down.join(", ")} NotReady ${Date.now() - t0} ms after the iLO power-off`);
    for (const n of NODES) if (!down.includes(n)) expect(states[n]).toBe("True");
    expect(NODES.some((n) => !down.includes(n))).toBe(true); // the scheduler spread the VMs
    const vmStates = await Promise.all(
      down.map(async (n) => (await one().vm.info(vmIds.get(n) ?? -1)).LCM_STATE.name),
    );
    expect(vmStates.every((s) => s === "UNKNOWN")).toBe(true);

    await ilo(victim).power.on();
    emulator.clock.advance(POWER_ON_AND_POST_MS);
    expect(await ilo(victim).power.get()).toBe("On");
    await until("Ready again", async () =>
      Object.values(await readiness()).every((s) => s === "True") ? true : undefined,
    );
  });

  it("deletes the Node of a terminated VM", async () => {
    const id = vmIds.get("k8s-3") ?? -1;
    await one().vm.action("terminate-hard", id);
    emulator.clock.advance(10_000);
    expect((await one().vm.info(id)).STATE.name).toBe("DONE");
    await until("Node deleted", async () =>
      core.readNode({ name: "k8s-3" }).then(
        () => undefined,
        (e: { code?: number }) => (e.code === 404 ? true : undefined),
      ),
    );
    expect((await core.listNode()).items.map((n) => n.metadata?.name).sort()).toEqual(["k8s-1", "k8s-2"]);
  });
});
