import { describe, expect, it } from "vitest";
import { field, stateOf } from "./opennebula-rpc.js";
import { poweredOff, running, setup2023 as setup } from "./opennebula-setup.js";

// Default timings: schedule 5 s, prolog 3 s, boot 2 s, shutdown 2 s, epilog 1 s, save 2 s.

const hostOf = (xml: string) => Number([...xml.matchAll(/<HID>(\d+)<\/HID>/g)].at(-1)?.[1]);
const cpuUsage = (xml: string) => Number(field(xml, "CPU_USAGE"));
const memUsage = (xml: string) => Number(field(xml, "MEM_USAGE"));

describe("OpenNebula emulator: one.vm.chown / chmod", () => {
  it("changes owner and group (-1 keeps them) and the new owner may then use the VM", async () => {
    const s = setup();
    const uid = Number(await s.ok("one.user.allocate", "bob", "pw", ""));
    const id = await running(s);
    expect((await s.as("bob:pw").call("one.vm.info", id)).kind).toBe("error");
    expect(await s.ok("one.vm.chown", id, uid, -1)).toBe(id);
    const xml = await s.info(id);
    expect(field(xml, "UID")).toBe(String(uid));
    expect(field(xml, "GID")).toBe("0");
    expect(field(xml, "UNAME")).toBe("bob");
    expect((await s.as("bob:pw").call("one.vm.info", id)).kind).toBe("ok");
    await s.ok("one.vm.chown", id, -1, 1);
    expect(field(await s.info(id), "GNAME")).toBe("users");
  });

  it("refuses unknown users and groups, and a regular user giving a VM away", async () => {
    const s = setup();
    await s.ok("one.user.allocate", "bob", "pw", "");
    const id = await running(s);
    expect(await s.call("one.vm.chown", id, 99, -1)).toMatchObject({
      kind: "error",
      code: 0x400,
      message: "[one.vm.chown] Error getting user [99].",
    });
    expect(await s.call("one.vm.chown", id, -1, 42)).toMatchObject({
      code: 0x400,
      message: "[one.vm.chown] Error getting group [42].",
    });
    const bobVm = Number(await s.as("bob:pw").ok("one.vm.allocate", 'CPU="0.1"\nMEMORY="64"', true));
    expect(await s.as("bob:pw").call("one.vm.chown", bobVm, 0, -1)).toMatchObject({
      code: 0x200,
      message: "[one.vm.chown] User [2] : Not authorized to perform MANAGE USER [0].",
    });
    expect(await s.as("bob:pw").call("one.vm.chown", bobVm, -1, 0)).toMatchObject({
      code: 0x200,
      message: "[one.vm.chown] User [2] : Not authorized to perform USE GROUP [0].",
    });
  });

  it("chmod sets the bits, keeps -1, rejects other values, and opens the VM to others", async () => {
    const s = setup();
    await s.ok("one.user.allocate", "bob", "pw", "");
    const id = await running(s);
    expect((await s.as("bob:pw").call("one.vm.info", id)).kind).toBe("error");
    await s.ok("one.vm.chmod", id, -1, -1, 1, -1, -1, -1, 1, 0, 0);
    const xml = await s.info(id);
    expect(/<PERMISSIONS>(.*)<\/PERMISSIONS>/.exec(xml)?.[1]?.replace(/<[^>]+>/g, "")).toBe("111000100");
    expect((await s.as("bob:pw").call("one.vm.info", id)).kind).toBe("ok");
    expect(await s.call("one.vm.chmod", id, 2, -1, -1, -1, -1, -1, -1, -1, -1)).toMatchObject({
      code: 0x1000,
      message: "[one.vm.chmod] Wrong permissions value.",
    });
    expect(await s.call("one.vm.chmod", id, 1, 1)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: one.vm.resize", () => {
  it("resizes a PENDING VM and refuses a RUNNING one with ACTION", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    await s.ok("one.vm.resize", id, 'CPU="2"\nVCPU="4"\nMEMORY="4096"', true);
    const xml = await s.info(id);
    expect(/<TEMPLATE>.*?<CPU><!\[CDATA\[(.*?)\]\]>/.exec(xml)?.[1]).toBe("2");
    expect(/<TEMPLATE>.*?<MEMORY><!\[CDATA\[(.*?)\]\]>/.exec(xml)?.[1]).toBe("4096");
    expect(/<TEMPLATE>.*?<VCPU><!\[CDATA\[(.*?)\]\]>/.exec(xml)?.[1]).toBe("4");
    s.clock.advance(10_000);
    expect(await s.vmState(id)).toEqual([3, 3]);
    expect(await s.call("one.vm.resize", id, "CPU=1", true)).toMatchObject({
      code: 0x800,
      respId: id,
      message: "[one.vm.resize] Cannot resize a VM in state RUNNING",
    });
    expect(await s.call("one.vm.resize", 77, "CPU=1", true)).toMatchObject({
      code: 0x400,
      message: "[one.vm.resize] Error getting virtual machine [77].",
    });
  });

  it("in POWEROFF checks the host's capacity (enforce) and moves the host's usage", async () => {
    const s = setup();
    const id = await poweredOff(s);
    const hid = hostOf(await s.info(id));
    const before = await s.host(hid);
    expect(cpuUsage(before)).toBe(100);
    expect(await s.call("one.vm.resize", id, "CPU=100", true)).toMatchObject({
      code: 0x800,
      message: "[one.vm.resize] Host [0] does not have enough capacity. CPU: 1500/9900 MEMORY: 35651584/0",
    });
    expect(await s.call("one.vm.resize", id, 'MEMORY="1.5"', true)).toMatchObject({
      code: 0x800,
      message: "[one.vm.resize] MEMORY attribute must be a positive integer value.",
    });
    await s.ok("one.vm.resize", id, "CPU=4\nMEMORY=8192", true);
    const after = await s.host(hid);
    expect(cpuUsage(after)).toBe(400);
    expect(memUsage(after)).toBe(8192 * 1024);
    // Without enforce the host may be overcommitted, as in oned.
    await s.ok("one.vm.resize", id, "CPU=100", false);
    expect(cpuUsage(await s.host(hid))).toBe(10_000);
  });
});

describe("OpenNebula emulator: one.vm.monitoring / one.host.monitoring", () => {
  it("VM records appear once RUNNING, one per minute, counters growing; empty while PENDING", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.ok("one.vm.monitoring", id)).toBe("<MONITORING_DATA></MONITORING_DATA>");
    s.clock.advance(10_000);
    s.clock.advance(300_000);
    const doc = String(await s.ok("one.vm.monitoring", id));
    const stamps = [...doc.matchAll(/<TIMESTAMP>(\d+)<\/TIMESTAMP>/g)].map((m) => Number(m[1]));
    expect(stamps.length).toBeGreaterThanOrEqual(5);
    expect(stamps.every((t, i) => i === 0 || t - stamps[i - 1]! === 60)).toBe(true);
    expect(stamps.at(-1)!).toBeLessThanOrEqual(Math.floor(s.clock.now() / 1000));
    const rx = [...doc.matchAll(/<NETRX>(\d+)<\/NETRX>/g)].map((m) => Number(m[1]));
    expect(rx.at(-1)!).toBeGreaterThan(rx[0]!);
    expect(doc).toContain(`<ID>${id}</ID><MEMORY>${2048 * 1024}</MEMORY>`);
    expect(await s.call("one.vm.monitoring", 99)).toMatchObject({ code: 0x400 });
  });

  it("host records carry the current capacity; a host in ERROR has none", async () => {
    const s = setup();
    await running(s);
    s.clock.advance(600_000);
    const doc = String(await s.ok("one.host.monitoring", 0));
    expect(doc.startsWith("<MONITORING_DATA><MONITORING><TIMESTAMP>")).toBe(true);
    expect([...doc.matchAll(/<MONITORING>/g)].length).toBe(10);
    expect(doc).toContain("<USED_CPU>100</USED_CPU>");
    await s.ok("one.host.status", 0, 1);
    expect(await s.ok("one.host.monitoring", 0)).toBe("<MONITORING_DATA></MONITORING_DATA>");
    expect(await s.call("one.host.monitoring", 9)).toMatchObject({
      code: 0x400,
      message: "[one.host.monitoring] Error getting host [9].",
    });
  });
});

