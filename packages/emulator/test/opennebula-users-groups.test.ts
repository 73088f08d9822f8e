/**
 * Users and groups beyond allocate/info: secondary groups, enable, auth drivers, quotas (stored,
 * shown with computed usage, VM quotas enforced), group admins (with their ACL rules), group
 * template and 7.4 VLAN rules — raw over XML-RPC and through the real client.
 */
import { describe, expect, it } from "vitest";
import { field } from "./opennebula-rpc.js";
import { setup, withAlice } from "./opennebula-setup.js";

/** oneadmin plus a regular user alice (id 2, group users) and a group devs (id 2). */
async function withAliceAndDevs() {
  const s = await withAlice();
  const devs = Number(await s.ok("one.group.allocate", "devs"));
  return { ...s, devs };
}

/** The text of `<NAME>` inside the first `<PARENT>` element (CDATA unwrapped). */
function inside(xml: string, parent: string, name: string): string | undefined {
  const block = new RegExp(`<${parent}>([\\s\\S]*?)</${parent}>`).exec(xml)?.[1];
  return block === undefined ? undefined : field(block, name);
}

describe("OpenNebula emulator: one.user.addgroup / delgroup", () => {
  it("adds and removes secondary groups, refusing the primary one with oned's messages", async () => {
    const s = await withAliceAndDevs();
    expect(await s.ok("one.user.addgroup", s.alice, s.devs)).toBe(s.alice);
    let xml = String(await s.ok("one.user.info", s.alice));
    expect(xml).toContain(`<GID>1</GID><GROUPS><ID>1</ID><ID>${s.devs}</ID></GROUPS>`);
    expect(String(await s.ok("one.group.info", s.devs))).toContain(`<USERS><ID>${s.alice}</ID></USERS>`);
    expect(await s.call("one.user.addgroup", s.alice, s.devs)).toMatchObject({
      kind: "error",
      code: 0x800,
      message: "[one.user.addgroup] User is already in this group",
    });
    expect(await s.call("one.user.delgroup", s.alice, 1)).toMatchObject({
      code: 0x800,
      message: "[one.user.delgroup] Cannot remove user from the primary group",
    });
    expect(await s.call("one.user.delgroup", s.alice, 0)).toMatchObject({
      code: 0x800,
      message: "[one.user.delgroup] User is not part of this group",
    });
    expect(await s.ok("one.user.delgroup", s.alice, s.devs)).toBe(s.alice);
    xml = String(await s.ok("one.user.info", s.alice));
    expect(xml).toContain("<GROUPS><ID>1</ID></GROUPS>");
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<USERS/>");
  });

  it("answers NO_EXISTS, AUTHORIZATION for a regular user and -501 for a wrong type", async () => {
    const s = await withAliceAndDevs();
    expect(await s.call("one.user.addgroup", 99, s.devs)).toMatchObject({
      code: 0x400,
      message: "[one.user.addgroup] Error getting user [99].",
      respId: 99,
    });
    expect(await s.call("one.user.delgroup", s.alice, 99)).toMatchObject({
      code: 0x400,
      message: "[one.user.delgroup] Error getting group [99].",
    });
    expect(await s.asAlice.call("one.user.addgroup", s.alice, s.devs)).toMatchObject({
      code: 0x200,
      message: `[one.user.addgroup] User [${s.alice}] : Not authorized to perform MANAGE GROUP [${s.devs}].`,
    });
    expect(await s.asAlice.call("one.user.addgroup", 0, 1)).toMatchObject({
      code: 0x200,
      message: `[one.user.addgroup] User [${s.alice}] : Not authorized to perform MANAGE USER [0].`,
    });
    expect(await s.call("one.user.addgroup", s.alice, "2")).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 2 that is supposed to be integer is not (it is string)",
    });
    expect(await s.call("one.user.delgroup", s.alice)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.user.allocate with group IDs", () => {
  const ints = (...ids: number[]) => ({
    raw: `<value><array><data>${ids.map((i) => `<value><int>${i}</int></value>`).join("")}</data></array></value>`,
  });

  it("makes the first group the primary one and the others secondary; none: users", async () => {
    const s = setup();
    const devs = Number(await s.ok("one.group.allocate", "devs"));
    const carol = Number(await s.ok("one.user.allocate", "carol", "pw", "", ints(devs, 1, devs)));
    const xml = String(await s.ok("one.user.info", carol));
    expect(xml).toContain(`<GID>${devs}</GID><GROUPS><ID>1</ID><ID>${devs}</ID></GROUPS><GNAME>devs</GNAME>`);
    const dave = Number(await s.ok("one.user.allocate", "dave", "pw", "core", ints()));
    expect(String(await s.ok("one.user.info", dave))).toContain("<GID>1</GID><GROUPS><ID>1</ID></GROUPS>");
  });

  it("refuses a missing group (NO_EXISTS before authorization), a non-array and a non-int member", async () => {
    const s = setup();
    expect(await s.call("one.user.allocate", "erin", "pw", "", ints(1, 40))).toMatchObject({
      code: 0x400,
      message: "[one.user.allocate] Error getting group [40].",
    });
    expect(await s.call("one.user.allocate", "erin", "pw", "", 1)).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 4 that is supposed to be array is not (it is int)",
    });
    expect(
      await s.call("one.user.allocate", "erin", "pw", "", {
        raw: "<value><array><data><value><string>1</string></value></data></array></value>",
      }),
    ).toMatchObject({ kind: "fault", faultCode: -501 });
    // The driver is not optional (UserAllocateXRPC reads it).
    expect(await s.call("one.user.allocate", "erin", "pw")).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.user.enable / chauth", () => {
  it("disables a user (its sessions and tokens stop authenticating) and enables it again", async () => {
    const s = await withAliceAndDevs();
    const token = String(await s.asAlice.ok("one.user.login", "alice", "", 3600, -1));
    expect(await s.ok("one.user.enable", s.alice, false)).toBe(s.alice);
    expect(field(String(await s.ok("one.user.info", s.alice)), "ENABLED")).toBe("0");
    expect(await s.asAlice.call("one.user.info", -1)).toMatchObject({
      code: 0x100,
      message: "[one.user.info] User couldn't be authenticated, aborting call.",
    });
    expect(await s.as(`alice:${token}`).call("one.user.info", -1)).toMatchObject({ code: 0x100 });
    await s.ok("one.user.enable", s.alice, true);
    expect(field(String(await s.asAlice.ok("one.user.info", -1)), "ENABLED")).toBe("1");
  });

  it("refuses oneadmin, a regular user, a missing user and an int for the boolean", async () => {
    const s = await withAliceAndDevs();
    expect(await s.call("one.user.enable", 0, false)).toMatchObject({
      code: 0x800,
      message: "[one.user.enable] Cannot enable/disable oneadmin user",
    });
    expect(await s.asAlice.call("one.user.enable", s.alice, false)).toMatchObject({
      code: 0x200,
      message: `[one.user.enable] User [${s.alice}] : Not authorized to perform ADMIN USER [${s.alice}].`,
    });
    expect(await s.call("one.user.enable", 42, true)).toMatchObject({
      code: 0x400,
      message: "[one.user.enable] Error getting user [42].",
    });
    // Declared A:sii, but oned reads a boolean (docs/reference/opennebula/API.md §3).
    expect(await s.call("one.user.enable", s.alice, 0)).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 2 that is supposed to be boolean is not (it is int)",
    });
  });

  it("changes the driver: only core passwords authenticate, tokens keep working, a new password resets them", async () => {
    const s = await withAliceAndDevs();
    // a full token only from alice's own session (oned 7.4: not oneadmin's for another user)
    expect(await s.call("one.user.login", "alice", "", -1, -1)).toMatchObject({
      code: 0x1000,
      message: "[one.user.login] Cannot create a full token with a specific group token",
    });
    const token = String(await s.asAlice.ok("one.user.login", "alice", "", -1, -1));
    expect(await s.ok("one.user.chauth", s.alice, "ldap", "")).toBe(s.alice);
    let xml = String(await s.ok("one.user.info", s.alice));
    expect(field(xml, "AUTH_DRIVER")).toBe("ldap");
    expect(await s.asAlice.call("one.user.info", -1)).toMatchObject({ code: 0x100 });
    expect(field(String(await s.as(`alice:${token}`).ok("one.user.info", -1)), "NAME")).toBe("alice");
    await s.ok("one.user.chauth", s.alice, "ldap", "uid=alice,ou=people");
    xml = String(await s.ok("one.user.info", s.alice));
    expect(field(xml, "PASSWORD")).toBe("uid=alice,ou=people"); // non-core secrets are kept as given
    expect(await s.as(`alice:${token}`).call("one.user.info", -1)).toMatchObject({ code: 0x100 });
    await s.ok("one.user.chauth", s.alice, "core", "new-pw");
    xml = String(await s.ok("one.user.info", s.alice));
    expect(field(xml, "AUTH_DRIVER")).toBe("core");
    expect(field(xml, "PASSWORD")).toMatch(/^[0-9a-f]{64}$/);
    expect(await s.asAlice.call("one.user.info", -1)).toMatchObject({ code: 0x100 });
    expect(field(String(await s.as("alice:new-pw").ok("one.user.info", -1)), "NAME")).toBe("alice");
  });

  it("refuses a bad password (driver unchanged), a regular user and a missing user", async () => {
    const s = await withAliceAndDevs();
    expect(await s.call("one.user.chauth", s.alice, "ldap", "two words")).toMatchObject({
      code: 0x800,
      message: "[one.user.chauth] Invalid password, character ' ' is not allowed",
    });
    expect(field(String(await s.ok("one.user.info", s.alice)), "AUTH_DRIVER")).toBe("core");
    expect(await s.asAlice.call("one.user.chauth", s.alice, "core", "x")).toMatchObject({
      code: 0x200,
      message: `[one.user.chauth] User [${s.alice}] : Not authorized to perform ADMIN USER [${s.alice}].`,
    });
    expect(await s.call("one.user.chauth", 9, "core", "")).toMatchObject({ code: 0x400 });
    expect(await s.call("one.user.chauth", s.alice, "core")).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    expect(await s.call("one.user.passwd", s.alice, "a\tb")).toMatchObject({
      code: 0x800,
      message: "[one.user.passwd] Invalid password, character '\t' is not allowed",
    });
  });
});

