/**
 * Images, VM templates and datastores through the client against the emulator (in-process): the
 * client's parameter checks and zod models meet the emulator's answers for chown, lock, chtype,
 * clone, image snapshots, restore and the datastore edits.
 */
import { describe, expect, it } from "vitest";
import { OpenNebulaError } from "../src/index.js";
import { emulatorClients } from "./helpers/emulator.js";

const setup = emulatorClients();

describe("@homelab-kit/opennebula: images, templates and datastores against the emulator", () => {
  it("chowns and locks a template; a lock refuses with AUTHORIZATION (as oned 7.4) and shows in the model", async () => {
    const { one } = setup();
    const uid = await one.user.allocate("carol", "pw", "");
    expect(await one.template.chown(0, uid, 1)).toBe(0);
    expect(await one.template.lock(0, 2)).toBe(0);
    const t = await one.template.info(0);
    expect([t.UNAME, t.LOCK?.LOCKED, t.LOCK?.OWNER]).toEqual(["carol", 2, 0]);
    const err = await one.template.rename(0, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenNebulaError);
    expect((err as OpenNebulaError).code).toBe("AUTHORIZATION");
    expect((err as OpenNebulaError).message).toContain("User [0] : TEMPLATE is locked. [0].");
    expect(await one.template.unlock(0)).toBe(0);
    expect((await one.template.info(0)).LOCK).toBeUndefined();
  });

  it("clones, changes the type, locks and chowns images; snapshots and restore through the models", async () => {
    const { one, clock } = setup();
    const clone = await one.image.clone(0, "copy");
    let src = await one.image.info(0);
    expect([src.STATE.name, src.CLONING_OPS, src.CLONES.ID]).toEqual(["USED", 1, [clone]]);
    expect((await one.image.info(clone)).CLONING_ID).toBe(0);
    clock.advance(2_000);
    src = await one.image.info(0);
    expect(src.STATE.name).toBe("READY");
    expect(await one.image.chtype(clone, "DATABLOCK")).toBe(clone);
    expect((await one.image.info(clone)).TYPE.name).toBe("DATABLOCK");
    await one.image.lock(clone, 1);
    expect((await one.image.info(clone)).LOCK?.LOCKED).toBe(1);
    await one.image.unlock(clone);
    const uid = await one.user.allocate("dave", "pw", "");
    await one.image.chown(clone, uid, -1);
    expect((await one.image.info(clone)).UNAME).toBe("dave");

    // a persistent image with two snapshots from its VM disk
    const pers = await one.image.allocate('NAME="p"\nTYPE="DATABLOCK"\nSIZE="64"\nPERSISTENT="YES"', 1);
    clock.advance(2_000);
    const vm = await one.vm.allocate(`NAME="v"\nCPU="1"\nMEMORY="64"\nDISK=[IMAGE_ID="${pers}"]`);
    clock.advance(10_000);
    await one.vm.disksnapshotcreate(vm, 0, "a");
    clock.advance(1_000);
    await one.vm.disksnapshotcreate(vm, 0, "b");
    clock.advance(1_000);
    await one.vm.action("terminate-hard", vm);
    clock.advance(10_000);
    let image = await one.image.info(pers);
    expect(image.SNAPSHOTS.SNAPSHOT.map((s) => [s.ID, s.PARENT, s.ACTIVE ?? ""])).toEqual([
      [0, -1, ""],
      [1, 0, "YES"],
    ]);
    expect(image.SNAPSHOTS.NEXT_SNAPSHOT).toBe(2);
    await one.image.snapshotrevert(pers, 0);
    image = await one.image.info(pers);
    expect([image.STATE.name, image.TARGET_SNAPSHOT]).toEqual(["LOCKED", 0]);
    clock.advance(2_000);
    await one.image.snapshotdelete(pers, 1);
    clock.advance(2_000);
    await one.image.snapshotflatten(pers, 0);
    clock.advance(2_000);
    image = await one.image.info(pers);
    expect([image.STATE.name, image.SNAPSHOTS.SNAPSHOT]).toEqual(["READY", []]);

    // a BACKUP image of a running VM (one.vm.backup) restored into image datastore 1
    const web = await one.template.instantiate(0, "web");
    const bk = await one.datastore.allocate('NAME="bk"\nTYPE="BACKUP_DS"\nDS_MAD="restic"\nTM_MAD="-"', -1);
    clock.advance(10_000);
    await one.vm.backup(web, bk, false);
    clock.advance(10_000);
    const backupId = (await one.vm.info(web)).BACKUPS?.BACKUP_IDS.ID[0];
    expect(backupId).toBeTypeOf("number");
    const answer = await one.image.restore(backupId!, 1, 'NAME="r"');
    const [tid, iid] = answer.split(" ").map(Number) as [number, number];
    expect((await one.image.info(iid)).NAME).toBe("r-disk-0");
    expect((await one.template.info(tid)).NAME).toBe("r");
  });

  it("updates, renames, chowns, chmods and disables datastores", async () => {
    const { one } = setup();
    await one.datastore.update(1, 'POOL_NAME="rbd"', 1);
    await one.datastore.rename(1, "rbd-images");
    await one.datastore.chmod(1, -1, -1, -1, 1, -1, -1, -1, -1, -1);
    const uid = await one.user.allocate("erin", "pw", "");
    await one.datastore.chown(1, uid, 1);
    const ds = await one.datastore.info(1);
    expect([ds.NAME, ds.UNAME, ds.PERMISSIONS.GROUP_U, ds.TEMPLATE.POOL_NAME]).toEqual([
      "rbd-images",
      "erin",
      1,
      "rbd",
    ]);
    await one.datastore.enable(0, false);
    expect((await one.datastore.info(0)).STATE.name).toBe("DISABLED");
    const err = await one.datastore.enable(1, false).catch((e: unknown) => e);
    expect((err as OpenNebulaError).code).toBe("INTERNAL");
  });
});
