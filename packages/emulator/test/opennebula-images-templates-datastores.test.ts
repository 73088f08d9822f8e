import {
  createOpenNebulaEmulator,
  manualClock,
  type OpenNebulaEvent,
} from "@homelab-kit/emulator/opennebula";
import { describe, expect, it } from "vitest";
import { field, rpcClient } from "./opennebula-rpc.js";

function setup() {
  const clock = manualClock(1_700_000_000_000);
  const emulator = createOpenNebulaEmulator({ clock });
  const events: OpenNebulaEvent[] = [];
  emulator.state.subscribe((e) => events.push(e));
  const rpc = rpcClient(emulator.transport());
  const image = async (id: number) => String(await rpc.ok("one.image.info", id));
  const datastore = async (id: number) => String(await rpc.ok("one.datastore.info", id));
  const template = async (id: number) => String(await rpc.ok("one.template.info", id));
  return { clock, emulator, events, image, datastore, template, ...rpc };
}
type S = ReturnType<typeof setup>;

/** A regular user "dan" (uid 2, group users) and his session. */
async function dan(s: S) {
  const uid = Number(await s.ok("one.user.allocate", "dan", "pw", ""));
  return { uid, rpc: s.as("dan:pw") };
}

const num = (xml: string, name: string) => Number(field(xml, name));

describe("OpenNebula emulator: VM template chown, lock and unlock", () => {
  it("chowns (new owner must not own a template of that name), refusing regular users and missing ids", async () => {
    const s = setup();
    const d = await dan(s);
    const a = Number(await s.ok("one.template.allocate", 'NAME="web"\nCPU="1"\nMEMORY="128"'));
    const b = Number(await s.ok("one.template.allocate", 'NAME="web"\nCPU="1"\nMEMORY="128"'));
    expect(await s.ok("one.template.chown", a, d.uid, 1)).toBe(a);
    const xml = await s.template(a);
    expect([field(xml, "UNAME"), field(xml, "GNAME")]).toEqual(["dan", "users"]);
    expect(await s.call("one.template.chown", b, d.uid, -1)).toMatchObject({
      code: 0x2000,
      message: `[one.template.chown] user [${d.uid}] already owns virtual machine template [${a}] with NAME web`,
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
      message: `[one.template.chown] User [${d.uid}] : Not authorized to perform MANAGE USER [0].`,
    });
    expect(await d.rpc.call("one.template.chown", b, d.uid, -1)).toMatchObject({
      code: 0x200,
      message: `[one.template.chown] User [${d.uid}] : Not authorized to perform MANAGE TEMPLATE [${b}].`,
    });
    // his own template, to one of his groups
    expect(await d.rpc.ok("one.template.chown", a, -1, 1)).toBe(a);
    expect(await s.call("one.template.chown", a, "2", 1)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("a lock refuses calls at or above its level with LOCKED; info, lock and unlock pass", async () => {
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
        code: 0x8000,
        message: `[${method}] The resource virtual machine template is locked. [0].`,
        respId: 0,
      });
    }
    // USE still passes at level 2
    expect(typeof (await s.ok("one.template.instantiate", 0, "a", true, "", false))).toBe("number");
    expect(await s.ok("one.template.lock", 0, 1, false)).toBe(0);
    expect(await s.call("one.template.instantiate", 0, "b", true, "", false)).toMatchObject({
      code: 0x8000,
      message: "[one.template.instantiate] The resource virtual machine template is locked. [0].",
    });
    expect(await s.call("one.template.clone", 0, "c", false)).toMatchObject({ code: 0x8000 });
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
    expect(await s.call("one.template.rename", 0, "x")).toMatchObject({ code: 0x8000 });
    await s.ok("one.template.unlock", 0);
    expect(await s.ok("one.template.rename", 0, "x")).toBe(0);
    expect(await s.call("one.template.lock", 42, 1, false)).toMatchObject({
      code: 0x400,
      message: "[one.template.lock] Error getting virtual machine template [42].",
    });
    expect(await s.call("one.template.lock", 0, "1")).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await s.call("one.template.unlock")).toMatchObject({ kind: "fault", faultCode: -501 });
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
    expect(field(await s.template(0), "OWNER")).toBe(String(d.uid));
    // the admin overrides dan's lock, then dan's unlock is refused
    expect(await s.ok("one.template.lock", 0, 1, false)).toBe(0);
    expect(field(await s.template(0), "OWNER")).toBe("0");
    expect(await d.rpc.call("one.template.unlock", 0)).toMatchObject({ code: 0x800 });
    const other = Number(await s.ok("one.template.allocate", 'NAME="private"'));
    expect(await d.rpc.call("one.template.lock", other, 1, false)).toMatchObject({
      code: 0x200,
      message: `[one.template.lock] User [${d.uid}] : Not authorized to perform MANAGE TEMPLATE [${other}].`,
    });
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
      message: "[one.datastore.rename] NAME is already taken by DATASTORE 2.",
    });
    expect(await s.call("one.datastore.rename", 1, " ")).toMatchObject({
      message: "[one.datastore.rename] Invalid NAME, it cannot be empty",
    });
    const d = await dan(s);
    await s.ok("one.datastore.chown", 1, d.uid, 1);
    let xml = await s.datastore(1);
    expect([field(xml, "UNAME"), field(xml, "GNAME")]).toEqual(["dan", "users"]);
    await s.ok("one.datastore.chmod", 1, -1, -1, 1, -1, -1, -1, 1, -1, -1);
    xml = await s.datastore(1);
    expect(xml).toContain(
      "<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>1</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>1</OTHER_U>",
    );
    expect(await d.rpc.call("one.datastore.chown", 2, d.uid, -1)).toMatchObject({
      code: 0x200,
      message: `[one.datastore.chown] User [${d.uid}] : Not authorized to perform MANAGE DATASTORE [2].`,
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
      ["DISK_TYPE", "RBD"],
      ["POOL_NAME", "rbd2"],
      ["BRIDGE_LIST", "node01"],
    ])
      expect(xml).toContain(`<${k}><![CDATA[${v}]]></${k}>`);
    expect(xml).not.toContain("CEPH_USER");
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
      message: `[one.datastore.update] User [${d.uid}] : Not authorized to perform MANAGE DATASTORE [1].`,
    });
    expect(await s.call("one.datastore.update", 1, 5, 0)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});
