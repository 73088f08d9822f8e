/**
 * VM device and disk operations: diskresize, disksaveas, disksnapshotrename, attachpci/detachpci,
 * attachsg/detachsg, updatenic, updateconf — raw XML-RPC (oned's codes and messages) and through
 * the real client (its zod models validate the documents).
 */
import { describe, expect, it } from "vitest";
import { elements, field, stateOf } from "./opennebula-rpc.js";
import { poweredOff, regularUser, running, type Setup, setup2023 as setup } from "./opennebula-setup.js";

// Default timings: schedule 5 s, prolog 3 s, boot 2 s, shutdown 2 s, hotplug 1 s, imageCopy 2 s.

/** A VM on a persistent DATABLOCK image `img` (100 MB), RUNNING. */
async function persistentDiskVm() {
  const s = setup();
  const img = Number(
    await s.ok("one.image.allocate", 'NAME="p"\nTYPE="DATABLOCK"\nSIZE="100"\nPERSISTENT="YES"', 1, false),
  );
  s.clock.advance(2_000);
  const id = Number(
    await s.ok("one.vm.allocate", `NAME="v"\nCPU=1\nMEMORY=64\nDISK=[IMAGE_ID="${img}"]`, false),
  );
  s.clock.advance(10_000);
  return { s, img, id };
}

/** A regular user "alice" (group users) and her session. */
const alice = (s: Setup) => regularUser(s, "alice", "alice-pw");

const disks = (xml: string) => elements(xml, "DISK");
const nics = (xml: string) => elements(xml, "NIC");
const pcis = (xml: string) => elements(xml, "PCI");
const rules = (xml: string) => elements(xml, "SECURITY_GROUP_RULE");
/** The TEMPLATE element of a VM document (not USER_TEMPLATE). */
const template = (xml: string) => /<TEMPLATE>.*?<\/TEMPLATE>/.exec(xml)![0];

