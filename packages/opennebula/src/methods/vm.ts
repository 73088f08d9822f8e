/** `one.vm.*` of release-7.4.0 (docs/reference/opennebula/API.md §7), in the order of oned's registry. */
import { Vm } from "../models/vm.js";
import {
  append,
  chmodMethod,
  chownMethod,
  id,
  idCall,
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
  allocate: idCall<[template: string, hold?: boolean]>("one.vm.allocate", [
    str("template"),
    bool("hold", { optional: true }),
  ]),
  info: infoMethod("vm", "VM", Vm),
  update: updateMethod("vm"),
  rename: renameMethod("vm"),
  chmod: chmodMethod("vm"),
  chown: chownMethod("vm"),
  lock: lockMethod("vm"),
  unlock: unlockMethod("vm"),
  deploy: idCall<[id: number, hostId: number, enforce?: boolean, datastoreId?: number, nicTemplate?: string]>(
    "one.vm.deploy",
    [
      id,
      int("hid", { min: 0 }),
      bool("enforce", { optional: true }),
      int("ds_id", { optional: true, min: -1 }),
      str("template", { optional: true }),
    ],
  ),
  /** Note the order: the action first, then the VM ID (as oned reads them). */
  action: method<[action: VmAction, id: number]>()({
    name: "one.vm.action",
    params: [str("action", { oneOf: VM_ACTIONS }), id],
    idempotent: false,
    decode: (value, context) => asId(value, { ...context, args: [context.args[1]] }),
  }),
  migrate: idCall<
    [
      id: number,
      hostId: number,
      live: boolean,
      enforce?: boolean,
      datastoreId?: number,
      migrationType?: MigrationTypeValue,
    ]
  >("one.vm.migrate", [
    id,
    int("hid", { min: 0 }),
    bool("live"),
    bool("enforce", { optional: true }),
    int("ds_id", { optional: true, min: -1 }),
    int("migration_type", { optional: true, oneOf: [0, 1, 2] }),
  ]),
  disksaveas: idCall<[id: number, diskId: number, imageName: string, imageType: string, snapshotId: number]>(
    "one.vm.disksaveas",
    [id, int("disk_id"), str("image_name"), str("image_type"), int("snap_id", { min: -1 })],
  ),
  disksnapshotcreate: idCall<[id: number, diskId: number, name: string]>("one.vm.disksnapshotcreate", [
    id,
    int("disk_id"),
    str("name"),
  ]),
  disksnapshotdelete: idCall<[id: number, diskId: number, snapshotId: number]>("one.vm.disksnapshotdelete", [
    id,
    int("disk_id"),
    int("snap_id"),
  ]),
  disksnapshotrevert: idCall<[id: number, diskId: number, snapshotId: number]>("one.vm.disksnapshotrevert", [
    id,
    int("disk_id"),
    int("snap_id"),
  ]),
  disksnapshotrename: idCall<[id: number, diskId: number, snapshotId: number, newName: string]>(
    "one.vm.disksnapshotrename",
    [id, int("disk_id"), int("snap_id"), str("new_name")],
  ),
  attach: idCall<[id: number, diskTemplate: string]>("one.vm.attach", [id, str("template")]),
  detach: idCall<[id: number, diskId: number]>("one.vm.detach", [id, int("disk_id")]),
  /** `newSize` in MB, as a string (oned reads it so, to allow sizes beyond 32 bits). */
  diskresize: idCall<[id: number, diskId: number, newSize: string]>("one.vm.diskresize", [
    id,
    int("disk_id"),
    str("new_size"),
  ]),
  attachnic: idCall<[id: number, nicTemplate: string]>("one.vm.attachnic", [id, str("template")]),
  detachnic: idCall<[id: number, nicId: number]>("one.vm.detachnic", [id, int("nic_id")]),
  updatenic: idCall<[id: number, nicId: number, template: string, append?: UpdateModeValue]>(
    "one.vm.updatenic",
    [id, int("nic_id"), str("template"), append],
    "6.6",
  ),
  attachsg: idCall<[id: number, nicId: number, securityGroupId: number]>(
    "one.vm.attachsg",
    [id, int("nic_id"), int("secgroup_id")],
    "6.4",
  ),
  detachsg: idCall<[id: number, nicId: number, securityGroupId: number]>(
    "one.vm.detachsg",
    [id, int("nic_id"), int("secgroup_id")],
    "6.4",
  ),
  snapshotcreate: idCall<[id: number, name: string]>("one.vm.snapshotcreate", [id, str("name")]),
  snapshotdelete: idCall<[id: number, snapshotId: number]>("one.vm.snapshotdelete", [id, int("snap_id")]),
  snapshotrevert: idCall<[id: number, snapshotId: number]>("one.vm.snapshotrevert", [id, int("snap_id")]),
  /** `template` like `CPU=2 VCPU=4 MEMORY=4096`; `enforce` (default true) checks host capacity. */
  resize: idCall<[id: number, template: string, enforce?: boolean]>("one.vm.resize", [
    id,
    str("template"),
    bool("enforce", { optional: true }),
  ]),
  updateconf: idCall<[id: number, template: string, append?: UpdateModeValue]>("one.vm.updateconf", [
    id,
    str("template"),
    { ...append, since: "6.0" },
  ]),
  recover: idCall<[id: number, operation: VmRecoverOperationValue]>("one.vm.recover", [
    id,
    int("operation", { oneOf: [0, 1, 2, 3, 4, 5] }),
  ]),
  /** The VM's monitoring records (`<MONITORING_DATA>`), as a raw XML object. */
  monitoring: rawDocument<[id: number]>("one.vm.monitoring", [id]),
  schedadd: idCall<[id: number, template: string]>("one.vm.schedadd", [id, str("template")], "6.2"),
  schedupdate: idCall<[id: number, scheduleId: number, template: string]>(
    "one.vm.schedupdate",
    [id, int("sched_id"), str("template")],
    "6.2",
  ),
  scheddelete: idCall<[id: number, scheduleId: number]>("one.vm.scheddelete", [id, int("sched_id")], "6.2"),
  backup: idCall<[id: number, datastoreId?: number, reset?: boolean]>(
    "one.vm.backup",
    [id, int("ds_id", { optional: true, min: -1 }), bool("reset", { optional: true })],
    "6.6",
  ),
  backupcancel: idCall<[id: number]>("one.vm.backupcancel", [id], "6.8"),
  restore: idCall<[id: number, imageId: number, incrementId: number, diskId: number]>(
    "one.vm.restore",
    [id, int("image_id"), int("increment_id"), int("disk_id")],
    "6.10",
  ),
  attachpci: idCall<[id: number, pciTemplate: string]>("one.vm.attachpci", [id, str("template")], "6.10"),
  detachpci: idCall<[id: number, pciId: number]>("one.vm.detachpci", [id, int("pci_id")], "6.10"),
  exec: idCall<[id: number, command: string, stdin: string]>(
    "one.vm.exec",
    [id, str("command"), str("command_stdin")],
    "7.2",
  ),
  retryexec: idCall<[id: number]>("one.vm.retryexec", [id], "7.2"),
  cancelexec: idCall<[id: number]>("one.vm.cancelexec", [id], "7.2"),
  vmgroupadd: idCall<[id: number, vmGroupId: number, role: string]>(
    "one.vm.vmgroupadd",
    [id, int("vmg_id"), str("role")],
    "7.4",
  ),
  vmgroupdel: idCall<[id: number]>("one.vm.vmgroupdel", [id], "7.4"),
};
