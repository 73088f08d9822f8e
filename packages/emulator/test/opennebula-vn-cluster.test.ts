/**
 * Virtual network reservations, address-range edits, recovery, rename/chown/chmod/lock, and
 * clusters: rename, update and 7.0's OneDRS plans (optimize / planexecute / plandelete) — raw
 * XML-RPC and through @homelab-kit/opennebula.
 */
import { describe, expect, it } from "vitest";
import { field, stateOf } from "./opennebula-rpc.js";
import { regularUser, type Setup, setup } from "./opennebula-setup.js";

/** The `<LEASE>` elements of an AR of a VNET document, as `IP:holder` strings. */
function leases(xml: string): string[] {
  return [...xml.matchAll(/<LEASE>(.*?)<\/LEASE>/g)].map((m) => {
    const ip = /<IP><!\[CDATA\[([^\]]*)/.exec(m[1]!)?.[1];
    const vnet = /<VNET>(\d+)<\/VNET>/.exec(m[1]!)?.[1];
    const vm = /<VM>(-?\d+)<\/VM>/.exec(m[1]!)?.[1];
    return `${ip}:${vnet === undefined ? `vm${vm}` : `vnet${vnet}`}`;
  });
}

describe("OpenNebula emulator: one.vn.reserve and one.vn.free_ar", () => {
  it("reserves into a new network that inherits the parent, then into it again; the parent holds the leases", async () => {
    const s = setup();
    const rid = Number(await s.ok("one.vn.reserve", 0, 'SIZE="5"\nNAME="res"'));
    expect(rid).toBe(1);
    const res = String(await s.ok("one.vn.info", rid));
    expect(field(res, "PARENT_NETWORK_ID")).toBe("0");
    expect(field(res, "NAME")).toBe("res");
    expect(field(res, "BRIDGE")).toBe("br0");
    expect(res).toContain("<CLUSTERS><ID>0</ID></CLUSTERS>");
    expect(res).toContain("<GATEWAY><![CDATA[192.168.10.1]]></GATEWAY>");
    expect(res).toContain(
      "<PARENT_NETWORK_AR_ID><![CDATA[0]]></PARENT_NETWORK_AR_ID><SHARED><![CDATA[NO]]></SHARED><SIZE>5</SIZE>",
    );
    expect(field(res, "IP")).toBe("192.168.10.100");
    expect(field(res, "IP_END")).toBe("192.168.10.104");
    expect(String(await s.ok("one.cluster.info", 0))).toContain("<VNETS><ID>0</ID><ID>1</ID></VNETS>");
    // Into the existing reservation: a second range right after the first block.
    expect(await s.ok("one.vn.reserve", 0, `SIZE=2\nNETWORK_ID=${rid}`)).toBe(rid);
    // At an IP of a given range, into another new reservation.
    const r2 = Number(await s.ok("one.vn.reserve", 0, 'SIZE=3\nNAME="r2"\nAR_ID=0\nIP="192.168.10.150"'));
    const parent = String(await s.ok("one.vn.info", 0));
    expect(field(parent, "USED_LEASES")).toBe("10");
    expect(leases(parent)).toEqual([
      ...[100, 101, 102, 103, 104, 105, 106].map((n) => `192.168.10.${n}:vnet${rid}`),
      ...[150, 151, 152].map((n) => `192.168.10.${n}:vnet${r2}`),
    ]);
    const two = String(await s.ok("one.vn.info", rid));
    expect(two).toContain("<AR_ID><![CDATA[1]]></AR_ID><IP><![CDATA[192.168.10.105]]></IP>");
    // By MAC (the IP4 ranges' MACs are 02:00:<IP>).
    await s.ok("one.vn.reserve", 0, 'SIZE=1\nNETWORK_ID=2\nAR_ID=0\nMAC="02:00:c0:a8:0a:be"');
    expect(String(await s.ok("one.vn.info", 2))).toContain("<IP><![CDATA[192.168.10.190]]></IP>");
    // A VM on the parent gets an address outside the reservations; one on the reservation, from it.
    const onParent = Number(
      await s.ok("one.vm.allocate", 'NAME="p"\nCPU=1\nMEMORY=64\nNIC=[NETWORK_ID=0]', true),
    );
    expect(field(String(await s.ok("one.vm.info", onParent)), "IP")).toBe("192.168.10.107");
    const onRes = Number(
      await s.ok("one.vm.allocate", `NAME="r"\nCPU=1\nMEMORY=64\nNIC=[NETWORK_ID=${rid}]`, true),
    );
    expect(field(String(await s.ok("one.vm.info", onRes)), "IP")).toBe("192.168.10.100");
    // The pool lists the reservation with its parent.
    const pool = String(await s.ok("one.vnpool.info", -2, -1, -1));
    expect(pool).toContain("<PARENT_NETWORK_ID>0</PARENT_NETWORK_ID>");
  });

  it("refuses bad reservation templates with oned's messages", async () => {
    const s = setup();
    const other = Number(
      await s.ok(
        "one.vn.allocate",
        'NAME="o"\nVN_MAD="bridge"\nAR=[TYPE="IP4", IP="10.0.0.1", SIZE="4"]',
        -1,
      ),
    );
    const rid = Number(await s.ok("one.vn.reserve", 0, 'SIZE=2\nNAME="res"'));
    const foreign = Number(await s.ok("one.vn.reserve", other, 'SIZE=1\nNAME="fr"'));
    const cases: Array<[number, string, number, string]> = [
      [0, 'SIZE="', 0x800, 'Parse error: syntax error, unterminated string at line 1, near ""'],
      [0, 'NAME="x"', 0x800, "Reservation SIZE must be a greater than 0"],
      [0, "SIZE=0\nNAME=x", 0x800, "Reservation SIZE must be a greater than 0"],
      [0, "SIZE=1\nNETWORK_ID=-1", 0x800, "NETWORK_ID must be equal or greater than 0"],
      [0, "SIZE=1\nNETWORK_ID=0", 0x800, "Cannot add a reservation from the same network"],
      [0, "SIZE=1\nNETWORK_ID=99", 0x400, "Error getting virtual network [99]."],
      [0, `SIZE=1\nNETWORK_ID=${other}`, 0x800, "Cannot add reservations to a non-reservation VNET"],
      [
        0,
        `SIZE=1\nNETWORK_ID=${foreign}`,
        0x800,
        `New reservations for virtual network ${foreign} have to be from network ${other}`,
      ],
      [0, "SIZE=1", 0x800, "NAME for reservation has to be set"],
      [0, "SIZE=1\nNAME=x\nAR_ID=-2", 0x800, "AR_ID must be equal or greater than 0"],
      [
        0,
        'SIZE=1\nNAME=x\nIP="192.168.10.190"',
        0x800,
        "AR_ID must be specified for IP/MAC based reservations",
      ],
      [rid, "SIZE=1\nNAME=x", 0x800, "Cannot reserve addresses from a reserved VNET"],
      [99, "SIZE=1\nNAME=x", 0x400, "Error getting virtual network [99]."],
      [0, "SIZE=1000\nNAME=x", 0x800, "Not enough free addresses in an address range"],
      [
        0,
        "SIZE=1\nNAME=x\nAR_ID=7",
        0x800,
        "Not enough free addresses in address range 7, or it does not exist",
      ],
      [
        0,
        'SIZE=2\nNAME=x\nAR_ID=0\nIP="192.168.10.101"',
        0x800,
        "Not enough free addresses in address range 0, or it does not exist",
      ],
      [
        0,
        'SIZE=2\nNAME=x\nAR_ID=0\nIP="192.168.10.199"',
        0x800,
        "Not enough free addresses in address range 0, or it does not exist",
      ],
      [0, 'SIZE=1\nNAME="res"', 0x2000, `NAME is already taken by NET ${rid}.`],
    ];
    for (const [id, tmpl, code, message] of cases) {
      expect(await s.call("one.vn.reserve", id, tmpl), tmpl).toMatchObject({
        kind: "error",
        code,
        message: `[one.vn.reserve] ${message}`,
      });
    }
    // Nothing was reserved by the refused calls.
    expect(field(String(await s.ok("one.vn.info", 0)), "USED_LEASES")).toBe("2");
    // The block is contiguous: .102-.103 are too few before the lease on hold at .104.
    await s.ok("one.vn.hold", 0, 'LEASES=[IP="192.168.10.104"]');
    const gap = Number(await s.ok("one.vn.reserve", 0, "SIZE=3\nNAME=gap"));
    expect(field(String(await s.ok("one.vn.info", gap)), "IP")).toBe("192.168.10.105");
    expect(await s.call("one.vn.reserve", "0", "SIZE=1")).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 1 that is supposed to be integer is not (it is string)",
    });
    expect(await s.call("one.vn.reserve", 0)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("needs USE on the parent and MANAGE on an existing reservation; the reservation belongs to the caller", async () => {
    const s = setup();
    const alice = await regularUser(s);
    expect(await alice.rpc.call("one.vn.reserve", 0, "SIZE=1\nNAME=mine")).toMatchObject({
      code: 0x200,
      message: `[one.vn.reserve] User [${alice.id}] : Not authorized to perform USE NET [0].`,
    });
    await s.ok("one.vn.chmod", 0, -1, -1, -1, -1, -1, -1, 1, -1, -1);
    const mine = Number(await alice.rpc.ok("one.vn.reserve", 0, "SIZE=1\nNAME=mine"));
    const xml = String(await s.ok("one.vn.info", mine));
    expect([field(xml, "UID"), field(xml, "GID"), field(xml, "UNAME")]).toEqual([
      String(alice.id),
      "1",
      "alice",
    ]);
    const admins = Number(await s.ok("one.vn.reserve", 0, "SIZE=1\nNAME=admins"));
    expect(await alice.rpc.call("one.vn.reserve", 0, `SIZE=1\nNETWORK_ID=${admins}`)).toMatchObject({
      code: 0x200,
      message: `[one.vn.reserve] User [${alice.id}] : Not authorized to perform MANAGE NET [${admins}].`,
    });
    await alice.rpc.ok("one.vn.reserve", 0, `SIZE=1\nNETWORK_ID=${mine}`);
    await alice.rpc.ok("one.vn.free_ar", mine, 1);
  });

  it("frees a reservation's range back to the parent, refuses one with leases; deleting a reservation frees it too", async () => {
    const s = setup();
    const rid = Number(await s.ok("one.vn.reserve", 0, "SIZE=3\nNAME=res"));
    await s.ok("one.vn.reserve", 0, `SIZE=2\nNETWORK_ID=${rid}`);
    expect(await s.call("one.vn.delete", 0)).toMatchObject({
      code: 0x800,
      message:
        "[one.vn.delete] Cannot delete virtual network. Can not remove a virtual network with leases in use",
    });
    const vm = Number(
      await s.ok("one.vm.allocate", `NAME="r"\nCPU=1\nMEMORY=64\nNIC=[NETWORK_ID=${rid}]`, true),
    );
    expect(await s.call("one.vn.free_ar", rid, 0)).toMatchObject({
      code: 0x2000,
      message: "[one.vn.free_ar] Address Range has leases in use",
    });
    expect(await s.call("one.vn.free_ar", rid, 7)).toMatchObject({
      code: 0x2000,
      message: "[one.vn.free_ar] Address Range does not exist",
    });
    await s.ok("one.vn.free_ar", rid, 1);
    expect(leases(String(await s.ok("one.vn.info", 0)))).toEqual(
      [100, 101, 102].map((n) => `192.168.10.${n}:vnet${rid}`),
    );
    expect(await s.call("one.vn.delete", rid)).toMatchObject({ code: 0x800 });
    await s.ok("one.vm.action", "terminate-hard", vm);
    await s.ok("one.vn.delete", rid);
    expect(await s.call("one.vn.info", rid)).toMatchObject({ code: 0x400 });
    expect(leases(String(await s.ok("one.vn.info", 0)))).toEqual([]);
    // rm_ar (ADMIN) forces what free_ar (MANAGE) refuses.
    const r2 = Number(await s.ok("one.vn.reserve", 0, "SIZE=2\nNAME=r2"));
    await s.ok("one.vn.hold", r2, 'LEASES=[IP="192.168.10.100"]');
    expect(await s.call("one.vn.rm_ar", r2, 0)).toMatchObject({ code: 0x2000 });
    await s.ok("one.vn.rm_ar", r2, 0, true);
    expect(leases(String(await s.ok("one.vn.info", 0)))).toEqual([]);
    const alice = await regularUser(s);
    expect(await alice.rpc.call("one.vn.free_ar", r2, 0)).toMatchObject({
      code: 0x200,
      message: `[one.vn.free_ar] User [${alice.id}] : Not authorized to perform MANAGE NET [${r2}].`,
    });
    expect(await s.call("one.vn.free_ar", 99, 0)).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vn.free_ar", 0, "0")).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.vn.update_ar", () => {
  it("changes SIZE and attributes, keeps TYPE/IP/MAC, refuses what oned refuses", async () => {
    const s = setup();
    await s.ok("one.vn.update_ar", 0, 'AR=[AR_ID="0", SIZE="150", TYPE="ETHER", IP="10.9.9.9"]');
    const xml = String(await s.ok("one.vn.info", 0));
    expect(xml).toContain("<SIZE>150</SIZE><TYPE><![CDATA[IP4]]></TYPE>");
    expect(field(xml, "IP")).toBe("192.168.10.100");
    expect(field(xml, "IP_END")).toBe("192.168.10.249");
    await s.ok("one.vn.hold", 0, 'LEASES=[IP="192.168.10.120"]');
    const rid = Number(await s.ok("one.vn.reserve", 0, "SIZE=2\nNAME=res"));
    const cases: Array<[number, string, string]> = [
      [
        0,
        'AR=[AR_ID="0", SIZE="10"]',
        "New SIZE cannot be applied. There are used leases that would fall outside the range.",
      ],
      [0, 'AR=[AR_ID="0", SIZE="many"]', "Unable to read the SIZE attribute, it must be number >= 0"],
      [0, 'AR=[SIZE="10"]', "AR/AR_ID attribute is missing."],
      [0, 'AR=[AR_ID="9", SIZE="10"]', "Address Range with ID 9 was not found."],
      [0, 'SIZE="10"', "Wrong AR definition. AR vector attribute is missing."],
      [0, "AR=[AR_ID=0", `Parse error: syntax error, ',' or ']' expected at line 1, near ""`],
      [rid, 'AR=[AR_ID="0", SIZE="3"]', "The SIZE of a reservation cannot be changed."],
    ];
    for (const [id, tmpl, message] of cases) {
      expect(await s.call("one.vn.update_ar", id, tmpl), tmpl).toMatchObject({
        code: 0x2000,
        message: `[one.vn.update_ar] ${message}`,
      });
    }
    await s.ok("one.vn.update_ar", 0, 'AR=[AR_ID="0", SIZE="21"]');
    expect(field(String(await s.ok("one.vn.info", 0)), "IP_END")).toBe("192.168.10.120");
    await s.ok("one.vn.update_ar", rid, 'AR=[AR_ID="0", SIZE="2"]');
    const alice = await regularUser(s);
    expect(await alice.rpc.call("one.vn.update_ar", 0, 'AR=[AR_ID="0", SIZE="30"]')).toMatchObject({
      code: 0x200,
      message: `[one.vn.update_ar] User [${alice.id}] : Not authorized to perform MANAGE NET [0].`,
    });
    expect(await s.call("one.vn.update_ar", 42, 'AR=[AR_ID="0"]')).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vn.update_ar", 0, 3)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.vn.recover", () => {
  it("applies oned's state table (states other than READY are set directly: the emulator's drivers answer at once)", async () => {
    const s = setup();
    expect(await s.call("one.vn.recover", 0, 4)).toMatchObject({
      code: 0x800,
      message: "[one.vn.recover] Wrong recovery operation code",
    });
    const names = ["recover failure", "recover success", "recover delete", "recover retry"];
    for (const [op, name] of names.entries()) {
      expect(await s.call("one.vn.recover", 0, op)).toMatchObject({
        code: 0x2000,
        message: `[one.vn.recover] Could not perform '${name}' on VN 0, wrong state READY.`,
      });
    }
    const vnet = s.emulator.state.vnets.get(0)!;
    vnet.state = 2; // LOCK_CREATE
    await s.ok("one.vn.recover", 0, 0);
    let xml = String(await s.ok("one.vn.info", 0));
    expect([field(xml, "STATE"), field(xml, "PREV_STATE")]).toEqual(["5", "2"]);
    expect(xml).toContain("<ERROR><![CDATA[Failure forced by user]]></ERROR>");
    expect(await s.call("one.vn.recover", 0, 3)).toMatchObject({
      message: "[one.vn.recover] Could not perform 'recover retry' on VN 0, wrong state ERROR.",
    });
    await s.ok("one.vn.recover", 0, 1);
    xml = String(await s.ok("one.vn.info", 0));
    expect(field(xml, "STATE")).toBe("1");
    expect(xml).not.toContain("<ERROR>");
    vnet.state = 6; // UPDATE_FAILURE
    expect(await s.call("one.vn.recover", 0, 2)).toMatchObject({
      message: "[one.vn.recover] Could not perform 'recover delete' on VN 0, wrong state UPDATE_FAILURE.",
    });
    await s.ok("one.vn.recover", 0, 3);
    expect(field(String(await s.ok("one.vn.info", 0)), "STATE")).toBe("1");
    const rid = Number(await s.ok("one.vn.reserve", 0, "SIZE=2\nNAME=res"));
    s.emulator.state.vnets.get(rid)!.state = 5; // ERROR
    await s.ok("one.vn.recover", rid, 2);
    expect(await s.call("one.vn.info", rid)).toMatchObject({ code: 0x400 });
    expect(leases(String(await s.ok("one.vn.info", 0)))).toEqual([]);
    const alice = await regularUser(s);
    expect(await alice.rpc.call("one.vn.recover", 0, 1)).toMatchObject({ code: 0x200 });
    expect(await s.call("one.vn.recover", 77, 1)).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vn.recover", 0)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.vn rename, chmod, chown, lock", () => {
  it("renames with per-owner uniqueness and changes owner and bits", async () => {
    const s = setup();
    const n = Number(await s.ok("one.vn.allocate", 'NAME="dmz"\nVN_MAD="bridge"', -1));
    expect(await s.call("one.vn.rename", n, "lan")).toMatchObject({
      code: 0x800,
      message:
        "[one.vn.rename] virtual network cannot be renamed to lan because it collides with virtual network 0",
    });
    expect(await s.call("one.vn.rename", n, "")).toMatchObject({
      code: 0x800,
      message: "[one.vn.rename] Invalid NAME, it cannot be empty",
    });
    await s.ok("one.vn.rename", n, "dmz");
    await s.ok("one.vn.rename", n, "edge");
    expect(field(String(await s.ok("one.vn.info", n)), "NAME")).toBe("edge");
    const alice = await regularUser(s);
    await s.ok("one.vn.chown", n, alice.id, 1);
    // Another owner may have a network of the same name.
    await s.ok("one.vn.rename", n, "lan");
    expect(await s.call("one.vn.chown", n, 0, -1)).toMatchObject({ code: 0x2000 });
    await alice.rpc.ok("one.vn.chmod", n, 1, 1, 0, 1, 0, 0, 0, 0, 0);
    const xml = String(await s.ok("one.vn.info", n));
    expect(xml).toContain(
      "<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>1</GROUP_U><GROUP_M>0</GROUP_M>",
    );
    expect([field(xml, "UNAME"), field(xml, "GNAME")]).toEqual(["alice", "users"]);
    expect(await alice.rpc.call("one.vn.chmod", n, -1, -1, 1, -1, -1, -1, -1, -1, -1)).toMatchObject({
      code: 0x200,
      message: `[one.vn.chmod] User [${alice.id}] : Not authorized to perform ADMIN NET [${n}].`,
    });
    expect(await alice.rpc.call("one.vn.rename", 0, "x")).toMatchObject({ code: 0x200 });
    expect(await alice.rpc.call("one.vn.chown", 0, alice.id, -1)).toMatchObject({ code: 0x200 });
    expect(await s.call("one.vn.chown", n, 99, -1)).toMatchObject({
      code: 0x400,
      message: "[one.vn.chown] Error getting user [99].",
    });
    expect(await s.call("one.vn.chmod", n, 2, -1, -1, -1, -1, -1, -1, -1, -1)).toMatchObject({
      code: 0x1000,
    });
    expect(await s.call("one.vn.rename", 99, "x")).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vn.rename", n)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("locks: refuses operations at or above the level (AUTHORIZATION, as oned 7.4), never info; only the owner or an admin unlocks", async () => {
    const s = setup();
    const { clock } = s;
    await s.ok("one.vn.lock", 0, 2, false);
    const xml = String(await s.ok("one.vn.info", 0));
    expect(xml).toContain(
      `<LOCK><LOCKED>2</LOCKED><OWNER>0</OWNER><TIME>${Math.floor(clock.now() / 1000)}</TIME><REQ_ID>-1</REQ_ID></LOCK>`,
    );
    expect(await s.call("one.vn.update", 0, 'X="1"', 1)).toMatchObject({
      code: 0x200,
      message: "[one.vn.update] User [0] : NET is locked. [0].",
    });
    expect(await s.call("one.vn.hold", 0, 'LEASES=[IP="192.168.10.110"]')).toMatchObject({ code: 0x200 });
    expect(await s.call("one.vn.rename", 0, "x")).toMatchObject({ code: 0x200 });
    // USE (a reservation) is below the lock.
    await s.ok("one.vn.reserve", 0, "SIZE=1\nNAME=r");
    expect(await s.call("one.vn.lock", 0, 1, true)).toMatchObject({
      code: 0x800,
      message: `[one.vn.lock] ${Math.floor(clock.now() / 1000)}`,
    });
    await s.ok("one.vn.lock", 0, 4, false); // ALL is USE
    expect(await s.call("one.vn.reserve", 0, "SIZE=1\nNAME=r2")).toMatchObject({
      code: 0x200,
      message: "[one.vn.reserve] User [0] : NET is locked. [0].",
    });
    expect(await s.call("one.vn.lock", 0, 5, false)).toMatchObject({
      code: 0x800,
      message: "[one.vn.lock] Wrong lock level specified",
    });
    const alice = await regularUser(s);
    const mine = Number(await alice.rpc.ok("one.vn.allocate", 'NAME="m"\nVN_MAD="bridge"', -1));
    await alice.rpc.ok("one.vn.lock", mine, 2, false);
    // a regular user is told she is not authorized, even on her own network
    expect(await alice.rpc.call("one.vn.rename", mine, "m2")).toMatchObject({
      code: 0x200,
      message: `[one.vn.rename] User [${alice.id}] : Not authorized to perform MANAGE NET [${mine}].`,
    });
    await alice.rpc.ok("one.vn.lock", mine, 3, false); // its own lock: re-locked at ADMIN
    await alice.rpc.ok("one.vn.update", mine, 'X="1"', 1);
    await s.ok("one.vn.lock", mine, 2, false); // an admin overrides the lock
    expect(await alice.rpc.call("one.vn.lock", mine, 1, false)).toMatchObject({
      code: 0x800,
      message: "[one.vn.lock] Error trying to lock the resource.",
    });
    expect(await alice.rpc.call("one.vn.unlock", mine)).toMatchObject({
      code: 0x800,
      message: "[one.vn.unlock] Cannot unlock: Lock is owned by another user",
    });
    await s.ok("one.vn.unlock", mine);
    await s.ok("one.vn.unlock", 0);
    await s.ok("one.vn.update", 0, 'X="1"', 1);
    expect(await alice.rpc.call("one.vn.lock", 0, 1, false)).toMatchObject({ code: 0x200 });
    expect(await s.call("one.vn.unlock", 31)).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vn.lock", 0, "1")).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

/** Three VMs of 4 CPUs deployed on node01 (ID 0) and RUNNING. */
async function crowdedHost(s: Setup) {
  const vms: number[] = [];
  for (const n of [1, 2, 3]) {
    const id = Number(await s.ok("one.vm.allocate", `NAME="v${n}"\nCPU="4"\nMEMORY="1024"`, true));
    await s.ok("one.vm.deploy", id, 0, false);
    vms.push(id);
  }
  s.clock.advance(10_000);
  return vms;
}

describe("OpenNebula emulator: clusters", () => {
  it("renames (hosts follow) and updates the template, oneadmin only", async () => {
    const s = setup();
    const edge = Number(await s.ok("one.cluster.allocate", "edge"));
    expect(await s.call("one.cluster.rename", edge, "default")).toMatchObject({
      code: 0x800,
      message: "[one.cluster.rename] cluster cannot be renamed to default because it collides with cluster 0",
    });
    await s.ok("one.cluster.rename", 0, "main");
    expect(field(String(await s.ok("one.cluster.info", 0)), "NAME")).toBe("main");
    expect(field(String(await s.ok("one.host.info", 0)), "CLUSTER")).toBe("main");
    await s.ok("one.cluster.update", 0, 'RESERVED_CPU="200"\nRESERVED_MEM="1048576"\nNOTE="x"', 0);
    await s.ok("one.cluster.update", 0, 'OWNER="ops"', 1);
    const xml = String(await s.ok("one.cluster.info", 0));
    for (const [k, v] of [
      ["RESERVED_CPU", "200"],
      ["RESERVED_MEM", "1048576"],
      ["NOTE", "x"],
      ["OWNER", "ops"],
    ] as const)
      expect(field(xml, k)).toBe(v);
    expect(await s.call("one.cluster.update", 0, 'A=[B="1"', 0)).toMatchObject({
      code: 0x800,
      message: `[one.cluster.update] Parse error: syntax error, ',' or ']' expected at line 1, near ""`,
    });
    const alice = await regularUser(s);
    for (const [method, params] of [
      ["one.cluster.rename", [0, "x"]],
      ["one.cluster.update", [0, "A=1"]],
    ] as const) {
      expect(await alice.rpc.call(method, ...params)).toMatchObject({
        code: 0x200,
        message: `[${method}] User [${alice.id}] : Not authorized to perform MANAGE CLUSTER [0].`,
      });
    }
    expect(await s.call("one.cluster.rename", 9, "x")).toMatchObject({
      code: 0x400,
      message: "[one.cluster.rename] Error getting cluster [9].",
    });
    expect(await s.call("one.cluster.update", 9, "A=1")).toMatchObject({ code: 0x400 });
    expect(await s.call("one.cluster.update", 0)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("numbers new clusters from 100 and deletes only empty, non-system ones (with the plan)", async () => {
    const s = setup();
    const edge = Number(await s.ok("one.cluster.allocate", "edge"));
    expect(edge).toBe(100);
    expect(await s.call("one.cluster.delete", 0)).toMatchObject({
      code: 0x800,
      message: "[one.cluster.delete] Cannot delete cluster. System Clusters (ID < 100) cannot be deleted.",
    });
    const host = Number(await s.ok("one.host.allocate", "edge01", "kvm", "kvm", edge));
    expect(await s.call("one.cluster.delete", edge)).toMatchObject({
      message: `[one.cluster.delete] Cannot delete cluster. Cluster ${edge} is not empty, it contains 1 hosts.`,
    });
    await s.ok("one.host.delete", host);
    await s.ok("one.cluster.adddatastore", edge, 1);
    await s.ok("one.cluster.addvnet", edge, 0);
    expect(await s.call("one.cluster.delete", edge)).toMatchObject({
      message: `[one.cluster.delete] Cannot delete cluster. Cluster ${edge} is not empty, it contains 1 datastores.`,
    });
    await s.ok("one.cluster.deldatastore", edge, 1);
    expect(await s.call("one.cluster.delete", edge)).toMatchObject({
      message: `[one.cluster.delete] Cannot delete cluster. Cluster ${edge} is not empty, it contains 1 vnets.`,
    });
    await s.ok("one.cluster.delvnet", edge, 0);
    await s.ok("one.cluster.delete", edge);
    expect(await s.call("one.cluster.info", edge)).toMatchObject({ code: 0x400 });
  });

  it("optimizes into a plan, executes it with a cold migration on the clock, deletes it", async () => {
    const s = setup();
    expect(await s.call("one.cluster.planexecute", 0)).toMatchObject({
      code: 0x800,
      message: "[one.cluster.planexecute] Plan is not ready",
    });
    expect(await s.call("one.cluster.plandelete", 0)).toMatchObject({
      code: 0x800,
      message: "[one.cluster.plandelete] Plan for cluster 0 does not exist",
    });
    // A balanced (empty) cluster: success, and still no plan.
    expect(await s.ok("one.cluster.optimize", 0)).toBe(0);
    expect(String(await s.ok("one.cluster.info", 0))).not.toContain("<PLAN>");
    const first = (await crowdedHost(s))[0]!;
    await s.ok("one.cluster.optimize", 0);
    const planned = String(await s.ok("one.cluster.info", 0));
    expect(planned).toContain(
      `<PLAN><ID>0</ID><STATE>0</STATE><ACTION><ID>0</ID><VM_ID>${first}</VM_ID><STATE>0</STATE><OPERATION>migrate</OPERATION><HOST_ID>2</HOST_ID><DS_ID>0</DS_ID><TIMESTAMP>0</TIMESTAMP></ACTION></PLAN>`,
    );
    expect(String(await s.ok("one.clusterpool.info"))).not.toContain("<PLAN>");
    await s.ok("one.cluster.planexecute", 0);
    const started = Math.floor(s.clock.now() / 1000);
    const applying = String(await s.ok("one.cluster.info", 0));
    expect(applying).toContain(
      `<PLAN><ID>0</ID><STATE>1</STATE><ACTION><ID>0</ID><VM_ID>${first}</VM_ID><STATE>1</STATE>`,
    );
    expect(applying).toContain(`<TIMESTAMP>${started}</TIMESTAMP>`);
    expect(stateOf(String(await s.ok("one.vm.info", first)))).toEqual([3, 7]); // SAVE_MIGRATE
    expect(await s.call("one.cluster.optimize", 0)).toMatchObject({
      code: 0x800,
      message: "[one.cluster.optimize] Can't optimize cluster. A previous plan is currently being applied.",
    });
    expect(await s.call("one.cluster.planexecute", 0)).toMatchObject({
      message: "[one.cluster.planexecute] Plan is already applying",
    });
    s.clock.advance(10_000);
    const vm = String(await s.ok("one.vm.info", first));
    expect(stateOf(vm)).toEqual([3, 3]);
    expect([...vm.matchAll(/<HID>(\d+)<\/HID>/g)].map((m) => m[1])).toEqual(["0", "2"]);
    expect(String(await s.ok("one.cluster.info", 0))).toContain(
      "<PLAN><ID>0</ID><STATE>2</STATE><ACTION><ID>0</ID>",
    );
    expect(await s.call("one.cluster.planexecute", 0)).toMatchObject({
      message: "[one.cluster.planexecute] Plan is already done",
    });
    // node01 still runs 8 CPUs against 4 and 0: the next plan moves a VM to node02.
    await s.ok("one.cluster.optimize", 0);
    expect(String(await s.ok("one.cluster.info", 0))).toMatch(
      /<STATE>0<\/STATE><ACTION><ID>0<\/ID><VM_ID>\d+<\/VM_ID><STATE>0<\/STATE><OPERATION>migrate<\/OPERATION><HOST_ID>1<\/HOST_ID>/,
    );
    await s.ok("one.cluster.plandelete", 0);
    expect(String(await s.ok("one.cluster.info", 0))).not.toContain("<PLAN>");
  });

  it("marks an action whose VM went away as ERROR, and the plan with it", async () => {
    const s = setup();
    const first = (await crowdedHost(s))[0]!;
    await s.ok("one.cluster.optimize", 0);
    await s.ok("one.vm.action", "terminate-hard", first);
    s.clock.advance(5_000);
    await s.ok("one.cluster.planexecute", 0);
    const xml = String(await s.ok("one.cluster.info", 0));
    expect(xml).toContain(
      `<PLAN><ID>0</ID><STATE>3</STATE><ACTION><ID>0</ID><VM_ID>${first}</VM_ID><STATE>3</STATE>`,
    );
    expect(await s.call("one.cluster.planexecute", 0)).toMatchObject({
      message: "[one.cluster.planexecute] Plan is in error state",
    });
    // A new optimization replaces a finished plan.
    await s.ok("one.cluster.optimize", 0);
    expect(String(await s.ok("one.cluster.info", 0))).toContain("<PLAN><ID>0</ID><STATE>0</STATE>");
  });

  it("keeps plans to oneadmin's group and to existing clusters", async () => {
    const s = setup();
    const alice = await regularUser(s);
    for (const method of ["one.cluster.optimize", "one.cluster.planexecute", "one.cluster.plandelete"]) {
      expect(await alice.rpc.call(method, 0)).toMatchObject({
        code: 0x200,
        message: `[${method}] User [${alice.id}] : Not authorized to perform ADMIN CLUSTER [0].`,
      });
      expect(await s.call(method, 5)).toMatchObject({
        code: 0x400,
        message: `[${method}] Error getting cluster [5].`,
      });
      expect(await s.call(method, "0")).toMatchObject({ kind: "fault", faultCode: -501 });
    }
  });
});

describe("@homelab-kit/opennebula: networks and clusters against the emulator", () => {
  it("reserves, updates ranges, locks, and reads plans through the client's models", async () => {
    const { clock, one } = setup();
    try {
      const rid = await one.vn.reserve(0, 'SIZE=4\nNAME="client-res"');
      await one.vn.rename(rid, "client-res-2");
      await one.vn.lock(rid, 3);
      const res = await one.vn.info(rid);
      expect(res.NAME).toBe("client-res-2");
      expect(res.PARENT_NETWORK_ID).toBe("0");
      expect(res.LOCK?.LOCKED).toBe(3);
      expect(res.AR_POOL.AR[0]?.PARENT_NETWORK_AR_ID).toBe("0");
      await one.vn.unlock(rid);
      await one.vn.update_ar(0, 'AR=[AR_ID="0", SIZE="120"]');
      const parent = await one.vn.info(0);
      expect(parent.AR_POOL.AR[0]?.SIZE).toBe(120);
      expect(parent.AR_POOL.AR[0]?.LEASES?.LEASE.map((l) => l.VNET)).toEqual([rid, rid, rid, rid]);
      await one.vn.chmod(rid, -1, -1, -1, 1, -1, -1, -1, -1, -1);
      await one.vn.chown(rid, -1, 1);
      await one.vn.free_ar(rid, 0);
      await expect(one.vn.recover(rid, 1)).rejects.toMatchObject({ code: "INTERNAL" });
      for (const n of [1, 2, 3]) {
        const id = await one.vm.allocate(`NAME="c${n}"\nCPU="4"\nMEMORY="1024"`, true);
        await one.vm.deploy(id, 0);
      }
      clock.advance(10_000);
      await one.cluster.update(0, 'RESERVED_CPU="100"', 1);
      await one.cluster.rename(0, "main");
      await one.cluster.optimize(0);
      const cluster = await one.cluster.info(0);
      expect(cluster.NAME).toBe("main");
      expect(cluster.PLAN?.STATE).toBe(0);
      expect(cluster.PLAN?.ACTION[0]).toMatchObject({ OPERATION: "migrate", HOST_ID: 2, STATE: 0 });
      await one.cluster.planexecute(0);
      clock.advance(10_000);
      expect((await one.cluster.info(0)).PLAN?.STATE).toBe(2);
      await one.cluster.plandelete(0);
      expect((await one.cluster.info(0)).PLAN).toBeUndefined();
    } finally {
      await one.close();
    }
  });
});

describe("OpenNebula emulator: a new network as oned 7.4 keeps it", () => {
  it("has the driver attributes and group 0 in TEMPLATE, SHARED ranges, no TEMPLATE_ID, and takes an empty range", async () => {
    const s = setup();
    const id = Number(
      await s.ok(
        "one.vn.allocate",
        'NAME="n"\nBRIDGE="br1"\nVN_MAD="bridge"\nAR=[TYPE="IP4", IP="10.1.0.1", SIZE="0"]',
        -1,
      ),
    );
    const xml = String(await s.ok("one.vn.info", id));
    const tmpl = /<TEMPLATE>[\s\S]*<\/TEMPLATE>/.exec(xml)![0];
    expect(
      ["BRIDGE", "BRIDGE_TYPE", "VN_MAD", "SECURITY_GROUPS", "PHYDEV", "VLAN_ID"].map((k) => field(tmpl, k)),
    ).toEqual(["br1", "linux", "bridge", "0", "", ""]);
    expect(field(xml, "TEMPLATE_ID")).toBe("");
    expect(field(xml, "SHARED")).toBe("NO");
    expect(field(xml, "SIZE")).toBe("0");
    expect((await s.one.vn.info(id)).AR_POOL.AR).toHaveLength(1);
  });
});
