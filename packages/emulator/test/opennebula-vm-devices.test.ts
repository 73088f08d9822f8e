/**
 * VM device and disk operations: diskresize, disksaveas, disksnapshotrename, attachpci/detachpci,
 * attachsg/detachsg, updatenic, updateconf — raw XML-RPC (oned's codes and messages) and through
 * the real client (its zod models validate the documents).
 */
import { createOpenNebulaEmulator, manualClock } from "@homelab-kit/emulator/opennebula";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import { describe, expect, it } from "vitest";
import { field, rpcClient, stateOf } from "./opennebula-rpc.js";

function setup() {
  const clock = manualClock(1_700_000_000_000);
  const emulator = createOpenNebulaEmulator({ clock });
  const rpc = rpcClient(emulator.transport());
  const info = async (id: number) => String(await rpc.ok("one.vm.info", id));
  const vmState = async (id: number) => stateOf(await info(id));
  const one = createOpenNebulaClient({
    url: "http://frontend:2633/RPC2",
    username: "oneadmin",
    password: "opennebula",
    transport: emulator.transport(),
  });
  return { clock, emulator, info, vmState, one, ...rpc };
}
type Setup = ReturnType<typeof setup>;

/** Default timings: schedule 5 s, prolog 3 s, boot 2 s, shutdown 2 s, hotplug 1 s, imageCopy 2 s. */
async function running(s: Setup) {
  const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
  s.clock.advance(10_000);
  expect(await s.vmState(id)).toEqual([3, 3]);
  return id;
}

async function poweredOff(s: Setup) {
  const id = await running(s);
  await s.ok("one.vm.action", "poweroff", id);
  s.clock.advance(2_000);
  expect(await s.vmState(id)).toEqual([8, 0]);
  return id;
}

/** A regular user "alice" (group users) and her session. */
async function alice(s: Setup) {
  const uid = Number(await s.ok("one.user.allocate", "alice", "alice-pw", ""));
  return { uid, rpc: s.as("alice:alice-pw") };
}

const disks = (xml: string) => [...xml.matchAll(/<DISK>.*?<\/DISK>/g)].map((m) => m[0]);
const nics = (xml: string) => [...xml.matchAll(/<NIC>.*?<\/NIC>/g)].map((m) => m[0]);
const pcis = (xml: string) => [...xml.matchAll(/<PCI>.*?<\/PCI>/g)].map((m) => m[0]);
const rules = (xml: string) =>
  [...xml.matchAll(/<SECURITY_GROUP_RULE>.*?<\/SECURITY_GROUP_RULE>/g)].map((m) => m[0]);
/** The TEMPLATE element of a VM document (not USER_TEMPLATE). */
const template = (xml: string) => /<TEMPLATE>.*?<\/TEMPLATE>/.exec(xml)![0];

describe("OpenNebula emulator: one.vm.disksnapshotrename", () => {
  it("renames a disk snapshot in any state; unknown disks and snapshots are ACTION", async () => {
    const s = setup();
    const id = await running(s);
    const snap = Number(await s.ok("one.vm.disksnapshotcreate", id, 0, "before"));
    s.clock.advance(1_000);
    await s.ok("one.vm.action", "poweroff", id);
    expect(await s.ok("one.vm.disksnapshotrename", id, 0, snap, "after <upgrade>")).toBe(id);
    const xml = await s.info(id);
    expect(xml).toContain("<NAME>after &lt;upgrade&gt;</NAME>");
    expect(stateOf(xml)).toEqual([3, 18]);
    expect(await s.call("one.vm.disksnapshotrename", id, 3, snap, "x")).toMatchObject({
      code: 0x800,
      message: "[one.vm.disksnapshotrename] VM disk does not exist",
    });
    expect(await s.call("one.vm.disksnapshotrename", id, 0, 9, "x")).toMatchObject({
      code: 0x800,
      respId: id,
      message: "[one.vm.disksnapshotrename] Snapshot does not exist",
    });
    const { uid, rpc } = await alice(s);
    expect(await rpc.call("one.vm.disksnapshotrename", id, 0, snap, "x")).toMatchObject({
      code: 0x200,
      message: `[one.vm.disksnapshotrename] User [${uid}] : Not authorized to perform MANAGE VM [${id}].`,
    });
    expect(await s.call("one.vm.disksnapshotrename", id, 0, "0", "x")).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    const vm = await s.one.vm.info(id);
    expect(vm.SNAPSHOTS[0]?.SNAPSHOT[0]?.NAME).toBe("after <upgrade>");
  });
});
