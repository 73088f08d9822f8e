/** Pool reports: `one.vmpool.{accounting,monitoring,calculateshowback,showback}`, `one.hostpool.monitoring`. */
import { describe, expect, it } from "vitest";
import { all, field, stateOf } from "./opennebula-rpc.js";
import { START, setup, withAlice } from "./opennebula-setup.js";

/** The fields of each HISTORY record (without the VM body that follows them). */
function histories(xml: string): string[] {
  return xml.match(/<HISTORY><OID>[\s\S]*?<REQUEST_ID>/g) ?? [];
}

describe("OpenNebula emulator: one.vmpool.accounting", () => {
  it("lists the history records of the visible VMs in a time window, each with its VM", async () => {
    const s = await withAlice();
    const web = Number(await s.ok("one.template.instantiate", 0, "web", false, "", false));
    s.clock.advance(20_000);
    expect(stateOf(String(await s.ok("one.vm.info", web)))).toEqual([3, 3]);
    await s.ok(
      "one.vm.migrate",
      web,
      (Number(field(String(await s.ok("one.vm.info", web)), "HID")) + 1) % 3,
      true,
    );
    s.clock.advance(60_000);
    const mine = Number(await s.asAlice.ok("one.vm.allocate", 'NAME="a"\nCPU="1"\nMEMORY="64"'));
    s.clock.advance(20_000);
    const xml = String(await s.ok("one.vmpool.accounting", -2, -1, -1));
    expect(xml.startsWith("<HISTORY_RECORDS><HISTORY><OID>")).toBe(true);
    expect(all(xml, "OID")).toEqual([String(web), String(web), String(mine)]);
    expect(all(xml, "SEQ")).toEqual(["0", "1", "0"]);
    // Each record ends with the VM, whose own HISTORY_RECORDS are empty.
    expect(xml).toMatch(/<REQUEST_ID>-1<\/REQUEST_ID><VM><ID>\d+<\/ID>[\s\S]*?<HISTORY_RECORDS\/>/);
    const firstEnd = Number(field(histories(xml)[0]!, "ETIME"));
    expect(firstEnd).toBeGreaterThan(0);
    // time_start drops records that ended before it; time_end those that started at or after it.
    const later = String(await s.ok("one.vmpool.accounting", -2, firstEnd, -1));
    expect(all(later, "SEQ")).toEqual(["1", "0"]);
    const early = String(await s.ok("one.vmpool.accounting", -2, -1, START / 1000 + 1));
    expect(early).toBe("<HISTORY_RECORDS></HISTORY_RECORDS>");
    // A regular user sees her own VMs only; another user's flag gives nothing.
    expect(all(String(await s.asAlice.ok("one.vmpool.accounting", -2, -1, -1)), "SEQ")).toEqual(["0"]);
    expect(String(await s.asAlice.ok("one.vmpool.accounting", 0, -1, -1))).toBe(
      "<HISTORY_RECORDS></HISTORY_RECORDS>",
    );
  });

  it("refuses a filter flag below -4 (RPC_API) and mistyped parameters (-501)", async () => {
    const s = setup();
    expect(await s.call("one.vmpool.accounting", -5, -1, -1)).toMatchObject({
      code: 0x1000,
      message: "[one.vmpool.accounting] Incorrect filter_flag",
    });
    expect(await s.call("one.vmpool.accounting", -2, -1)).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await s.call("one.vmpool.monitoring", "-2")).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await s.call("one.vmpool.monitoring", -9)).toMatchObject({
      code: 0x1000,
      message: "[one.vmpool.monitoring] Incorrect filter_flag",
    });
    expect(await s.call("one.vmpool.showback", -7, -1, -1, -1, -1)).toMatchObject({ code: 0x1000 });
    expect(await s.call("one.vmpool.calculateshowback", -1, -1, -1)).toMatchObject({ kind: "fault" });
    expect(await s.call("one.hostpool.monitoring", true)).toMatchObject({ kind: "fault", faultCode: -501 });
  });
});

