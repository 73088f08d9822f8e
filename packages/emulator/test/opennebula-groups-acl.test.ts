import { describe, expect, it } from "vitest";
import { field } from "./opennebula-rpc.js";
import { setup2023 as setup, withAlice } from "./opennebula-setup.js";

describe("OpenNebula emulator: security groups", () => {
  it("has group 0 'default' (all traffic), which cannot be deleted", async () => {
    const s = setup();
    const xml = String(await s.ok("one.secgroup.info", 0));
    expect(field(xml, "NAME")).toBe("default");
    expect(xml).toContain(
      "<RULE><PROTOCOL><![CDATA[ALL]]></PROTOCOL><RULE_TYPE><![CDATA[OUTBOUND]]></RULE_TYPE></RULE>",
    );
    expect(await s.call("one.secgroup.delete", 0)).toMatchObject({
      code: 0x800,
      message:
        "[one.secgroup.delete] Cannot delete security group. The default security group (ID 0) cannot be deleted.",
    });
  });

  it("allocates with checked rules, updates, renames, clones, chowns, lists and deletes", async () => {
    const s = setup();
    const id = Number(
      await s.ok(
        "one.secgroup.allocate",
        'NAME="web"\nRULE=[PROTOCOL="TCP", RULE_TYPE="inbound", RANGE="80,443"]',
      ),
    );
    expect(id).toBe(1);
    expect(await s.call("one.secgroup.allocate", 'NAME="web"')).toMatchObject({
      // oned 7.4: pool_allocate failures are INTERNAL with the bare message (conformance/opennebula-oned)
      code: 0x2000,
      message: "[one.secgroup.allocate] NAME is already taken by SECGROUP 1.",
    });
    expect(
      await s.call("one.secgroup.allocate", 'NAME="x"\nRULE=[PROTOCOL="SCTP", RULE_TYPE="INBOUND"]'),
    ).toMatchObject({
      code: 0x2000,
      message:
        "[one.secgroup.allocate] Wrong PROTOCOL in rule. Valid options: TCP, UDP, ICMP, ICMPV6, IPSEC, ALL.",
    });
    expect(await s.call("one.secgroup.allocate", 'RULE=[PROTOCOL="TCP"]')).toMatchObject({
      code: 0x2000,
      message: "[one.secgroup.allocate] No NAME in template.",
    });
    expect(await s.call("one.secgroup.update", id, 'RULE=[PROTOCOL="TCP"]', 0)).toMatchObject({
      code: 0x800,
      message: "[one.secgroup.update] No RULE_TYPE in RULE",
    });
    await s.ok("one.secgroup.update", id, 'DESCRIPTION="front"', 1);
    await s.ok("one.secgroup.rename", id, "front");
    const clone = Number(await s.ok("one.secgroup.clone", id, "front-2"));
    const cloned = String(await s.ok("one.secgroup.info", clone));
    expect(field(cloned, "NAME")).toBe("front-2");
    expect(cloned).toContain("<RANGE><![CDATA[80,443]]></RANGE>");
    expect(cloned).toContain("<DESCRIPTION><![CDATA[front]]></DESCRIPTION>");
    const uid = Number(await s.ok("one.user.allocate", "dan", "pw", ""));
    await s.ok("one.secgroup.chown", clone, uid, 1);
    expect(field(String(await s.ok("one.secgroup.info", clone)), "UNAME")).toBe("dan");
    const dan = s.as("dan:pw");
    expect(await dan.call("one.secgroup.info", id)).toMatchObject({
      code: 0x200,
      message: `[one.secgroup.info] User [${uid}] : Not authorized to perform USE SECGROUP [${id}].`,
    });
    const mine = String(await dan.ok("one.secgrouppool.info", -3, -1, -1));
    expect([...mine.matchAll(/<SECURITY_GROUP>/g)]).toHaveLength(1);
    expect(
      String(await s.ok("one.secgrouppool.info", -2, -1, -1)).match(/<SECURITY_GROUP><ID>(\d+)/)?.[1],
    ).toBe(String(clone));
    await s.ok("one.secgroup.commit", id, false);
    await s.ok("one.secgroup.delete", id);
    expect(await s.call("one.secgroup.info", id)).toMatchObject({
      code: 0x400,
      message: `[one.secgroup.info] Error getting security group [${id}].`,
    });
  });
});

