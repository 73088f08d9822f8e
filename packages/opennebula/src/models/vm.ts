/**
 * Virtual machines: `Vm` is the full body of vm.xsd (`one.vm.info`, `one.vmpool.infoextended`),
 * `VmSummary` the short body of vm_pool.xsd that `one.vmpool.info` returns since 5.8. They are two
 * types on purpose (docs/reference/opennebula/ISSUES.md #3): a short body never type-checks as a full VM.
 */
import type { z } from "zod";
import { Ids, xmlDecimal, xmlEnum, xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { HistoryAction, VmLcmState, VmState } from "./enums.js";
import { DiskSnapshot, Lock, ownedObjectFields, pool } from "./shared.js";
import { TemplateRecord, templateWith } from "./template-record.js";

/** Attributes of a VM TEMPLATE that repeat, so they are always arrays. */
const repeatedVmAttributes = {
  DISK: xmlList(TemplateRecord),
  NIC: xmlList(TemplateRecord),
  NIC_ALIAS: xmlList(TemplateRecord),
  PCI: xmlList(TemplateRecord),
  SNAPSHOT: xmlList(TemplateRecord),
  SCHED_ACTION: xmlList(TemplateRecord),
  SECURITY_GROUP_RULE: xmlList(TemplateRecord),
};

/**
 * The attributes of a VM TEMPLATE (a VM's, or a VM template's): free-form, with the repeated
 * attributes (DISK, NIC, …) always arrays.
 */
export const VmTemplateAttributes = templateWith({
  ...repeatedVmAttributes,
  CPU: xmlString.optional(),
  VCPU: xmlString.optional(),
  MEMORY: xmlString.optional(),
  CONTEXT: TemplateRecord.optional(),
  GRAPHICS: TemplateRecord.optional(),
  OS: TemplateRecord.optional(),
  TEMPLATE_ID: xmlString.optional(),
  VMID: xmlString.optional(),
});
export type VmTemplateAttributes = z.infer<typeof VmTemplateAttributes>;

/** VM MONITORING (from the monitoring table since 5.12): usage counters as numbers. */
export const VmMonitoring = xmlObject({
  CPU: xmlDecimal.optional(),
  MEMORY: xmlDecimal.optional(),
  NETRX: xmlDecimal.optional(),
  NETTX: xmlDecimal.optional(),
  DISKRDBYTES: xmlDecimal.optional(),
  DISKWRBYTES: xmlDecimal.optional(),
  DISKRDIOPS: xmlDecimal.optional(),
  DISKWRIOPS: xmlDecimal.optional(),
  DISK_SIZE: xmlList(xmlObject({ ID: xmlInt, SIZE: xmlInt })),
  ID: xmlInt.optional(),
  TIMESTAMP: xmlInt.optional(),
});
export type VmMonitoring = z.infer<typeof VmMonitoring>;

/** One HISTORY record: a stay of the VM on a host (full body). */
export const VmHistory = xmlObject({
  OID: xmlInt,
  SEQ: xmlInt,
  HOSTNAME: xmlString,
  HID: xmlInt,
  CID: xmlInt,
  STIME: xmlInt,
  ETIME: xmlInt,
  VM_MAD: xmlString,
  TM_MAD: xmlString,
  DS_ID: xmlInt,
  /** 7.0+ (OneDRS plans). */
  PLAN_ID: xmlInt.optional(),
  ACTION_ID: xmlInt.optional(),
  PSTIME: xmlInt,
  PETIME: xmlInt,
  RSTIME: xmlInt,
  RETIME: xmlInt,
  ESTIME: xmlInt,
  EETIME: xmlInt,
  ACTION: xmlEnum(HistoryAction),
  /** Who asked for the action (5.10+). */
  UID: xmlInt.optional(),
  GID: xmlInt.optional(),
  REQUEST_ID: xmlString.optional(),
});
export type VmHistory = z.infer<typeof VmHistory>;

/** Disk snapshots of one disk (`SNAPSHOTS`, repeated per disk). */
export const VmDiskSnapshots = xmlObject({
  ALLOW_ORPHANS: xmlString,
  CURRENT_BASE: xmlInt,
  DISK_ID: xmlInt,
  NEXT_SNAPSHOT: xmlInt,
  SNAPSHOT: xmlList(DiskSnapshot),
});
export type VmDiskSnapshots = z.infer<typeof VmDiskSnapshots>;

/** The full VM (vm.xsd). */
export const Vm = xmlObject({
  ...ownedObjectFields,
  LAST_POLL: xmlInt,
  STATE: xmlEnum(VmState),
  LCM_STATE: xmlEnum(VmLcmState),
  PREV_STATE: xmlEnum(VmState),
  PREV_LCM_STATE: xmlEnum(VmLcmState),
  RESCHED: xmlInt,
  STIME: xmlInt,
  ETIME: xmlInt,
  DEPLOY_ID: xmlString,
  MONITORING: VmMonitoring,
  /** IDs of the VM's scheduled actions (6.8+; older releases keep them in TEMPLATE/SCHED_ACTION). */
  SCHED_ACTIONS: Ids.optional(),
  TEMPLATE: VmTemplateAttributes,
  USER_TEMPLATE: TemplateRecord,
  HISTORY_RECORDS: xmlObject({ HISTORY: xmlList(VmHistory) }),
  SNAPSHOTS: xmlList(VmDiskSnapshots),
  /** 6.6+. */
  BACKUPS: xmlObject({ BACKUP_CONFIG: TemplateRecord, BACKUP_IDS: Ids }).optional(),
});
export type Vm = z.infer<typeof Vm>;

/** A HISTORY record of the short pool body: no timestamps, no request data. */
export const VmSummaryHistory = xmlObject({
  OID: xmlInt,
  SEQ: xmlInt,
  HOSTNAME: xmlString,
  HID: xmlInt,
  CID: xmlInt,
  DS_ID: xmlInt,
  VM_MAD: xmlString,
  TM_MAD: xmlString,
  ACTION: xmlEnum(HistoryAction),
});
export type VmSummaryHistory = z.infer<typeof VmSummaryHistory>;

/** The short VM body of `one.vmpool.info` (vm_pool.xsd): no PERMISSIONS, a reduced TEMPLATE. */
export const VmSummary = xmlObject({
  ID: xmlInt,
  UID: xmlInt,
  GID: xmlInt,
  UNAME: xmlString,
  GNAME: xmlString,
  NAME: xmlString,
  LAST_POLL: xmlInt,
  STATE: xmlEnum(VmState),
  LCM_STATE: xmlEnum(VmLcmState),
  RESCHED: xmlInt,
  STIME: xmlInt,
  ETIME: xmlInt,
  DEPLOY_ID: xmlString,
  LOCK: Lock.optional(),
  TEMPLATE: templateWith({
    CPU: xmlString.optional(),
    MEMORY: xmlString.optional(),
    VCPU: xmlString.optional(),
    DISK: xmlList(TemplateRecord),
    NIC: xmlList(TemplateRecord),
    GRAPHICS: TemplateRecord.optional(),
  }),
  MONITORING: TemplateRecord.optional(),
  USER_TEMPLATE: TemplateRecord,
  HISTORY_RECORDS: xmlObject({ HISTORY: xmlList(VmSummaryHistory) }),
});
export type VmSummary = z.infer<typeof VmSummary>;

/** `<VM_POOL>` of `one.vmpool.info`: short bodies. */
export const VmPool = pool("VM", VmSummary);
export type VmPool = z.infer<typeof VmPool>;

/** `<VM_POOL>` of `one.vmpool.infoextended` / `one.vmpool.infoset`: full bodies. */
export const VmPoolExtended = pool("VM", Vm);
export type VmPoolExtended = z.infer<typeof VmPoolExtended>;
