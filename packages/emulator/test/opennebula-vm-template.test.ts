/**
 * What oned 7.4 writes into a new VM's TEMPLATE besides the user's attributes, as the differential
 * suite against real oned found it (conformance/opennebula-oned): the leased NIC's NAME,
 * BRIDGE_TYPE, CLUSTER_ID and the network's SECURITY_GROUPS with the groups' rules, OS/UUID, the
 * scheduler's AUTOMATIC_*_REQUIREMENTS, SUBMIT_ON_HOLD for a VM instantiated on hold, and the
 * CONTEXT disk's DISK_ID.
 */
import { describe, expect, it } from "vitest";
import { all, field } from "./opennebula-rpc.js";
import { setup } from "./opennebula-setup.js";

describe("OpenNebula emulator: a new VM's TEMPLATE", () => {
  it("has the NIC attributes, the default group's rules, OS/UUID and the automatic requirements", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "web", true, "", false));
    const xml = await s.info(id);
    const nic = /<NIC>[\s\S]*?<\/NIC>/.exec(xml)![0];
    expect([
      field(nic, "NAME"),
      field(nic, "BRIDGE_TYPE"),
      field(nic, "CLUSTER_ID"),
      field(nic, "SECURITY_GROUPS"),
    ]).toEqual(["NIC0", "linux", "0", "0"]);
    expect(all(xml, "SECURITY_GROUP_NAME")).toEqual(["default", "default"]);
    expect(all(xml, "RULE_TYPE")).toEqual(["OUTBOUND", "INBOUND"]);
    expect(field(xml, "UUID")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(field(xml, "AUTOMATIC_REQUIREMENTS")).toBe("(CLUSTER_ID = 0) & !(PIN_POLICY = PINNED)");
    expect(field(xml, "AUTOMATIC_DS_REQUIREMENTS")).toBe('("CLUSTERS/ID" @> 0)');
    expect(field(xml, "AUTOMATIC_NIC_REQUIREMENTS")).toBe('("CLUSTERS/ID" @> 0)');
    expect(field(xml, "SUBMIT_ON_HOLD")).toBe("YES");
    // the CONTEXT disk takes the DISK_ID after the VM's disks
    const context = /<CONTEXT>[\s\S]*?<\/CONTEXT>/.exec(xml)![0];
    expect([field(context, "DISK_ID"), field(context, "TARGET")]).toEqual(["1", "hda"]);
    // the VM validates against the client's model
    expect((await s.one.vm.info(id)).TEMPLATE.NIC[0]?.SECURITY_GROUPS).toBe("0");
  });

  it("keeps a NIC's own NAME and SECURITY_GROUPS, and has no SUBMIT_ON_HOLD when not held", async () => {
    const s = setup();
    const id = Number(
      await s.ok("one.template.instantiate", 0, "", false, 'NIC=[NETWORK_ID="0", NAME="lan0"]', false),
    );
    const xml = await s.info(id);
    expect(all(xml, "NAME")).toContain("lan0");
    expect(field(xml, "SUBMIT_ON_HOLD")).toBeUndefined();
  });
});