describe("OpenNebula emulator: VM groups", () => {
  it("keeps roles with their VMs, refuses deleting what VMs use, and honours its lock", async () => {
    const s = setup();
    const id = Number(
      await s.ok("one.vmgroup.allocate", 'NAME="db"\nROLE=[NAME="primary", POLICY="ANTI_AFFINED"]'),
    );
    expect(await s.call("one.vmgroup.allocate", 'NAME="empty"')).toMatchObject({
      code: 0x2000,
      message: "[one.vmgroup.allocate] A VM group must have at least one ROLE",
    });
    expect(await s.call("one.vmgroup.allocate", 'NAME="p"\nROLE=[NAME="a", POLICY="SPREAD"]')).toMatchObject({
      message: "[one.vmgroup.allocate] Invalid POLICY SPREAD for role a",
    });
    await s.ok("one.vmgroup.roleadd", id, 'ROLE=[NAME="replica", HOST_AFFINED="1"]');
    expect(await s.call("one.vmgroup.roleadd", id, 'ROLE=[NAME="replica"]')).toMatchObject({
      code: 0x800,
      message: "[one.vmgroup.roleadd] Role already exists",
    });
    const vm = Number(
      await s.ok("one.vm.allocate", `CPU=1\nMEMORY=64\nVMGROUP=[VMGROUP_ID="${id}", ROLE="replica"]`, true),
    );
    let xml = String(await s.ok("one.vmgroup.info", id));
    expect(xml).toContain(
      // a role given without POLICY has no POLICY element (oned 7.4)
      `<ROLE><HOST_AFFINED>1</HOST_AFFINED><ID>1</ID><NAME>replica</NAME><VMS>${vm}</VMS></ROLE>`,
    );
    expect(await s.call("one.vmgroup.roledelete", id, 1)).toMatchObject({
      message: "[one.vmgroup.roledelete] Role replica has VMs, it cannot be deleted",
    });
    expect(await s.call("one.vmgroup.delete", id)).toMatchObject({
      code: 0x800,
      message: "[one.vmgroup.delete] Cannot delete vm group. VM group has VMs, it cannot be deleted",
    });
    await s.ok("one.vmgroup.roleupdate", id, 0, 'ROLE=[POLICY="AFFINED"]');
    expect(String(await s.ok("one.vmgroup.info", id))).toContain(
      "<NAME>primary</NAME><POLICY>AFFINED</POLICY>",
    );
    await s.ok("one.vmgroup.lock", id, 2, false);
    expect(await s.call("one.vmgroup.rename", id, "x")).toMatchObject({
      code: 0x200,
      message: `[one.vmgroup.rename] User [0] : VMGROUP is locked. [${id}].`,
    });
    await s.ok("one.vmgroup.unlock", id);
    await s.ok("one.vm.action", "terminate", vm);
    await s.ok("one.vmgroup.roledelete", id, 1);
    xml = String(await s.ok("one.vmgroup.info", id));
    expect(xml).not.toContain("replica");
    expect(String(await s.ok("one.vmgrouppool.info", -2, -1, -1))).toContain("<NAME>db</NAME>");
    await s.ok("one.vmgroup.delete", id);
    expect(await s.call("one.vmgroup.info", id)).toMatchObject({ code: 0x400 });
  });
});

