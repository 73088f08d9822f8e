/**
 * Snapshot and restore of a World, through the public clients: what is in flight (hosts in POST,
 * VMs booting, Ceph tasks running) finishes on the restored clock; a restore is a restart for
 * sessions (tokens are refused, clients with a password log in again); ids continue.
 */
import { createCephClient } from "@homelab-kit/ceph";
import { HttpError } from "@homelab-kit/core";
import { createEmulator, type Emulator, restoreWorld, snapshotWorld } from "@homelab-kit/emulator/world";
import { afterEach, describe, expect, it } from "vitest";
import { rpcClient } from "./opennebula-rpc.js";
import { clientsFor, oneClientFor } from "./world-helpers.js";

const emulators: Emulator[] = [];
afterEach(async () => {
  for (const e of emulators.splice(0)) {
    expect(e.world.violations).toEqual([]);
    await e.close();
  }
});

function fresh(): Emulator {
  const e = createEmulator({ checkInvariants: true });
  emulators.push(e);
  return e;
}

/** Through JSON, as `GET`/`PUT /_emulator/state` and `--state FILE` carry it. */
function restart(from: Emulator): Emulator {
  const to = fresh();
  restoreWorld(to.world, JSON.parse(JSON.stringify(snapshotWorld(from.world))));
  return to;
}

const oneClient = (e: Emulator) => oneClientFor(e);