describe("OpenNebula emulator: pool monitoring", () => {
  it("one.vmpool.monitoring: 0 the last record of each VM, -1 all, n the last n seconds", async () => {
    const s = await withAlice();
    const a = Number(await s.ok("one.template.instantiate", 0, "a", false, "", false));
    const b = Number(await s.ok("one.template.instantiate", 0, "b", false, "", false));
    s.clock.advance(10 * 60_000);
    const last = String(await s.ok("one.vmpool.monitoring", -2, 0));
    expect([...last.matchAll(/<ID>(\d+)<\/ID><MEMORY>/g)].map((m) => Number(m[1]))).toEqual([a, b]);
    const every = String(await s.ok("one.vmpool.monitoring", -2));
    const perVm = String(await s.ok("one.vm.monitoring", a)).match(/<MONITORING>/g)?.length ?? 0;
    expect(perVm).toBeGreaterThan(2);
    expect(every.match(/<MONITORING>/g)).toHaveLength(perVm * 2);
    const recent = String(await s.ok("one.vmpool.monitoring", -2, 120));
    const now = (START + 10 * 60_000) / 1000;
    expect(all(recent, "TIMESTAMP").every((t) => Number(t) > now - 120)).toBe(true);
    expect(recent.match(/<MONITORING>/g)).toHaveLength(4);
    // alice owns no VM: nothing for her.
    expect(String(await s.asAlice.ok("one.vmpool.monitoring", -2, -1))).toBe(
      "<MONITORING_DATA></MONITORING_DATA>",
    );
  });

  it("one.hostpool.monitoring: every MONITORED host's records for oneadmin, none for a user", async () => {
    const s = await withAlice();
    s.clock.advance(5 * 60_000);
    const last = String(await s.ok("one.hostpool.monitoring", 0));
    expect(all(last, "ID")).toEqual(["0", "1", "2"]);
    expect(last).toContain("<CAPACITY><FREE_CPU>1600</FREE_CPU>");
    const every = String(await s.ok("one.hostpool.monitoring"));
    const one = String(await s.ok("one.host.monitoring", 0)).match(/<MONITORING>/g)?.length ?? 0;
    expect(every.match(/<MONITORING>/g)).toHaveLength(one * 3);
    await s.ok("one.host.status", 1, 1); // disabled: no longer monitored
    expect(all(String(await s.ok("one.hostpool.monitoring", 0)), "ID")).toEqual(["0", "2"]);
    expect(String(await s.asAlice.ok("one.hostpool.monitoring", 0))).toBe(
      "<MONITORING_DATA></MONITORING_DATA>",
    );
  });
});

