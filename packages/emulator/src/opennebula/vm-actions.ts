/**
 * OpenNebula's VM actions as the emulator names them: the `one.vm.action` operations and the
 * `VMActions::Action` values a history record carries (include/VMActions.h). The client has its
 * own copy (packages/opennebula/src/methods/params.ts, models/enums.ts); a test keeps them equal.
 */

export const VM_ACTIONS = [
  "terminate",
  "terminate-hard",
  "undeploy",
  "undeploy-hard",
  "poweroff",
  "poweroff-hard",
  "reboot",
  "reboot-hard",
  "hold",
  "release",
  "stop",
  "suspend",
  "resume",
  "resched",
  "unresched",
] as const;

/** VMActions::Action values the history records name. */
export const VM_ACTION_ID = {
  NONE: 0,
  MIGRATE: 1,
  LIVE_MIGRATE: 2,
  UNDEPLOY: 5,
  UNDEPLOY_HARD: 6,
  STOP: 9,
  SUSPEND: 10,
  RESUME: 11,
  POWEROFF: 19,
  POWEROFF_HARD: 20,
  DISK_ATTACH: 21,
  DISK_DETACH: 22,
  NIC_ATTACH: 23,
  NIC_DETACH: 24,
  DISK_SNAPSHOT_CREATE: 25,
  DISK_SNAPSHOT_DELETE: 26,
  TERMINATE: 27,
  TERMINATE_HARD: 28,
  DISK_RESIZE: 29,
  RESIZE: 35,
  DISK_SNAPSHOT_REVERT: 41,
  POFF_MIGRATE: 48,
  POFF_HARD_MIGRATE: 49,
  BACKUP: 50,
  NIC_UPDATE: 51,
  PCI_ATTACH: 58,
  PCI_DETACH: 59,
  RESTORE: 60,
  EXEC: 61,
  EXEC_CANCEL: 63,
} as const;
