/**
 * The OpenNebula part of the World, through the public OpenNebula and Ceph clients: host states
 * follow iLO power, VMs go UNKNOWN and back, images are RBD images, VM disks are clones.
 */
import { createEmulator, defaultTopology, type Emulator, useEmulator } from "@homelab-kit/emulator/world";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientsFor, oneClientFor } from "./world-helpers.js";

const emu = useEmulator({ beforeEach, afterEach });
const BOOT_MS = 2_000 + 30_000;

const oneClient = (emulator: Emulator = emu()) => oneClientFor(emulator);

async function hostStates(one: ReturnType<typeof oneClient>) {
  const pool = await one.hostpool.info();
  return Object.fromEntries(pool.map((h) => [h.NAME, h.STATE.name]));
}

async function vmStates(one: ReturnType<typeof oneClient>) {
  const vms: Record<string, string> = {};
  for await (const vm of one.vmpool.iterate({ filter: -2 }))
    vms[vm.NAME] = `${vm.STATE.name}/${vm.LCM_STATE.name}`;
  return vms;
}

async function powerOnAll() {
  const { ilo } = clientsFor(emu());
  for (const host of ["node1", "node2", "node3"]) await ilo(host).power.on();
  emu().clock.advance(BOOT_MS);
}

describe("World: OpenNebula", () => {
  it("hosts carry the physical figures; switched-off hosts are ERROR and their VMs UNKNOWN", async () => {
    const one = oneClient();
    const pool = await one.hostpool.info();
    expect(pool.map((h) => [h.NAME, h.HOST_SHARE.TOTAL_CPU, h.HOST_SHARE.TOTAL_MEM])).toEqual([
      ["node1", 1600, 36 * 1024 * 1024],
      ["node2", 1600, 47 * 1024 * 1024],
      ["node3", 1600, 49 * 1024 * 1024],
    ]);
    expect(await hostStates(one)).toEqual({ node1: "ERROR", node2: "ERROR", node3: "ERROR" });
    expect(await vmStates(one)).toEqual({ mysql: "ACTIVE/UNKNOWN", prometheus: "ACTIVE/UNKNOWN" });
  });

  it("power on through iLO: hosts MONITORED after POST, VMs RUNNING; power one off: ERROR and UNKNOWN", async () => {
    const one = oneClient();
    await powerOnAll();
    expect(await hostStates(one)).toEqual({ node1: "MONITORED", node2: "MONITORED", node3: "MONITORED" });
    expect(await vmStates(one)).toEqual({ mysql: "ACTIVE/RUNNING", prometheus: "ACTIVE/RUNNING" });
    await clientsFor(emu()).ilo("node1").power.off();
    expect(await hostStates(one)).toMatchObject({ node1: "ERROR", node2: "MONITORED" });
    expect(await vmStates(one)).toEqual({ mysql: "ACTIVE/UNKNOWN", prometheus: "ACTIVE/RUNNING" });
  });

  it("an image in the Ceph datastore is the RBD image one-<id>; VM disks are its clones; deleting the image removes it", async () => {
    const one = oneClient();
    const { ceph } = clientsFor(emu());
    await powerOnAll();
    const names = async () => (await ceph.rbd.images.list({ pool: "rbd" })).images.map((i) => i.name).sort();
    expect(await names()).toEqual(["one-0", "one-0-0-0", "one-0-1-0"]);
    const clone = await ceph.rbd.images.get({ pool: "rbd", image: "one-0-0-0" });
    expect(clone.parent).toMatchObject({ pool_name: "rbd", image_name: "one-0", snap_name: "snap" });

    const datastores = await one.datastorepool.info();
    const ds = datastores.find((d) => d.NAME === "ceph-images");
    if (ds === undefined) throw new Error("no ceph-images datastore");
    const id = await one.image.allocate('NAME="data"\nTYPE="DATABLOCK"\nSIZE="1024"', ds.ID);
    expect(await names()).toContain(`one-${id}`);
    expect((await ceph.rbd.images.get({ pool: "rbd", image: `one-${id}` })).size).toBe(1024 * 1024 * 1024);
    emu().clock.advance(5_000); // the image leaves LOCKED
    await one.image.delete(id);
    expect(await names()).not.toContain(`one-${id}`);
  });

  it("an image lives in its datastore's POOL_NAME pool: SOURCE <pool>/one-<id>, the RBD image there and only there", async () => {
    const topology = defaultTopology();
    const emulator = createEmulator({
      checkInvariants: true,
      topology: {
        ...topology,
        ceph: {
          ...topology.ceph,
          pools: [...(topology.ceph?.pools ?? []), { name: "vmimages", pgNum: 8, applications: ["rbd"] }],
        },
        opennebula: {
          ...topology.opennebula,
          datastores: [
            ...(topology.opennebula?.datastores ?? []),
            { name: "fast-images", type: "image", driver: "ceph", pool: "vmimages" },
          ],
        },
      },
    });
    try {
      const one = oneClient(emulator);
      const { ceph } = clientsFor(emulator);
      const names = async (pool: string) =>
        (await ceph.rbd.images.list({ pool })).images.map((i) => i.name).sort();
      const byName = Object.fromEntries((await one.datastorepool.info()).map((d) => [d.NAME, d.ID]));
      const inRbd = await one.image.allocate(
        'NAME="a"\nTYPE="DATABLOCK"\nSIZE="64"',
        byName["ceph-images"] ?? -1,
      );
      const inFast = await one.image.allocate(
        'NAME="b"\nTYPE="DATABLOCK"\nSIZE="64"',
        byName["fast-images"] ?? -1,
      );
      expect((await one.image.info(inRbd)).SOURCE).toBe(`rbd/one-${inRbd}`);
      expect((await one.image.info(inFast)).SOURCE).toBe(`vmimages/one-${inFast}`);
      expect(await names("vmimages")).toEqual([`one-${inFast}`]);
      expect(await names("rbd")).toContain(`one-${inRbd}`);
      expect(await names("rbd")).not.toContain(`one-${inFast}`);
      emulator.clock.advance(5_000);
      await one.image.delete(inFast);
      expect(await names("vmimages")).toEqual([]);
      expect(emulator.world.violations).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it("a VM disk snapshot is the RBD snapshot @<id> of the VM's clone; deleting it removes that snapshot", async () => {
    const one = oneClient();
    const { ceph } = clientsFor(emu());
    await powerOnAll();
    const snaps = async () =>
      (await ceph.rbd.images.get({ pool: "rbd", image: "one-0-0-0" })).snapshots.map((s) => s.name);
    expect(await snaps()).toEqual([]);
    const first = await one.vm.disksnapshotcreate(0, 0, "before-upgrade");
    emu().clock.advance(2_000);
    const second = await one.vm.disksnapshotcreate(0, 0, "after-upgrade");
    emu().clock.advance(2_000);
    expect(await snaps()).toEqual([String(first), String(second)]);
    // the active snapshot cannot go: power off, revert to the first (a rollback keeps both), delete the second
    await one.vm.action("poweroff", 0);
    emu().clock.advance(5_000);
    await one.vm.disksnapshotrevert(0, 0, first);
    emu().clock.advance(2_000);
    expect(await snaps()).toEqual([String(first), String(second)]);
    await one.vm.disksnapshotdelete(0, 0, second);
    emu().clock.advance(2_000);
    expect(await snaps()).toEqual([String(first)]);
    // the image the clone comes from keeps only its own `snap`
    expect((await ceph.rbd.images.get({ pool: "rbd", image: "one-0" })).snapshots.map((s) => s.name)).toEqual(
      ["snap"],
    );
  });

  it("a persistent image's disk snapshots are RBD snapshots of one-<img>; flattening the image removes them", async () => {
    const one = oneClient();
    const { ceph } = clientsFor(emu());
    await powerOnAll();
    const ds = (await one.datastorepool.info()).find((d) => d.NAME === "ceph-images");
    if (ds === undefined) throw new Error("no ceph-images datastore");
    const img = await one.image.allocate(
      'NAME="db-data"\nTYPE="DATABLOCK"\nSIZE="2048"\nPERSISTENT="YES"',
      ds.ID,
    );
    emu().clock.advance(5_000);
    await one.vm.attach(0, `DISK=[IMAGE_ID="${img}"]`);
    emu().clock.advance(2_000);
    const disk = (await one.vm.info(0)).TEMPLATE.DISK?.find((d) => Number(d.IMAGE_ID) === img);
    if (disk === undefined) throw new Error("disk not attached");
    const diskId = Number(disk.DISK_ID);
    const snaps = async () =>
      (await ceph.rbd.images.get({ pool: "rbd", image: `one-${img}` })).snapshots.map((s) => s.name);
    const first = await one.vm.disksnapshotcreate(0, diskId, "a");
    emu().clock.advance(2_000);
    expect(await snaps()).toEqual(["snap", String(first)]);
    // the VM lets the image go (terminated): the image keeps its disk's snapshots, as oned does
    await one.vm.action("terminate-hard", 0);
    emu().clock.advance(10_000);
    expect((await one.image.info(img)).SNAPSHOTS.SNAPSHOT?.map((s) => s.ID)).toEqual([first]);
    await one.image.snapshotflatten(img, first);
    emu().clock.advance(5_000);
    expect(await snaps()).toEqual(["snap"]);
  });

  it("a VM from the k8s-node template gets a clone disk and an address from the range, and counts against the host", async () => {
    const one = oneClient();
    const { ceph } = clientsFor(emu());
    await powerOnAll();
    const templates = await one.templatepool.info(-2, -1, -1);
    const k8s = templates.find((t) => t.NAME === "k8s-node");
    if (k8s === undefined) throw new Error("no k8s-node template");
    const id = await one.template.instantiate(k8s.ID, "k8s-1");
    expect((await one.vm.info(id)).STATE.name).toBe("PENDING");
    emu().clock.advance(5_000 + 3_000 + 2_000); // scheduler, PROLOG, BOOT
    const vm = await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", { interval: 0, timeout: 1_000 });
    expect(vm.state).toBe("ACTIVE");
    const info = await one.vm.info(id);
    const nic = info.TEMPLATE.NIC?.[0];
    expect(nic?.IP).toMatch(/^192\.168\.1\.(1[0-4]\d|149)$/);
    const images = (await ceph.rbd.images.list({ pool: "rbd" })).images.map((i) => i.name);
    expect(images).toContain(`one-0-${id}-0`);
    // a VM of a template with a Kubespray role is a Kubernetes node record on its host
    const node = emu().world.kubernetes.nodes.get("k8s-1");
    expect(node).toMatchObject({ vm: "k8s-1", roles: ["worker"], ready: true });
    await clientsFor(emu())
      .ilo(node?.host ?? "")
      .power.off();
    emu().world.sync();
    expect(emu().world.kubernetes.nodes.get("k8s-1")?.ready).toBe(false);
    await clientsFor(emu())
      .ilo(node?.host ?? "")
      .power.on();
    emu().clock.advance(BOOT_MS);
    const used = (await one.hostpool.info()).reduce((sum, h) => sum + h.HOST_SHARE.MEM_USAGE, 0);
    expect(used).toBe((4096 + 4096 + 8192) * 1024);
  });

  it("a snapshot keeps the OpenNebula state: VMs and their states survive a restore", async () => {
    const first = emu();
    await powerOnAll();
    const { snapshotWorld, restoreWorld } = await import("@homelab-kit/emulator/world");
    const snapshot = JSON.parse(JSON.stringify(snapshotWorld(first.world)));
    const second = createEmulator({ checkInvariants: true });
    restoreWorld(second.world, snapshot);
    expect(await vmStates(oneClient(second))).toEqual({
      mysql: "ACTIVE/RUNNING",
      prometheus: "ACTIVE/RUNNING",
    });
    expect(await hostStates(oneClient(second))).toEqual({
      node1: "MONITORED",
      node2: "MONITORED",
      node3: "MONITORED",
    });
  });
});
