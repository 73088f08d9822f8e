import { describe, expect, it } from "vitest";
import { elements, field, stateOf } from "./opennebula-rpc.js";
import { running, setup2023 as setup } from "./opennebula-setup.js";

// Default timings: schedule 5 s, prolog 3 s, boot 2 s, hotplug 1 s.

const disks = (xml: string) => elements(xml, "DISK");
const nics = (xml: string) => elements(xml, "NIC");

describe("OpenNebula emulator: disk hot-plug", () => {
  it("attaches an image to a RUNNING VM through HOTPLUG, marks the image USED, and detaches it", async () => {
    const s = setup();
    const img = Number(
      await s.ok("one.image.allocate", 'NAME="data"\nTYPE="DATABLOCK"\nSIZE="1024"', 1, false),
    );
    s.clock.advance(2_000);
    const id = await running(s);
    expect(await s.ok("one.vm.attach", id, `DISK=[IMAGE_ID="${img}"]`)).toBe(id);
    expect(await s.vmState(id)).toEqual([3, 17]);
    s.clock.advance(1_000);
    const xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 3]);
    const attached = disks(xml)[1]!;
    // DISK_ID 1 is the CONTEXT disk's (oned 7.4, conformance/opennebula-oned)
    expect(field(attached, "DISK_ID")).toBe("2");
    expect(field(attached, "IMAGE_ID")).toBe(String(img));
    // an image allocated without DEV_PREFIX gets oned's DEFAULT_DEVICE_PREFIX (sd): the first sd target
    expect(field(attached, "DEV_PREFIX")).toBe("sd");
    expect(field(attached, "TARGET")).toBe("sda");
    expect(field(String(await s.ok("one.image.info", img)), "STATE")).toBe("2");
    expect(await s.call("one.vm.detach", id, 7)).toMatchObject({
      code: 0x800,
      message: "[one.vm.detach] VM disk does not exist",
      respId: -1,
    });
    await s.ok("one.vm.detach", id, 2);
    s.clock.advance(1_000);
    expect(disks(await s.info(id))).toHaveLength(1);
    expect(field(String(await s.ok("one.image.info", img)), "STATE")).toBe("1");
  });

  it("refuses PENDING VMs, unknown images and templates without one DISK", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.call("one.vm.attach", id, "DISK=[IMAGE_ID=0]")).toMatchObject({
      code: 0x800,
      respId: id,
      message: "[one.vm.attach] VM is not running in any host",
    });
    s.clock.advance(10_000);
    expect(await s.call("one.vm.attach", id, "DISK=[IMAGE_ID=42]")).toMatchObject({
      code: 0x800,
      message: "[one.vm.attach] Error getting image [42].",
    });
    expect(await s.call("one.vm.attach", id, 'NAME="x"')).toMatchObject({
      code: 0x800,
      message: "[one.vm.attach] Internal error parsing DISK attribute",
    });
    // A volatile disk in POWEROFF goes through HOTPLUG_PROLOG_POWEROFF and stays POWEROFF.
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    await s.ok("one.vm.attach", id, 'DISK=[TYPE="fs", SIZE="512"]');
    expect(await s.vmState(id)).toEqual([3, 33]);
    s.clock.advance(1_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
  });
});

describe("OpenNebula emulator: NIC hot-plug", () => {
  it("takes the network's next lease, and gives it back on detach", async () => {
    const s = setup();
    const id = await running(s);
    expect(field(nics(await s.info(id))[0]!, "IP")).toBe("192.168.10.100");
    await s.ok("one.vm.attachnic", id, "NIC=[NETWORK_ID=0]");
    expect(await s.vmState(id)).toEqual([3, 25]);
    s.clock.advance(1_000);
    const added = nics(await s.info(id))[1]!;
    expect(field(added, "NIC_ID")).toBe("1");
    expect(field(added, "IP")).toBe("192.168.10.101");
    expect(String(await s.ok("one.vn.info", 0))).toContain("192.168.10.101");
    await s.ok("one.vm.detachnic", id, 1);
    s.clock.advance(1_000);
    expect(nics(await s.info(id))).toHaveLength(1);
    expect(String(await s.ok("one.vn.info", 0))).not.toContain("192.168.10.101");
    expect(await s.call("one.vm.detachnic", id, 1)).toMatchObject({
      code: 0x800,
      message: "[one.vm.detachnic] Could not detach NIC with NIC_ID 1, it does not exist.",
    });
    expect(await s.call("one.vm.attachnic", id, "NIC=[NETWORK_ID=9]")).toMatchObject({
      code: 0x800,
      message: "[one.vm.attachnic] Error getting virtual network [9].",
    });
  });

  it("fails with the lease error when the range is full, taking nothing", async () => {
    const s = setup();
    const net = Number(
      await s.ok(
        "one.vn.allocate",
        'NAME="tiny"\nVN_MAD="bridge"\nAR=[TYPE="IP4", IP="10.1.0.1", SIZE="1"]',
        -1,
      ),
    );
    const id = await running(s);
    await s.ok("one.vm.attachnic", id, `NIC=[NETWORK_ID=${net}]`);
    s.clock.advance(1_000);
    expect(await s.call("one.vm.attachnic", id, `NIC=[NETWORK_ID=${net}]`)).toMatchObject({
      code: 0x800,
      message: `[one.vm.attachnic] Cannot get IP/MAC lease from virtual network ${net}.`,
    });
    expect(await s.vmState(id)).toEqual([3, 3]);
    expect(nics(await s.info(id))).toHaveLength(2);
  });
});

