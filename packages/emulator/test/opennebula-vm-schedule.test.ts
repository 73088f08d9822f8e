import { describe, expect, it } from "vitest";
import { elements, field, stateOf } from "./opennebula-rpc.js";
import { regularUser, running, setup } from "./opennebula-setup.js";

// Clock at a whole second: schedule 5 s, prolog 3 s, boot 2 s, shutdown 2 s, exec 1 s.

const scheds = (xml: string) => elements(xml, "SCHED_ACTION");
const stime = (xml: string) => Number(field(xml, "STIME"));

describe("OpenNebula emulator: scheduled actions", () => {
  it("adds an action with a +seconds TIME after STIME, lists it, and runs it at TIME on the clock", async () => {
    const s = setup();
    const id = await running(s);
    const sched = Number(await s.ok("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="poweroff", TIME="+60"]'));
    expect(sched).toBe(0);
    const xml = await s.info(id);
    expect(xml).toContain("<SCHED_ACTIONS><ID>0</ID></SCHED_ACTIONS>");
    const sa = scheds(xml)[0]!;
    expect(sa).toBe(
      `<SCHED_ACTION><ID>0</ID><PARENT_ID>${id}</PARENT_ID><TYPE>VM</TYPE><ACTION>poweroff</ACTION><ARGS></ARGS><TIME>${stime(xml) + 60}</TIME><REPEAT>-1</REPEAT><DAYS></DAYS><END_TYPE>-1</END_TYPE><END_VALUE>-1</END_VALUE><DONE>-1</DONE><MESSAGE></MESSAGE><WARNING>0</WARNING></SCHED_ACTION>`,
    );
    // STIME + 60 s is 50 s after RUNNING (reached 10 s after instantiate).
    s.clock.advance(49_000);
    expect(await s.vmState(id)).toEqual([3, 3]);
    s.clock.advance(1_000);
    expect(await s.vmState(id)).toEqual([3, 18]);
    s.clock.advance(2_000);
    const after = await s.info(id);
    expect(stateOf(after)).toEqual([8, 0]);
    expect(field(scheds(after)[0]!, "DONE")).toBe(String(stime(xml) + 60));
    expect(field(scheds(after)[0]!, "MESSAGE")).toBe("");
  });

  it("runs a due action at its TIME even when the clock jumps past it", async () => {
    const s = setup();
    const id = await running(s);
    const t0 = stime(await s.info(id));
    await s.ok("one.vm.schedadd", id, `SCHED_ACTION=[ACTION="poweroff-hard", TIME="${t0 + 20}"]`);
    s.clock.advance(600_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
  });

  it("runs an action whose TIME is already past when it is added, not back at TIME", async () => {
    const s = setup();
    const id = await running(s);
    const now = Math.floor(s.clock.now() / 1000);
    await s.ok("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="terminate-hard", TIME="1"]');
    expect(await s.vmState(id)).toEqual([3, 11]);
    s.clock.advance(1_000);
    const xml = await s.info(id);
    expect(stateOf(xml)).toEqual([6, 0]);
    expect(field(xml, "ETIME")).toBe(String(now + 1));
    expect(field(scheds(xml)[0]!, "DONE")).toBe(String(now));
  });

  it("records the error of an action the VM refuses in MESSAGE, and the run in DONE", async () => {
    const s = setup();
    const id = await running(s);
    await s.ok("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="resume", TIME="+20"]');
    s.clock.advance(30_000);
    const sa = scheds(await s.info(id))[0]!;
    expect(sa).toMatch(/<DONE>\d+<\/DONE>/);
    expect(sa).toContain('Error performing action "resume": This action is not available for state RUNNING');
    expect(await s.vmState(id)).toEqual([3, 3]);
  });

  it("repeats an HOURLY action END_VALUE times", async () => {
    const s = setup();
    const id = await running(s);
    const t0 = stime(await s.info(id));
    await s.ok(
      "one.vm.schedadd",
      id,
      `SCHED_ACTION=[ACTION="reboot", TIME="${t0 + 100}", REPEAT="3", DAYS="1", END_TYPE="1", END_VALUE="2"]`,
    );
    s.clock.advance(100_000);
    let sa = scheds(await s.info(id))[0]!;
    expect(field(sa, "DONE")).toBe(String(t0 + 100));
    expect(field(sa, "TIME")).toBe(String(t0 + 3700));
    expect(field(sa, "END_VALUE")).toBe("1");
    s.clock.advance(3_600_000);
    sa = scheds(await s.info(id))[0]!;
    expect(field(sa, "DONE")).toBe(String(t0 + 3700));
    expect(field(sa, "END_VALUE")).toBe("0");
    // END_VALUE 0: no third run.
    s.clock.advance(3 * 3_600_000);
    expect(field(scheds(await s.info(id))[0]!, "DONE")).toBe(String(t0 + 3700));
  });

  it("moves WEEKLY and MONTHLY actions to the next listed day (UTC)", async () => {
    const s = setup(); // 2025-07-30 08:00:00 UTC, a Wednesday
    const id = await running(s);
    const t0 = stime(await s.info(id));
    const day = 86_400;
    await s.ok(
      "one.vm.schedadd",
      id,
      `SCHED_ACTION=[ACTION="reboot", TIME="${t0 + 100}", REPEAT="0", DAYS="1,5"]`,
    );
    await s.ok(
      "one.vm.schedadd",
      id,
      `SCHED_ACTION=[ACTION="reboot", TIME="${t0 + 100}", REPEAT="1", DAYS="1,15"]`,
    );
    s.clock.advance(100_000);
    let [weekly, monthly] = scheds(await s.info(id));
    expect(field(weekly!, "TIME")).toBe(String(t0 + 100 + 2 * day)); // Wednesday → Friday
    expect(field(monthly!, "TIME")).toBe(String(t0 + 100 + 2 * day)); // July 30 → August 1
    s.clock.advance(2 * day * 1000);
    [weekly, monthly] = scheds(await s.info(id));
    expect(field(weekly!, "DONE")).toBe(String(t0 + 100 + 2 * day));
    expect(field(weekly!, "TIME")).toBe(String(t0 + 100 + 5 * day)); // Friday → Monday
    expect(field(monthly!, "TIME")).toBe(String(t0 + 100 + 16 * day)); // August 1 → 15
  });

  it("updates an action (other attributes kept, returns its id) and deletes it", async () => {
    const s = setup();
    const id = await running(s);
    const t0 = stime(await s.info(id));
    const sched = Number(
      await s.ok(
        "one.vm.schedadd",
        id,
        'SCHED_ACTION=[ACTION="snapshot-create", TIME="+3600", ARGS="nightly"]',
      ),
    );
    expect(await s.ok("one.vm.schedupdate", id, sched, 'SCHED_ACTION=[TIME="+7200"]')).toBe(sched);
    const sa = scheds(await s.info(id))[0]!;
    expect(field(sa, "TIME")).toBe(String(t0 + 7200));
    expect(field(sa, "ACTION")).toBe("snapshot-create");
    expect(field(sa, "ARGS")).toBe("nightly");
    expect(await s.call("one.vm.schedupdate", id, 9, 'SCHED_ACTION=[TIME="+1"]')).toMatchObject({
      code: 0x2000,
      message: "[one.vm.schedupdate] SCHED_ACTION with id = 9 doesn't exist",
    });
    expect(await s.call("one.vm.schedupdate", id, sched, 'SCHED_ACTION=[ACTION="explode"]')).toMatchObject({
      code: 0x2000,
      message: "[one.vm.schedupdate] explode is not supported.",
    });
    expect(await s.call("one.vm.schedupdate", id, sched, 'TIME="+1"')).toMatchObject({
      code: 0x2000,
      message: "[one.vm.schedupdate] No SCHED_ACTION attribute in template",
    });
    expect(await s.ok("one.vm.scheddelete", id, sched)).toBe(id);
    expect(await s.info(id)).toContain("<SCHED_ACTIONS/>");
    expect(await s.call("one.vm.scheddelete", id, sched)).toMatchObject({
      code: 0x400,
      respId: sched,
      message: `[one.vm.scheddelete] Error getting scheduled action [${sched}].`,
    });
    // A snapshot-create due at TIME takes the system snapshot named by ARGS.
    const other = Number(
      await s.ok(
        "one.vm.schedadd",
        id,
        'SCHED_ACTION=[ACTION="snapshot-create", TIME="+20", ARGS="nightly"]',
      ),
    );
    expect(other).toBe(1);
    s.clock.advance(20_000);
    // taken (the operation is over: no ACTIVE, as oned's clear_active_snapshot)
    expect(await s.info(id)).toMatch(/<SNAPSHOT><HYPERVISOR_ID>.*?<NAME><!\[CDATA\[nightly\]\]><\/NAME>/);
  });

  it("runs a scheduled backup (ARGS: the backup datastore) through BACKUP", async () => {
    const s = setup();
    const ds = Number(
      await s.ok("one.datastore.allocate", 'NAME="b"\nTYPE="BACKUP_DS"\nDS_MAD="rsync"\nTM_MAD="-"', -1),
    );
    const id = await running(s);
    await s.ok("one.vm.schedadd", id, `SCHED_ACTION=[ACTION="backup", TIME="+30", ARGS="${ds}"]`);
    s.clock.advance(20_000);
    expect(await s.vmState(id)).toEqual([3, 69]);
    s.clock.advance(3_000);
    expect(await s.info(id)).toContain("<BACKUP_IDS><ID>1</ID></BACKUP_IDS>");
  });

  it("turns an allocate/instantiate template's SCHED_ACTIONs into scheduled actions", async () => {
    const s = setup();
    const id = Number(
      await s.ok(
        "one.template.instantiate",
        0,
        "",
        false,
        'SCHED_ACTION=[ACTION="poweroff", TIME="+30"]\nSCHED_ACTION=[ACTION="terminate", TIME="+3600"]',
        false,
      ),
    );
    const xml = await s.info(id);
    expect(xml).toContain("<SCHED_ACTIONS><ID>0</ID><ID>1</ID></SCHED_ACTIONS>");
    expect(xml).not.toContain("<USER_TEMPLATE><SCHED_ACTION>");
    expect(field(scheds(xml)[1]!, "TIME")).toBe(String(stime(xml) + 3600));
    s.clock.advance(32_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
    const before = s.emulator.state.vms.size;
    expect(
      await s.call(
        "one.vm.allocate",
        'NAME="x"\nCPU=1\nMEMORY=64\nSCHED_ACTION=[ACTION="fly", TIME="+1"]',
        true,
      ),
    ).toMatchObject({ code: 0x2000, message: "[one.vm.allocate] fly is not supported." });
    // an empty SCHED_ACTION section in an XML template (it once restarted oned, docs/reference/opennebula/ISSUES.md #15)
    for (const empty of ["<SCHED_ACTION/>", "<SCHED_ACTION></SCHED_ACTION>"]) {
      expect(
        await s.call(
          "one.template.instantiate",
          0,
          "",
          false,
          `<TEMPLATE><NAME>y</NAME>${empty}</TEMPLATE>`,
          false,
        ),
      ).toMatchObject({ code: 0x2000, message: expect.stringContaining("No ACTION in template") });
    }
    expect(s.emulator.state.vms.size).toBe(before);
    expect(await s.ok("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="resume", TIME="+1"]')).toBe(2);
  });

  it("refuses malformed scheduled actions with oned's messages", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    const bad: Array<[string, number, string]> = [
      ['SCHED_ACTION=[TIME="+1"]', 0x800, "No ACTION in template for Scheduled Action."],
      ["SCHED_ACTION=[]", 0x800, "No ACTION in template for Scheduled Action."],
      ['SCHED_ACTION=[ACTION="migrate", TIME="+1"]', 0x800, "migrate is not supported."],
      ['SCHED_ACTION=[ACTION="stop"]', 0x800, "Unable to parse the time value or value is empty: "],
      [
        'SCHED_ACTION=[ACTION="stop", TIME="soon"]',
        0x800,
        "Unable to parse the time value or value is empty: soon",
      ],
      ['SCHED_ACTION=[ACTION="stop", TIME="+1", REPEAT="0"]', 0x800, "Repeat set, but DAYS are empty"],
      [
        'SCHED_ACTION=[ACTION="stop", TIME="+1", REPEAT="0", DAYS="7"]',
        0x800,
        "Days in a week have to be in [0,6] range",
      ],
      [
        'SCHED_ACTION=[ACTION="stop", TIME="+1", REPEAT="1", DAYS="0,5"]',
        0x800,
        "Days in a month have to be in [1,31] range",
      ],
      [
        'SCHED_ACTION=[ACTION="stop", TIME="+1", REPEAT="3", DAYS="1,2"]',
        0x800,
        "Hours have to be in [0,168] range",
      ],
      ['SCHED_ACTION=[ACTION="stop", TIME="+1", REPEAT="9"]', 0x800, "Wrong REPEAT value: 9"],
      ['SCHED_ACTION=[ACTION="stop", TIME="+1", END_TYPE="5"]', 0x800, "Wrong END_TYPE value: 5"],
      [
        'SCHED_ACTION=[ACTION="stop", TIME="+1", END_TYPE="1", END_VALUE="-2"]',
        0x800,
        "Error parsing END_VALUE, times has to be greater or equal to 0",
      ],
      ['ACTION="stop"', 0x800, "No SCHED_ACTION attribute in template"],
      ["SCHED_ACTION=[ACTION=", 0x2000, "Parse error"],
    ];
    for (const [text, code, message] of bad) {
      const r = await s.call("one.vm.schedadd", id, text);
      expect(r, text).toMatchObject({ kind: "error", code });
      expect(r.kind === "error" && r.message.startsWith(`[one.vm.schedadd] ${message}`), text).toBe(true);
    }
    expect(await s.info(id)).toContain("<SCHED_ACTIONS/>");
    // A repeating action with a valid range is taken.
    await s.ok(
      "one.vm.schedadd",
      id,
      'SCHED_ACTION=[ACTION="stop", TIME="+1", REPEAT="0", DAYS="1,5", END_TYPE="2", END_VALUE="2000000000"]',
    );
    await s.ok("one.vm.action", "terminate-hard", id);
    s.clock.advance(1_000);
    expect(await s.call("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="stop", TIME="+1"]')).toMatchObject({
      code: 0x2000,
      message: `[one.vm.schedadd] Unable to create Scheduled Action for Virtual Machine ${id}, it's in DONE state`,
    });
  });

  it("authorizes MANAGE on the VM, honours locks, checks parameter types and unknown VMs", async () => {
    const s = setup();
    const id = await running(s);
    const alice = await regularUser(s);
    expect(
      await alice.rpc.call("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="stop", TIME="+1"]'),
    ).toMatchObject({
      code: 0x200,
      message: `[one.vm.schedadd] User [${alice.id}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    const own = Number(await alice.rpc.ok("one.vm.allocate", 'NAME="mine"\nCPU=1\nMEMORY=64', true));
    expect(await alice.rpc.ok("one.vm.schedadd", own, 'SCHED_ACTION=[ACTION="release", TIME="+5"]')).toBe(0);
    s.clock.advance(6_000);
    expect(await s.vmState(own)).toEqual([1, 0]);
    await s.ok("one.vm.lock", id, 2, false);
    expect(await s.call("one.vm.schedadd", id, 'SCHED_ACTION=[ACTION="stop", TIME="+1"]')).toMatchObject({
      code: 0x200,
      message: `[one.vm.schedadd] User [0] : VM is locked. [${id}].`,
    });
    expect(await s.call("one.vm.schedadd", 99, 'SCHED_ACTION=[ACTION="stop", TIME="+1"]')).toMatchObject({
      code: 0x400,
      message: "[one.vm.schedadd] Error getting virtual machine [99].",
    });
    expect(await s.call("one.vm.scheddelete", id, "0")).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
  });
});

describe("OpenNebula emulator: guest exec (QEMU_GA_EXEC)", () => {
  it("runs a command on a RUNNING VM: EXECUTING, then DONE with RETURN_CODE 0 and no output", async () => {
    const s = setup();
    const id = await running(s);
    expect(await s.ok("one.vm.exec", id, "uptime", "")).toBe(id);
    let ga = /<QEMU_GA_EXEC>.*<\/QEMU_GA_EXEC>/.exec(await s.info(id))![0];
    expect(field(ga, "COMMAND")).toBe("uptime");
    expect(field(ga, "STATUS")).toBe("EXECUTING");
    expect(field(ga, "PID")).toBe("1000");
    expect(await s.call("one.vm.exec", id, "ls", "")).toMatchObject({
      code: 0x800,
      message: `[one.vm.exec] Could not execute command on VM ${id}, a command is already being executed.`,
    });
    s.clock.advance(1_000);
    ga = /<QEMU_GA_EXEC>.*<\/QEMU_GA_EXEC>/.exec(await s.info(id))![0];
    expect(field(ga, "STATUS")).toBe("DONE");
    expect(field(ga, "RETURN_CODE")).toBe("0");
    expect(ga).toContain("<STDOUT><![CDATA[]]></STDOUT>");
    expect(await s.call("one.vm.cancelexec", id)).toMatchObject({
      code: 0x800,
      message: `[one.vm.cancelexec] Could not cancel command on VM ${id}, no command is being executed.`,
    });
    // retry runs the last command again (a new PID); cancel stops it.
    expect(await s.ok("one.vm.retryexec", id)).toBe(id);
    expect(await s.ok("one.vm.cancelexec", id)).toBe(id);
    ga = /<QEMU_GA_EXEC>.*<\/QEMU_GA_EXEC>/.exec(await s.info(id))![0];
    expect(field(ga, "COMMAND")).toBe("uptime");
    expect(field(ga, "PID")).toBe("1001");
    expect(field(ga, "STATUS")).toBe("CANCELLED");
    s.clock.advance(5_000);
    expect(field(await s.info(id), "STATUS")).not.toBe("DONE");
    expect(/<QEMU_GA_EXEC>.*<\/QEMU_GA_EXEC>/.exec(await s.info(id))![0]).toContain("CANCELLED");
  });

  it("refuses VMs that are not RUNNING, retry without a command, other users' VMs", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.call("one.vm.exec", id, "uptime", "")).toMatchObject({
      code: 0x800,
      respId: id,
      message: `[one.vm.exec] Could not execute command on VM ${id}, wrong state PENDING.`,
    });
    expect(await s.call("one.vm.retryexec", id)).toMatchObject({
      code: 0x800,
      message: `[one.vm.retryexec] Could not execute command on VM ${id}, no command to retry.`,
    });
    s.clock.advance(10_000);
    const alice = await regularUser(s);
    expect(await alice.rpc.call("one.vm.exec", id, "id", "")).toMatchObject({ code: 0x200 });
    expect(await s.call("one.vm.exec", 42, "id", "")).toMatchObject({ code: 0x400 });
    expect(await s.call("one.vm.exec", id, "id")).toMatchObject({ kind: "fault", faultCode: -501 });
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    expect(await s.call("one.vm.exec", id, "id", "")).toMatchObject({
      message: `[one.vm.exec] Could not execute command on VM ${id}, wrong state POWEROFF.`,
    });
  });
});

describe("OpenNebula emulator: VM group membership", () => {
  it("adds a VM to a role (TEMPLATE/VMGROUP, the role's VMS) and removes it", async () => {
    const s = setup();
    const id = await running(s);
    const vg = Number(
      await s.ok("one.vmgroup.allocate", 'NAME="db"\nROLE=[NAME="primary"]\nROLE=[NAME="replica"]'),
    );
    expect(await s.ok("one.vm.vmgroupadd", id, vg, "replica")).toBe(id);
    const xml = await s.info(id);
    expect(xml).toContain(
      `<VMGROUP><ROLE><![CDATA[replica]]></ROLE><VMGROUP_ID><![CDATA[${vg}]]></VMGROUP_ID></VMGROUP>`,
    );
    expect(String(await s.ok("one.vmgroup.info", vg))).toContain("<NAME>replica</NAME><VMS>");
    expect(await s.call("one.vm.vmgroupadd", id, vg, "primary")).toMatchObject({
      code: 0x800,
      message: `[one.vm.vmgroupadd] VM ${id} is already in VM group ${vg}`,
    });
    expect(await s.call("one.vmgroup.delete", vg)).toMatchObject({ code: 0x800 });
    expect(await s.ok("one.vm.vmgroupdel", id)).toBe(id);
    expect(await s.info(id)).not.toContain("<VMGROUP>");
    expect(String(await s.ok("one.vmgroup.info", vg))).not.toContain("<VMS>");
    expect(await s.call("one.vm.vmgroupdel", id)).toMatchObject({
      code: 0x800,
      message: `[one.vm.vmgroupdel] VM ${id} is not in a VM group`,
    });
  });

  it("checks the group, its role, locks and authorization", async () => {
    const s = setup();
    const id = await running(s);
    const vg = Number(await s.ok("one.vmgroup.allocate", 'NAME="db"\nROLE=[NAME="primary"]'));
    expect(await s.call("one.vm.vmgroupadd", id, 7, "primary")).toMatchObject({
      code: 0x400,
      message: "[one.vm.vmgroupadd] Error getting vm group [7].",
    });
    expect(await s.call("one.vm.vmgroupadd", id, vg, "nope")).toMatchObject({
      code: 0x800,
      message: `[one.vm.vmgroupadd] Role nope does not exist in VM group ${vg}`,
    });
    const alice = await regularUser(s);
    const own = Number(await alice.rpc.ok("one.vm.allocate", 'NAME="mine"\nCPU=1\nMEMORY=64', true));
    expect(await alice.rpc.call("one.vm.vmgroupadd", own, vg, "primary")).toMatchObject({
      code: 0x200,
      message: `[one.vm.vmgroupadd] User [${alice.id}] : Not authorized to perform USE VMGROUP [${vg}].`,
    });
    expect(await alice.rpc.call("one.vm.vmgroupdel", id)).toMatchObject({ code: 0x200 });
    await s.ok("one.vmgroup.lock", vg, 1, false);
    expect(await s.call("one.vm.vmgroupadd", id, vg, "primary")).toMatchObject({
      code: 0x200,
      message: `[one.vm.vmgroupadd] User [0] : VMGROUP is locked. [${vg}].`,
    });
    await s.ok("one.vmgroup.unlock", vg);
    await s.ok("one.vm.action", "terminate-hard", id);
    s.clock.advance(5_000);
    expect(await s.call("one.vm.vmgroupadd", id, vg, "primary")).toMatchObject({
      code: 0x800,
      message: `[one.vm.vmgroupadd] Could not add VM ${id} to VM group, wrong state DONE.`,
    });
  });
});

describe("OpenNebula emulator: scheduled actions, exec and VM groups through @homelab-kit/opennebula", () => {
  it("decodes the documents with the client's models", async () => {
    const s = setup();
    const id = await running(s);
    const { one } = s;
    const sched = await one.vm.schedadd(id, 'SCHED_ACTION=[ACTION="reboot", TIME="+3600", ARGS=""]');
    expect(await one.vm.schedupdate(id, sched, 'SCHED_ACTION=[TIME="+7200"]')).toBe(sched);
    await one.vm.exec(id, "hostname", "");
    const vg = Number(await s.ok("one.vmgroup.allocate", 'NAME="web"\nROLE=[NAME="front"]'));
    await one.vm.vmgroupadd(id, vg, "front");
    const vm = await one.vm.info(id);
    expect(vm.SCHED_ACTIONS?.ID).toEqual([sched]);
    expect(vm.TEMPLATE.SCHED_ACTION[0]).toMatchObject({ ACTION: "reboot", ID: String(sched) });
    expect(vm.TEMPLATE.QEMU_GA_EXEC).toMatchObject({ COMMAND: "hostname", STATUS: "EXECUTING" });
    expect(vm.TEMPLATE.VMGROUP).toMatchObject({ ROLE: "front", VMGROUP_ID: String(vg) });
    await one.vm.scheddelete(id, sched);
    await one.vm.vmgroupdel(id);
    s.clock.advance(1_000);
    expect((await one.vm.info(id)).TEMPLATE.QEMU_GA_EXEC).toMatchObject({ STATUS: "DONE", RETURN_CODE: "0" });
    await one.vm.retryexec(id);
    await one.vm.cancelexec(id);
    expect((await one.vm.info(id)).SCHED_ACTIONS?.ID ?? []).toEqual([]);
  });
});