describe("OpenNebula emulator: one.vm.diskresize", () => {
  it("grows a disk of a RUNNING VM through DISK_RESIZE, keeping SIZE_PREV while it lasts", async () => {
    const s = setup();
    const id = await running(s);
    expect(await s.ok("one.vm.diskresize", id, 0, "10240")).toBe(id);
    let xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 62]);
    expect(field(disks(xml)[0]!, "SIZE")).toBe("10240");
    expect(field(disks(xml)[0]!, "SIZE_PREV")).toBe("3584");
    s.clock.advance(1_000);
    xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 3]);
    expect(field(disks(xml)[0]!, "SIZE")).toBe("10240");
    expect(disks(xml)[0]).not.toContain("SIZE_PREV");
    expect(disks(xml)[0]).not.toContain("RESIZE");
  });

  it("uses DISK_RESIZE_POWEROFF and DISK_RESIZE_UNDEPLOYED and goes back to the same state", async () => {
    const s = setup();
    const off = await poweredOff(s);
    await s.ok("one.vm.diskresize", off, 0, "4096");
    expect(await s.vmState(off)).toEqual([3, 63]);
    s.clock.advance(1_000);
    expect(await s.vmState(off)).toEqual([8, 0]);
    await s.ok("one.vm.action", "undeploy", off);
    s.clock.advance(5_000);
    expect(await s.vmState(off)).toEqual([9, 0]);
    await s.ok("one.vm.diskresize", off, 0, "8192");
    expect(await s.vmState(off)).toEqual([3, 64]);
    s.clock.advance(1_000);
    expect(await s.vmState(off)).toEqual([9, 0]);
    expect(field(disks(await s.info(off))[0]!, "SIZE")).toBe("8192");
  });

  it("grows the image of a persistent disk with it", async () => {
    const { s, img, id } = await persistentDiskVm();
    await s.ok("one.vm.diskresize", id, 0, "300");
    expect(field(String(await s.ok("one.image.info", img)), "SIZE")).toBe("100");
    s.clock.advance(1_000);
    expect(field(String(await s.ok("one.image.info", img)), "SIZE")).toBe("300");
  });

  it("refuses a bad size, a smaller size, an unknown disk and wrong states with oned's messages", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.call("one.vm.diskresize", id, 0, "10G")).toMatchObject({
      kind: "error",
      code: 0x800,
      message: "[one.vm.diskresize] Disk SIZE is not a valid integer",
    });
    expect(await s.call("one.vm.diskresize", id, 7, "10240")).toMatchObject({
      code: 0x800,
      respId: id,
      message: "[one.vm.diskresize] VM disk does not exist",
    });
    expect(await s.call("one.vm.diskresize", id, 0, "3584")).toMatchObject({
      code: 0x800,
      message: "[one.vm.diskresize] New disk size has to be greater than current one",
    });
    expect(await s.call("one.vm.diskresize", id, 0, "5000")).toMatchObject({
      code: 0x800,
      respId: id,
      message: `[one.vm.diskresize] Could not resize disk for VM ${id}, wrong state PENDING.`,
    });
    s.clock.advance(10_000);
    await s.ok("one.vm.diskresize", id, 0, "5000");
    // Busy in DISK_RESIZE: a second resize waits for RUNNING.
    expect(await s.call("one.vm.diskresize", id, 0, "6000")).toMatchObject({
      code: 0x800,
      message: `[one.vm.diskresize] Could not resize disk for VM ${id}, wrong state DISK_RESIZE.`,
    });
    expect(await s.call("one.vm.diskresize", 99, 0, "6000")).toMatchObject({
      code: 0x400,
      respId: 99,
      message: "[one.vm.diskresize] Error getting virtual machine [99].",
    });
    // new_size is a string: an <int> is a type fault before anything else.
    expect(await s.call("one.vm.diskresize", id, 0, 6000)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("needs MANAGE on the VM and honours locks", async () => {
    const s = setup();
    const id = await running(s);
    const { id: uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.diskresize", id, 0, "9000")).toMatchObject({
      code: 0x200,
      message: `[one.vm.diskresize] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    await s.ok("one.vm.lock", id, 2, false);
    expect(await s.call("one.vm.diskresize", id, 0, "9000")).toMatchObject({
      code: 0x200,
      message: `[one.vm.diskresize] User [0] : VM is locked. [${id}].`,
    });
  });
});

describe("OpenNebula emulator: one.vm.disksaveas", () => {
  it("saves a disk of a RUNNING VM as a new image: HOTPLUG_SAVEAS while the image is LOCKED", async () => {
    const s = setup();
    const id = await running(s);
    const img = Number(await s.ok("one.vm.disksaveas", id, 0, "golden", "", -1));
    let xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 26]);
    const disk = disks(xml)[0]!;
    expect(field(disk, "HOTPLUG_SAVE_AS")).toBe(String(img));
    expect(field(disk, "HOTPLUG_SAVE_AS_ACTIVE")).toBe("YES");
    expect(field(disk, "HOTPLUG_SAVE_AS_SNAPSHOT_ID")).toBe("-1");
    let image = String(await s.ok("one.image.info", img));
    expect(field(image, "STATE")).toBe("4");
    expect(field(image, "NAME")).toBe("golden");
    expect(field(image, "TYPE")).toBe("0");
    expect(field(image, "SIZE")).toBe("3584");
    expect(field(image, "DATASTORE_ID")).toBe("1");
    expect(field(image, "SAVED_VM_ID")).toBe(String(id));
    expect(field(image, "SAVED_IMAGE_ID")).toBe("0");
    expect(field(image, "SAVED_DISK_ID")).toBe("0");
    expect(field(image, "SOURCE")).toBe(`one/one-${img}`);
    s.clock.advance(2_000);
    xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 3]);
    expect(disks(xml)[0]).not.toContain("HOTPLUG_SAVE_AS");
    image = String(await s.ok("one.image.info", img));
    expect(field(image, "STATE")).toBe("1");
  });

  it("works from POWEROFF, SUSPENDED, UNDEPLOYED and STOPPED, with a type and from a disk snapshot", async () => {
    const s = setup();
    const off = await poweredOff(s);
    const snap = Number(await s.ok("one.vm.disksnapshotcreate", off, 0, "base"));
    s.clock.advance(1_000);
    const img = Number(await s.ok("one.vm.disksaveas", off, 0, "from-snap", "datablock", snap));
    expect(await s.vmState(off)).toEqual([3, 27]);
    expect(field(disks(await s.info(off))[0]!, "HOTPLUG_SAVE_AS_SNAPSHOT_ID")).toBe(String(snap));
    expect(field(String(await s.ok("one.image.info", img)), "TYPE")).toBe("2");
    s.clock.advance(2_000);
    expect(await s.vmState(off)).toEqual([8, 0]);
    await s.ok("one.vm.action", "undeploy", off);
    s.clock.advance(5_000);
    await s.ok("one.vm.disksaveas", off, 0, "undeployed", "", -1);
    expect(await s.vmState(off)).toEqual([3, 67]);
    s.clock.advance(2_000);
    expect(await s.vmState(off)).toEqual([9, 0]);

    const sus = await running(s);
    await s.ok("one.vm.action", "suspend", sus);
    s.clock.advance(2_000);
    await s.ok("one.vm.disksaveas", sus, 0, "suspended", "", -1);
    expect(await s.vmState(sus)).toEqual([3, 28]);
    s.clock.advance(2_000);
    expect(await s.vmState(sus)).toEqual([5, 0]);
    await s.ok("one.vm.action", "resume", sus);
    s.clock.advance(2_000);
    await s.ok("one.vm.action", "stop", sus);
    s.clock.advance(3_000);
    expect(await s.vmState(sus)).toEqual([4, 0]);
    await s.ok("one.vm.disksaveas", sus, 0, "stopped", "", -1);
    expect(await s.vmState(sus)).toEqual([3, 68]);
    s.clock.advance(2_000);
    expect(await s.vmState(sus)).toEqual([4, 0]);
  });

  it("refuses wrong states, missing disks, volatile disks, unknown snapshots, bad types and taken names", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.call("one.vm.disksaveas", id, 0, "x", "", -1)).toMatchObject({
      code: 0x2000,
      respId: id,
      message: "[one.vm.disksaveas] VM has to be RUNNING, POWEROFF or SUSPENDED to save disks.",
    });
    s.clock.advance(10_000);
    expect(await s.call("one.vm.disksaveas", id, 4, "x", "", -1)).toMatchObject({
      code: 0x2000,
      message: "[one.vm.disksaveas] Cannot use DISK. DISK does not exist.",
    });
    await s.ok("one.vm.attach", id, 'DISK=[TYPE="fs", SIZE="64"]');
    s.clock.advance(1_000);
    expect(await s.call("one.vm.disksaveas", id, 2, "x", "", -1)).toMatchObject({
      code: 0x2000,
      message: "[one.vm.disksaveas] Cannot use DISK. DISK does not have a valid IMAGE_ID.",
    });
    expect(await s.call("one.vm.disksaveas", id, 0, "x", "", 3)).toMatchObject({
      code: 0x2000,
      message: "[one.vm.disksaveas] Cannot use DISK. Snapshot does not exist.",
    });
    expect(await s.call("one.vm.disksaveas", id, 0, "x", "KERNELX", -1)).toMatchObject({
      code: 0x4000,
      message: "[one.vm.disksaveas] Error allocating a new image. Unknown type KERNELX",
    });
    expect(await s.call("one.vm.disksaveas", id, 0, "ubuntu-24.04", "", -1)).toMatchObject({
      code: 0x4000,
      message: "[one.vm.disksaveas] Error allocating a new image. NAME is already taken by IMAGE 0.",
    });
    // Nothing changed by the refusals: the VM is still RUNNING, no image was made.
    expect(await s.vmState(id)).toEqual([3, 3]);
    expect(String(await s.ok("one.imagepool.info", -2, -1, -1)).match(/<IMAGE>/g)).toHaveLength(1);
    expect(await s.call("one.vm.disksaveas", id, 0, "x", "")).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    // The image datastore must hold the disk (FREE_MB = TOTAL_MB - its images).
    s.emulator.state.datastores.get(1)!.totalMb = 3584 + 3000;
    expect(await s.call("one.vm.disksaveas", id, 0, "x", "", -1)).toMatchObject({
      code: 0x800,
      respId: id,
      message: "[one.vm.disksaveas] Not enough space in datastore",
    });
  });

  it("a regular user saves her own VM's disk as her image; others are refused", async () => {
    const s = setup();
    const id = await running(s);
    const { id: uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.disksaveas", id, 0, "mine", "", -1)).toMatchObject({
      code: 0x200,
      message: `[one.vm.disksaveas] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    expect(await s.vmState(id)).toEqual([3, 3]);
    await s.ok("one.vm.chown", id, uid, 1);
    // The image datastore is oneadmin's (USE for others unset): she needs USE on it too.
    expect(await rpc.call("one.vm.disksaveas", id, 0, "mine", "", -1)).toMatchObject({
      code: 0x200,
      message: `[one.vm.disksaveas] User [${uid}] : Not authorized to perform USE DATASTORE [1].`,
    });
    await s.ok("one.datastore.chmod", 1, -1, -1, -1, -1, -1, -1, 1, -1, -1);
    const img = Number(await rpc.ok("one.vm.disksaveas", id, 0, "mine", "", -1));
    expect(field(String(await rpc.ok("one.image.info", img)), "UNAME")).toBe("alice");
  });

  it("through the client: the VM and image documents parse", async () => {
    const s = setup();
    const id = await running(s);
    const img = await s.one.vm.disksaveas(id, 0, "via-client", "", -1);
    const vm = await s.one.vm.info(id);
    expect(vm.LCM_STATE.name).toBe("HOTPLUG_SAVEAS");
    expect(vm.TEMPLATE.DISK[0]?.HOTPLUG_SAVE_AS).toBe(String(img));
    const image = await s.one.image.info(img);
    expect(image.NAME).toBe("via-client");
    s.clock.advance(2_000);
    expect((await s.one.vm.info(id)).LCM_STATE.name).toBe("RUNNING");
  });
});