describe("OpenNebula emulator: quotas", () => {
  it("stores user quotas, shows usage computed from the objects, and enforces the VM quota", async () => {
    const s = await withAliceAndDevs();
    expect(await s.ok("one.user.quota", s.alice, 'VM=[VMS="2", CPU="1.5", MEMORY="4096"]')).toBe(s.alice);
    let xml = String(await s.ok("one.user.info", s.alice));
    expect(inside(xml, "VM_QUOTA", "VMS")).toBe("2");
    expect(inside(xml, "VM_QUOTA", "VMS_USED")).toBe("0");
    expect(inside(xml, "VM_QUOTA", "RUNNING_VMS")).toBe("-1");
    // No default quotas (oned.conf DEFAULT_USER_QUOTAS): DefaultQuotas::to_xml's empty elements.
    expect(xml).toContain(
      "<DEFAULT_USER_QUOTAS><DATASTORE_QUOTA/><NETWORK_QUOTA/><VM_QUOTA/><IMAGE_QUOTA/></DEFAULT_USER_QUOTAS></USER>",
    );
    const vm = Number(await s.asAlice.ok("one.vm.allocate", 'NAME="a1"\nCPU="1"\nMEMORY="2048"', true));
    xml = String(await s.ok("one.user.info", s.alice));
    expect([inside(xml, "VM_QUOTA", "VMS_USED"), inside(xml, "VM_QUOTA", "CPU_USED")]).toEqual(["1", "1"]);
    expect(inside(xml, "VM_QUOTA", "MEMORY_USED")).toBe("2048");
    expect(await s.asAlice.call("one.vm.allocate", 'NAME="a2"\nCPU="1"\nMEMORY="512"')).toMatchObject({
      code: 0x200,
      message: `[one.vm.allocate] User [${s.alice}] : user [${s.alice}] limit of 1.5 reached for CPU quota in VM.`,
    });
    expect(await s.asAlice.ok("one.vm.allocate", 'NAME="a2"\nCPU="0.5"\nMEMORY="512"', true)).toBe(vm + 1);
    expect(await s.asAlice.call("one.vm.allocate", 'NAME="a3"\nCPU="0.1"\nMEMORY="1"')).toMatchObject({
      code: 0x200,
      message: `[one.vm.allocate] User [${s.alice}] : user [${s.alice}] limit of 2 reached for VMS quota in VM.`,
    });
    await s.ok("one.vm.recover", vm + 1, 3); // delete: the quota is given back
    expect(await s.asAlice.ok("one.vm.allocate", 'NAME="a3"\nCPU="0.1"\nMEMORY="1"', true)).toBeTypeOf(
      "number",
    );
    // oneadmin's own VMs are never limited, nor are VMs of a user in oneadmin's group.
    expect(await s.ok("one.vm.allocate", 'NAME="big"\nCPU="64"\nMEMORY="1"', true)).toBeTypeOf("number");
  });

  it("enforces the group's VM quota for its members, with the group in the message", async () => {
    const s = await withAliceAndDevs();
    await s.ok("one.group.quota", 1, 'VM=[MEMORY="3000"]');
    await s.asAlice.ok("one.vm.allocate", 'NAME="g1"\nCPU="1"\nMEMORY="2048"', true);
    expect(await s.asAlice.call("one.vm.allocate", 'NAME="g2"\nCPU="1"\nMEMORY="2048"')).toMatchObject({
      code: 0x200,
      message: `[one.vm.allocate] User [${s.alice}] : group [1] limit of 3000 reached for MEMORY quota in VM.`,
    });
    const xml = String(await s.ok("one.group.info", 1));
    expect(inside(xml, "VM_QUOTA", "MEMORY")).toBe("3000");
    expect(inside(xml, "VM_QUOTA", "MEMORY_USED")).toBe("2048");
    // -2 is unlimited; a vector with only defaults is dropped (no usage left → no entry).
    await s.ok("one.group.quota", 1, 'VM=[MEMORY="-2"]');
    expect(await s.asAlice.ok("one.vm.allocate", 'NAME="g2"\nCPU="1"\nMEMORY="2048"', true)).toBeTypeOf(
      "number",
    );
    await s.ok("one.group.quota", s.devs, 'VM=[VMS="-1"]');
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<VM_QUOTA/>");
  });

  it("shows datastore, network and image usage per ID, and every user's QUOTAS in the pool", async () => {
    const s = await withAliceAndDevs();
    await s.ok(
      "one.user.quota",
      s.alice,
      'DATASTORE=[ID="1", IMAGES="3", SIZE="-2"]\nNETWORK=[ID="0", LEASES="4"]',
    );
    await s.ok("one.image.chown", 0, s.alice, -1);
    await s.ok("one.template.chown", 0, s.alice, -1);
    await s.ok("one.vn.chmod", 0, -1, -1, -1, -1, -1, -1, 1, -1, -1);
    await s.asAlice.ok("one.template.instantiate", 0, "q", true, "", false);
    const xml = String(await s.ok("one.user.info", s.alice));
    expect(xml).toContain(
      "<DATASTORE_QUOTA><DATASTORE><ID><![CDATA[1]]></ID><IMAGES><![CDATA[3]]></IMAGES><IMAGES_USED><![CDATA[1]]></IMAGES_USED><SIZE><![CDATA[-2]]></SIZE><SIZE_USED><![CDATA[3584]]></SIZE_USED></DATASTORE></DATASTORE_QUOTA>",
    );
    expect(xml).toContain(
      "<NETWORK_QUOTA><NETWORK><ID><![CDATA[0]]></ID><LEASES><![CDATA[4]]></LEASES><LEASES_USED><![CDATA[1]]></LEASES_USED></NETWORK></NETWORK_QUOTA>",
    );
    expect(xml).toContain(
      "<IMAGE_QUOTA><IMAGE><ID><![CDATA[0]]></ID><RVMS><![CDATA[-1]]></RVMS><RVMS_USED><![CDATA[1]]></RVMS_USED></IMAGE></IMAGE_QUOTA>",
    );
    const pool = String(await s.ok("one.userpool.info"));
    expect(pool).toMatch(new RegExp(`</USER><QUOTAS><ID>${s.alice}</ID><DATASTORE_QUOTA><DATASTORE>`));
    expect(pool.match(/<QUOTAS>/g)).toHaveLength(3);
  });

  it("refuses bad limits, malformed templates, oneadmin and regular users with oned's messages", async () => {
    const s = await withAliceAndDevs();
    expect(await s.call("one.user.quota", s.alice, 'VM=[VMS="-5"]')).toMatchObject({
      code: 0x800,
      message: `[one.user.quota] Negative limits or bad format in quota VM = [ UID=${s.alice},VMS=-5 ]`,
    });
    // a limit that is not a number is read as not given (oned 7.4's vector_value_str): accepted,
    // and a VM quota left with only default limits is dropped
    expect(await s.ok("one.group.quota", s.devs, 'VM=[VMS="2",CPU="lots"]')).toBe(s.devs);
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<CPU><![CDATA[-1]]></CPU>");
    expect(await s.ok("one.group.quota", s.devs, 'VM=[VMS="many"]')).toBe(s.devs);
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<VM_QUOTA/>");
    expect(await s.call("one.user.quota", s.alice, 'DATASTORE=[IMAGES="1"]')).toMatchObject({
      code: 0x800,
      message: "[one.user.quota] Negative limits or bad format in quota DATASTORE = [ IMAGES=1 ]",
    });
    const bad = await s.call("one.user.quota", s.alice, "VM=[VMS=1");
    expect(bad).toMatchObject({ kind: "error", code: 0x800 });
    expect(bad.kind === "error" && bad.message).toMatch(/^\[one\.user\.quota\] Parse error: syntax error/);
    expect(await s.call("one.user.quota", 0, 'VM=[VMS="1"]')).toMatchObject({
      code: 0x800,
      message: "[one.user.quota] Cannot set quotas for oneadmin user",
    });
    expect(await s.call("one.group.quota", 0, 'VM=[VMS="1"]')).toMatchObject({
      code: 0x800,
      message: "[one.group.quota] Cannot set quotas for oneadmin group",
    });
    // GroupAPI::quota turns a missing group into AUTHORIZATION with no message (oned's quirk).
    expect(await s.call("one.group.quota", 77, 'VM=[VMS="1"]')).toMatchObject({
      code: 0x200,
      message: "[one.group.quota] User [0] not authorized to perform action on group.",
      respId: 77,
    });
    expect(await s.asAlice.call("one.user.quota", s.alice, 'VM=[VMS="9"]')).toMatchObject({
      code: 0x200,
      message: `[one.user.quota] User [${s.alice}] : Not authorized to perform ADMIN USER [${s.alice}].`,
    });
    expect(await s.asAlice.call("one.group.quota", 1, 'VM=[VMS="9"]')).toMatchObject({
      code: 0x200,
      message: `[one.group.quota] User [${s.alice}] : Not authorized to perform ADMIN GROUP [1].`,
    });
    expect(await s.call("one.user.quota", 31, "")).toMatchObject({ code: 0x400 });
    expect(await s.call("one.user.quota", s.alice, 5)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: group admins, template and VLAN rules", () => {
  it("adds a member as admin with oned's ACL rules and removes it again", async () => {
    const s = await withAliceAndDevs();
    expect(await s.call("one.group.addadmin", s.devs, s.alice)).toMatchObject({
      code: 0x2000,
      message: `[one.group.addadmin] Cannot edit group. User ${s.alice} is not part of Group ${s.devs}.`,
    });
    await s.ok("one.user.addgroup", s.alice, s.devs);
    expect(await s.ok("one.group.addadmin", s.devs, s.alice)).toBe(s.devs);
    expect(String(await s.ok("one.group.info", s.devs))).toContain(`<ADMINS><ID>${s.alice}</ID></ADMINS>`);
    const acls = String(await s.ok("one.acl.info"));
    expect(acls).toContain(`<STRING>#${s.alice} USER/@${s.devs} USE+MANAGE+ADMIN+CREATE *</STRING>`);
    expect(acls).toContain(`<STRING>#${s.alice} GROUP/#${s.devs} MANAGE *</STRING>`);
    expect(await s.call("one.group.addadmin", s.devs, s.alice)).toMatchObject({
      code: 0x2000,
      message: `[one.group.addadmin] Cannot edit group. User ${s.alice} is already an administrator of Group ${s.devs}.`,
    });
    expect(await s.ok("one.group.deladmin", s.devs, s.alice)).toBe(s.devs);
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<ADMINS/>");
    expect(String(await s.ok("one.acl.info"))).not.toContain(`#${s.alice} `);
    expect(await s.call("one.group.deladmin", s.devs, s.alice)).toMatchObject({
      code: 0x2000,
      message: `[one.group.deladmin] Cannot edit group. User ${s.alice} is not an administrator of Group ${s.devs}.`,
    });
    // Leaving the group also ends the admin role.
    await s.ok("one.group.addadmin", s.devs, s.alice);
    await s.ok("one.user.delgroup", s.alice, s.devs);
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<ADMINS/>");
  });

  it("numbers groups from 100 and deletes them, their users' admin roles and ACL rules as oned does", async () => {
    const s = await withAliceAndDevs();
    expect(s.devs).toBe(100);
    expect(await s.call("one.group.delete", 1)).toMatchObject({
      code: 0x800,
      message: "[one.group.delete] Cannot delete group. System Groups (ID < 100) cannot be deleted.",
    });
    await s.ok("one.user.addgroup", s.alice, s.devs);
    await s.ok("one.group.addadmin", s.devs, s.alice);
    await s.ok("one.acl.addrule", "200000064", "1400000000", "1", ""); // @100 VM/* USE #0
    expect(await s.call("one.group.delete", s.devs)).toMatchObject({
      code: 0x800,
      message: `[one.group.delete] Cannot delete group. Group ${s.devs} is not empty.`,
    });
    // chgrp to a group the user already has keeps the old primary one as secondary.
    await s.ok("one.user.chgrp", s.alice, s.devs);
    expect(String(await s.ok("one.user.info", s.alice))).toContain(
      `<GID>${s.devs}</GID><GROUPS><ID>1</ID><ID>${s.devs}</ID></GROUPS>`,
    );
    await s.ok("one.user.chgrp", s.alice, 1);
    expect(String(await s.ok("one.user.info", s.alice))).toContain(
      `<GID>1</GID><GROUPS><ID>1</ID><ID>${s.devs}</ID></GROUPS>`,
    );
    // Deleting the user drops its admin role and its ACL rules; then the group can go, with its rules.
    await s.ok("one.user.delete", s.alice);
    expect(String(await s.ok("one.group.info", s.devs))).toContain("<USERS/><ADMINS/>");
    let acls = String(await s.ok("one.acl.info"));
    expect(acls).not.toContain(`#${s.alice} `);
    expect(acls).toContain(`<STRING>@${s.devs} VM/* USE #0</STRING>`);
    await s.ok("one.group.delete", s.devs);
    acls = String(await s.ok("one.acl.info"));
    expect(acls).not.toContain(`@${s.devs}`);
    expect(acls.match(/<ACL>/g)).toHaveLength(3); // oned's bootstrap rules are left
    expect(await s.call("one.user.delete", 0)).toMatchObject({
      code: 0x800,
      message: "[one.user.delete] Cannot delete user. oneadmin cannot be deleted.",
    });
    expect(await s.call("one.user.chgrp", 0, 1)).toMatchObject({
      code: 0x2000,
      message: "[one.user.chgrp] user [0] oneadmin cannot be moved outside of the group [0] oneadmin",
    });
  });

  it("answers NO_EXISTS (group first, then user) and AUTHORIZATION for a regular user", async () => {
    const s = await withAliceAndDevs();
    expect(await s.call("one.group.addadmin", 50, 51)).toMatchObject({
      code: 0x400,
      message: "[one.group.addadmin] Error getting group [50].",
    });
    expect(await s.call("one.group.deladmin", s.devs, 51)).toMatchObject({
      code: 0x400,
      message: "[one.group.deladmin] Error getting user [51].",
    });
    expect(await s.asAlice.call("one.group.addadmin", 1, s.alice)).toMatchObject({
      code: 0x200,
      message: `[one.group.addadmin] User [${s.alice}] : Not authorized to perform ADMIN GROUP [1].`,
    });
    expect(await s.call("one.group.addadmin", s.devs, true)).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
  });

  it("updates the group template (replace or merge) with oned's parse errors", async () => {
    const s = await withAliceAndDevs();
    await s.ok("one.group.update", s.devs, 'DESCRIPTION="dev team"\nSUNSTONE=[DEFAULT_VIEW="user"]', 0);
    await s.ok("one.group.update", s.devs, 'OWNER="ops"', 1);
    let xml = String(await s.ok("one.group.info", s.devs));
    expect(xml).toContain(
      "<TEMPLATE><DESCRIPTION><![CDATA[dev team]]></DESCRIPTION><OWNER><![CDATA[ops]]></OWNER><SUNSTONE><DEFAULT_VIEW><![CDATA[user]]></DEFAULT_VIEW></SUNSTONE></TEMPLATE>",
    );
    await s.ok("one.group.update", s.devs, 'OWNER="dev"', 0);
    xml = String(await s.ok("one.group.info", s.devs));
    expect(xml).toContain("<TEMPLATE><OWNER><![CDATA[dev]]></OWNER></TEMPLATE>");
    const bad = await s.call("one.group.update", s.devs, 'A="unterminated', 0);
    expect(
      bad.kind === "error" && [bad.code, bad.message.startsWith("[one.group.update] Parse error")],
    ).toEqual([0x800, true]);
    expect(await s.asAlice.call("one.group.update", 1, 'X="y"', 1)).toMatchObject({
      code: 0x200,
      message: `[one.group.update] User [${s.alice}] : Not authorized to perform ADMIN GROUP [1].`,
    });
    expect(await s.call("one.group.update", 9, 'X="y"', 1)).toMatchObject({ code: 0x400 });
  });

  it("sets and clears the 7.4 VLAN rules", async () => {
    const s = await withAliceAndDevs();
    await s.ok(
      "one.group.vlan",
      s.devs,
      'RULE=[ID="100-199", SCOPE="CLUSTER", VNTEMPLATE="3"]\nRULE=[ID="4000", SCOPE="VNET"]',
    );
    let xml = String(await s.ok("one.group.info", s.devs));
    expect(xml).toContain(
      `<VLAN_RULES><ID>${s.devs}</ID><RULE><ID><![CDATA[100-199]]></ID><SCOPE><![CDATA[CLUSTER]]></SCOPE><VNTEMPLATE><![CDATA[3]]></VNTEMPLATE></RULE><RULE><ID><![CDATA[4000]]></ID><SCOPE><![CDATA[VNET]]></SCOPE><VNTEMPLATE><![CDATA[]]></VNTEMPLATE></RULE></VLAN_RULES>`,
    );
    const pool = String(await s.ok("one.grouppool.info"));
    expect(pool).toContain(`</QUOTAS><VLAN_RULES><ID>${s.devs}</ID><RULE>`);
    await s.ok("one.group.vlan", s.devs, "");
    xml = String(await s.ok("one.group.info", s.devs));
    expect(xml).toContain(`<VLAN_RULES><ID>${s.devs}</ID></VLAN_RULES>`);
    expect(await s.call("one.group.vlan", s.devs, "RULE=[ID=")).toMatchObject({ code: 0x800 });
    expect(await s.asAlice.call("one.group.vlan", 1, "")).toMatchObject({ code: 0x200 });
    expect(await s.call("one.group.vlan", 8, "")).toMatchObject({ code: 0x400 });
  });
});

describe("OpenNebula emulator: users and groups through the client", () => {
  it("drives every new user and group method; the models validate the documents", async () => {
    const { one } = setup();
    const bob = await one.user.allocate("bob", "bob-pw", "");
    const ops = await one.group.allocate("ops");
    await one.user.addgroup(bob, ops);
    await one.group.addadmin(ops, bob);
    await one.user.quota(bob, 'VM=[VMS="3"]\nDATASTORE=[ID="1", IMAGES="2"]');
    await one.group.quota(ops, 'VM=[CPU="8"]');
    await one.group.update(ops, 'DESCRIPTION="ops"', 1);
    await one.group.vlan(ops, 'RULE=[ID="10", SCOPE="CLUSTER", VNTEMPLATE="0"]');
    await one.user.enable(bob, false);
    await one.user.chauth(bob, "ldap", "");
    const user = await one.user.info(bob);
    expect([user.ENABLED, user.AUTH_DRIVER, user.GROUPS.ID]).toEqual([0, "ldap", [1, ops]]);
    expect(user.VM_QUOTA?.VM[0]?.VMS).toBe("3");
    expect(user.DATASTORE_QUOTA?.DATASTORE[0]).toMatchObject({ ID: "1", IMAGES: "2", IMAGES_USED: "0" });
    const group = await one.group.info(ops);
    expect(group.ADMINS).toEqual({ ID: [bob] });
    expect(group.VM_QUOTA?.VM[0]?.CPU).toBe("8");
    expect(group.VLAN_RULES?.RULE[0]).toEqual({ ID: "10", SCOPE: "CLUSTER", VNTEMPLATE: "0" });
    const users = await one.userpool.info();
    expect(users.QUOTAS.map((q) => q.ID)).toEqual([0, 1, bob]);
    const groups = await one.group.info(ops);
    expect(groups.TEMPLATE).toMatchObject({ DESCRIPTION: "ops" });
    expect((await one.grouppool.info()).QUOTAS.map((q) => q.ID)).toEqual([0, 1, ops]);
    await one.group.deladmin(ops, bob);
    await one.user.delgroup(bob, ops);
    await expect(one.user.delgroup(bob, 1)).rejects.toMatchObject({
      code: "ACTION",
      message: expect.stringContaining("Cannot remove user from the primary group"),
    });
  });
});

describe("OpenNebula emulator: new users and clusters as oned 7.4 writes them", () => {
  it("gives a new user a random TOKEN_PASSWORD and a new cluster empty RESERVED_CPU/RESERVED_MEM", async () => {
    const s = setup();
    const a = Number(await s.ok("one.user.allocate", "ann", "pw", "core"));
    const b = Number(await s.ok("one.user.allocate", "bob", "pw", "core"));
    const tokenA = field(String(await s.ok("one.user.info", a)), "TOKEN_PASSWORD");
    expect(tokenA).toMatch(/^[0-9a-f]{64}$/);
    expect(field(String(await s.ok("one.user.info", b)), "TOKEN_PASSWORD")).not.toBe(tokenA);
    const c = Number(await s.ok("one.cluster.allocate", "edge"));
    const xml = String(await s.ok("one.cluster.info", c));
    expect([field(xml, "RESERVED_CPU"), field(xml, "RESERVED_MEM")]).toEqual(["", ""]);
  });
});
