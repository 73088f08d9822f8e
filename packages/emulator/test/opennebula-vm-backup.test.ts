import { describe, expect, it } from "vitest";
import { backupImageXml } from "../src/opennebula/methods/vm-backup.js";
import { field, stateOf } from "./opennebula-rpc.js";
import { regularUser, running, type Setup, setup } from "./opennebula-setup.js";

// Default timings: schedule 5 s, prolog 3 s, boot 2 s, shutdown 2 s, backup 3 s.

async function backupDs(s: Setup, name = "backups") {
  return Number(
    await s.ok("one.datastore.allocate", `NAME="${name}"\nTYPE="BACKUP_DS"\nDS_MAD="rsync"\nTM_MAD="-"`, -1),
  );
}

/** BACKUP_IDS of a VM document. */
const backupIds = (xml: string) =>
  [...(/<BACKUP_IDS>(.*?)<\/BACKUP_IDS>/.exec(xml)?.[1]?.matchAll(/<ID>(\d+)<\/ID>/g) ?? [])].map((m) =>
    Number(m[1]),
  );
const backupConfig = (xml: string) => /<BACKUP_CONFIG>.*?<\/BACKUP_CONFIG>/.exec(xml)?.[0] ?? "";

describe("OpenNebula emulator: one.vm.backup", () => {
  it("backs a RUNNING VM up through BACKUP into a new BACKUP image in the backup datastore", async () => {
    const s = setup();
    const ds = await backupDs(s);
    const id = await running(s);
    expect(await s.info(id)).toContain("<BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS>");
    expect(await s.ok("one.vm.backup", id, ds, false)).toBe(id);
    expect(await s.vmState(id)).toEqual([3, 69]);
    expect(await s.call("one.vm.action", "poweroff", id)).toMatchObject({
      code: 0x800,
      message: `[one.vm.action] Error performing action "poweroff": This action is not available for state BACKUP`,
    });
    s.clock.advance(3_000);
    const xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 3]);
    const [img] = backupIds(xml);
    expect(img).toBe(1);
    const config = backupConfig(xml);
    expect(field(config, "LAST_BACKUP_ID")).toBe("1");
    expect(field(config, "LAST_BACKUP_SIZE")).toBe("3584");
    expect(field(config, "LAST_DATASTORE_ID")).toBe(String(ds));
    expect(field(config, "MODE")).toBe("FULL");
    const doc = await s.image(img!);
    expect(field(doc, "TYPE")).toBe("6");
    expect(field(doc, "STATE")).toBe("1");
    expect(field(doc, "PERSISTENT")).toBe("1");
    expect(field(doc, "SIZE")).toBe("3584");
    expect(field(doc, "DATASTORE_ID")).toBe(String(ds));
    expect(field(doc, "NAME")).toBe(`${id} 30-Jul 08.00.13`);
    expect(doc).toContain(`<VMS><ID>${id}</ID></VMS>`);
    // A second FULL backup is a second image.
    await s.ok("one.vm.backup", id, ds, false);
    s.clock.advance(3_000);
    expect(backupIds(await s.info(id))).toEqual([1, 2]);
  });

  it("backs a POWEROFF VM up through BACKUP_POWEROFF, and grows one image's increments in INCREMENT mode", async () => {
    const s = setup();
    const ds = await backupDs(s);
    const id = await running(s, 'BACKUP_CONFIG=[MODE="INCREMENT", KEEP_LAST="2", LAST_BACKUP_ID="9"]');
    // oned's defaults appear with a BACKUP_CONFIG; the recorded attributes are read-only.
    expect(backupConfig(await s.info(id))).toBe(
      "<BACKUP_CONFIG><BACKUP_VOLATILE><![CDATA[NO]]></BACKUP_VOLATILE><FS_FREEZE><![CDATA[NONE]]></FS_FREEZE><INCREMENTAL_BACKUP_ID><![CDATA[-1]]></INCREMENTAL_BACKUP_ID><KEEP_LAST><![CDATA[2]]></KEEP_LAST><LAST_INCREMENT_ID><![CDATA[-1]]></LAST_INCREMENT_ID><MODE><![CDATA[INCREMENT]]></MODE></BACKUP_CONFIG>",
    );
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    await s.ok("one.vm.backup", id, ds, false);
    expect(await s.vmState(id)).toEqual([3, 70]);
    s.clock.advance(3_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
    const img = backupIds(await s.info(id))[0]!;
    // The chain's datastore is used whatever ds_id says; reset starts a new image.
    await s.ok("one.vm.backup", id, -1, false);
    s.clock.advance(3_000);
    await s.ok("one.vm.backup", id, ds, false);
    s.clock.advance(3_000);
    const xml = await s.info(id);
    expect(backupIds(xml)).toEqual([img]);
    expect(field(backupConfig(xml), "INCREMENTAL_BACKUP_ID")).toBe(String(img));
    expect(field(backupConfig(xml), "LAST_INCREMENT_ID")).toBe("2");
    expect(field(backupConfig(xml), "KEEP_LAST")).toBe("2");
    expect(xml).not.toContain("<USER_TEMPLATE><BACKUP_CONFIG>");
    await s.ok("one.vm.backup", id, ds, true);
    s.clock.advance(3_000);
    expect(backupIds(await s.info(id))).toEqual([img, img + 1]);
  });

  it("refuses a missing or non-BACKUP datastore, wrong states, other users and locked VMs", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.call("one.vm.backup", id)).toMatchObject({
      code: 0x400,
      respId: -1,
      message: "[one.vm.backup] Error getting datastore [-1].",
    });
    expect(await s.call("one.vm.backup", id, 1, false)).toMatchObject({
      code: 0x800,
      message: "[one.vm.backup] Datastore needs to be of type BACKUP",
    });
    const ds = await backupDs(s);
    expect(await s.call("one.vm.backup", id, ds, false)).toMatchObject({
      code: 0x2000,
      message: `[one.vm.backup] Could not create a new backup for VM ${id}, wrong state PENDING.`,
    });
    expect(await s.call("one.vm.backup", 77, ds, false)).toMatchObject({
      code: 0x400,
      message: "[one.vm.backup] Error getting virtual machine [77].",
    });
    const { id: uid, rpc: bob } = await regularUser(s, "bob");
    const own = Number(await bob.ok("one.vm.allocate", 'NAME="b"\nCPU=1\nMEMORY=64', true));
    // backup is in VM_ADMIN_OPERATIONS: the owner (no ADMIN bit) may not.
    expect(await bob.call("one.vm.backup", own, ds, false)).toMatchObject({
      code: 0x200,
      message: `[one.vm.backup] User [${uid}] : Not authorized to perform ADMIN VM [${own}].`,
    });
    s.clock.advance(10_000);
    await s.ok("one.vm.lock", id, 3, false);
    expect(await s.call("one.vm.backup", id, ds, false)).toMatchObject({ code: 0x200 });
    await s.ok("one.vm.unlock", id);
    const small = Number(
      await s.ok("one.datastore.allocate", 'NAME="tiny"\nTYPE="BACKUP_DS"\nDS_MAD="rsync"\nTM_MAD="-"', -1),
    );
    s.emulator.state.datastores.get(small)!.totalMb = 100;
    expect(await s.call("one.vm.backup", id, small, false)).toMatchObject({
      code: 0x800,
      message: "[one.vm.backup] Not enough free space on target datastore",
    });
    expect(await s.call("one.vm.backup", id, "x")).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("cancels a backup in progress (no image), and refuses to cancel when none runs", async () => {
    const s = setup();
    const ds = await backupDs(s);
    const id = await running(s);
    expect(await s.call("one.vm.backupcancel", id)).toMatchObject({
      code: 0x2000,
      message: `[one.vm.backupcancel] Could not cancel backup for VM ${id}, no backup in progress`,
    });
    await s.ok("one.vm.backup", id, ds, false);
    expect(await s.ok("one.vm.backupcancel", id)).toBe(id);
    expect(await s.vmState(id)).toEqual([3, 3]);
    s.clock.advance(10_000);
    expect(backupIds(await s.info(id))).toEqual([]);
    expect(String(await s.ok("one.imagepool.info", -2, -1, -1))).not.toContain("<TYPE>6</TYPE>");
  });
});