describe("OpenNebula emulator: ACL rules", () => {
  it("lists oned's bootstrap rules, adds hex-encoded rules, refuses malformed and repeated ones", async () => {
    const s = setup();
    const pool = String(await s.ok("one.acl.info"));
    expect(pool).toContain(
      "<STRING>@1 VM+NET+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VMGROUP+BACKUPJOB/* CREATE *</STRING>",
    );
    // #2 VM+NET/@1 USE+MANAGE #0
    const id = Number(await s.ok("one.acl.addrule", "100000002", "5200000001", "3", "100000000"));
    expect(id).toBe(3);
    expect(String(await s.ok("one.acl.info"))).toContain(
      `<ACL><ID>3</ID><USER>100000002</USER><RESOURCE>5200000001</RESOURCE><RIGHTS>3</RIGHTS><ZONE>100000000</ZONE><STRING>#2 VM+NET/@1 USE+MANAGE #0</STRING></ACL>`,
    );
    expect(await s.call("one.acl.addrule", "100000002", "5200000001", "3", "100000000")).toMatchObject({
      code: 0x2000,
      message: "[one.acl.addrule] Rule already exists",
    });
    expect(await s.call("one.acl.addrule", "100000002", "200000001", "1")).toMatchObject({
      code: 0x2000,
      message: "[one.acl.addrule] Rule #2 /@1 USE #0 is malformed: [resource] type is missing",
    });
    expect(await s.call("one.acl.addrule", "zz", "200000001", "1")).toMatchObject({
      code: 0x2000,
      message: "[one.acl.addrule] Error parsing [user]: zz",
    });
    // The CLI's text form, part by part, gives the same masks.
    const text = Number(await s.ok("one.acl.addrule", "#2", "VM+NET/@1", "USE", "#0"));
    expect(String(await s.ok("one.acl.info"))).toContain(
      `<ID>${text}</ID><USER>100000002</USER><RESOURCE>5200000001</RESOURCE><RIGHTS>1</RIGHTS>`,
    );
    await s.ok("one.user.allocate", "eve", "pw", "");
    expect(await s.as("eve:pw").call("one.acl.info")).toMatchObject({ code: 0x200 });
    await s.ok("one.acl.delrule", id);
    // as oned 7.4 answers (conformance/opennebula-oned)
    expect(await s.call("one.acl.delrule", id)).toMatchObject({
      code: 0x2000,
      message: `[one.acl.delrule] Rule ${id} does not exist`,
      respId: -1,
    });
  });
});

describe("OpenNebula emulator: hosts through ACL rules", () => {
  const hostIds = (xml: unknown) =>
    [...String(xml).matchAll(/<HOST><ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));

  it("a regular user sees no host until a rule gives HOST USE: all, one host, or a cluster's", async () => {
    const s = await withAlice();
    expect(hostIds(await s.ok("one.hostpool.info"))).toEqual([0, 1, 2]);
    expect(hostIds(await s.asAlice.ok("one.hostpool.info"))).toEqual([]);
    expect(await s.asAlice.call("one.host.info", 1)).toMatchObject({
      code: 0x200,
      message: `[one.host.info] User [${s.alice}] : Not authorized to perform USE HOST [1].`,
    });
    expect(await s.asAlice.call("one.host.monitoring", 1)).toMatchObject({ code: 0x200 });
    expect(String(await s.asAlice.ok("one.hostpool.monitoring", 0))).toBe(
      "<MONITORING_DATA></MONITORING_DATA>",
    );

    // #alice HOST/#1 USE: that host only
    const one = Number(
      await s.ok("one.acl.addrule", (0x100000000 + s.alice).toString(16), "2100000001", "1", ""),
    );
    expect(hostIds(await s.asAlice.ok("one.hostpool.info"))).toEqual([1]);
    expect(hostIds(await s.asAlice.ok("one.host.info", 1))).toEqual([1]);
    expect(await s.asAlice.call("one.host.info", 0)).toMatchObject({ code: 0x200 });
    // a MANAGE-only rule does not give USE
    await s.ok("one.acl.delrule", one);
    await s.ok("one.acl.addrule", (0x100000000 + s.alice).toString(16), "2400000000", "2", "");
    expect(hostIds(await s.asAlice.ok("one.hostpool.info"))).toEqual([]);
    // @users HOST/%0 USE: every host of cluster 0, for every member of the group
    await s.ok("one.acl.addrule", "200000001", "2800000000", "1", "");
    expect(hostIds(await s.asAlice.ok("one.hostpool.info"))).toEqual([0, 1, 2]);
    expect(String(await s.asAlice.ok("one.hostpool.monitoring", 0))).toMatch(
      /<MONITORING><TIMESTAMP>\d+<\/TIMESTAMP><ID>0<\/ID>/,
    );
  });
});