describe("OpenNebula emulator: one.vm.disksnapshotrename", () => {
  it("renames a disk snapshot in any state; unknown disks and snapshots are ACTION", async () => {
    const s = setup();
    const id = await running(s);
    const snap = Number(await s.ok("one.vm.disksnapshotcreate", id, 0, "before"));
    s.clock.advance(1_000);
    await s.ok("one.vm.action", "poweroff", id);
    expect(await s.ok("one.vm.disksnapshotrename", id, 0, snap, "after <upgrade>")).toBe(id);
    const xml = await s.info(id);
    expect(xml).toContain("<NAME>after &lt;upgrade&gt;</NAME>");
    expect(stateOf(xml)).toEqual([3, 18]);
    expect(await s.call("one.vm.disksnapshotrename", id, 3, snap, "x")).toMatchObject({
      code: 0x800,
      message: "[one.vm.disksnapshotrename] VM disk does not exist",
    });
    expect(await s.call("one.vm.disksnapshotrename", id, 0, 9, "x")).toMatchObject({
      code: 0x800,
      respId: id,
      message: "[one.vm.disksnapshotrename] Snapshot does not exist",
    });
    const { id: uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.disksnapshotrename", id, 0, snap, "x")).toMatchObject({
      code: 0x200,
      message: `[one.vm.disksnapshotrename] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    expect(await s.call("one.vm.disksnapshotrename", id, 0, "0", "x")).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    const vm = await s.one.vm.info(id);
    expect(vm.SNAPSHOTS[0]?.SNAPSHOT[0]?.NAME).toBe("after <upgrade>");
  });

  it("snapshot names are required parameters of snapshotcreate and disksnapshotcreate, as oned reads them", async () => {
    const s = setup();
    const id = await running(s);
    expect(await s.call("one.vm.disksnapshotcreate", id, 0)).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    expect(await s.call("one.vm.snapshotcreate", id)).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await s.vmState(id)).toEqual([3, 3]);
  });
});

describe("OpenNebula emulator: hot-plug checks in DispatchManager's order and words", () => {
  /** The snapshot tree of disk 0 as `id:parent` (active marked with *). */
  const tree = (xml: string) =>
    [
      ...xml.matchAll(
        /<SNAPSHOT>(<ACTIVE>YES<\/ACTIVE>)?(?:<CHILDREN>[\d,]+<\/CHILDREN>)?<DATE>\d+<\/DATE><ID>(\d+)<\/ID><NAME>[^<]*<\/NAME><PARENT>(-?\d+)<\/PARENT>/g,
      ),
    ].map((m) => `${m[2]}:${m[3]}${m[1] ? "*" : ""}`);

  it("checks the state before the object, with oned's messages", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    const cases: Array<[message: string, method: string, ...params: (number | string)[]]> = [
      [`Could not detach disk from VM ${id}, wrong state PENDING.`, "one.vm.detach", id, 7],
      [
        `Could not add a new NIC to VM ${id}, wrong state PENDING.`,
        "one.vm.attachnic",
        id,
        "NIC=[NETWORK_ID=0]",
      ],
      [`Could not detach NIC from VM ${id}, wrong state PENDING.`, "one.vm.detachnic", id, 7],
      [`Could not revert VM ${id} to snapshot 7, wrong state PENDING.`, "one.vm.snapshotrevert", id, 7],
      [`Could not delete snapshot 7 for VM ${id}, wrong state PENDING.`, "one.vm.snapshotdelete", id, 7],
      [
        `Could not create a new snapshot for VM ${id}, wrong state PENDING.`,
        "one.vm.disksnapshotcreate",
        id,
        0,
        "x",
      ],
      [
        `Could not revert to disk snapshot for VM ${id}, wrong state PENDING.`,
        "one.vm.disksnapshotrevert",
        id,
        0,
        7,
      ],
      [
        `Could not delete disk snapshot from VM ${id}, wrong state PENDING.`,
        "one.vm.disksnapshotdelete",
        id,
        0,
        7,
      ],
    ];
    for (const [message, method, ...params] of cases) {
      expect(await s.call(method, ...params)).toMatchObject({
        code: 0x800,
        respId: id,
        message: `[${method}] ${message}`,
      });
    }
    s.clock.advance(10_000);
    expect(await s.call("one.vm.snapshotdelete", id, 7)).toMatchObject({
      message: `[one.vm.snapshotdelete] Could not delete snapshot 7 for VM ${id}, it does not exist.`,
    });
    // The API layer checks the disk first (any state): volatile disks have no snapshots.
    expect(await s.call("one.vm.disksnapshotcreate", id, 5, "x")).toMatchObject({
      message: "[one.vm.disksnapshotcreate] VM disk does not exist",
    });
    await s.ok("one.vm.attach", id, 'DISK=[TYPE="fs", SIZE="64"]');
    s.clock.advance(1_000);
    expect(await s.call("one.vm.disksnapshotcreate", id, 2, "x")).toMatchObject({
      message: "[one.vm.disksnapshotcreate] Cannot make snapshots on volatile disks",
    });
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    expect(await s.call("one.vm.disksnapshotrevert", id, 0, 3)).toMatchObject({
      message: "[one.vm.disksnapshotrevert] Disk id (0) or snapshot id (3) is not valid.",
    });
  });

  it("attach and attachnic: oned's order (host, template, authorization, state, vector) and messages", async () => {
    const s = setup();
    const id = await running(s);
    const bad = await s.call("one.vm.attach", id, "DISK=[IMAGE_ID=0");
    expect(bad).toMatchObject({ kind: "error", code: 0x2000 });
    expect(await s.call("one.vm.attachnic", id, "NIC=[NETWORK_ID=0")).toMatchObject({ code: 0x2000 });
    expect(await s.call("one.vm.attachnic", id, 'NAME="x"')).toMatchObject({
      code: 0x800,
      message: "[one.vm.attachnic] Wrong format or missing NIC/NIC_ALIAS/PCI attribute",
    });
    expect(await s.call("one.vm.attachnic", id, 'PCI=[TYPE="GPU", CLASS="0302"]')).toMatchObject({
      code: 0x800,
      message: "[one.vm.attachnic] PCI device is not of type NIC",
    });
    // NIC/MAC is restricted: a regular user may attach a NIC to her VM, not choose its MAC.
    const { id: uid, rpc } = await alice(s);
    await s.ok("one.vm.chown", id, uid, 1);
    await s.ok("one.vn.chmod", 0, -1, -1, -1, -1, -1, -1, 1, -1, -1);
    expect(
      await rpc.call("one.vm.attachnic", id, 'NIC=[NETWORK_ID=0, MAC="02:00:00:00:00:01"]'),
    ).toMatchObject({
      code: 0x200,
      message: "[one.vm.attachnic] NIC includes a restricted attribute NIC",
    });
    expect(await rpc.ok("one.vm.attachnic", id, "NIC=[NETWORK_ID=0]")).toBe(id);
    s.clock.advance(1_000);
    // A STOPPED VM has a host in its history: the state check answers.
    await s.ok("one.vm.action", "stop", id);
    s.clock.advance(3_000);
    expect(await s.call("one.vm.attach", id, "DISK=[IMAGE_ID=0]")).toMatchObject({
      message: `[one.vm.attach] Could not attach a new disk to VM ${id}, wrong state STOPPED.`,
    });
  });

  it("takes and deletes disk snapshots of a SUSPENDED VM (DISK_SNAPSHOT_SUSPENDED, _DELETE_SUSPENDED)", async () => {
    const s = setup();
    const id = await running(s);
    await s.ok("one.vm.action", "suspend", id);
    s.clock.advance(2_000);
    expect(await s.ok("one.vm.disksnapshotcreate", id, 0, "asleep")).toBe(0);
    expect(await s.vmState(id)).toEqual([3, 54]);
    s.clock.advance(1_000);
    expect(await s.vmState(id)).toEqual([5, 0]);
    await s.ok("one.vm.disksnapshotdelete", id, 0, 0);
    expect(await s.vmState(id)).toEqual([3, 56]);
    s.clock.advance(1_000);
    expect(await s.vmState(id)).toEqual([5, 0]);
    // the disk keeps an empty snapshot list (oned 7.4)
    expect(await s.info(id)).toMatch(
      /<SNAPSHOTS><ALLOW_ORPHANS>\w+<\/ALLOW_ORPHANS><CURRENT_BASE>-1<\/CURRENT_BASE><DISK_ID>0<\/DISK_ID><NEXT_SNAPSHOT>1<\/NEXT_SNAPSHOT><\/SNAPSHOTS>/,
    );
  });

  it("deletes disk snapshots by oned's DENY rules: leaves and chain links, the active one moving to the parent", async () => {
    const s = setup();
    const id = await poweredOff(s);
    const snap = async (name: string) => {
      const n = Number(await s.ok("one.vm.disksnapshotcreate", id, 0, name));
      s.clock.advance(1_000);
      return n;
    };
    const del = (n: number) => s.call("one.vm.disksnapshotdelete", id, 0, n);
    await snap("a"); // 0
    await snap("b"); // 1 (child of 0)
    await snap("c"); // 2 (child of 1), active
    expect(tree(await s.info(id))).toEqual(["0:-1", "1:0", "2:1*"]);
    // A link of the chain goes: its child moves up to its parent.
    await s.ok("one.vm.disksnapshotdelete", id, 0, 1);
    s.clock.advance(1_000);
    expect(tree(await s.info(id))).toEqual(["0:-1", "2:0*"]);
    await s.ok("one.vm.disksnapshotrevert", id, 0, 0);
    s.clock.advance(1_000);
    await snap("d"); // 3 (second child of 0), active
    expect(await del(0)).toMatchObject({
      code: 0x800,
      message: "[one.vm.disksnapshotdelete] Cannot delete snapshot with more than one children",
    });
    expect(await del(2)).toMatchObject({ kind: "ok", value: id });
    s.clock.advance(1_000);
    // The active leaf goes: its parent becomes the active one.
    await s.ok("one.vm.disksnapshotdelete", id, 0, 3);
    s.clock.advance(1_000);
    expect(tree(await s.info(id))).toEqual(["0:-1*"]);
    await snap("e"); // 4, child of 0, active
    await s.ok("one.vm.disksnapshotrevert", id, 0, 0);
    s.clock.advance(1_000);
    expect(await del(0)).toMatchObject({
      message: "[one.vm.disksnapshotdelete] Cannot delete the active snapshot with children",
    });
  });

  it("keeps snapshot 0 of a persistent disk", async () => {
    const { s, id } = await persistentDiskVm();
    await s.ok("one.vm.disksnapshotcreate", id, 0, "first");
    s.clock.advance(1_000);
    expect(await s.call("one.vm.disksnapshotdelete", id, 0, 0)).toMatchObject({
      code: 0x800,
      message: "[one.vm.disksnapshotdelete] Cannot delete snapshot 0 for persistent disk images",
    });
  });
});

describe("OpenNebula emulator: one.vm.attachpci / detachpci", () => {
  it("attaches PCI devices to a POWEROFF VM with PCI_ID and the VM-side address, and detaches them", async () => {
    const s = setup();
    const id = await poweredOff(s);
    expect(await s.ok("one.vm.attachpci", id, 'PCI=[VENDOR="10de", DEVICE="1eb8", CLASS="0302"]')).toBe(id);
    await s.ok("one.vm.attachpci", id, 'PCI=[SHORT_ADDRESS="0000:41:00.0", ADDRESS="x", UUID="u"]');
    expect(await s.vmState(id)).toEqual([8, 0]);
    let list = pcis(template(await s.info(id)));
    expect(list).toHaveLength(2);
    expect(field(list[0]!, "PCI_ID")).toBe("0");
    expect(field(list[0]!, "VENDOR")).toBe("10de");
    expect(field(list[0]!, "VM_BUS")).toBe("0x01");
    expect(field(list[0]!, "VM_SLOT")).toBe("0x01");
    expect(field(list[0]!, "VM_ADDRESS")).toBe("01:01.0");
    expect(field(list[0]!, "VM_DOMAIN")).toBe("0x0000");
    expect(field(list[0]!, "VM_FUNCTION")).toBe("0");
    expect(field(list[1]!, "PCI_ID")).toBe("1");
    expect(field(list[1]!, "VM_SLOT")).toBe("0x02");
    expect(list[1]).not.toContain("<UUID>");
    expect(list[1]).not.toContain("<ADDRESS>");
    await s.ok("one.vm.detachpci", id, 0);
    list = pcis(template(await s.info(id)));
    expect(list.map((p) => field(p, "PCI_ID"))).toEqual(["1"]);
    // The next one takes the highest PCI_ID + 1.
    await s.ok("one.vm.attachpci", id, 'PCI=[CLASS="0c03"]');
    list = pcis(template(await s.info(id)));
    expect(list.map((p) => field(p, "PCI_ID"))).toEqual(["1", "2"]);
    const vm = await s.one.vm.info(id);
    expect(vm.TEMPLATE.PCI.map((p) => p.PCI_ID)).toEqual(["1", "2"]);
  });

  it("works in UNDEPLOYED, refuses RUNNING, and checks the PCI vector as oned does", async () => {
    const s = setup();
    const id = await running(s);
    expect(await s.call("one.vm.attachpci", id, 'PCI=[CLASS="0302"]')).toMatchObject({
      code: 0x800,
      respId: id,
      message: `[one.vm.attachpci] Could not attach PCI device to VM ${id}, wrong state RUNNING.`,
    });
    expect(await s.call("one.vm.detachpci", id, 0)).toMatchObject({
      code: 0x800,
      message: `[one.vm.detachpci] Could not detach PCI device from VM ${id}, wrong state RUNNING.`,
    });
    const cases: Array<[string, number, string]> = [
      ['NAME="x"', 0x800, "PCI attribute not found"],
      ['PCI=[TYPE="NIC", CLASS="0200"]', 0x800, "Use one.vm.attachnic to attach this PCI device"],
      ['PCI=[VENDOR="zz"]', 0x800, "Wrong Hex value for PCI attribute VENDOR"],
      ['PCI=[NAME="gpu"]', 0x800, "SHORT_ADDRESS, DEVICE, VENDOR or CLASS must be defined for PCI."],
      [
        'PCI=[SHORT_ADDRESS="41:00.0", CLASS="0302"]',
        0x800,
        "SHORT_ADDRESS cannot be set with DEVICE, VENDOR or CLASS",
      ],
      ['PCI=[CLASS="0302", VM_BUS="bus"]', 0x800, "Wrong BUS in PCI attribute"],
      ["PCI=[CLASS=", 0x2000, "Parse error: syntax error"],
    ];
    for (const [text, code, message] of cases) {
      const r = await s.call("one.vm.attachpci", id, text);
      expect(r).toMatchObject({ kind: "error", code });
      expect(r.kind === "error" && r.message.startsWith(`[one.vm.attachpci] ${message}`)).toBe(true);
    }
    await s.ok("one.vm.action", "undeploy-hard", id);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([9, 0]);
    await s.ok("one.vm.attachpci", id, 'PCI=[CLASS="0302", VM_BUS="0x02"]');
    const pci = pcis(template(await s.info(id)))[0]!;
    expect(field(pci, "VM_BUS")).toBe("0x02");
    expect(field(pci, "VM_ADDRESS")).toBe("02:01.0");
    expect(await s.call("one.vm.detachpci", id, 5)).toMatchObject({
      code: 0x800,
      message: "[one.vm.detachpci] Could not detach PCI with PCI_ID 5, it does not exist.",
    });
    expect(await s.call("one.vm.detachpci", id, "0")).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("PCI is a restricted attribute: a regular user may not attach one even to her own VM", async () => {
    const s = setup();
    const id = await poweredOff(s);
    const { id: uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.attachpci", id, 'PCI=[CLASS="0302"]')).toMatchObject({
      code: 0x200,
      message: `[one.vm.attachpci] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    await s.ok("one.vm.chown", id, uid, 1);
    expect(await rpc.call("one.vm.attachpci", id, 'PCI=[CLASS="0302"]')).toMatchObject({
      code: 0x200,
      message: "[one.vm.attachpci] PCI includes a restricted attribute PCI",
    });
    await s.ok("one.vm.attachpci", id, 'PCI=[CLASS="0302"]');
    // Detaching is not restricted: she may take it away.
    expect(await rpc.ok("one.vm.detachpci", id, 0)).toBe(id);
    await s.ok("one.vm.lock", id, 1, false);
    expect(await s.call("one.vm.attachpci", id, 'PCI=[CLASS="0302"]')).toMatchObject({ code: 0x200 });
  });
});

describe("OpenNebula emulator: one.vm.attachsg / detachsg", () => {
  it("adds a group to a NIC's SECURITY_GROUPS with its rules, lists the VM in the group, and removes it", async () => {
    const s = setup();
    const id = await running(s);
    const sg = Number(
      await s.ok(
        "one.secgroup.allocate",
        'NAME="web"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND", RANGE="80,443"]\nRULE=[PROTOCOL="ALL", RULE_TYPE="OUTBOUND"]',
      ),
    );
    await s.ok("one.vm.attachnic", id, "NIC=[NETWORK_ID=0]");
    s.clock.advance(1_000);
    expect(await s.ok("one.vm.attachsg", id, 0, sg)).toBe(id);
    expect(await s.vmState(id)).toEqual([3, 3]);
    // both NICs have the network's SECURITY_GROUPS (0, the default group), as in oned 7.4
    await s.ok("one.vm.attachsg", id, 1, sg);
    let xml = await s.info(id);
    expect(field(nics(xml)[0]!, "SECURITY_GROUPS")).toBe(`0,${sg}`);
    expect(field(nics(xml)[1]!, "SECURITY_GROUPS")).toBe(`0,${sg}`);
    let r = rules(template(xml));
    expect(r.filter((x) => field(x, "SECURITY_GROUP_ID") === String(sg))).toHaveLength(2);
    expect(r.filter((x) => field(x, "SECURITY_GROUP_ID") === "0")).toHaveLength(2);
    expect(field(r.find((x) => x.includes("80,443"))!, "SECURITY_GROUP_NAME")).toBe("web");
    expect(String(await s.ok("one.secgroup.info", sg))).toContain(
      `<UPDATED_VMS><ID>${id}</ID></UPDATED_VMS>`,
    );
    // Detached from one NIC only: the other still holds the group, so its rules stay.
    await s.ok("one.vm.detachsg", id, 0, sg);
    xml = await s.info(id);
    expect(field(nics(xml)[0]!, "SECURITY_GROUPS")).toBe("0");
    expect(rules(template(xml)).filter((x) => field(x, "SECURITY_GROUP_ID") === String(sg))).toHaveLength(2);
    await s.ok("one.vm.detachsg", id, 1, sg);
    xml = await s.info(id);
    expect(field(nics(xml)[1]!, "SECURITY_GROUPS")).toBe("0");
    r = rules(template(xml));
    expect(r.map((x) => field(x, "SECURITY_GROUP_ID"))).toEqual(["0", "0"]);
    expect(String(await s.ok("one.secgroup.info", sg))).toContain("<UPDATED_VMS/>");
    const vm = await s.one.vm.info(id);
    expect(vm.TEMPLATE.SECURITY_GROUP_RULE).toHaveLength(2);
    expect(vm.TEMPLATE.NIC[0]?.SECURITY_GROUPS).toBe("0");
  });

  it("refuses unknown NICs and groups, duplicates, busy states, and other users' VMs and groups", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    // PENDING is fine for oned (nothing to update on a host); the NIC has group 0 from its network.
    await s.ok("one.vm.detachsg", id, 0, 0);
    await s.ok("one.vm.attachsg", id, 0, 0);
    expect(await s.call("one.vm.attachsg", id, 0, 0)).toMatchObject({
      code: 0x800,
      message: `[one.vm.attachsg] VM ${id} SG 0 already in NIC 0`,
    });
    expect(await s.call("one.vm.attachsg", id, 3, 0)).toMatchObject({
      code: 0x2000,
      message: `[one.vm.attachsg] VM ${id} doesn't have NIC id 3`,
    });
    expect(await s.call("one.vm.attachsg", id, 0, 42)).toMatchObject({
      code: 0x800,
      message: "[one.vm.attachsg] Could not attach SG 42 to VM, SG does not exist",
    });
    expect(await s.call("one.vm.detachsg", id, 3, 0)).toMatchObject({
      code: 0x800,
      message: `[one.vm.detachsg] VM ${id} doesn't have NIC id 3`,
    });
    expect(await s.call("one.vm.detachsg", id, 0, 42)).toMatchObject({
      code: 0x800,
      message: `[one.vm.detachsg] VM ${id} NIC 0 doesn't contain SG 42`,
    });
    expect(await s.call("one.vm.attachsg", 77, 0, 0)).toMatchObject({ code: 0x400, respId: 77 });
    s.clock.advance(8_000 + 1_000);
    expect(await s.vmState(id)).toEqual([3, 2]);
    expect(await s.call("one.vm.detachsg", id, 0, 0)).toMatchObject({
      code: 0x800,
      message: `[one.vm.detachsg] VM ${id} is in wrong state BOOT`,
    });
    s.clock.advance(2_000);
    const { id: uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.attachsg", id, 0, 0)).toMatchObject({
      code: 0x200,
      message: `[one.vm.attachsg] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    await s.ok("one.vm.chown", id, uid, 1);
    const sg = Number(await s.ok("one.secgroup.allocate", 'NAME="admins-only"'));
    expect(await rpc.call("one.vm.attachsg", id, 0, sg)).toMatchObject({
      code: 0x200,
      message: `[one.vm.attachsg] User [${uid}] : Not authorized to perform USE SECGROUP [${sg}].`,
    });
    expect(await rpc.ok("one.vm.detachsg", id, 0, 0)).toBe(id);
    expect(await s.call("one.vm.attachsg", id, 0, "0")).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.vm.updatenic", () => {
  it("updates a RUNNING VM's NIC QoS through HOTPLUG_NIC; replace drops what is not given, append keeps it", async () => {
    const s = setup();
    const id = await running(s);
    expect(
      await s.ok(
        "one.vm.updatenic",
        id,
        0,
        'NIC=[INBOUND_AVG_BW="512", INBOUND_PEAK_BW="1024", MODEL="e1000"]',
        1,
      ),
    ).toBe(id);
    expect(await s.vmState(id)).toEqual([3, 25]);
    s.clock.advance(1_000);
    let nic = nics(await s.info(id))[0]!;
    expect(field(nic, "INBOUND_AVG_BW")).toBe("512");
    expect(field(nic, "INBOUND_PEAK_BW")).toBe("1024");
    // Only QoS attributes change: MODEL is ignored, the lease is untouched.
    expect(nic).not.toContain("MODEL");
    expect(field(nic, "IP")).toBe("192.168.10.100");
    await s.ok("one.vm.updatenic", id, 0, 'NIC=[OUTBOUND_AVG_BW="256"]', 1);
    s.clock.advance(1_000);
    nic = nics(await s.info(id))[0]!;
    expect(field(nic, "INBOUND_AVG_BW")).toBe("512");
    expect(field(nic, "OUTBOUND_AVG_BW")).toBe("256");
    await s.ok("one.vm.updatenic", id, 0, 'NIC=[OUTBOUND_AVG_BW="128"]');
    s.clock.advance(1_000);
    nic = nics(await s.info(id))[0]!;
    expect(nic).not.toContain("INBOUND_AVG_BW");
    expect(field(nic, "OUTBOUND_AVG_BW")).toBe("128");
    // No change: no trip through HOTPLUG_NIC.
    await s.ok("one.vm.updatenic", id, 0, 'NIC=[OUTBOUND_AVG_BW="128"]');
    expect(await s.vmState(id)).toEqual([3, 3]);
    const vm = await s.one.vm.info(id);
    expect(vm.TEMPLATE.NIC[0]?.OUTBOUND_AVG_BW).toBe("128");
  });

  it("updates a POWEROFF VM in place; refuses busy states, unknown NICs, bad templates and restricted attributes", async () => {
    const s = setup();
    const id = await poweredOff(s);
    await s.ok("one.vm.updatenic", id, 0, 'NIC=[INBOUND_AVG_BW="100"]', 0);
    expect(await s.vmState(id)).toEqual([8, 0]);
    expect(field(nics(await s.info(id))[0]!, "INBOUND_AVG_BW")).toBe("100");
    expect(await s.call("one.vm.updatenic", id, 4, 'NIC=[INBOUND_AVG_BW="1"]')).toMatchObject({
      code: 0x800,
      message: `[one.vm.updatenic] VM ${id}: NIC 4 does not exists`,
    });
    expect(await s.call("one.vm.updatenic", id, 0, 'NIC=[INBOUND_AVG_BW="1"')).toMatchObject({
      code: 0x2000,
    });
    expect(await s.call("one.vm.updatenic", id, 0, 'NAME="x"')).toMatchObject({
      code: 0x800,
      message: `[one.vm.updatenic] Error updating NIC (0) for VM ${id}: Wrong NIC definition, attribute is missing`,
    });
    await s.ok("one.vm.action", "resume", id);
    expect(await s.call("one.vm.updatenic", id, 0, 'NIC=[INBOUND_AVG_BW="1"]')).toMatchObject({
      code: 0x800,
      respId: id,
      message: `[one.vm.updatenic] Error updating NIC (0) for VM ${id}: Wrong state BOOT_POWEROFF`,
    });
    const { id: uid, rpc } = await alice(s);
    await s.ok("one.vm.chown", id, uid, 1);
    expect(await rpc.call("one.vm.updatenic", id, 0, 'NIC=[INBOUND_AVG_BW="1"]')).toMatchObject({
      code: 0x200,
      message: "[one.vm.updatenic] NIC includes a restricted attribute NIC",
    });
    expect(await s.call("one.vm.updatenic", 50, 0, "NIC=[X=1]")).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vm.updatenic", id, 0, "NIC=[X=1]", true)).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
  });
});

describe("OpenNebula emulator: one.vm.updateconf", () => {
  it("replaces OS/FEATURES/GRAPHICS/… of a POWEROFF VM, keeping only the known sub-attributes", async () => {
    const s = setup();
    const id = await poweredOff(s);
    expect(
      await s.ok(
        "one.vm.updateconf",
        id,
        'OS=[ARCH="aarch64", FIRMWARE="UEFI", BOGUS="1"]\nFEATURES=[ACPI="YES", GUEST_AGENT="YES"]\nINPUT=[TYPE="tablet", BUS="usb"]\nRAW=[TYPE="kvm", DATA="<devices/>"]\nNAME="ignored"\nMEMORY="9"',
      ),
    ).toBe(id);
    expect(await s.vmState(id)).toEqual([8, 0]);
    let t = template(await s.info(id));
    expect(field(/<OS>.*?<\/OS>/.exec(t)![0], "ARCH")).toBe("aarch64");
    expect(t).not.toContain("BOGUS");
    expect(field(/<FEATURES>.*?<\/FEATURES>/.exec(t)![0], "GUEST_AGENT")).toBe("YES");
    expect(field(/<INPUT>.*?<\/INPUT>/.exec(t)![0], "BUS")).toBe("usb");
    expect(t).toContain("<RAW><DATA><![CDATA[<devices/>]]></DATA><TYPE><![CDATA[kvm]]></TYPE></RAW>");
    expect(field(t, "MEMORY")).toBe("2048");
    // GRAPHICS was not given: replace mode drops it; then a new one gets a VNC port.
    expect(t).not.toContain("<GRAPHICS>");
    await s.ok("one.vm.updateconf", id, 'GRAPHICS=[TYPE="VNC", LISTEN="0.0.0.0"]', 1);
    t = template(await s.info(id));
    expect(field(/<GRAPHICS>.*?<\/GRAPHICS>/.exec(t)![0], "PORT")).toBe(String(5900 + id));
    expect(field(/<OS>.*?<\/OS>/.exec(t)![0], "ARCH")).toBe("aarch64");
    // Append merges into the vector: FIRMWARE stays, ARCH changes.
    await s.ok("one.vm.updateconf", id, 'OS=[ARCH="x86_64"]', 1);
    const os = /<OS>.*?<\/OS>/.exec(template(await s.info(id)))![0];
    expect(field(os, "ARCH")).toBe("x86_64");
    expect(field(os, "FIRMWARE")).toBe("UEFI");
    const vm = await s.one.vm.info(id);
    expect(vm.TEMPLATE.OS?.FIRMWARE).toBe("UEFI");
    // BACKUP_CONFIG is shown in BACKUPS; unknown keys are dropped.
    await s.ok(
      "one.vm.updateconf",
      id,
      'BACKUP_CONFIG=[MODE="INCREMENT", KEEP_LAST="3", LAST_BACKUP_ID="9"]',
      1,
    );
    const backups = /<BACKUPS>.*<\/BACKUPS>/.exec(await s.info(id))![0];
    expect(field(backups, "MODE")).toBe("INCREMENT");
    expect(field(backups, "KEEP_LAST")).toBe("3");
    expect(backups).not.toContain("LAST_BACKUP_ID");
  });

  it("updates the CONTEXT of a RUNNING VM live (HOTPLUG), but cannot add one", async () => {
    const s = setup();
    const id = await running(s);
    await s.ok(
      "one.vm.updateconf",
      id,
      'CONTEXT=[NETWORK="YES", SSH_PUBLIC_KEY="ssh-ed25519 AAA", START_SCRIPT="echo hi"]',
      1,
    );
    expect(await s.vmState(id)).toEqual([3, 17]);
    s.clock.advance(1_000);
    const ctxXml = /<CONTEXT>.*?<\/CONTEXT>/.exec(template(await s.info(id)))![0];
    expect(field(ctxXml, "START_SCRIPT")).toBe("echo hi");
    expect(field(ctxXml, "SSH_PUBLIC_KEY")).toBe("ssh-ed25519 AAA");
    // Nothing in the context changes: no HOTPLUG.
    await s.ok("one.vm.updateconf", id, 'CONTEXT=[START_SCRIPT="echo hi"]', 1);
    expect(await s.vmState(id)).toEqual([3, 3]);
    const bare = Number(await s.ok("one.vm.allocate", 'NAME="bare"\nCPU=1\nMEMORY=64', true));
    expect(await s.call("one.vm.updateconf", bare, 'CONTEXT=[X="1"]')).toMatchObject({
      code: 0x2000,
      message: "[one.vm.updateconf] Virtual machine does not have context, cannot add a new one.",
    });
    // HOLD accepts updateconf.
    await s.ok("one.vm.updateconf", bare, 'OS=[ARCH="x86_64"]');
  });

  it("refuses wrong states, update types, bad templates, restricted attributes and other users", async () => {
    const s = setup();
    const id = await running(s);
    await s.ok("one.vm.action", "suspend", id);
    s.clock.advance(2_000);
    expect(await s.call("one.vm.updateconf", id, 'OS=[ARCH="x86_64"]')).toMatchObject({
      code: 0x2000,
      respId: id,
      message: "[one.vm.updateconf] configuration cannot be updated in state SUSPENDED",
    });
    expect(await s.call("one.vm.updateconf", id, 'OS=[ARCH="x86_64"]', 2)).toMatchObject({
      code: 0x1000,
      message: "[one.vm.updateconf] Wrong update type",
    });
    const bad = await s.call("one.vm.updateconf", id, 'OS=[ARCH="x86_64"');
    expect(bad).toMatchObject({ code: 0x2000 });
    expect(bad.kind === "error" && bad.message.startsWith("[one.vm.updateconf] Parse error")).toBe(true);
    await s.ok("one.vm.action", "resume", id);
    s.clock.advance(2_000);
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    const { id: uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.updateconf", id, 'OS=[ARCH="x86_64"]')).toMatchObject({
      code: 0x200,
      message: `[one.vm.updateconf] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    await s.ok("one.vm.chown", id, uid, 1);
    expect(await rpc.call("one.vm.updateconf", id, 'RAW=[TYPE="kvm", DATA="x"]')).toMatchObject({
      code: 0x200,
      message: "[one.vm.updateconf] Template includes a restricted attribute RAW",
    });
    expect(await rpc.call("one.vm.updateconf", id, 'CONTEXT=[FILES="/etc/passwd"]', 1)).toMatchObject({
      code: 0x200,
      message: "[one.vm.updateconf] Template includes a restricted attribute CONTEXT",
    });
    expect(await rpc.ok("one.vm.updateconf", id, 'CONTEXT=[NETWORK="YES", HOSTNAME="web"]', 1)).toBe(id);
    expect(await s.call("one.vm.updateconf", id, 0)).toMatchObject({ kind: "fault", faultCode: -501 });
    // a lock refuses her (the VM's owner now) as oned does: AUTHORIZATION, not naming the lock
    await s.ok("one.vm.lock", id, 2, false);
    expect(await rpc.call("one.vm.updateconf", id, 'OS=[ARCH="x86_64"]')).toMatchObject({
      code: 0x200,
      message: `[one.vm.updateconf] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
  });

  it("through the client, with its append mode", async () => {
    const s = setup();
    const id = await poweredOff(s);
    await s.one.vm.updateconf(id, 'GRAPHICS=[TYPE="SPICE"]', 1);
    const vm = await s.one.vm.info(id);
    expect(vm.TEMPLATE.GRAPHICS?.TYPE).toBe("SPICE");
    expect(vm.TEMPLATE.GRAPHICS?.LISTEN).toBe("0.0.0.0");
  });
});
