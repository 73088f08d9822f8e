/**
 * linkWorld without a cluster: the World is driven through the public iLO and OpenNebula clients
 * (in-process transports), and a recording sink stands where the API server and the node health
 * stand-in would be. The live version is conformance/kubernetes/world.test.ts.
 */
import {
  linkWorld,
  WORLD_HOST_LABEL,
  WORLD_VM_LABEL,
  type WorldLink,
  type WorldNode,
  type WorldNodeSink,
} from "@homelab-kit/emulator/kubernetes";
import { type Emulator, useEmulator } from "@homelab-kit/emulator/world";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientsFor, oneClientFor } from "./world-helpers.js";

const emu = useEmulator({ beforeEach, afterEach });
const POWER_ON_AND_POST_MS = 2_000 + 30_000;

const oneClient = (emulator: Emulator = emu()) => oneClientFor(emulator);

/** A cluster's Nodes as the sink sees them, with every call in order. */
function recordingSink() {
  const nodes = new Map<string, { node: WorldNode; ready: boolean }>();
  const readiness = new Map<string, boolean>();
  const calls: string[] = [];
  const sink: WorldNodeSink = {
    async create(node) {
      calls.push(`create ${node.name}`);
      nodes.set(node.name, { node, ready: readiness.get(node.name) ?? true });
    },
    async relabel(node) {
      calls.push(`relabel ${node.name}`);
      const entry = nodes.get(node.name);
      if (entry) entry.node = node;
    },
    async remove(name) {
      calls.push(`remove ${name}`);
      nodes.delete(name);
    },
    async setReady(name, ready) {
      calls.push(`ready ${name} ${ready}`);
      readiness.set(name, ready);
      const entry = nodes.get(name);
      if (entry) entry.ready = ready;
    },
  };
  const ready = () => Object.fromEntries([...nodes].map(([name, e]) => [name, e.ready]));
  return { sink, nodes, calls, ready };
}

async function powerOnAll() {
  const { ilo } = clientsFor(emu());
  for (const host of ["node1", "node2", "node3"]) await ilo(host).power.on();
  emu().clock.advance(POWER_ON_AND_POST_MS);
  emu().world.sync();
}

/** Instantiates k8s-1..k8s-n from the k8s-node template; returns their VM ids. */
async function instantiateNodes(n: number) {
  const one = oneClient();
  const template = (await one.templatepool.info(-2, -1, -1)).find((t) => t.NAME === "k8s-node");
  if (template === undefined) throw new Error("no k8s-node template");
  const ids: number[] = [];
  for (let i = 1; i <= n; i++) ids.push(await one.template.instantiate(template.ID, `k8s-${i}`));
  return ids;
}

