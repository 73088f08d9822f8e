/**
 * Named enumerations of OpenNebula 7.4 (`include/*.h`, as listed in the reference docs/reference/opennebula/API.md §4).
 * Retired values are kept so that documents written by older releases still get a name.
 */

/** VM `STATE` (VirtualMachine::VmState). */
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
export type VmStateName = keyof typeof VmState;

/** VM `LCM_STATE` (VirtualMachine::LcmState), meaningful when STATE is ACTIVE. */
export const VmLcmState = {
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
export type VmLcmStateName = keyof typeof VmLcmState;

/** Host `STATE` (Host::HostState). */
export const HostState = {
  INIT: 0,
  MONITORING_MONITORED: 1,
  MONITORED: 2,
  ERROR: 3,
  DISABLED: 4,
  MONITORING_ERROR: 5,
  MONITORING_INIT: 6,
  MONITORING_DISABLED: 7,
  OFFLINE: 8,
} as const;
export type HostStateName = keyof typeof HostState;

/** Image `STATE` (Image::ImageState). */
export const ImageState = {
  INIT: 0,
  READY: 1,
  USED: 2,
  DISABLED: 3,
  LOCKED: 4,
  ERROR: 5,
  CLONE: 6,
  DELETE: 7,
  USED_PERS: 8,
  LOCKED_USED: 9,
  LOCKED_USED_PERS: 10,
} as const;
export type ImageStateName = keyof typeof ImageState;

/** Image `TYPE` (Image::ImageType). */
export const ImageType = {
  OS: 0,
  CDROM: 1,
  DATABLOCK: 2,
  KERNEL: 3,
  RAMDISK: 4,
  CONTEXT: 5,
  BACKUP: 6,
  FILESYSTEM: 7,
} as const;
export type ImageTypeName = keyof typeof ImageType;

/** Image and datastore `DISK_TYPE` (Image::DiskType). */
export const DiskType = {
  FILE: 0,
  CD_ROM: 1,
  BLOCK: 2,
  RBD: 3,
  RBD_CDROM: 4,
  GLUSTER: 5,
  GLUSTER_CDROM: 6,
  SHEEPDOG: 7,
  SHEEPDOG_CDROM: 8,
  ISCSI: 9,
  FILE_SYSTEM: 10,
  NONE: 255,
} as const;
export type DiskTypeName = keyof typeof DiskType;

/** Datastore `TYPE` (Datastore::DatastoreType). */
export const DatastoreType = {
  IMAGE_DS: 0,
  SYSTEM_DS: 1,
  FILE_DS: 2,
  BACKUP_DS: 3,
} as const;
export type DatastoreTypeName = keyof typeof DatastoreType;

/** Datastore `STATE`. */
export const DatastoreState = {
  READY: 0,
  DISABLED: 1,
} as const;
export type DatastoreStateName = keyof typeof DatastoreState;

/** Virtual network `STATE` (VirtualNetwork::VirtualNetworkState). */
export const VnetState = {
  INIT: 0,
  READY: 1,
  LOCK_CREATE: 2,
  LOCK_DELETE: 3,
  DONE: 4,
  ERROR: 5,
  UPDATE_FAILURE: 6,
} as const;
export type VnetStateName = keyof typeof VnetState;

/** HISTORY_RECORDS/HISTORY/ACTION (VMActions::Action). */
export const HistoryAction = {
  NONE_ACTION: 0,
  MIGRATE_ACTION: 1,
  LIVE_MIGRATE_ACTION: 2,
  SHUTDOWN_ACTION: 3,
  SHUTDOWN_HARD_ACTION: 4,
  UNDEPLOY_ACTION: 5,
  UNDEPLOY_HARD_ACTION: 6,
  HOLD_ACTION: 7,
  RELEASE_ACTION: 8,
  STOP_ACTION: 9,
  SUSPEND_ACTION: 10,
  RESUME_ACTION: 11,
  BOOT_ACTION: 12,
  DELETE_ACTION: 13,
  DELETE_RECREATE_ACTION: 14,
  REBOOT_ACTION: 15,
  REBOOT_HARD_ACTION: 16,
  RESCHED_ACTION: 17,
  UNRESCHED_ACTION: 18,
  POWEROFF_ACTION: 19,
  POWEROFF_HARD_ACTION: 20,
  DISK_ATTACH_ACTION: 21,
  DISK_DETACH_ACTION: 22,
  NIC_ATTACH_ACTION: 23,
  NIC_DETACH_ACTION: 24,
  DISK_SNAPSHOT_CREATE_ACTION: 25,
  DISK_SNAPSHOT_DELETE_ACTION: 26,
  TERMINATE_ACTION: 27,
  TERMINATE_HARD_ACTION: 28,
  DISK_RESIZE_ACTION: 29,
  DEPLOY_ACTION: 30,
  CHOWN_ACTION: 31,
  CHMOD_ACTION: 32,
  UPDATECONF_ACTION: 33,
  RENAME_ACTION: 34,
  RESIZE_ACTION: 35,
  UPDATE_ACTION: 36,
  SNAPSHOT_CREATE_ACTION: 37,
  SNAPSHOT_DELETE_ACTION: 38,
  SNAPSHOT_REVERT_ACTION: 39,
  DISK_SAVEAS_ACTION: 40,
  DISK_SNAPSHOT_REVERT_ACTION: 41,
  RECOVER_ACTION: 42,
  RETRY_ACTION: 43,
  MONITOR_ACTION: 44,
  DISK_SNAPSHOT_RENAME_ACTION: 45,
  ALIAS_ATTACH_ACTION: 46,
  ALIAS_DETACH_ACTION: 47,
  POFF_MIGRATE_ACTION: 48,
  POFF_HARD_MIGRATE_ACTION: 49,
  BACKUP_ACTION: 50,
  NIC_UPDATE_ACTION: 51,
  BACKUP_CANCEL_ACTION: 52,
  SCHED_ADD_ACTION: 53,
  SCHED_UPDATE_ACTION: 54,
  SCHED_DELETE_ACTION: 55,
  SG_ATTACH_ACTION: 56,
  SG_DETACH_ACTION: 57,
  PCI_ATTACH_ACTION: 58,
  PCI_DETACH_ACTION: 59,
  RESTORE_ACTION: 60,
  EXEC_ACTION: 61,
  EXEC_RETRY_ACTION: 62,
  EXEC_CANCEL_ACTION: 63,
  VMGROUP_ADD_ACTION: 64,
  VMGROUP_DEL_ACTION: 65,
} as const;
export type HistoryActionName = keyof typeof HistoryAction;

/**
 * LCM states a RUNNING (or POWEROFF…) VM passes through briefly while an operation runs: disk and
 * NIC hotplug, snapshots, disk resize, backups. A wait for RUNNING should treat them as transient
 * (docs/reference/opennebula/ISSUES.md #12: a VM flips through HOTPLUG right after boot).
 */
export const VM_LCM_TRANSIENT_STATES: readonly VmLcmStateName[] = lcmStatesWhere((name) =>
  /^(HOTPLUG|DISK_SNAPSHOT|DISK_RESIZE|BACKUP)/.test(name),
);

/** LCM states where an operation failed: waiting will not help, `one.vm.recover` will. */
export const VM_LCM_FAILURE_STATES: readonly VmLcmStateName[] = lcmStatesWhere(
  (name) => name.endsWith("_FAILURE") || name === "FAILURE",
);

function lcmStatesWhere(keep: (name: VmLcmStateName) => boolean): VmLcmStateName[] {
  return (Object.keys(VmLcmState) as VmLcmStateName[]).filter(keep);
}
