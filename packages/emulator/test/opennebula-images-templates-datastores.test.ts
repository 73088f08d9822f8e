import type { OneImage } from "@homelab-kit/emulator/opennebula";
import { describe, expect, it } from "vitest";
import { field, stateOf } from "./opennebula-rpc.js";
import { regularUser, type Setup as S, setup2023 as setup } from "./opennebula-setup.js";

/** A regular user "dan" (uid 2, group users) and his session. */
const dan = (s: S) => regularUser(s, "dan");

const num = (xml: string, name: string) => Number(field(xml, name));

describe("OpenNebula emulator: VM template chown, lock and unlock", () => {
  it("chowns (new owner must not own a template of that name), refusing regular users and missing ids", async () => {
    const s = setup();
    const d = await dan(s);
    const a = Number(await s.ok("one.template.allocate", 'NAME="web"\nCPU="1"\nMEMORY="128"'));
    expect(await s.call("one.template.allocate", 'NAME="web"')).toMatchObject({
      code: 0x2000,
      message: `[one.template.allocate] NAME is already taken by TEMPLATE ${a}.`,
    });
    expect(await s.call("one.template.allocate", 'CPU="1"')).toMatchObject({
      code: 0x2000,
      message: "[one.template.allocate] Invalid NAME, it cannot be empty",
    });
    expect(await s.call("one.template.allocate", 'NAME="x"\nCPU=[')).toMatchObject({
      kind: "error",
      code: 0x2000,
    });
    expect(await s.ok("one.template.chown", a, d.id, 1)).toBe(a);
    const b = Number(await s.ok("one.template.allocate", 'NAME="web"\nCPU="1"\nMEMORY="128"'));
    const xml = await s.template(a);
    expect([field(xml, "UNAME"), field(xml, "GNAME")]).toEqual(["dan", "users"]);
    expect(await s.call("one.template.chown", b, d.id, -1)).toMatchObject({
      code: 0x2000,
      message: `[one.template.chown] user [${d.id}] already owns virtual machine template [${a}] with NAME web`,
    });
    expect(field(await s.template(b), "UNAME")).toBe("oneadmin");
    expect(await s.call("one.template.chown", a, 99, -1)).toMatchObject({
      code: 0x400,
      message: "[one.template.chown] Error getting user [99].",
    });
    expect(await s.call("one.template.chown", 99, 0, 0)).toMatchObject({
      code: 0x400,
      message: "[one.template.chown] Error getting virtual machine template [99].",
    });
    expect(await d.rpc.call("one.template.chown", a, 0, -1)).toMatchObject({
      code: 0x200,
      message: `[one.template.chown] User [${d.id}] : Not authorized to perform MANAGE USER [0].`,
    });
    expect(await d.rpc.call("one.template.chown", b, d.id, -1)).toMatchObject({
      code: 0x200,
      message: `[one.template.chown] User [${d.id}] : Not authorized to perform MANAGE TEMPLATE [${b}].`,
    });
    // his own template, to one of his groups
    expect(await d.rpc.ok("one.template.chown", a, -1, 1)).toBe(a);
    expect(await s.call("one.template.chown", a, "2", 1)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("a lock refuses calls at or above its level (AUTHORIZATION, as oned 7.4); info, lock and unlock pass", async () => {
    const s = setup();
    s.clock.advance(5_000);
    expect(await s.ok("one.template.lock", 0, 2, false)).toBe(0);
    let xml = await s.template(0);
    expect(xml).toContain(
      `<NAME>ubuntu-small</NAME><LOCK><LOCKED>2</LOCKED><OWNER>0</OWNER><TIME>1700000005</TIME><REQ_ID>-1</REQ_ID></LOCK><PERMISSIONS>`,
    );
    for (const [method, args] of [
      ["one.template.update", [0, 'A="1"', 1]],
      ["one.template.rename", [0, "x"]],
      ["one.template.chown", [0, 0, 0]],
      ["one.template.delete", [0]],
    ] as const) {
      expect(await s.call(method, ...args)).toMatchObject({
        code: 0x200,
        message: `[${method}] User [0] : TEMPLATE is locked. [0].`,
        respId: -1,
      });
    }
    // USE still passes at level 2
    expect(typeof (await s.ok("one.template.instantiate", 0, "a", true, "", false))).toBe("number");
    expect(await s.ok("one.template.lock", 0, 1, false)).toBe(0);
    expect(await s.call("one.template.instantiate", 0, "b", true, "", false)).toMatchObject({
      code: 0x200,
      message: "[one.template.instantiate] User [0] : TEMPLATE is locked. [0].",
    });
    expect(await s.call("one.template.clone", 0, "c", false)).toMatchObject({ code: 0x200 });
    // test=true on a locked template answers ACTION with the lock's time
    expect(await s.call("one.template.lock", 0, 3, true)).toMatchObject({
      code: 0x800,
      message: "[one.template.lock] 1700000005",
    });
    expect(await s.call("one.template.lock", 0, 5, false)).toMatchObject({
      code: 0x800,
      message: "[one.template.lock] Wrong lock level specified",
    });
    expect(await s.ok("one.template.unlock", 0)).toBe(0);
    xml = await s.template(0);
    expect(xml).not.toContain("<LOCK>");
    expect(await s.ok("one.template.lock", 0, 4, true)).toBe(0);
    expect(field(await s.template(0), "LOCKED")).toBe("1"); // ALL is USE
    expect(await s.call("one.template.rename", 0, "x")).toMatchObject({ code: 0x200 });
    await s.ok("one.template.unlock", 0);
    expect(await s.ok("one.template.rename", 0, "x")).toBe(0);
    expect(await s.call("one.template.lock", 42, 1, false)).toMatchObject({
      code: 0x400,
      message: "[one.template.lock] Error getting virtual machine template [42].",
    });
    expect(await s.call("one.template.lock", 0, "1")).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await s.call("one.template.unlock")).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("names are unique per owner: clone and rename refuse a taken one; a clone is not locked", async () => {
    const s = setup();
    await s.ok("one.template.lock", 0, 3, false);
    const c = Number(await s.ok("one.template.clone", 0, "small-2", false));
    expect(await s.template(c)).not.toContain("<LOCK>");
    expect(await s.call("one.template.clone", 0, "small-2", false)).toMatchObject({
      code: 0x2000,
      message: `[one.template.clone] NAME is already taken by TEMPLATE ${c}.`,
    });
    expect(await s.call("one.template.rename", c, "ubuntu-small")).toMatchObject({
      code: 0x800,
      message:
        "[one.template.rename] virtual machine template cannot be renamed to ubuntu-small because it collides with virtual machine template 0",
    });
    const img = Number(await s.ok("one.image.allocate", 'NAME="other"\nSIZE="1"', 1));
    expect(await s.call("one.image.rename", img, "ubuntu-24.04")).toMatchObject({
      code: 0x800,
      message: "[one.image.rename] image cannot be renamed to ubuntu-24.04 because it collides with image 0",
    });
    expect(await s.ok("one.image.rename", img, "renamed")).toBe(img);
  });

  it("recursive clone, chmod and delete carry the disks' images along", async () => {
    const s = setup();
    const c = Number(await s.ok("one.template.clone", 0, "deep", true));
    const img = Number(/<IMAGE_ID><!\[CDATA\[(\d+)\]\]>/.exec(await s.template(c))?.[1]);
    expect(img).not.toBe(0);
    let xml = await s.image(img);
    expect([field(xml, "NAME"), num(xml, "CLONING_ID"), num(xml, "STATE")]).toEqual(["deep-disk-0", 0, 4]);
    s.clock.advance(2_000);
    // the image name is taken now: nothing of a second recursive clone is left behind
    const templates = s.emulator.state.templates.size;
    await s.ok("one.image.rename", img, "deep2-disk-0");
    expect(await s.call("one.template.clone", 0, "deep2", true)).toMatchObject({
      code: 0x800,
      message: `[one.template.clone] Failed to clone images: NAME is already taken by IMAGE ${img}.`,
    });
    expect(s.emulator.state.templates.size).toBe(templates);
    await s.ok("one.template.chmod", c, -1, -1, -1, 1, -1, -1, 1, -1, -1, true);
    xml = await s.image(img);
    expect([field(xml, "GROUP_U"), field(xml, "OTHER_U")]).toEqual(["1", "1"]);
    expect(await s.ok("one.template.delete", c, true)).toBe(c);
    expect(await s.call("one.image.info", img)).toMatchObject({ code: 0x400 });
    // an image in use stays (oned only logs it)
    const vm = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    const d = Number(await s.ok("one.template.clone", 0, "flat", false));
    await s.ok("one.template.delete", d, true);
    expect(num(await s.image(0), "RUNNING_VMS")).toBe(1);
    expect(vm).toBeTypeOf("number");
  });

  it("chmod needs ADMIN only when an ADMIN bit changes", async () => {
    const s = setup();
    const d = await dan(s);
    await s.ok("one.template.chmod", 0, -1, -1, -1, 1, 1, 0, -1, -1, -1);
    await s.ok("one.template.chown", 0, -1, 1);
    await s.ok("one.image.chmod", 0, -1, -1, -1, 1, 1, 0, -1, -1, -1);
    await s.ok("one.image.chown", 0, -1, 1);
    expect(await d.rpc.ok("one.template.chmod", 0, -1, -1, 0, -1, -1, -1, 1, -1, -1)).toBe(0);
    expect(await d.rpc.call("one.template.chmod", 0, -1, -1, 1, -1, -1, -1, -1, -1, -1)).toMatchObject({
      code: 0x200,
      message: `[one.template.chmod] User [${d.id}] : Not authorized to perform ADMIN TEMPLATE [0].`,
    });
    expect(await d.rpc.ok("one.image.chmod", 0, -1, -1, -1, -1, -1, 0, 1, -1, -1)).toBe(0);
    expect(await d.rpc.call("one.image.chmod", 0, -1, -1, -1, -1, -1, 1, -1, -1, -1)).toMatchObject({
      code: 0x200,
      message: `[one.image.chmod] User [${d.id}] : Not authorized to perform ADMIN IMAGE [0].`,
    });
  });

  it("another user may not take over or lift a lock; only an admin may", async () => {
    const s = setup();
    const d = await dan(s);
    await s.ok("one.template.chmod", 0, -1, -1, -1, 1, 1, -1, -1, -1, -1);
    await s.ok("one.template.chown", 0, -1, 1);
    expect(await d.rpc.call("one.template.unlock", 0)).toMatchObject({
      code: 0x800,
      message: "[one.template.unlock] Cannot unlock: Lock is owned by another user",
    });
    await s.ok("one.template.lock", 0, 3, false);
    expect(await d.rpc.call("one.template.lock", 0, 1, false)).toMatchObject({
      code: 0x800,
      message: "[one.template.lock] Error trying to lock the resource.",
    });
    expect(await d.rpc.call("one.template.unlock", 0)).toMatchObject({
      code: 0x800,
      message: "[one.template.unlock] Cannot unlock: Lock is owned by another user",
    });
    await s.ok("one.template.unlock", 0);
    expect(await d.rpc.ok("one.template.lock", 0, 2, false)).toBe(0);
    expect(field(await s.template(0), "OWNER")).toBe(String(d.id));
    // the admin overrides dan's lock, then dan's unlock is refused
    expect(await s.ok("one.template.lock", 0, 1, false)).toBe(0);
    expect(field(await s.template(0), "OWNER")).toBe("0");
    expect(await d.rpc.call("one.template.unlock", 0)).toMatchObject({ code: 0x800 });
    const other = Number(await s.ok("one.template.allocate", 'NAME="private"'));
    expect(await d.rpc.call("one.template.lock", other, 1, false)).toMatchObject({
      code: 0x200,
      message: `[one.template.lock] User [${d.id}] : Not authorized to perform MANAGE TEMPLATE [${other}].`,
    });
  });
});

describe("OpenNebula emulator: image chown, lock and chtype", () => {
  it("chowns images (per-owner NAME), and locks them like templates", async () => {
    const s = setup();
    const d = await dan(s);
    const a = Number(await s.ok("one.image.allocate", 'NAME="data"\nTYPE="DATABLOCK"\nSIZE="10"', 1, false));
    await s.ok("one.image.chown", a, d.id, 1);
    expect(field(await s.image(a), "UNAME")).toBe("dan");
    const b = Number(await s.ok("one.image.allocate", 'NAME="data"\nTYPE="DATABLOCK"\nSIZE="10"', 1, false));
    expect(await s.call("one.image.chown", b, d.id, 1)).toMatchObject({
      code: 0x2000,
      message: `[one.image.chown] user [${d.id}] already owns image [${a}] with NAME data`,
    });
    expect(await d.rpc.call("one.image.chown", 0, d.id, -1)).toMatchObject({
      code: 0x200,
      message: `[one.image.chown] User [${d.id}] : Not authorized to perform MANAGE IMAGE [0].`,
    });
    expect(await s.call("one.image.chown", 77, 0, 0)).toMatchObject({
      code: 0x400,
      message: "[one.image.chown] Error getting image [77].",
    });
    s.clock.advance(3_000);
    await s.ok("one.image.lock", 0, 2, false);
    const xml = await s.image(0);
    expect(xml).toContain(`<NAME>ubuntu-24.04</NAME><LOCK><LOCKED>2</LOCKED><OWNER>0</OWNER>`);
    for (const [method, args] of [
      ["one.image.rename", [0, "x"]],
      ["one.image.chtype", [0, "DATABLOCK"]],
      ["one.image.persistent", [0, true]],
      ["one.image.snapshotflatten", [0, 0]],
    ] as const)
      expect(await s.call(method, ...args)).toMatchObject({
        code: 0x200,
        message: `[${method}] User [0] : IMAGE is locked. [0].`,
      });
    // USE passes at level 2: the image can still be cloned
    expect(typeof (await s.ok("one.image.clone", 0, "copy", -1))).toBe("number");
    await s.ok("one.image.lock", 0, 1, false);
    expect(await s.call("one.image.clone", 0, "copy2", -1)).toMatchObject({
      code: 0x200,
      message: "[one.image.clone] User [0] : IMAGE is locked. [0].",
    });
    await s.ok("one.image.unlock", 0);
    expect(await s.image(0)).not.toContain("<LOCK>");
    expect(await d.rpc.call("one.image.unlock", 0)).toMatchObject({ code: 0x200 });
  });

  it("changes the type within OS/CDROM/DATABLOCK or KERNEL/RAMDISK/CONTEXT, with oned's messages otherwise", async () => {
    const s = setup();
    expect(await s.ok("one.image.chtype", 0, "datablock")).toBe(0);
    expect(num(await s.image(0), "TYPE")).toBe(2);
    await s.ok("one.image.chtype", 0, "CDROM");
    expect(num(await s.image(0), "TYPE")).toBe(1);
    expect(await s.call("one.image.chtype", 0, "KERNEL")).toMatchObject({
      code: 0x800,
      message:
        "[one.image.chtype] Cannot change image type to an incompatible type for the current datastore.",
      respId: 0,
    });
    // an unknown name reads as OS, passes the family check and fails in Image::set_type, whose
    // message is built from a char pointer moved by the current type (CDROM = 1)
    expect(await s.call("one.image.chtype", 0, "FLOPPY")).toMatchObject({
      code: 0x2000,
      message: "[one.image.chtype] nknown type ",
    });
    // FILESYSTEM is no name Image::str_to_type knows either
    expect(await s.call("one.image.chtype", 0, "FILESYSTEM")).toMatchObject({
      code: 0x2000,
      message: "[one.image.chtype] nknown type ",
    });
    const k = Number(
      await s.ok("one.image.allocate", 'NAME="vmlinuz"\nTYPE="KERNEL"\nPATH="/boot/vmlinuz"', 2),
    );
    await s.ok("one.image.chtype", k, "RAMDISK");
    expect(num(await s.image(k), "TYPE")).toBe(4);
    expect(await s.call("one.image.chtype", k, "OS")).toMatchObject({ code: 0x800 });
    const backup = addBackupImage(s, 0);
    expect(await s.call("one.image.chtype", backup.id, "OS")).toMatchObject({
      code: 0x800,
      message: "[one.image.chtype] Cannot change type forBACKUP images.",
    });
    expect(await s.call("one.image.chtype", 0, 3)).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 2 that is supposed to be string is not (it is int)",
    });
    const d = await dan(s);
    expect(await d.rpc.call("one.image.chtype", 0, "OS")).toMatchObject({
      code: 0x200,
      message: `[one.image.chtype] User [${d.id}] : Not authorized to perform MANAGE IMAGE [0].`,
    });
  });
});

describe("OpenNebula emulator: image allocate", () => {
  it("follows ImageAllocateAPI: datastore type, SIZE from stat_image, capacity, authorization, NAME, TYPE", async () => {
    const s = setup();
    const fail = (template: string, ds = 1, skip = false) => s.call("one.image.allocate", template, ds, skip);
    expect(await fail('NAME="x"\nSIZE=[')).toMatchObject({ kind: "error", code: 0x2000 });
    expect(await fail('NAME="x"\nSIZE="1"', 0)).toMatchObject({
      code: 0x4000,
      message:
        "[one.image.allocate] Error allocating a new image. New images can only be allocated in a files or image datastore.",
    });
    expect(await fail('NAME="x"\nSIZE="1"', 42)).toMatchObject({
      code: 0x400,
      message: "[one.image.allocate] Error getting datastore [42].",
    });
    expect(await fail('NAME="x"\nTYPE="DATABLOCK"')).toMatchObject({
      code: 0x2000,
      message: "[one.image.allocate] Cannot parse image SIZE: Wrong number or missing SIZE attribute.",
    });
    expect(await fail('NAME="x"\nSIZE="ten"')).toMatchObject({
      message: "[one.image.allocate] Cannot parse image SIZE: Wrong number or missing SIZE attribute.",
    });
    expect(await fail('NAME="x"\nTYPE="cdrom"')).toMatchObject({
      code: 0x2000,
      message: "[one.image.allocate] Cannot parse image SIZE: Either PATH or SOURCE are required for CDROM",
    });
    expect(await fail('NAME="x"\nSIZE="9000000"')).toMatchObject({
      code: 0x800,
      message: "[one.image.allocate] Not enough space in datastore",
    });
    expect(await fail('TYPE="OS"\nSIZE="1"')).toMatchObject({
      code: 0x4000,
      message: "[one.image.allocate] Error allocating a new image. Invalid NAME, it cannot be empty",
    });
    // Image::set_type's message is a char pointer moved by OS (0): nothing after "type "
    expect(await fail('NAME="x"\nTYPE="FLOPPY"\nSIZE="1"')).toMatchObject({
      code: 0x4000,
      message: "[one.image.allocate] Error allocating a new image. Unknown type ",
    });
    const d = await dan(s);
    expect(await d.rpc.call("one.image.allocate", 'NAME="x"\nSIZE="1"', 1, false)).toMatchObject({
      code: 0x200,
      message: `[one.image.allocate] User [${d.id}] : Not authorized to perform USE DATASTORE [1].`,
    });
    // an admin may skip the capacity check; a PATH without SIZE is "copied" (2048 MB)
    const iso = Number(await s.ok("one.image.allocate", 'NAME="iso"\nTYPE="CDROM"\nPATH="/i.iso"', 1, false));
    const big = Number(await s.ok("one.image.allocate", 'NAME="big"\nSIZE="9000000"', 1, true));
    expect([num(await s.image(big), "SIZE"), num(await s.image(iso), "SIZE")]).toEqual([9000000, 2048]);
  });
});

describe("OpenNebula emulator: image persistent and enable", () => {
  it("follows Image::persistent and ImageManager::enable_image, INTERNAL with their messages", async () => {
    const s = setup();
    expect(await s.ok("one.image.persistent", 0, false)).toBe(0); // already non-persistent: no-op
    expect(await s.ok("one.image.persistent", 0, true)).toBe(0);
    expect(num(await s.image(0), "PERSISTENT")).toBe(1);
    await s.ok("one.image.persistent", 0, false);
    const vm = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    s.clock.advance(10_000);
    expect(await s.call("one.image.persistent", 0, true)).toMatchObject({
      code: 0x2000,
      message: "[one.image.persistent] Could not make image persistent: Image cannot be in state USED.",
    });
    expect(await s.call("one.image.enable", 0, false)).toMatchObject({
      code: 0x2000,
      message: "[one.image.enable] Could not disable image: Image cannot be in state USED.",
    });
    await s.ok("one.vm.action", "terminate-hard", vm);
    s.clock.advance(10_000);
    expect(await s.ok("one.image.enable", 0, false)).toBe(0);
    expect(num(await s.image(0), "STATE")).toBe(3);
    expect(await s.ok("one.image.enable", 0, false)).toBe(0); // already DISABLED: no-op
    expect(await s.ok("one.image.enable", 0, true)).toBe(0);
    expect(num(await s.image(0), "STATE")).toBe(1);
    expect(await s.ok("one.image.enable", 0, true)).toBe(0);
    const k = Number(await s.ok("one.image.allocate", 'NAME="k"\nTYPE="KERNEL"\nPATH="/boot/k"', 2));
    expect(await s.call("one.image.persistent", k, true)).toMatchObject({
      code: 0x800,
      message: "[one.image.persistent] KERNEL, RAMDISK and CONTEXT must be non-persistent",
    });
    const backup = addBackupImage(s, 0);
    expect(await s.call("one.image.persistent", backup.id, false)).toMatchObject({
      code: 0x800,
      message: "[one.image.persistent] BACKUP images must be persistent",
    });
    expect(await s.call("one.image.enable", backup.id, false)).toMatchObject({
      code: 0x2000,
      message: "[one.image.enable] Could not disable image: Backup images cannot be enabled or disabled.",
    });
    const fresh = Number(await s.ok("one.image.allocate", 'NAME="f"\nSIZE="1"', 1));
    expect(await s.call("one.image.enable", fresh, true)).toMatchObject({
      message: "[one.image.enable] Could not enable image: Image cannot be in state LOCKED.",
    });
    const d = await dan(s);
    expect(await d.rpc.call("one.image.enable", 0, false)).toMatchObject({ code: 0x200 });
    expect(await s.call("one.image.persistent", 0, 1)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

/** A BACKUP image (TYPE 6) of `vmId` in a new backup datastore, as `one.vm.backup` leaves one. */
function addBackupImage(s: S, vmId: number, extra: Partial<OneImage> = {}): OneImage {
  const st = s.emulator.state;
  let ds = [...st.datastores.values()].find((d) => d.type === 3);
  if (ds === undefined) {
    const id = st.nextId.datastore++;
    ds = {
      id,
      name: "backups",
      uid: 0,
      gid: 0,
      permissions: [1, 1, 0, 1, 0, 0, 0, 0, 0],
      type: 3,
      dsMad: "restic",
      tmMad: "-",
      diskType: 0,
      clusterIds: [0],
      totalMb: 1_000_000,
      state: 0,
      template: [
        ["DS_MAD", "restic"],
        ["TM_MAD", "-"],
        ["TYPE", "BACKUP_DS"],
      ],
    };
    st.datastores.set(id, ds);
  }
  const id = st.nextId.image++;
  const image: OneImage = {
    id,
    name: `${vmId} 27-11-2026 10:00:00`,
    uid: 0,
    gid: 0,
    permissions: [1, 1, 0, 0, 0, 0, 0, 0, 0],
    type: 6,
    persistent: true,
    sizeMb: 3584,
    state: 1,
    prevState: 1,
    datastoreId: ds.id,
    regtime: 1_700_000_000,
    path: "",
    source: "a1b2c3",
    format: "raw",
    vms: new Set([vmId]),
    readyAt: null,
    template: [],
    ...extra,
  };
  st.images.set(id, image);
  return image;
}

describe("OpenNebula emulator: image clone", () => {
  it("clones into a new LOCKED image that becomes READY; the source is USED while it is copied", async () => {
    const s = setup();
    await s.ok("one.image.update", 0, 'DEV_PREFIX="sd"\nLABEL="base"', 0);
    const id = Number(await s.ok("one.image.clone", 0, "ubuntu-copy", -1));
    let xml = await s.image(id);
    expect([num(xml, "STATE"), num(xml, "CLONING_ID"), num(xml, "DATASTORE_ID")]).toEqual([4, 0, 1]);
    expect([field(xml, "PATH"), field(xml, "SOURCE")]).toEqual(["one/one-0", `one/one-${id}`]);
    expect(xml).toContain("<LABEL><![CDATA[base]]></LABEL>");
    let src = await s.image(0);
    expect([num(src, "STATE"), num(src, "CLONING_OPS")]).toEqual([2, 1]);
    expect(src).toContain(`<CLONES><ID>${id}</ID></CLONES>`);
    expect(s.events.filter((e) => e.type === "image-created").map((e) => e.image.id)).toEqual([id]);
    s.clock.advance(2_000);
    xml = await s.image(id);
    expect([num(xml, "STATE"), num(xml, "CLONING_ID")]).toEqual([1, -1]);
    src = await s.image(0);
    expect([num(src, "STATE"), num(src, "CLONING_OPS")]).toEqual([1, 0]);
    expect(src).toContain("<CLONES/>");
    expect(await s.call("one.image.clone", 0, "ubuntu-copy", -1)).toMatchObject({
      code: 0x4000,
      message: `[one.image.clone] Error allocating a new image. NAME is already taken by IMAGE ${id}.`,
    });
  });

  it("a persistent source is in CLONE while copied; a LOCKED one cannot be cloned", async () => {
    const s = setup();
    const p = Number(
      await s.ok("one.image.allocate", 'NAME="db"\nTYPE="DATABLOCK"\nSIZE="100"\nPERSISTENT="YES"', 1),
    );
    expect(await s.call("one.image.clone", p, "db-copy", -1)).toMatchObject({
      code: 0x4000,
      message: "[one.image.clone] Error allocating a new image. Cannot clone image in state: LOCKED",
    });
    s.clock.advance(2_000);
    const c = Number(await s.ok("one.image.clone", p, "db-copy", 1));
    expect(num(await s.image(p), "STATE")).toBe(6);
    expect(num(await s.image(c), "PERSISTENT")).toBe(1);
    s.clock.advance(2_000);
    expect(num(await s.image(p), "STATE")).toBe(1);
  });

  it("deletes: a LOCKED image only with force (a clone's source is released), never one in use or being cloned", async () => {
    const s = setup();
    const c = Number(await s.ok("one.image.clone", 0, "c", -1));
    expect(await s.call("one.image.delete", c, false)).toMatchObject({
      code: 0x2000,
      message:
        "[one.image.delete] Image locked, use --force flag to remove the image. Force delete may leave some files on Datastore",
      respId: c,
    });
    expect(await s.call("one.image.delete", 0, false)).toMatchObject({
      code: 0x800,
      message: "[one.image.delete] Cannot delete image. There are 0 VMs using it.",
    });
    expect(await s.ok("one.image.delete", c, true)).toBe(c);
    const src = await s.image(0);
    expect([num(src, "STATE"), num(src, "CLONING_OPS")]).toEqual([1, 0]);
    const p = Number(await s.ok("one.image.allocate", 'NAME="p"\nSIZE="10"\nPERSISTENT="YES"', 1));
    s.clock.advance(2_000);
    await s.ok("one.image.clone", p, "p2", -1);
    expect(await s.call("one.image.delete", p)).toMatchObject({
      message: "[one.image.delete] Cannot delete image. There are 1 active clone operations.",
    });
    s.clock.advance(2_000);
    await s.ok("one.template.instantiate", 0, "", false, "", false);
    expect(await s.call("one.image.delete", 0, true)).toMatchObject({
      code: 0x800,
      message: "[one.image.delete] Cannot delete image. There are 1 VMs using it.",
    });
    expect(await s.ok("one.image.delete", p)).toBe(p);
  });

  it("refuses other datastores, types and missing objects with oned's messages", async () => {
    const s = setup();
    expect(await s.call("one.image.clone", 0, "x", 2)).toMatchObject({
      code: 0x800,
      message: "[one.image.clone] Clone only supported for IMAGE_DS Datastores",
    });
    expect(await s.call("one.image.clone", 0, "x", 99)).toMatchObject({
      code: 0x400,
      message: "[one.image.clone] Error getting datastore [99].",
      respId: 99,
    });
    expect(await s.call("one.image.clone", 99, "x", -1)).toMatchObject({
      code: 0x400,
      message: "[one.image.clone] Error getting image [99].",
    });
    const fsDs = Number(
      await s.ok("one.datastore.allocate", 'NAME="local"\nDS_MAD="fs"\nTM_MAD="qcow2"', -1),
    );
    expect(await s.call("one.image.clone", 0, "x", fsDs)).toMatchObject({
      code: 0x800,
      message: "[one.image.clone] Clone only supported to same DS_MAD Datastores",
    });
    const k = Number(await s.ok("one.image.allocate", 'NAME="ctx"\nTYPE="CONTEXT"\nPATH="/tmp/a"', 2));
    expect(await s.call("one.image.clone", k, "x", -1)).toMatchObject({
      code: 0x800,
      message: "[one.image.clone] CONTEXT images cannot be cloned.",
    });
    expect(await s.call("one.image.clone", 0, "", -1)).toMatchObject({
      code: 0x4000,
      message: "[one.image.clone] Error allocating a new image. Invalid NAME, it cannot be empty",
    });
    const d = await dan(s);
    const own = Number(await s.ok("one.image.allocate", 'NAME="mine"\nSIZE="1"', 1));
    s.clock.advance(2_000);
    expect(await d.rpc.call("one.image.clone", own, "x", -1)).toMatchObject({
      code: 0x200,
      message: `[one.image.clone] User [${d.id}] : Not authorized to perform USE IMAGE [${own}].`,
    });
    // image 0 is group-usable and datastore 1 too: dan clones it as his own
    await s.ok("one.datastore.chmod", 1, -1, -1, -1, 1, -1, -1, -1, -1, -1);
    await s.ok("one.image.chown", 0, -1, 1);
    await s.ok("one.datastore.chown", 1, -1, 1);
    const mine = Number(await d.rpc.ok("one.image.clone", 0, "ubuntu-dan", -1));
    expect(field(await s.image(mine), "UNAME")).toBe("dan");
  });
});

/** A VM on a persistent DATABLOCK with two disk snapshots (1 child of 0, 1 active), then DONE. */
async function imageWithSnapshots(s: S): Promise<number> {
  const img = Number(
    await s.ok("one.image.allocate", 'NAME="pdata"\nTYPE="DATABLOCK"\nSIZE="512"\nPERSISTENT="YES"', 1),
  );
  s.clock.advance(2_000);
  const vm = Number(
    await s.ok("one.vm.allocate", `NAME="v"\nCPU="1"\nMEMORY="128"\nDISK=[IMAGE_ID="${img}"]`),
  );
  s.clock.advance(10_000);
  expect(stateOf(String(await s.ok("one.vm.info", vm)))).toEqual([3, 3]);
  expect(num(await s.image(img), "STATE")).toBe(8);
  await s.ok("one.vm.disksnapshotcreate", vm, 0, "first");
  s.clock.advance(1_000);
  await s.ok("one.vm.disksnapshotcreate", vm, 0, "second");
  s.clock.advance(1_000);
  // while the VM holds it, the image shows its disk's snapshots (USED_PERS)
  const used = await s.image(img);
  expect([num(used, "STATE"), num(used, "NEXT_SNAPSHOT")]).toEqual([8, 2]);
  expect(used).toMatch(/<SNAPSHOT><ACTIVE>YES<\/ACTIVE><DATE>\d+<\/DATE><ID>1<\/ID><NAME>second<\/NAME>/);
  expect(await s.call("one.image.snapshotdelete", img, 0)).toMatchObject({
    message: "[one.image.snapshotdelete] Cannot delete snapshot in state USED_PERS",
  });
  await s.ok("one.vm.action", "terminate", vm);
  s.clock.advance(10_000);
  expect(stateOf(String(await s.ok("one.vm.info", vm)))[0]).toBe(6);
  return img;
}

describe("OpenNebula emulator: image snapshots", () => {
  it("a persistent image keeps its disk's snapshots; delete, revert and flatten go through LOCKED", async () => {
    const s = setup();
    const img = await imageWithSnapshots(s);
    let xml = await s.image(img);
    expect(num(xml, "STATE")).toBe(1);
    expect(xml).toContain(
      "<SNAPSHOTS><ALLOW_ORPHANS><![CDATA[NO]]></ALLOW_ORPHANS><CURRENT_BASE>-1</CURRENT_BASE><NEXT_SNAPSHOT>2</NEXT_SNAPSHOT>",
    );
    expect(xml).toMatch(
      /<SNAPSHOT><CHILDREN>1<\/CHILDREN><DATE>\d+<\/DATE><ID>0<\/ID><NAME>first<\/NAME><PARENT>-1<\/PARENT><SIZE>512<\/SIZE><\/SNAPSHOT>/,
    );
    expect(xml).toMatch(
      /<SNAPSHOT><ACTIVE>YES<\/ACTIVE><DATE>\d+<\/DATE><ID>1<\/ID><NAME>second<\/NAME><PARENT>0<\/PARENT>/,
    );
    expect(await s.call("one.image.snapshotdelete", img, 1)).toMatchObject({
      code: 0x800,
      message: "[one.image.snapshotdelete] Cannot delete the active snapshot",
    });
    expect(await s.call("one.image.snapshotdelete", img, 0)).toMatchObject({
      message: "[one.image.snapshotdelete] Cannot delete snapshot with children",
    });
    expect(await s.call("one.image.snapshotdelete", img, 7)).toMatchObject({
      message: "[one.image.snapshotdelete] Snapshot does not exist",
    });
    expect(await s.call("one.image.clone", img, "x", -1)).toMatchObject({
      code: 0x800,
      message: "[one.image.clone] Cannot clone images with snapshots",
    });
    expect(await s.call("one.image.persistent", img, false)).toMatchObject({
      code: 0x2000,
      message: "[one.image.persistent] Could not make image non-persistent: Image has snapshots.",
    });
    expect(await s.call("one.image.chtype", img, "CDROM")).toMatchObject({
      code: 0x2000,
      message: "[one.image.chtype] Image with snapshots can be only of type OS or DATABLOCK",
    });
    // revert to 0: LOCKED with TARGET_SNAPSHOT, then 0 is the active one
    expect(await s.ok("one.image.snapshotrevert", img, 0)).toBe(img);
    xml = await s.image(img);
    expect([num(xml, "STATE"), num(xml, "TARGET_SNAPSHOT")]).toEqual([4, 0]);
    expect(await s.call("one.image.snapshotrevert", img, 0)).toMatchObject({
      code: 0x800,
      message: "[one.image.snapshotrevert] Cannot revert to snapshot in state LOCKED",
    });
    s.clock.advance(2_000);
    xml = await s.image(img);
    expect([num(xml, "STATE"), num(xml, "TARGET_SNAPSHOT")]).toEqual([1, -1]);
    expect(xml).toMatch(/<SNAPSHOT><CHILDREN>1<\/CHILDREN><ACTIVE>YES<\/ACTIVE><DATE>\d+<\/DATE><ID>0<\/ID>/);
    // 1 is no longer active and has no children: it can go
    await s.ok("one.image.snapshotdelete", img, 1);
    expect(num(await s.image(img), "STATE")).toBe(4);
    s.clock.advance(2_000);
    xml = await s.image(img);
    expect(xml).not.toContain("<ID>1</ID><NAME>second</NAME>");
    expect(xml).toContain("<NAME>first</NAME>");
    await s.ok("one.image.snapshotflatten", img, 0);
    expect(await s.call("one.image.snapshotdelete", img, 0)).toMatchObject({
      message: "[one.image.snapshotdelete] Cannot delete snapshot in state LOCKED",
    });
    s.clock.advance(2_000);
    xml = await s.image(img);
    expect(xml).not.toContain("<SNAPSHOT>");
    expect(num(xml, "STATE")).toBe(1);
    expect(await s.call("one.image.snapshotflatten", img, 0)).toMatchObject({
      message: "[one.image.snapshotflatten] Snapshot does not exist",
    });
  });

  it("refuses non-disk types, images in use, regular users and bad parameters", async () => {
    const s = setup();
    expect(await s.call("one.image.snapshotrevert", 0, 0)).toMatchObject({
      code: 0x800,
      message: "[one.image.snapshotrevert] Snapshot does not exist",
    });
    await s.ok("one.template.instantiate", 0, "", false, "", false);
    s.clock.advance(10_000);
    expect(await s.call("one.image.snapshotflatten", 0, 0)).toMatchObject({
      message: "[one.image.snapshotflatten] Cannot flatten snapshot in state USED",
    });
    const cd = Number(await s.ok("one.image.allocate", 'NAME="iso"\nTYPE="CDROM"\nPATH="/x.iso"', 1));
    s.clock.advance(2_000);
    expect(await s.call("one.image.snapshotdelete", cd, 0)).toMatchObject({
      message:
        "[one.image.snapshotdelete] IMAGES of type KERNEL, RAMDISK, BACKUP and CONTEXT does not have snapshots.",
    });
    const d = await dan(s);
    expect(await d.rpc.call("one.image.snapshotdelete", 0, 0)).toMatchObject({ code: 0x200 });
    expect(await s.call("one.image.snapshotdelete", 88, 0)).toMatchObject({
      code: 0x400,
      message: "[one.image.snapshotdelete] Error getting image [88].",
    });
    expect(await s.call("one.image.snapshotrevert", 0, true)).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    expect(await s.call("one.image.snapshotflatten", 0)).toMatchObject({
      kind: "fault",
      faultString: "Not enough parameters",
    });
  });
});

describe("OpenNebula emulator: image restore", () => {
  async function vmWithBackup(s: S) {
    const vm = Number(await s.ok("one.template.instantiate", 0, "web", false, "", false));
    s.clock.advance(10_000);
    return { vm, backup: addBackupImage(s, vm) };
  }

  it("restores a backup into images and a VM template, answering their IDs", async () => {
    const s = setup();
    const { vm, backup } = await vmWithBackup(s);
    const answer = String(await s.ok("one.image.restore", backup.id, 1, ""));
    expect(answer).toMatch(/^\d+ \d+$/);
    const [tid, iid] = answer.split(" ").map(Number) as [number, number];
    let img = await s.image(iid);
    expect([field(img, "NAME"), num(img, "TYPE"), num(img, "STATE")]).toEqual([`${vm}-a1b2c3-disk-0`, 0, 4]);
    expect(field(img, "PATH")).toBe(`restic://${backup.datastoreId}/a1b2c3/disk.0`);
    s.clock.advance(2_000);
    img = await s.image(iid);
    expect(num(img, "STATE")).toBe(1);
    const t = await s.template(tid);
    expect(field(t, "NAME")).toBe(`${vm}-a1b2c3`);
    expect(t).toContain(`<DISK><IMAGE_ID><![CDATA[${iid}]]></IMAGE_ID></DISK>`);
    expect(t).toContain(
      "<NIC><IP><![CDATA[192.168.10.100]]></IP><NETWORK_ID><![CDATA[0]]></NETWORK_ID></NIC>",
    );
    expect(t).toContain("<MEMORY><![CDATA[2048]]></MEMORY>");
    // the restored template runs
    const again = Number(await s.ok("one.template.instantiate", tid, "restored", false, "", false));
    s.clock.advance(10_000);
    expect(stateOf(String(await s.ok("one.vm.info", again)))).toEqual([3, 3]);
    // the same names again: the driver's allocate fails
    expect(await s.call("one.image.restore", backup.id, 1, "")).toMatchObject({
      code: 0x800,
      message: `[one.image.restore] Error restoring disk image: [one.image.allocate] Error allocating a new image. NAME is already taken by IMAGE ${iid}.`,
    });
    const named = String(await s.ok("one.image.restore", backup.id, 1, 'NAME="copy"\nNO_NIC="YES"'));
    const [t2] = named.split(" ").map(Number) as [number];
    const copy = await s.template(t2);
    expect(field(copy, "NAME")).toBe("copy");
    expect(copy).not.toContain("<NIC>");
    const one = String(await s.ok("one.image.restore", backup.id, 1, 'NAME="d0"\nDISK_ID="0"'));
    expect(one).toMatch(/^-1 \d+$/);
  });

  it("restores a backup made by one.vm.backup, whose disks and BACKUP_DISK_IDS it follows", async () => {
    const s = setup();
    const vm = Number(await s.ok("one.template.instantiate", 0, "db", false, "", false));
    const ds = Number(
      await s.ok("one.datastore.allocate", 'NAME="bk"\nTYPE="BACKUP_DS"\nDS_MAD="rsync"\nTM_MAD="-"', -1),
    );
    s.clock.advance(10_000);
    await s.ok("one.vm.backup", vm, ds, false);
    s.clock.advance(10_000);
    const bid = Number(/<BACKUP_IDS><ID>(\d+)<\/ID>/.exec(String(await s.ok("one.vm.info", vm)))?.[1]);
    const backup = await s.image(bid);
    expect(backup).toContain("<BACKUP_DISK_IDS><ID>0</ID></BACKUP_DISK_IDS>");
    const [tid, iid, more] = String(await s.ok("one.image.restore", bid, 1, ""))
      .split(" ")
      .map(Number);
    expect(more).toBeUndefined();
    const img = await s.image(iid!);
    expect(field(img, "NAME")).toMatch(new RegExp(`^${vm}-.+-disk-0$`));
    expect(field(img, "PATH")).toMatch(new RegExp(`^rsync://${ds}/.+/disk\\.0$`));
    expect(await s.template(tid!)).toContain(`<DISK><IMAGE_ID><![CDATA[${iid}]]></IMAGE_ID></DISK>`);
    expect(await s.call("one.image.restore", bid, 1, 'NAME="x"\nDISK_ID="1"')).toMatchObject({
      message: "[one.image.restore] Cannot restore disk 1, it is not part of the backup",
    });
  });

  it("refuses what oned refuses", async () => {
    const s = setup();
    const { backup } = await vmWithBackup(s);
    expect(await s.call("one.image.restore", 0, 1, "")).toMatchObject({
      code: 0x800,
      message: "[one.image.restore] Can only restore images of type BACKUP",
    });
    expect(await s.call("one.image.restore", backup.id, 2, "")).toMatchObject({
      message: "[one.image.restore] Destination can be only an image datastore",
    });
    expect(await s.call("one.image.restore", backup.id, -1, "")).toMatchObject({
      message: "[one.image.restore] Destination datastore does not exist",
    });
    expect(await s.call("one.image.restore", backup.id, 99, "")).toMatchObject({
      code: 0x400,
      message: "[one.image.restore] Error getting datastore [99].",
    });
    expect(await s.call("one.image.restore", backup.id, 1, 'DISK_ID="5"')).toMatchObject({
      code: 0x800,
      message: "[one.image.restore] Cannot restore disk 5, it is not part of the backup",
    });
    const clash = await s.call("one.image.restore", backup.id, 1, 'NAME="ubuntu-small"');
    expect(clash).toMatchObject({ code: 0x800 });
    expect(clash.kind === "error" && clash.message).toMatch(
      /^\[one\.image\.restore\] Error creating VM template: \[one\.template\.allocate\] NAME is already taken by TEMPLATE 0\. The following images were restored: \d+$/,
    );
    const r = await s.call("one.image.restore", backup.id, 1, 'NAME="unterminated');
    expect(r).toMatchObject({ kind: "error", code: 0x2000 });
    const selected = addBackupImage(s, backup.vms.values().next().value as number, {
      template: [["BACKUP_SELECTED_DISKS", "YES"]],
    });
    expect(await s.call("one.image.restore", selected.id, 1, "")).toMatchObject({
      message: "[one.image.restore] Cannot restore a VM from a selected disk backup",
    });
    const orphan = addBackupImage(s, 999);
    expect(await s.call("one.image.restore", orphan.id, 1, "")).toMatchObject({
      code: 0x800,
      message: "[one.image.restore] Backup does not contain any disks or missing vm.xml",
    });
    const d = await dan(s);
    expect(await d.rpc.call("one.image.restore", backup.id, 1, "")).toMatchObject({
      code: 0x200,
      message: `[one.image.restore] User [${d.id}] : Not authorized to perform USE IMAGE [${backup.id}].`,
    });
    expect(await s.call("one.image.restore", backup.id, 1)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: datastore rename, chown, chmod, enable and update", () => {
  it("renames (unique names; images show the new name), chowns and chmods", async () => {
    const s = setup();
    await s.ok("one.datastore.rename", 1, "rbd");
    expect(field(await s.datastore(1), "NAME")).toBe("rbd");
    expect(field(await s.image(0), "DATASTORE")).toBe("rbd");
    expect(await s.call("one.datastore.rename", 1, "files")).toMatchObject({
      code: 0x800,
      message:
        "[one.datastore.rename] datastore cannot be renamed to files because it collides with datastore 2",
    });
    expect(await s.ok("one.datastore.rename", 1, "rbd")).toBe(1);
    expect(await s.call("one.datastore.rename", 1, "")).toMatchObject({
      message: "[one.datastore.rename] Invalid NAME, it cannot be empty",
    });
    const d = await dan(s);
    await s.ok("one.datastore.chown", 1, d.id, 1);
    let xml = await s.datastore(1);
    expect([field(xml, "UNAME"), field(xml, "GNAME")]).toEqual(["dan", "users"]);
    await s.ok("one.datastore.chmod", 1, -1, -1, 1, -1, -1, -1, 1, -1, -1);
    xml = await s.datastore(1);
    expect(xml).toContain(
      "<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>1</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>1</OTHER_U>",
    );
    expect(await d.rpc.call("one.datastore.chown", 2, d.id, -1)).toMatchObject({
      code: 0x200,
      message: `[one.datastore.chown] User [${d.id}] : Not authorized to perform MANAGE DATASTORE [2].`,
    });
    expect(await s.call("one.datastore.chmod", 1, 2, -1, -1, -1, -1, -1, -1, -1, -1)).toMatchObject({
      code: 0x1000,
      message: "[one.datastore.chmod] Wrong permissions value.",
    });
    expect(await s.call("one.datastore.rename", 9, "x")).toMatchObject({
      code: 0x400,
      message: "[one.datastore.rename] Error getting datastore [9].",
    });
  });

  it("allocates from ID 100 with unique names; deletes only empty datastores", async () => {
    const s = setup();
    const ds = Number(await s.ok("one.datastore.allocate", 'NAME="local"\nDS_MAD="fs"\nTM_MAD="ssh"', -1));
    expect(ds).toBe(100);
    expect(
      await s.call("one.datastore.allocate", 'NAME="local"\nDS_MAD="fs"\nTM_MAD="ssh"', -1),
    ).toMatchObject({
      // oned 7.4: INTERNAL with the bare message (conformance/opennebula-oned)
      code: 0x2000,
      message: "[one.datastore.allocate] NAME is already taken by DATASTORE 100.",
    });
    expect(await s.call("one.datastore.delete", 1)).toMatchObject({
      code: 0x800,
      message: "[one.datastore.delete] Cannot delete datastore. Datastore 1 is not empty.",
      respId: -1,
    });
    expect(await s.ok("one.datastore.delete", ds)).toBe(ds);
    expect(await s.call("one.datastore.info", ds)).toMatchObject({ code: 0x400 });
  });

  it("enables and disables system datastores only", async () => {
    const s = setup();
    expect(await s.ok("one.datastore.enable", 0, false)).toBe(0);
    expect(num(await s.datastore(0), "STATE")).toBe(1);
    await s.ok("one.datastore.enable", 0, true);
    expect(num(await s.datastore(0), "STATE")).toBe(0);
    expect(await s.call("one.datastore.enable", 1, false)).toMatchObject({
      code: 0x2000,
      message: "[one.datastore.enable] Only SYSTEM_DS can be disabled or enabled",
    });
    expect(await s.call("one.datastore.enable", 0, 1)).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 2 that is supposed to be boolean is not (it is int)",
    });
    const d = await dan(s);
    expect(await d.rpc.call("one.datastore.enable", 0, true)).toMatchObject({ code: 0x200 });
  });

  it("updates the template keeping TYPE, DS_MAD, TM_MAD and DISK_TYPE consistent; POOL_NAME moves new images", async () => {
    const s = setup();
    await s.ok("one.datastore.update", 1, 'POOL_NAME="rbd2"\nBRIDGE_LIST="node01"', 0);
    let xml = await s.datastore(1);
    for (const [k, v] of [
      ["TYPE", "IMAGE_DS"],
      ["DS_MAD", "ceph"],
      ["TM_MAD", "ceph"],
      ["POOL_NAME", "rbd2"],
      ["BRIDGE_LIST", "node01"],
    ])
      expect(xml).toContain(`<${k}><![CDATA[${v}]]></${k}>`);
    expect(xml).not.toContain("CEPH_USER");
    // a replace without DISK_TYPE drops it from TEMPLATE; the datastore keeps its disk type
    expect(xml).not.toContain("<DISK_TYPE><![CDATA[");
    expect(num(xml, "DISK_TYPE")).toBe(3);
    expect(await s.call("one.datastore.update", 1, 'DISK_TYPE="CDROM"', 1)).toMatchObject({
      code: 0x2000,
      message: "[one.datastore.update] Cannot update template. Invalid DISK_TYPE for an Image Datastore.",
    });
    expect(await s.call("one.datastore.update", 1, 'DISK_TYPE="TAPE"', 1)).toMatchObject({
      message: "[one.datastore.update] Cannot update template. Unknown DISK_TYPE in template.",
    });
    expect(await s.call("one.datastore.update", 0, 'DISK_TYPE="ISCSI"', 1)).toMatchObject({
      message: "[one.datastore.update] Cannot update template. Invalid DISK_TYPE for a System Datastore.",
    });
    expect(field(await s.datastore(1), "POOL_NAME")).toBe("rbd2"); // a refused update changes nothing
    await s.ok("one.datastore.update", 1, 'DISK_TYPE="rbd"', 1);
    expect(await s.datastore(1)).toContain("<DISK_TYPE><![CDATA[RBD]]></DISK_TYPE>");
    const img = Number(await s.ok("one.image.allocate", 'NAME="n"\nSIZE="1"', 1));
    expect(field(await s.image(img), "SOURCE")).toBe(`rbd2/one-${img}`);
    await s.ok("one.datastore.update", 1, 'TM_MAD="ssh"\nDS_MAD="fs"\nDISK_TYPE="FILE"', 1);
    xml = await s.datastore(1);
    expect([field(xml, "DS_MAD"), field(xml, "TM_MAD"), num(xml, "DISK_TYPE")]).toEqual(["fs", "ssh", 0]);
    // datastore 0 stays the system datastore and has no DS_MAD
    await s.ok("one.datastore.update", 0, 'TYPE="IMAGE_DS"\nDS_MAD="fs"', 1);
    xml = await s.datastore(0);
    expect(num(xml, "TYPE")).toBe(1);
    expect(xml).toContain("<TYPE><![CDATA[SYSTEM_DS]]></TYPE>");
    expect(xml).not.toContain("<DS_MAD><![CDATA[");
    await s.ok("one.datastore.update", 2, 'TYPE="image_ds"', 1);
    expect(num(await s.datastore(2), "TYPE")).toBe(0);
    expect(await s.call("one.datastore.update", 1, 'A="1', 0)).toMatchObject({ kind: "error", code: 0x800 });
    const d = await dan(s);
    expect(await d.rpc.call("one.datastore.update", 1, 'A="1"', 1)).toMatchObject({
      code: 0x200,
      message: `[one.datastore.update] User [${d.id}] : Not authorized to perform MANAGE DATASTORE [1].`,
    });
    expect(await s.call("one.datastore.update", 1, 5, 0)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});