describe("linkWorld", () => {
  let link: WorldLink | undefined;
  afterEach(async () => {
    await link?.stop();
    link = undefined;
  });

  it("registers a Node once its VM has booted, with the VM's address, roles, size and host", async () => {
    const { sink, nodes, calls } = recordingSink();
    link = linkWorld(emu().world, sink);
    await powerOnAll();
    const [id] = await instantiateNodes(1);
    emu().clock.advance(5_000 + 3_000); // scheduled, PROLOG done: BOOT
    const one = oneClient();
    expect((await one.vm.info(id ?? -1)).LCM_STATE.name).toBe("BOOT");
    await link.idle();
    expect(emu().world.kubernetes.nodes.has("k8s-1")).toBe(true); // the World's record exists…
    expect(nodes.size).toBe(0); // …but the kubelet has not registered yet
    emu().clock.advance(2_000);
    const info = await one.vm.info(id ?? -1);
    expect(info.LCM_STATE.name).toBe("RUNNING");
    await link.idle();
    const host = emu().world.kubernetes.nodes.get("k8s-1")?.host;
    expect(host).toMatch(/^node[123]$/);
    expect(nodes.get("k8s-1")).toEqual({
      ready: true,
      node: {
        name: "k8s-1",
        vm: "k8s-1",
        host,
        ip: String(info.TEMPLATE.NIC[0]?.IP),
        labels: { "node-role.kubernetes.io/worker": "", [WORLD_HOST_LABEL]: host, [WORLD_VM_LABEL]: "k8s-1" },
        capacity: { cpu: "4", memory: "8192Mi", pods: "110" },
        ready: true,
      },
    });
    expect(calls).toEqual(["ready k8s-1 true", "create k8s-1"]); // the health hook before the Node
    expect([...link.nodes.keys()]).toEqual(["k8s-1"]);
  });

  it("turns the Nodes of a host powered off through iLO NotReady, the others not, and Ready after POST", async () => {
    const { sink, ready } = recordingSink();
    link = linkWorld(emu().world, sink);
    await powerOnAll();
    await instantiateNodes(3);
    emu().clock.advance(10_000);
    emu().world.sync();
    await link.idle();
    expect(ready()).toEqual({ "k8s-1": true, "k8s-2": true, "k8s-3": true });
    const hostOf = (name: string) => emu().world.kubernetes.nodes.get(name)?.host ?? "";
    const victim = hostOf("k8s-1");
    const expected = Object.fromEntries(
      ["k8s-1", "k8s-2", "k8s-3"].map((name) => [name, hostOf(name) !== victim]),
    );
    expect(Object.values(expected)).toContain(true); // the scheduler spread them: some stay Ready
    const ilo = clientsFor(emu()).ilo(victim);
    await ilo.power.off();
    expect(await ilo.power.get()).toBe("Off"); // this request syncs the world
    await link.idle();
    expect(ready()).toEqual(expected);
    await ilo.power.on();
    emu().clock.advance(POWER_ON_AND_POST_MS);
    expect(await ilo.power.get()).toBe("On");
    await link.idle();
    expect(ready()).toEqual({ "k8s-1": true, "k8s-2": true, "k8s-3": true });
  });

  it("follows the VM: NotReady when powered off in OpenNebula, Ready on resume, deleted when terminated", async () => {
    const { sink, ready, calls } = recordingSink();
    link = linkWorld(emu().world, sink);
    await powerOnAll();
    const [id = -1] = await instantiateNodes(1);
    emu().clock.advance(10_000);
    const one = oneClient();
    await one.vm.info(id);
    await link.idle();
    expect(ready()).toEqual({ "k8s-1": true });
    await one.vm.action("poweroff", id);
    await link.idle();
    expect(ready()).toEqual({ "k8s-1": false }); // SHUTDOWN_POWEROFF: no longer RUNNING
    emu().clock.advance(5_000);
    expect((await one.vm.info(id)).STATE.name).toBe("POWEROFF");
    await link.idle();
    expect(ready()).toEqual({ "k8s-1": false });
    await one.vm.action("resume", id);
    emu().clock.advance(5_000);
    expect((await one.vm.info(id)).LCM_STATE.name).toBe("RUNNING");
    await link.idle();
    expect(ready()).toEqual({ "k8s-1": true });
    await one.vm.action("terminate-hard", id);
    emu().clock.advance(10_000);
    expect((await one.vm.info(id)).STATE.name).toBe("DONE");
    await link.idle();
    expect(ready()).toEqual({});
    expect(calls.at(-1)).toBe("remove k8s-1");
  });

  it("registers existing records at once, NotReady when their machine is down, and stops listening on stop()", async () => {
    const { sink, ready, calls } = recordingSink();
    // A record on a VM that already ran (mysql, UNKNOWN while node1 is off).
    emu().world.addKubernetesNode({
      name: "db",
      vm: "mysql",
      host: "node1",
      roles: ["control-plane", "etcd"],
    });
    link = linkWorld(emu().world, sink);
    await link.idle();
    expect(ready()).toEqual({ db: false });
    expect(link.nodes.get("db")?.labels).toMatchObject({
      "node-role.kubernetes.io/control-plane": "",
      "node-role.kubernetes.io/etcd": "",
    });
    await powerOnAll();
    await link.idle();
    expect(ready()).toEqual({ db: true });
    // A record with no OpenNebula VM behind it follows its host alone.
    emu().world.addKubernetesNode({ name: "bare", vm: "bare-metal", host: "node2", roles: ["worker"] });
    await clientsFor(emu()).ilo("node2").power.off();
    emu().world.sync();
    await link.idle();
    expect(ready()).toEqual({ db: true, bare: false });
    await clientsFor(emu()).ilo("node2").power.on();
    emu().clock.advance(POWER_ON_AND_POST_MS);
    emu().world.sync();
    await link.idle();
    expect(ready()).toEqual({ db: true, bare: true });
    await link.stop();
    await link.stop(); // idempotent
    const before = calls.length;
    await clientsFor(emu()).ilo("node1").power.off();
    emu().world.sync();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.length).toBe(before);
    expect(ready()).toEqual({ db: true, bare: true });
  });
});
