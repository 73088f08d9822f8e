/**
 * OpenNebula's VM states, named as `VirtualMachine::VmState` and `VirtualMachine::LcmState` in
 * oned's include/VirtualMachine.h (release 7.4): the one place the emulator spells them. The
 * client (packages/opennebula/src/models/enums.ts) has its own copy; a test keeps the two equal.
 */
import type { OneVm } from "./state.js";

/** `VirtualMachine::VmState`: a VM's STATE. */
export const VmState = {
  INIT: 0,
  PENDING: 1,
  HOLD: 2,
  ACTIVE: 3,
  STOPPED: 4,
  SUSPENDED: 5,
  DONE: 6,
  FAILED: 7,
  POWEROFF: 8,
  UNDEPLOYED: 9,
  CLONING: 10,
  CLONING_FAILURE: 11,
} as const;
export type VmStateValue = (typeof VmState)[keyof typeof VmState];

/** `VirtualMachine::LcmState`: a VM's LCM_STATE, meaningful while it is ACTIVE. */
export const LcmState = {
  LCM_INIT: 0,
  PROLOG: 1,
  BOOT: 2,
  RUNNING: 3,
  MIGRATE: 4,
  SAVE_STOP: 5,
  SAVE_SUSPEND: 6,
  SAVE_MIGRATE: 7,
  PROLOG_MIGRATE: 8,
  PROLOG_RESUME: 9,
  EPILOG_STOP: 10,
  EPILOG: 11,
  SHUTDOWN: 12,
  CANCEL: 13,
  FAILURE: 14,
  CLEANUP_RESUBMIT: 15,
  UNKNOWN: 16,
  HOTPLUG: 17,
  SHUTDOWN_POWEROFF: 18,
  BOOT_UNKNOWN: 19,
  BOOT_POWEROFF: 20,
  BOOT_SUSPENDED: 21,
  BOOT_STOPPED: 22,
  CLEANUP_DELETE: 23,
  HOTPLUG_SNAPSHOT: 24,
  HOTPLUG_NIC: 25,
  HOTPLUG_SAVEAS: 26,
  HOTPLUG_SAVEAS_POWEROFF: 27,
  HOTPLUG_SAVEAS_SUSPENDED: 28,
  SHUTDOWN_UNDEPLOY: 29,
  EPILOG_UNDEPLOY: 30,
  PROLOG_UNDEPLOY: 31,
  BOOT_UNDEPLOY: 32,
  HOTPLUG_PROLOG_POWEROFF: 33,
  HOTPLUG_EPILOG_POWEROFF: 34,
  BOOT_MIGRATE: 35,
  BOOT_FAILURE: 36,
  BOOT_MIGRATE_FAILURE: 37,
  PROLOG_MIGRATE_FAILURE: 38,
  PROLOG_FAILURE: 39,
  EPILOG_FAILURE: 40,
  EPILOG_STOP_FAILURE: 41,
  EPILOG_UNDEPLOY_FAILURE: 42,
  PROLOG_MIGRATE_POWEROFF: 43,
  PROLOG_MIGRATE_POWEROFF_FAILURE: 44,
  PROLOG_MIGRATE_SUSPEND: 45,
  PROLOG_MIGRATE_SUSPEND_FAILURE: 46,
  BOOT_UNDEPLOY_FAILURE: 47,
  BOOT_STOPPED_FAILURE: 48,
  PROLOG_RESUME_FAILURE: 49,
  PROLOG_UNDEPLOY_FAILURE: 50,
  DISK_SNAPSHOT_POWEROFF: 51,
  DISK_SNAPSHOT_REVERT_POWEROFF: 52,
  DISK_SNAPSHOT_DELETE_POWEROFF: 53,
  DISK_SNAPSHOT_SUSPENDED: 54,
  DISK_SNAPSHOT_REVERT_SUSPENDED: 55,
  DISK_SNAPSHOT_DELETE_SUSPENDED: 56,
  DISK_SNAPSHOT: 57,
  DISK_SNAPSHOT_REVERT: 58,
  DISK_SNAPSHOT_DELETE: 59,
  PROLOG_MIGRATE_UNKNOWN: 60,
  PROLOG_MIGRATE_UNKNOWN_FAILURE: 61,
  DISK_RESIZE: 62,
  DISK_RESIZE_POWEROFF: 63,
  DISK_RESIZE_UNDEPLOYED: 64,
  HOTPLUG_NIC_POWEROFF: 65,
  HOTPLUG_RESIZE: 66,
  HOTPLUG_SAVEAS_UNDEPLOYED: 67,
  HOTPLUG_SAVEAS_STOPPED: 68,
  BACKUP: 69,
  BACKUP_POWEROFF: 70,
  RESTORE: 71,
} as const;
export type LcmStateValue = (typeof LcmState)[keyof typeof LcmState];

/** The VM states' names, indexed by value (`VirtualMachine::vm_state_to_str`). */
export const VM_STATES = Object.keys(VmState) as ReadonlyArray<keyof typeof VmState>;

const LCM_STATE_NAMES = new Map<number, string>(
  Object.entries(LcmState).map(([name, value]) => [value, name]),
);

/** `VirtualMachine::state_str`: the LCM state's name while ACTIVE, else the VM state's. */
export function stateName(vm: OneVm): string {
  return vm.state === VmState.ACTIVE
    ? (LCM_STATE_NAMES.get(vm.lcm) ?? String(vm.lcm))
    : (VM_STATES[vm.state] ?? String(vm.state));
}

/**
 * VM states in which oned changes a VM's configuration offline (no hypervisor involved):
 * `one.vm.resize` and `one.vm.updateconf` accept them — PENDING, HOLD, POWEROFF, UNDEPLOYED,
 * CLONING, CLONING_FAILURE.
 */
export const OFFLINE_CONFIG_STATES: ReadonlySet<number> = new Set<number>([
  VmState.PENDING,
  VmState.HOLD,
  VmState.POWEROFF,
  VmState.UNDEPLOYED,
  VmState.CLONING,
  VmState.CLONING_FAILURE,
]);

/** ACTIVE and RUNNING. */
export function isRunning(vm: OneVm): boolean {
  return vm.state === VmState.ACTIVE && vm.lcm === LcmState.RUNNING;
}
