/** `one.vm.*` of release-7.4.0 (docs/reference/opennebula/API.md §7), in the order of oned's registry. */
import { Vm } from "../models/vm.js";
import {
  append,
  chmodMethod,
  chownMethod,
  id,
  infoMethod,
  lockMethod,
  rawDocument,
  renameMethod,
  unlockMethod,
  updateMethod,
} from "./common.js";
import { asId, bool, int, method, str } from "./define.js";
import {
  type MigrationTypeValue,
  type UpdateModeValue,
  VM_ACTIONS,
  type VmAction,
  type VmRecoverOperationValue,
} from "./params.js";

export const vmMethods = {
  allocate: method<[template: string, hold?: boolean]>()({
    name: "one.vm.allocate",
    params: [str("template"), bool("hold", { optional: true })],
    idempotent: false,
    decode: asId,
  }),
  info: infoMethod("vm", "VM", Vm),
  update: updateMethod("vm"),
  rename: renameMethod("vm"),
  chmod: chmodMethod("vm"),
  chown: chownMethod("vm"),
  lock: lockMethod("vm"),
  unlock: unlockMethod("vm"),
  deploy: method<
    [id: number, hostId: number, enforce?: boolean, datastoreId?: number, nicTemplate?: string]
  >()({
    name: "one.vm.deploy",
    params: [
      id,
      int("hid", { min: 0 }),
      bool("enforce", { optional: true }),
      int("ds_id", { optional: true, min: -1 }),
      str("template", { optional: true }),
    ],
    idempotent: false,
    decode: asId,
  }),
  /** Note the order: the action first, then the VM ID (as oned reads them). */
  action: method<[action: VmAction, id: number]>()({
    name: "one.vm.action",
    params: [str("action", { oneOf: VM_ACTIONS }), id],
    idempotent: false,
    decode: (value, context) => asId(value, { ...context, args: [context.args[1]] }),
  }),
  migrate: method<
    [
      id: number,
      hostId: number,
      live: boolean,
      enforce?: boolean,
      datastoreId?: number,
      migrationType?: MigrationTypeValue,
    ]
  >()({
    name: "one.vm.migrate",
    params: [
      id,
      int("hid", { min: 0 }),
      bool("live"),
      bool("enforce", { optional: true }),
      int("ds_id", { optional: true, min: -1 }),
      int("migration_type", { optional: true, oneOf: [0, 1, 2] }),
    ],
    idempotent: false,
    decode: asId,
  }),
  disksaveas: method<
    [id: number, diskId: number, imageName: string, imageType: string, snapshotId: number]
  >()({
    name: "one.vm.disksaveas",
    params: [id, int("disk_id"), str("image_name"), str("image_type"), int("snap_id", { min: -1 })],
    idempotent: false,
    decode: asId,
  }),
  disksnapshotcreate: method<[id: number, diskId: number, name: string]>()({
    name: "one.vm.disksnapshotcreate",
    params: [id, int("disk_id"), str("name")],
    idempotent: false,
    decode: asId,
  }),
  disksnapshotdelete: method<[id: number, diskId: number, snapshotId: number]>()({
    name: "one.vm.disksnapshotdelete",
    params: [id, int("disk_id"), int("snap_id")],
    idempotent: false,
    decode: asId,
  }),
  disksnapshotrevert: method<[id: number, diskId: number, snapshotId: number]>()({
    name: "one.vm.disksnapshotrevert",
    params: [id, int("disk_id"), int("snap_id")],
    idempotent: false,
    decode: asId,
  }),
  disksnapshotrename: method<[id: number, diskId: number, snapshotId: number, newName: string]>()({
    name: "one.vm.disksnapshotrename",
    params: [id, int("disk_id"), int("snap_id"), str("new_name")],
    idempotent: false,
    decode: asId,
  }),
  attach: method<[id: number, diskTemplate: string]>()({
    name: "one.vm.attach",
    params: [id, str("template")],
    idempotent: false,
    decode: asId,
  }),
  detach: method<[id: number, diskId: number]>()({
    name: "one.vm.detach",
    params: [id, int("disk_id")],
    idempotent: false,
    decode: asId,
  }),
  /** `newSize` in MB, as a string (oned reads it so, to allow sizes beyond 32 bits). */
  diskresize: method<[id: number, diskId: number, newSize: string]>()({
    name: "one.vm.diskresize",
    params: [id, int("disk_id"), str("new_size")],
    idempotent: false,
    decode: asId,
  }),
  attachnic: method<[id: number, nicTemplate: string]>()({
    name: "one.vm.attachnic",
    params: [id, str("template")],
    idempotent: false,
    decode: asId,
  }),
  detachnic: method<[id: number, nicId: number]>()({
    name: "one.vm.detachnic",
    params: [id, int("nic_id")],
    idempotent: false,
    decode: asId,
  }),
  updatenic: method<[id: number, nicId: number, template: string, append?: UpdateModeValue]>()({
    name: "one.vm.updatenic",
    params: [id, int("nic_id"), str("template"), append],
    idempotent: false,
    since: "6.6",
    decode: asId,
  }),
  attachsg: method<[id: number, nicId: number, securityGroupId: number]>()({
    name: "one.vm.attachsg",
    params: [id, int("nic_id"), int("secgroup_id")],
    idempotent: false,
    since: "6.4",
    decode: asId,
  }),
  detachsg: method<[id: number, nicId: number, securityGroupId: number]>()({
    name: "one.vm.detachsg",
    params: [id, int("nic_id"), int("secgroup_id")],
    idempotent: false,
    since: "6.4",
    decode: asId,
  }),
  snapshotcreate: method<[id: number, name: string]>()({
    name: "one.vm.snapshotcreate",
    params: [id, str("name")],
    idempotent: false,
    decode: asId,
  }),
  snapshotdelete: method<[id: number, snapshotId: number]>()({
    name: "one.vm.snapshotdelete",
    params: [id, int("snap_id")],
    idempotent: false,
    decode: asId,
  }),
  snapshotrevert: method<[id: number, snapshotId: number]>()({
    name: "one.vm.snapshotrevert",
    params: [id, int("snap_id")],
    idempotent: false,
    decode: asId,
  }),
  /** `template` like `CPU=2 VCPU=4 MEMORY=4096`; `enforce` (default true) checks host capacity. */
  resize: method<[id: number, template: string, enforce?: boolean]>()({
    name: "one.vm.resize",
    params: [id, str("template"), bool("enforce", { optional: true })],
    idempotent: false,
    decode: asId,
  }),
  updateconf: method<[id: number, template: string, append?: UpdateModeValue]>()({
    name: "one.vm.updateconf",
    params: [id, str("template"), { ...append, since: "6.0" }],
    idempotent: false,
    decode: asId,
  }),
  recover: method<[id: number, operation: VmRecoverOperationValue]>()({
    name: "one.vm.recover",
    params: [id, int("operation", { oneOf: [0, 1, 2, 3, 4, 5] })],
    idempotent: false,
    decode: asId,
  }),
  /** The VM's monitoring records (`<MONITORING_DATA>`), as a raw XML object. */
  monitoring: rawDocument<[id: number]>("one.vm.monitoring", [id]),
  schedadd: method<[id: number, template: string]>()({
    name: "one.vm.schedadd",
    params: [id, str("template")],
    idempotent: false,
    since: "6.2",
    decode: asId,
  }),
  schedupdate: method<[id: number, scheduleId: number, template: string]>()({
    name: "one.vm.schedupdate",
    params: [id, int("sched_id"), str("template")],
    idempotent: false,
    since: "6.2",
    decode: asId,
  }),
  scheddelete: method<[id: number, scheduleId: number]>()({
    name: "one.vm.scheddelete",
    params: [id, int("sched_id")],
    idempotent: false,
    since: "6.2",
    decode: asId,
  }),
  backup: method<[id: number, datastoreId?: number, reset?: boolean]>()({
    name: "one.vm.backup",
    params: [id, int("ds_id", { optional: true, min: -1 }), bool("reset", { optional: true })],
    idempotent: false,
    since: "6.6",
    decode: asId,
  }),
  backupcancel: method<[id: number]>()({
    name: "one.vm.backupcancel",
    params: [id],
    idempotent: false,
    since: "6.8",
    decode: asId,
  }),
  restore: method<[id: number, imageId: number, incrementId: number, diskId: number]>()({
    name: "one.vm.restore",
    params: [id, int("image_id"), int("increment_id"), int("disk_id")],
    idempotent: false,
    since: "6.10",
    decode: asId,
  }),
  attachpci: method<[id: number, pciTemplate: string]>()({
    name: "one.vm.attachpci",
    params: [id, str("template")],
    idempotent: false,
    since: "6.10",
    decode: asId,
  }),
  detachpci: method<[id: number, pciId: number]>()({
    name: "one.vm.detachpci",
    params: [id, int("pci_id")],
    idempotent: false,
    since: "6.10",
    decode: asId,
  }),
  exec: method<[id: number, command: string, stdin: string]>()({
    name: "one.vm.exec",
    params: [id, str("command"), str("command_stdin")],
    idempotent: false,
    since: "7.2",
    decode: asId,
  }),
  retryexec: method<[id: number]>()({
    name: "one.vm.retryexec",
    params: [id],
    idempotent: false,
    since: "7.2",
    decode: asId,
  }),
  cancelexec: method<[id: number]>()({
    name: "one.vm.cancelexec",
    params: [id],
    idempotent: false,
    since: "7.2",
    decode: asId,
  }),
  vmgroupadd: method<[id: number, vmGroupId: number, role: string]>()({
    name: "one.vm.vmgroupadd",
    params: [id, int("vmg_id"), str("role")],
    idempotent: false,
    since: "7.4",
    decode: asId,
  }),
  vmgroupdel: method<[id: number]>()({
    name: "one.vm.vmgroupdel",
    params: [id],
    idempotent: false,
    since: "7.4",
    decode: asId,
  }),
};
