import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Vm } from "../src/models/index.js";
import { parseXmlDocument } from "../src/xml/index.js";

const samples = new URL("../../../docs/reference/opennebula/samples/", import.meta.url);
const sample = (name: string) => parseXmlDocument(readFileSync(new URL(name, samples)));

describe("Vm (vm.xsd, full body)", () => {
  const vm = Vm.parse(sample("vm.xml").VM);

  it("parses the reference sample with numbers as numbers and states as named enums", () => {
    expect(vm.ID).toBe(42);
    expect(vm.NAME).toBe("web-01");
    expect(vm.PERMISSIONS.OWNER_U).toBe(1);
    expect(vm.STATE).toEqual({ value: 3, name: "ACTIVE" });
    expect(vm.LCM_STATE).toEqual({ value: 3, name: "RUNNING" });
    expect(vm.MONITORING.CPU).toBe(3.5);
    expect(vm.MONITORING.DISK_SIZE).toEqual([
      { ID: 0, SIZE: 1730 },
      { ID: 1, SIZE: 1 },
    ]);
    expect(vm.HISTORY_RECORDS.HISTORY[0]?.ACTION).toEqual({ value: 0, name: "NONE_ACTION" });
  });

  it("unwraps CDATA and keeps free-form TEMPLATE and USER_TEMPLATE attributes", () => {
    expect(vm.USER_TEMPLATE.DESCRIPTION).toBe("Front web server (nginx) & reverse proxy");
    expect(vm.TEMPLATE.CONTEXT?.SET_HOSTNAME).toBe("web-01");
    expect(vm.TEMPLATE.AUTOMATIC_REQUIREMENTS).toBe(
      "(CLUSTER_ID = 0) & !(PUBLIC_CLOUD = YES) & !(PIN_POLICY = PINNED)",
    );
  });

  it("gives DISK and NIC as arrays whatever their count, empty elements as empty objects", () => {
    expect(Array.isArray(vm.TEMPLATE.DISK)).toBe(true);
    expect(Array.isArray(vm.TEMPLATE.NIC)).toBe(true);
    expect(vm.TEMPLATE.PCI).toEqual([]);
    expect(vm.SCHED_ACTIONS).toEqual({ ID: [] });
    expect(vm.BACKUPS).toEqual({ BACKUP_CONFIG: {}, BACKUP_IDS: { ID: [] } });
  });
});