describe("OpenNebula emulator: one.vm.restore", () => {
  /** A RUNNING VM with one FULL backup, image `img`. */
  async function backedUp() {
    const s = setup();
    const ds = await backupDs(s);
    const id = await running(s);
    await s.ok("one.vm.backup", id, ds, false);
    s.clock.advance(3_000);
    return { s, id, img: backupIds(await s.info(id))[0]! };
  }

  it("restores a POWEROFF VM from a backup image through RESTORE", async () => {
    const { s, id, img } = await backedUp();
    expect(await s.call("one.vm.restore", id, img, -1, -1)).toMatchObject({
      code: 0x800,
      message: `[one.vm.restore] Could not restore VM ${id}, wrong state RUNNING.`,
    });
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    expect(await s.ok("one.vm.restore", id, img, -1, 0)).toBe(id);
    expect(await s.vmState(id)).toEqual([3, 71]);
    s.clock.advance(3_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
  });

  it("checks the disk, the image type, the increment and authorization", async () => {
    const { s, id, img } = await backedUp();
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    expect(await s.call("one.vm.restore", id, img, -1, 5)).toMatchObject({
      code: 0x800,
      message: "[one.vm.restore] VM disk does not exist",
    });
    expect(await s.call("one.vm.restore", id, 0, -1, -1)).toMatchObject({
      code: 0x800,
      message: "[one.vm.restore] Image has to be of type BACKUP",
    });
    expect(await s.call("one.vm.restore", id, img, 0, -1)).toMatchObject({
      code: 0x800,
      message: "[one.vm.restore] Wrong increment",
    });
    expect(await s.call("one.vm.restore", id, 99, -1, -1)).toMatchObject({
      code: 0x400,
      message: "[one.vm.restore] Error getting image [99].",
    });
    expect(await s.call("one.vm.restore", 99, img, -1, -1)).toMatchObject({ code: 0x400 });
    const carol = await regularUser(s, "carol");
    expect(await carol.rpc.call("one.vm.restore", id, img, -1, -1)).toMatchObject({
      code: 0x200,
      message: `[one.vm.restore] User [${carol.id}] : Not authorized to perform ADMIN VM [${id}].`,
    });
  });
});

describe("OpenNebula emulator: backups through @homelab-kit/opennebula", () => {
  it("decodes the VM's BACKUPS, the backup image and the BACKUP/RESTORE states with the client's models", async () => {
    const s = setup();
    const { one } = s;
    const ds = await one.datastore.allocate('NAME="bk"\nTYPE="BACKUP_DS"\nDS_MAD="restic"\nTM_MAD="-"', -1);
    const id = await running(s, 'BACKUP_CONFIG=[MODE="INCREMENT"]');
    await one.vm.backup(id, ds);
    s.clock.advance(3_000);
    await one.vm.backup(id, ds, false);
    expect((await one.vm.info(id)).LCM_STATE).toMatchObject({ value: 69, name: "BACKUP" });
    await one.vm.backupcancel(id);
    const vm = await one.vm.info(id);
    expect(vm.BACKUPS?.BACKUP_IDS.ID).toEqual([1]);
    expect(vm.BACKUPS?.BACKUP_CONFIG).toMatchObject({ MODE: "INCREMENT", INCREMENTAL_BACKUP_ID: "1" });
    const image = await one.image.info(1);
    expect(image.TYPE).toMatchObject({ value: 6 });
    await one.vm.action("poweroff", id);
    s.clock.advance(2_000);
    await one.vm.restore(id, 1, 0, -1);
    expect((await one.vm.info(id)).LCM_STATE).toMatchObject({ value: 71, name: "RESTORE" });
  });

  it("renders a backup image's BACKUP_INCREMENTS and BACKUP_DISK_IDS (image.xsd order)", async () => {
    const s = setup();
    const ds = await backupDs(s);
    const id = await running(s, 'BACKUP_CONFIG=[MODE="INCREMENT"]');
    await s.ok("one.vm.backup", id, ds, false);
    s.clock.advance(3_000);
    await s.ok("one.vm.backup", id, ds, false);
    s.clock.advance(3_000);
    expect(await s.vmState(id)).toEqual([3, 3]); // observed: the second backup is written
    const image = s.emulator.state.images.get(1)!;
    expect(image.backup).toMatchObject({ vmId: id, diskIds: [0] });
    const t = Math.floor(s.clock.now() / 1000);
    expect(backupImageXml(image)).toBe(
      `<BACKUP_INCREMENTS><INCREMENT><DATE>${t - 3}</DATE><ID>0</ID><SIZE>3584</SIZE><SOURCE>${id}/${(t - 3).toString(16)}</SOURCE><TYPE>FULL</TYPE></INCREMENT><INCREMENT><DATE>${t}</DATE><ID>1</ID><PARENT_ID>0</PARENT_ID><SIZE>359</SIZE><SOURCE>${id}/${t.toString(16)}</SOURCE><TYPE>INCREMENT</TYPE></INCREMENT></BACKUP_INCREMENTS><BACKUP_DISK_IDS><ID>0</ID></BACKUP_DISK_IDS>`,
    );
    expect(image.sizeMb).toBe(3584 + 359);
    expect(backupImageXml(s.emulator.state.images.get(0)!)).toBe("<BACKUP_INCREMENTS/><BACKUP_DISK_IDS/>");
  });
});