describe("World snapshot/restore", () => {
  it("a host in POST and a VM booting come back in flight and finish on the restored clock", async () => {
    const first = fresh();
    const { ilo } = clientsFor(first);
    await ilo("node1").power.on();
    await ilo("node2").power.on();
    first.clock.advance(32_000);
    const one = oneClient(first);
    const k8s = (await one.templatepool.info(-2, -1, -1)).find((t) => t.NAME === "k8s-node");
    if (k8s === undefined) throw new Error("no k8s-node template");
    const id = await one.template.instantiate(k8s.ID, "k8s-1");
    await ilo("node3").power.on();
    first.clock.advance(6_000); // scheduled, in PROLOG; node3 in POST
    expect((await one.vm.info(id)).LCM_STATE.name).toBe("PROLOG");

    const second = restart(first);
    const restored = oneClient(second);
    const { ceph } = clientsFor(second);
    expect((await restored.vm.info(id)).LCM_STATE.name).toBe("PROLOG");
    const node3Up = async () =>
      (await ceph.osds.list()).filter((o) => o.host.name === "node3").map((o) => o.up);
    expect(await node3Up()).toEqual([0, 0]);
    expect(await clientsFor(second).ilo("node3").power.get()).toBe("On");

    second.clock.advance(30_000);
    const vm = await restored.vm.info(id);
    expect(`${vm.STATE.name}/${vm.LCM_STATE.name}`).toBe("ACTIVE/RUNNING");
    expect(await node3Up()).toEqual([1, 1]);
    expect((await ceph.health.minimal()).health.status).toBe("HEALTH_OK");
    expect(second.world.kubernetes.nodes.get("k8s-1")?.ready).toBe(true);
  });

  it("a Ceph task still running comes back listed and ends failed at its time, nothing applied", async () => {
    const first = fresh();
    const cephState = first.world.ceph;
    if (cephState === undefined) throw new Error("no Ceph");
    cephState.taskDurations["rbd/create"] = 60_000; // longer than the dashboard's 2 s wait: a 202 task
    const { ceph } = clientsFor(first);
    const abort = new AbortController();
    const creating = ceph.rbd.images
      .create({ name: "big", pool_name: "rbd", size: 1 << 30 }, { signal: abort.signal })
      .catch((error: unknown) => error);
    let executing: string[] = [];
    for (let i = 0; i < 50 && executing.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      executing = (await ceph.tasks.list()).executing_tasks.map((t) => t.name);
    }
    expect(executing).toEqual(["rbd/create"]);
    const second = restart(first);
    abort.abort();
    await creating;

    const restored = clientsFor(second).ceph;
    expect((await restored.tasks.list()).executing_tasks.map((t) => t.name)).toEqual(["rbd/create"]);
    second.clock.advance(59_000);
    expect((await restored.tasks.list()).executing_tasks).toHaveLength(1);
    second.clock.advance(1_000);
    const tasks = await restored.tasks.list({ name: "rbd/create" });
    expect(tasks.executing_tasks).toEqual([]);
    expect(tasks.finished_tasks[0]).toMatchObject({ name: "rbd/create", success: false });
    expect(JSON.stringify(tasks.finished_tasks[0]?.exception)).toContain("restored from a snapshot");
    const names = (await restored.rbd.images.list({ pool: "rbd" })).images.map((i) => i.name);
    expect(names).not.toContain("big");
  });

  it("a restore is a restart for sessions: old Ceph tokens are refused, password clients log in again; ids continue", async () => {
    const e = fresh();
    const { ceph } = clientsFor(e);
    const { token } = await ceph.auth.login();
    const endpoint = e.ceph;
    if (endpoint === undefined) throw new Error("no Ceph");
    const byToken = createCephClient({
      baseUrl: "https://ceph.test",
      token,
      transport: endpoint.transport(),
    });
    expect((await byToken.health.minimal()).health.status).toBeTypeOf("string");
    await ceph.pools.create({ pool: "extra", pool_type: "replicated", pg_num: 8 });
    const before = await ceph.pools.list();

    restoreWorld(e.world, JSON.parse(JSON.stringify(snapshotWorld(e.world))));
    await expect(byToken.health.minimal()).rejects.toSatisfy(
      (x) => x instanceof HttpError && x.status === 401,
    );
    expect((await ceph.health.minimal()).health.status).toBeTypeOf("string"); // logged in again
    await ceph.pools.create({ pool: "after", pool_type: "replicated", pg_num: 8 });
    const ids = (await ceph.pools.list()).map((p) => p.pool ?? -1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBeGreaterThan(Math.max(...before.map((p) => p.pool ?? -1)));
  });

  it("faults stay with the emulator that injected them: a restored world neither carries nor loses its own", async () => {
    const first = fresh();
    const { ilo } = clientsFor(first);
    for (const host of ["node1", "node2", "node3"]) await ilo(host).power.on();
    first.clock.advance(32_000);
    first.faults.addWorld({ kind: "osd-wont-start", osd: 0 });
    first.faults.addWorld({ kind: "power-on-fails", host: "node2" });
    expect((await clientsFor(first).ceph.health.minimal()).health.status).toBe("HEALTH_WARN");
    // a fault applies from when it is set: the power-on that came due before it still happened
    expect(await ilo("node2").power.get()).toBe("On");

    const second = restart(first);
    expect(second.faults.listWorld()).toEqual([]);
    const { ceph } = clientsFor(second);
    expect((await ceph.osds.list()).map((o) => `${o.osd}:${o.up}`)).toEqual([
      "0:1",
      "1:1",
      "2:1",
      "3:1",
      "4:1",
      "5:1",
    ]);
    expect((await ceph.health.minimal()).health.status).toBe("HEALTH_OK");
    await clientsFor(second).ilo("node2").power.off();
    second.clock.advance(10_000);
    await clientsFor(second).ilo("node2").power.on();
    second.clock.advance(32_000);
    expect(await clientsFor(second).ilo("node2").power.get()).toBe("On");

    const held = fresh();
    held.faults.addWorld({ kind: "osd-wont-start", osd: 5 });
    restoreWorld(held.world, JSON.parse(JSON.stringify(snapshotWorld(second.world))));
    const osds = await clientsFor(held).ceph.osds.list();
    expect(osds.filter((o) => o.up === 0).map((o) => o.osd)).toEqual([5]);
  });

  it("a VM terminating when the snapshot was taken finishes after the restore: its lease and image are let go", async () => {
    const first = fresh();
    const { ilo } = clientsFor(first);
    for (const host of ["node1", "node2", "node3"]) await ilo(host).power.on();
    first.clock.advance(32_000);
    const one = oneClient(first);
    const vm = await one.vm.info(0);
    expect(vm.LCM_STATE.name).toBe("RUNNING");
    const ip = vm.TEMPLATE.NIC?.[0]?.IP;
    const lan = Number(vm.TEMPLATE.NIC?.[0]?.NETWORK_ID);
    const leasedIps = async (c: ReturnType<typeof oneClient>) =>
      (await c.vn.info(lan)).AR_POOL.AR.flatMap((ar) => ar.LEASES?.LEASE ?? []).map((l) => l.IP);
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await leasedIps(one)).toContain(ip);
    await one.vm.action("terminate", 0);
    first.clock.advance(2_500); // SHUTDOWN done, in EPILOG
    expect((await one.vm.info(0)).LCM_STATE.name).toBe("EPILOG");

    const second = restart(first);
    second.clock.advance(5_000);
    const after = oneClient(second);
    expect((await after.vm.info(0)).STATE.name).toBe("DONE");
    expect(await leasedIps(after)).not.toContain(ip);
  });

  it("every OpenNebula object comes back: each pool answers the same document, new ids continue", async () => {
    const first = fresh();
    const rpc = (e: Emulator) => {
      if (e.opennebula === undefined) throw new Error("no OpenNebula");
      return rpcClient(e.opennebula.transport());
    };
    const a = rpc(first);
    await a.ok("one.user.allocate", "alice", "pw", "");
    await a.ok(
      "one.secgroup.allocate",
      'NAME="web"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND", RANGE="80:443"]',
    );
    await a.ok("one.vmgroup.allocate", 'NAME="db"\nROLE=[NAME="primary", POLICY="ANTI_AFFINED"]');
    const rule = Number(await a.ok("one.acl.addrule", "100000002", "1000400000000", "3", ""));
    await a.ok("one.vm.allocate", 'NAME="held"\nCPU=1\nMEMORY=64', true);
    const pools: [string, ...(number | boolean | string)[]][] = [
      ["one.userpool.info"],
      ["one.grouppool.info"],
      ["one.clusterpool.info"],
      ["one.hostpool.info"],
      ["one.datastorepool.info"],
      ["one.imagepool.info", -2, -1, -1],
      ["one.vnpool.info", -2, -1, -1],
      ["one.templatepool.info", -2, -1, -1],
      ["one.vmpool.infoextended", -2, -1, -1, -1],
      ["one.secgrouppool.info", -2, -1, -1],
      ["one.vmgrouppool.info", -2, -1, -1],
      ["one.acl.info"],
    ];
    const documents = async (e: Emulator) =>
      Promise.all(pools.map(([method, ...params]) => rpc(e).ok(method, ...params)));
    const before = await documents(first);
    const second = restart(first);
    expect(await documents(second)).toEqual(before);
    expect(String(before.at(-1))).toContain(`<ID>${rule}</ID>`);
    const b = rpc(second);
    expect(await b.ok("one.secgroup.allocate", 'NAME="db"')).toBe(2);
    expect(await b.ok("one.acl.addrule", "@1", "1000400000000", "1", "")).toBe(rule + 1);
  });
});