describe("OpenNebula emulator: snapshots", () => {
  it("system snapshots: create (HOTPLUG_SNAPSHOT), revert, delete; only while RUNNING", async () => {
    const s = setup();
    const id = await running(s);
    expect(await s.ok("one.vm.snapshotcreate", id, "before-upgrade")).toBe(0);
    expect(await s.vmState(id)).toEqual([3, 24]);
    expect(await s.call("one.vm.snapshotcreate", id, "again")).toMatchObject({
      code: 0x800,
      message: `[one.vm.snapshotcreate] Could not create a new snapshot for VM ${id}, wrong state HOTPLUG_SNAPSHOT.`,
    });
    s.clock.advance(1_000);
    expect(await s.ok("one.vm.snapshotcreate", id, "")).toBe(1);
    s.clock.advance(1_000);
    let xml = await s.info(id);
    expect(xml).toContain("<NAME><![CDATA[before-upgrade]]></NAME><SNAPSHOT_ID><![CDATA[0]]>");
    expect(xml).toContain("snapshot-1");
    // SYSTEM_DISK_SIZE: the VM's memory (VM_SNAPSHOT_FACTOR 0); no ACTIVE once an operation is over
    const memory = /<TEMPLATE>[\s\S]*?<MEMORY><!\[CDATA\[(\d+)\]\]><\/MEMORY>/.exec(xml)![1];
    expect(xml).toContain(`<SYSTEM_DISK_SIZE><![CDATA[${memory}]]></SYSTEM_DISK_SIZE>`);
    expect(xml).not.toContain("<ACTIVE>");
    await s.ok("one.vm.snapshotrevert", id, 0);
    // while the revert runs, the snapshot is ACTIVE with ACTION REVERT (oned's set_revert_snapshot)
    expect(await s.info(id)).toContain("<ACTION><![CDATA[REVERT]]></ACTION><ACTIVE><![CDATA[YES]]></ACTIVE>");
    s.clock.advance(1_000);
    await s.ok("one.vm.snapshotdelete", id, 1);
    s.clock.advance(1_000);
    xml = await s.info(id);
    expect(xml).not.toContain("snapshot-1");
    expect(xml).not.toContain("<ACTIVE>");
    expect(await s.call("one.vm.snapshotrevert", id, 5)).toMatchObject({
      code: 0x800,
      message: `[one.vm.snapshotrevert] Could not revert VM ${id} to snapshot 5, it does not exist.`,
    });
  });

  it("disk snapshots: a tree with the active one, revert only in POWEROFF, events for the World", async () => {
    const s = setup();
    const id = await running(s);
    expect(await s.ok("one.vm.disksnapshotcreate", id, 0, "s0")).toBe(0);
    expect(await s.vmState(id)).toEqual([3, 57]);
    s.clock.advance(1_000);
    expect(await s.ok("one.vm.disksnapshotcreate", id, 0, "s1")).toBe(1);
    s.clock.advance(1_000);
    let xml = await s.info(id);
    expect(xml).toContain(
      // the disk's ALLOW_ORPHANS, inherited from its Ceph datastore (TM_MAD_CONF ceph: mixed)
      "<SNAPSHOTS><ALLOW_ORPHANS>MIXED</ALLOW_ORPHANS><CURRENT_BASE>-1</CURRENT_BASE><DISK_ID>0</DISK_ID><NEXT_SNAPSHOT>2</NEXT_SNAPSHOT>",
    );
    expect(xml).toMatch(
      /<SNAPSHOT><CHILDREN>1<\/CHILDREN><DATE>\d+<\/DATE><ID>0<\/ID><NAME>s0<\/NAME><PARENT>-1<\/PARENT>/,
    );
    expect(xml).toMatch(
      /<SNAPSHOT><ACTIVE>YES<\/ACTIVE><DATE>\d+<\/DATE><ID>1<\/ID><NAME>s1<\/NAME><PARENT>0<\/PARENT>/,
    );
    expect(await s.call("one.vm.disksnapshotrevert", id, 0, 0)).toMatchObject({
      code: 0x800,
      message: `[one.vm.disksnapshotrevert] Could not revert to disk snapshot for VM ${id}, wrong state RUNNING.`,
    });
    expect(await s.call("one.vm.disksnapshotdelete", id, 0, 9)).toMatchObject({
      code: 0x800,
      message: "[one.vm.disksnapshotdelete] Snapshot does not exist",
    });
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    await s.ok("one.vm.disksnapshotrevert", id, 0, 0);
    expect(await s.vmState(id)).toEqual([3, 52]);
    s.clock.advance(1_000);
    await s.ok("one.vm.disksnapshotdelete", id, 0, 1);
    expect(await s.vmState(id)).toEqual([3, 53]);
    s.clock.advance(1_000);
    xml = await s.info(id);
    expect(stateOf(xml)).toEqual([8, 0]);
    expect(xml).toMatch(/<SNAPSHOT><ACTIVE>YES<\/ACTIVE><DATE>\d+<\/DATE><ID>0<\/ID>/);
    expect(xml).not.toContain("<ID>1</ID><NAME>s1</NAME>");
    const snaps = s.events.filter((e) => e.type === "disk-snapshot");
    expect(snaps.map((e) => e.type === "disk-snapshot" && [e.action, e.snapshot.id, e.disk.diskId])).toEqual([
      ["create", 0, 0],
      ["create", 1, 0],
      ["revert", 0, 0],
      ["delete", 1, 0],
    ]);
    expect(await s.call("one.vm.disksnapshotcreate", id, 3, "x")).toMatchObject({ code: 0x800 });
  });
});
