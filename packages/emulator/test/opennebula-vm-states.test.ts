/**
 * The emulator spells OpenNebula's VM states and actions itself (packages/emulator/src/opennebula/
 * vm-states.ts, vm-actions.ts) and does not depend on the client; the client
 * (packages/opennebula) has its own copy. Both follow oned's include/VirtualMachine.h and
 * include/VMActions.h, so they must stay equal.
 */

import { stateName, VM_ACTIONS } from "@homelab-kit/emulator/opennebula";
import { VM_ACTIONS as CLIENT_VM_ACTIONS, HistoryAction, VmLcmState, VmState } from "@homelab-kit/opennebula";
import { describe, expect, it } from "vitest";
import { VM_ACTION_ID } from "../src/opennebula/vm-actions.js";
import { VmState as EmulatorVmState, LcmState, VM_STATES } from "../src/opennebula/vm-states.js";

describe("the emulator's VM states and actions equal the client's", () => {
  it("VmState and LcmState: the same names with the same values", () => {
    expect(EmulatorVmState).toEqual(VmState);
    expect(LcmState).toEqual(VmLcmState);
    expect(VM_STATES).toEqual(Object.keys(VmState));
  });

  it("one.vm.action: the same action names", () => {
    expect(VM_ACTIONS).toEqual(CLIENT_VM_ACTIONS);
  });

  it("history actions: each VM_ACTION_ID is the client's HistoryAction of that name", () => {
    for (const [name, value] of Object.entries(VM_ACTION_ID))
      expect([name, value]).toEqual([name, HistoryAction[`${name}_ACTION` as keyof typeof HistoryAction]]);
  });

  it("stateName: the LCM state's name while ACTIVE, else the VM state's", () => {
    const vm = (state: number, lcm: number) => ({ state, lcm }) as Parameters<typeof stateName>[0];
    expect(stateName(vm(VmState.ACTIVE, VmLcmState.HOTPLUG_NIC_POWEROFF))).toBe("HOTPLUG_NIC_POWEROFF");
    expect(stateName(vm(VmState.POWEROFF, VmLcmState.LCM_INIT))).toBe("POWEROFF");
  });
});