describe("OpenNebula emulator: showback", () => {
  it("calculates monthly costs from CPU_COST/MEMORY_COST/DISK_COST over the history and lists them", async () => {
    const s = await withAlice();
    // Two days before the end of July 2025: the VM runs into August.
    const vm = Number(
      await s.asAlice.ok(
        "one.vm.allocate",
        'NAME="billed"\nCPU="2"\nMEMORY="1024"\nCPU_COST="0.5"\nMEMORY_COST="0.001"\nDISK_COST="0.01"\nDISK=[TYPE="fs", SIZE="100"]',
      ),
    );
    s.clock.advance(3 * 24 * 3600_000);
    expect(await s.ok("one.vmpool.calculateshowback", -1, -1, -1, -1)).toBe(" ");
    const xml = String(await s.ok("one.vmpool.showback", -2, -1, -1, -1, -1));
    expect(all(xml, "MONTH")).toEqual(["7", "8"]);
    expect(all(xml, "YEAR")).toEqual(["2025", "2025"]);
    expect(all(xml, "VMNAME")).toEqual(["billed", "billed"]);
    const acct = String(await s.ok("one.vmpool.accounting", -2, -1, -1));
    const stime = Number(all(acct, "STIME")[0]);
    const rstime = Number(all(acct, "RSTIME")[0]);
    const august = Date.UTC(2025, 7, 1) / 1000;
    const julyHours = (august - stime) / 3600;
    const augustHours = ((START + 3 * 24 * 3600_000) / 1000 - august) / 3600;
    // oned prints every figure with one_util::float_to_str: two decimals (or none for a whole number)
    expect(all(xml, "HOURS").every((h) => /^\d+(\.\d\d)?$/.test(h))).toBe(true);
    const hours = all(xml, "HOURS").map(Number);
    expect(hours[0]).toBeCloseTo(julyHours, 2);
    expect(hours[1]).toBeCloseTo(augustHours, 2);
    expect(Number(all(xml, "RHOURS")[0])).toBeCloseTo((august - rstime) / 3600, 2);
    expect(Number(all(xml, "CPU_COST")[0])).toBeCloseTo(0.5 * 2 * julyHours, 2);
    expect(Number(all(xml, "MEMORY_COST")[1])).toBeCloseTo(0.001 * 1024 * augustHours, 2);
    expect(Number(all(xml, "DISK_COST")[1])).toBeCloseTo(0.01 * 100 * augustHours, 2);
    const total = Number(all(xml, "TOTAL_COST")[1]);
    const parts = ["CPU_COST", "MEMORY_COST", "DISK_COST"].map((n) => Number(all(xml, n)[1]));
    expect(total).toBeCloseTo(parts[0]! + parts[1]! + parts[2]!, 2);
    expect(xml).toContain(`<VMID>${vm}</VMID><VMNAME>billed</VMNAME><UID>${s.alice}</UID><GID>1</GID>`);
    // Month filters; the owner sees hers, another user's filter nothing.
    expect(all(String(await s.ok("one.vmpool.showback", -2, 8, 2025, -1, -1)), "MONTH")).toEqual(["8"]);
    expect(all(String(await s.ok("one.vmpool.showback", -2, -1, -1, 7, 2025)), "MONTH")).toEqual(["7"]);
    expect(all(String(await s.asAlice.ok("one.vmpool.showback", -3, -1, -1, -1, -1)), "MONTH")).toEqual([
      "7",
      "8",
    ]);
    expect(String(await s.ok("one.vmpool.showback", -3, -1, -1, -1, -1))).toBe(
      "<SHOWBACK_RECORDS></SHOWBACK_RECORDS>",
    );
    // Recalculating replaces the month's record instead of adding one.
    s.clock.advance(3600_000);
    await s.ok("one.vmpool.calculateshowback", 8, 2025, 8, 2025);
    const again = String(await s.ok("one.vmpool.showback", -2, -1, -1, -1, -1));
    expect(all(again, "MONTH")).toEqual(["7", "8"]);
    expect(Number(all(again, "HOURS")[1])).toBeCloseTo(augustHours + 1, 2);
  });

  it("is reserved for oneadmin's group; nothing calculated yet is an empty list", async () => {
    const s = await withAlice();
    expect(String(await s.ok("one.vmpool.showback", -2, -1, -1, -1, -1))).toBe(
      "<SHOWBACK_RECORDS></SHOWBACK_RECORDS>",
    );
    expect(await s.asAlice.call("one.vmpool.calculateshowback", -1, -1, -1, -1)).toMatchObject({
      code: 0x200,
      message: `[one.vmpool.calculateshowback] User [${s.alice}] : Action reserved for group 0 only.`,
    });
  });
});

describe("OpenNebula emulator: reports through the client", () => {
  it("reads accounting, monitoring and showback with the real client", async () => {
    const { one, clock } = setup();
    const id = await one.template.instantiate(0, "c", false, 'CPU_COST="1"', false);
    clock.advance(2 * 3600_000);
    const acct = await one.vmpool.accounting(-2, -1, -1);
    expect(JSON.stringify(acct)).toContain('"OID":"0"');
    const mon = await one.vmpool.monitoring(-2, 0);
    expect(JSON.stringify(mon)).toContain(`"ID":"${id}"`);
    expect(JSON.stringify(await one.hostpool.monitoring(0))).toContain("FREE_CPU");
    expect(await one.vmpool.calculateshowback(-1, -1, -1, -1)).toBe(" ");
    const sb = JSON.stringify(await one.vmpool.showback(-2, -1, -1, -1, -1));
    expect(sb).toContain('"VMNAME":"c"');
    const sql = JSON.stringify(await one.system.sqlquery("SELECT oid FROM vm_pool"));
    expect(sql).toContain(`"oid":"${id}"`);
    await expect(one.system.sql("DELETE FROM vm_pool", false)).rejects.toMatchObject({ code: "ACTION" });
  });
});
