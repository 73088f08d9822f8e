/** Named values of request parameters (docs/reference/opennebula/API.md §4), as constants and types. */
import { VmState } from "../models/enums.js";

/** `one.vm.action` actions (release-7.4.0). */
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
export type VmAction = (typeof VM_ACTIONS)[number];

/**
 * Pool filter flag: whose objects a `*pool.info` call returns. Any UID (>= 0) is also accepted.
 * There is no hidden default (docs/reference/opennebula/ISSUES.md #14).
 */
export const PoolFilter = {
  /** Objects of the user's primary group. */
  PRIMARY_GROUP: -4,
  /** The user's own objects. */
  MINE: -3,
  /** Every object the user may see. */
  ALL: -2,
  /** The user's objects and those of all the user's groups. */
  MINE_AND_GROUPS: -1,
} as const;
/** A {@link PoolFilter} value, or a UID (>= 0). */
export type PoolFilterFlag = (typeof PoolFilter)[keyof typeof PoolFilter] | number;

/** VM state filter of `one.vmpool.info*`: any state, any but DONE, or one STATE (0..11). */
export const VmStateFilter = { ANY: -2, NOT_DONE: -1, ...VmState } as const;
export type VmStateFilterValue = (typeof VmStateFilter)[keyof typeof VmStateFilter];

/** `update`/`updateconf`/`updatenic` mode: replace the whole template or merge into it. */
export const UpdateMode = { REPLACE: 0, MERGE: 1 } as const;
export type UpdateModeValue = (typeof UpdateMode)[keyof typeof UpdateMode];

/** `one.vm.recover` operations. */
export const VmRecoverOperation = {
  FAILURE: 0,
  SUCCESS: 1,
  RETRY: 2,
  DELETE: 3,
  DELETE_RECREATE: 4,
  DELETE_DB: 5,
} as const;
export type VmRecoverOperationValue = (typeof VmRecoverOperation)[keyof typeof VmRecoverOperation];

/**
 * Lock levels of `one.*.lock`: lock every operation at or above that level. oned 7.4 refuses such an
 * operation as `AUTHORIZATION` (`User [uid] : TEMPLATE is locked. [id].` for the oneadmin group, `Not
 * authorized to perform MANAGE TEMPLATE [id]` for other users), not as `LOCKED`.
 */
export const LockLevel = { USE: 1, MANAGE: 2, ADMIN: 3 } as const;
export type LockLevelValue = (typeof LockLevel)[keyof typeof LockLevel];

/** `one.vm.migrate` migration types. */
export const MigrationType = { SAVE: 0, POWEROFF: 1, POWEROFF_HARD: 2 } as const;
export type MigrationTypeValue = (typeof MigrationType)[keyof typeof MigrationType];

/** A permission bit of `chmod`: set, clear, or leave unchanged (-1). */
export type PermissionBit = 1 | 0 | -1;

/** `one.host.status` values. */
export const HostStatus = { ENABLED: 0, DISABLED: 1, OFFLINE: 2 } as const;
export type HostStatusValue = (typeof HostStatus)[keyof typeof HostStatus];

/** `one.vn.recover` operations (6.4+): leave ERROR/LOCKED states. */
export const VnRecoverOperation = { FAILURE: 0, SUCCESS: 1, DELETE: 2, RETRY: 3 } as const;
export type VnRecoverOperationValue = (typeof VnRecoverOperation)[keyof typeof VnRecoverOperation];

/** Image type names `one.image.chtype` takes (Image::ImageType, 7.4). */
export const IMAGE_TYPE_NAMES = [
  "OS",
  "CDROM",
  "DATABLOCK",
  "KERNEL",
  "RAMDISK",
  "CONTEXT",
  "BACKUP",
  "FILESYSTEM",
] as const;
export type ImageTypeNameParam = (typeof IMAGE_TYPE_NAMES)[number];