describe("OpenNebula emulator: one.vm.migrate", () => {
  it("live: MIGRATE → RUNNING on the target, capacity moved, the record left carries LIVE_MIGRATE", async () => {
    const s = setup();
    const id = await running(s);
    const from = hostOf(await s.info(id));
    const to = from === 0 ? 1 : 0;
    await s.ok("one.vm.migrate", id, to, true, true, -1, 0);
    expect(await s.vmState(id)).toEqual([3, 4]);
    expect(cpuUsage(await s.host(from))).toBe(0);
    expect(cpuUsage(await s.host(to))).toBe(100);
    s.clock.advance(2_000);
    const xml = await s.info(id);
    expect(stateOf(xml)).toEqual([3, 3]);
    expect(hostOf(xml)).toBe(to);
    // as oned 7.4 (set_previous_action): the record on the source host ends with the request's
    // LIVE_MIGRATE, its requester and a random REQUEST_ID; the new one has no action
    const records = [...xml.matchAll(/<HISTORY>([\s\S]*?)<\/HISTORY>/g)].map((m) => m[1]!);
    expect(records).toHaveLength(2);
    const tail = (r: string) =>
      /<ACTION>(-?\d+)<\/ACTION><UID>(-?\d+)<\/UID><GID>(-?\d+)<\/GID><REQUEST_ID>(-?\d+)<\/REQUEST_ID>/
        .exec(r)!
        .slice(1)
        .map(Number);
    const [action, uid, gid, req] = tail(records[0]!);
    expect([action, uid, gid]).toEqual([2, 0, 0]);
    expect(req).toBeGreaterThanOrEqual(0);
    expect(records[0]).not.toContain("<ETIME>0</ETIME>");
    expect(tail(records[1]!)).toEqual([0, -1, -1, -1]);
    expect(records[1]).toContain("<ETIME>0</ETIME>");
    expect(await s.ok("one.host.info", to)).toContain(`<VMS><ID>${id}</ID></VMS>`);
  });

  it("cold: SAVE_MIGRATE → PROLOG_MIGRATE → BOOT_MIGRATE → RUNNING; POWEROFF stays POWEROFF", async () => {
    const s = setup();
    const id = await running(s);
    const to = hostOf(await s.info(id)) === 0 ? 1 : 0;
    await s.ok("one.vm.migrate", id, to, false);
    expect(await s.vmState(id)).toEqual([3, 7]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([3, 8]);
    s.clock.advance(3_000);
    expect(await s.vmState(id)).toEqual([3, 35]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([3, 3]);
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    const back = to === 0 ? 1 : 0;
    expect(await s.call("one.vm.migrate", id, back, true)).toMatchObject({
      code: 0x800,
      message: "[one.vm.migrate] Migrate action is not available for state POWEROFF",
    });
    await s.ok("one.vm.migrate", id, back, false);
    expect(await s.vmState(id)).toEqual([3, 43]);
    s.clock.advance(3_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
    expect(hostOf(await s.info(id))).toBe(back);
  });

  it("refuses the same host, a full target with enforce, unknown hosts and PENDING VMs", async () => {
    const s = setup({
      hosts: [
        { name: "big", threads: 16, memoryGb: 64 },
        { name: "tiny", threads: 1, memoryGb: 1 },
      ],
    });
    const { clock } = s;
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    expect(await s.call("one.vm.migrate", id, 1, false)).toMatchObject({
      code: 0x800,
      message: "[one.vm.migrate] Migrate action is not available for state PENDING",
    });
    clock.advance(10_000);
    expect(await s.call("one.vm.migrate", id, 0, true)).toMatchObject({
      code: 0x800,
      message: "[one.vm.migrate] VM is already running on host [0] and datastore [0]",
    });
    expect(await s.call("one.vm.migrate", id, 1, true, true)).toMatchObject({
      code: 0x800,
      respId: id,
      message:
        "[one.vm.migrate] Host [1] does not have enough capacity. CPU: 100/100 MEMORY: 1048576/2097152",
    });
    expect(await s.call("one.vm.migrate", id, 5, true)).toMatchObject({
      code: 0x400,
      message: "[one.vm.migrate] Error getting host [5].",
    });
    expect(await s.call("one.vm.migrate", id, 1, true, false, -1, 7)).toMatchObject({
      code: 0x1000,
      message: "[one.vm.migrate] Wrong migration type",
    });
    expect(await s.call("one.vm.migrate", id, 1)).toMatchObject({ kind: "fault", faultCode: -501 });
    // Without enforce the move happens (overcommit), as oned allows.
    await s.ok("one.vm.migrate", id, 1, true);
  });
});
