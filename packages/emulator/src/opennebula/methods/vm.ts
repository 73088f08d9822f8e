/**
 * `one.vm.*` and `one.vmpool.*`: the full VM body (vm.xsd), the short pool body (vm_pool.xsd) and
 * the life-cycle calls over vm-state-machine.ts, vm-placement.ts and vm-migrate-resize.ts.
 */
import { failures } from "../errors.js";
import type { OneVm, OpenNebulaState, Owned, VmDisk, VmExec, VmSchedAction } from "../state.js";
import { renderEntries, renderTemplate, type Template } from "../template.js";
import { createVm } from "../vm-create.js";
import { requester } from "../vm-history.js";
import { migrateVm, resizeVm } from "../vm-migrate-resize.js";
import { manualDeploy } from "../vm-placement.js";
import { vmAction } from "../vm-state-machine.js";
import { LcmState, VM_STATES, VmState } from "../vm-states.js";
import { scheduleVm } from "../vm-steps.js";
import { cel, el, ids } from "../xml.js";
import {
  applyChmod,
  authorize,
  bool,
  type Ctx,
  int,
  lookup,
  type MethodDef,
  ownerXml,
  permissionsXml,
  poolFilter,
  range,
  requireAdmin,
  str,
} from "./context.js";
import { parseOrActionError, parseOrAllocateError, updateMethod } from "./edit.js";
import { checkLock, lockMethods, lockXml } from "./lock.js";

/** Seconds between two monitoring records (oned's MONITORING_INTERVAL_VM default is 30 s; the emulator samples each minute). */
export const MONITOR_INTERVAL_S = 60;
/** Records kept per object (oned expires them after MONITORING_EXPIRATION_TIME). */
export const MONITOR_KEEP = 10;

/**
 * Sample times of the last {@link MONITOR_KEEP} intervals inside `[from, to]` (seconds), aligned
 * to {@link MONITOR_INTERVAL_S}; each span is an interval in which the object was monitored.
 */
export function monitorTimes(spans: Array<[number, number]>): number[] {
  const times: number[] = [];
  for (const [from, to] of spans) {
    const first = Math.ceil(from / MONITOR_INTERVAL_S) * MONITOR_INTERVAL_S;
    const last = Math.floor(to / MONITOR_INTERVAL_S) * MONITOR_INTERVAL_S;
    const aligned = Math.max(first, last - (MONITOR_KEEP - 1) * MONITOR_INTERVAL_S);
    for (let t = aligned; t <= to; t += MONITOR_INTERVAL_S) times.push(t);
  }
  return times.slice(-MONITOR_KEEP);
}

/**
 * `one.vm.monitoring`: MONITORING_DATA (monitoring_data.xsd) with a record per interval the VM
 * ran on a host (from each history record's RSTIME to its end, or now while ACTIVE). Counters
 * grow with the running time so consecutive records differ as real ones do.
 */
export function vmMonitoringXml(state: OpenNebulaState, vm: OneVm): string {
  const now = Math.floor(state.clock.now() / 1000);
  const spans: Array<[number, number]> = [];
  for (const h of vm.history) {
    if (h.rstime === 0) continue;
    const end = h.etime !== 0 ? h.etime : vm.state === VmState.ACTIVE ? now : 0;
    if (end >= h.rstime && end !== 0) spans.push([h.rstime, end]);
  }
  const records = monitorTimes(spans).map((ts) => {
    const up = ts - (vm.history[0]?.rstime ?? ts);
    const disks = vm.disks
      .map((d) => `<DISK_SIZE><ID>${d.diskId}</ID><SIZE>${Number(d.attrs.SIZE ?? 0) || 0}</SIZE></DISK_SIZE>`)
      .join("");
    return `<MONITORING><CPU>1.5</CPU><DISKRDBYTES>${up * 40960}</DISKRDBYTES><DISKRDIOPS>${up * 10}</DISKRDIOPS><DISKWRBYTES>${up * 20480}</DISKWRBYTES><DISKWRIOPS>${up * 5}</DISKWRIOPS>${disks}<ID>${vm.id}</ID><MEMORY>${vm.memoryMb * 1024}</MEMORY><NETRX>${up * 1500}</NETRX><NETTX>${up * 900}</NETTX><TIMESTAMP>${ts}</TIMESTAMP></MONITORING>`;
  });
  return `<MONITORING_DATA>${records.join("")}</MONITORING_DATA>`;
}

/** VM TEMPLATE children in vm.xsd's sequence order; `any` = element of any content, `string` = text only. */
const TEMPLATE_ORDER: Array<[string, "any" | "string" | "vector", boolean]> = [
  ["AUTOMATIC_DS_REQUIREMENTS", "string", false],
  ["AUTOMATIC_NIC_REQUIREMENTS", "string", false],
  ["AUTOMATIC_REQUIREMENTS", "string", false],
  ["CLONING_TEMPLATE_ID", "string", false],
  ["CONTEXT", "any", false],
  ["CPU", "string", false],
  ["CPU_COST", "string", false],
  ["DISK", "any", true],
  ["DISK_COST", "string", false],
  ["EMULATOR", "string", false],
  ["FEATURES", "any", false],
  ["HYPERV_OPTIONS", "any", false],
  ["GRAPHICS", "any", false],
  ["IMPORTED", "string", false],
  ["INPUT", "any", false],
  ["MEMORY", "string", false],
  ["MEMORY_COST", "string", false],
  ["MEMORY_MAX", "string", false],
  ["MEMORY_SLOTS", "string", false],
  ["MEMORY_RESIZE_MODE", "string", false],
  ["NIC", "vector", true],
  ["NIC_ALIAS", "vector", true],
  ["NIC_DEFAULT", "any", false],
  ["NUMA_NODE", "any", false],
  ["OS", "any", false],
  ["PCI", "any", true],
  ["QEMU_GA_EXEC", "any", false],
  ["RAW", "any", false],
  ["SECURITY_GROUP_RULE", "any", true],
  ["SNAPSHOT", "vector", true],
  ["SPICE_OPTIONS", "any", false],
  ["SUBMIT_ON_HOLD", "string", false],
  ["TEMPLATE_ID", "string", false],
  ["TM_MAD_SYSTEM", "string", false],
  ["TOPOLOGY", "any", false],
  ["VCPU", "string", false],
  ["VCPU_MAX", "string", false],
  ["VMGROUP", "any", false],
  ["VMID", "string", false],
  ["VROUTER_ID", "string", false],
  ["VROUTER_KEEPALIVED_ID", "string", false],
  ["VROUTER_KEEPALIVED_PASSWORD", "string", false],
];
const ORDER_INDEX = new Map(TEMPLATE_ORDER.map(([k, kind, many], i) => [k, { i, kind, many }]));

/** Splits a VM's attributes into TEMPLATE (what vm.xsd allows there, in order) and USER_TEMPLATE. */
function splitTemplate(state: OpenNebulaState, vm: OneVm): { template: string; user: Template } {
  const entries: Template = [
    ...vm.template,
    // what oned 7.4's scheduler requirements read for a VM in cluster 0 (conformance/opennebula-oned)
    [
      "AUTOMATIC_DS_REQUIREMENTS",
      `("CLUSTERS/ID" @> 0)${vm.requirementsTmMad === undefined ? "" : ` & (TM_MAD = "${vm.requirementsTmMad}")`}`,
    ],
    ...(vm.nics.length > 0
      ? [["AUTOMATIC_NIC_REQUIREMENTS", '("CLUSTERS/ID" @> 0)'] as [string, string]]
      : []),
    ["AUTOMATIC_REQUIREMENTS", "(CLUSTER_ID = 0) & !(PIN_POLICY = PINNED)"],
    ["CPU", String(vm.cpu)],
    // a disk's DISK_SNAPSHOT_TOTAL_SIZE follows its snapshots (oned updates it with each one)
    ...vm.disks.map((d): [string, Record<string, string>] => [
      "DISK",
      d.snapshots === undefined || d.imageId === null
        ? d.attrs
        : { ...d.attrs, DISK_SNAPSHOT_TOTAL_SIZE: String(d.snapshots.reduce((n, sn) => n + sn.sizeMb, 0)) },
    ]),
    ["MEMORY", String(vm.memoryMb)],
    ...vm.nics.map((n): [string, Record<string, string>] => ["NIC", n.attrs]),
    ...(vm.templateId === null ? [] : [["TEMPLATE_ID", String(vm.templateId)] as [string, string]]),
    // VirtualMachine::check_tm_mad_disks: the system datastore's TM_MAD, once deployed
    ...(vm.tmMadSystem === undefined ? [] : [["TM_MAD_SYSTEM", vm.tmMadSystem] as [string, string]]),
    ["VCPU", String(vm.vcpu)],
    ["VMID", String(vm.id)],
    ...(vm.snapshots ?? []).map((sn): [string, Record<string, string>] => [
      "SNAPSHOT",
      {
        // VirtualMachine::clear_active_snapshot: ACTIVE/ACTION only while the operation runs
        ...(sn.active && vm.state === VmState.ACTIVE && vm.lcm === LcmState.HOTPLUG_SNAPSHOT
          ? { ACTION: sn.action ?? "CREATE", ACTIVE: "YES" }
          : {}),
        HYPERVISOR_ID: sn.hypervisorId,
        NAME: sn.name,
        SNAPSHOT_ID: String(sn.id),
        SYSTEM_DISK_SIZE: String(sn.systemDiskSize ?? 0),
        TIME: String(sn.time),
      },
    ]),
    ...(vm.exec ? [["QEMU_GA_EXEC", execAttrs(state, vm.exec)] as [string, Record<string, string>]] : []),
  ];
  const seen = new Set<string>();
  const inTemplate: Array<[number, number, string]> = [];
  const user: Template = [...vm.userTemplate];
  entries.forEach(([k, v], n) => {
    if (k === "BACKUP_CONFIG") return; // shown in BACKUPS
    const spec = ORDER_INDEX.get(k);
    const fitsKind = spec && (spec.kind === "any" || (spec.kind === "string") === (typeof v === "string"));
    if (!spec || !fitsKind || (!spec.many && seen.has(k))) {
      user.push([k, v]);
      return;
    }
    seen.add(k);
    inTemplate.push([spec.i, n, renderEntries([[k, v]])]);
  });
  inTemplate.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const sched = (vm.schedActions ?? []).map((sa) => schedActionXml(vm, sa)).join("");
  return { template: `<TEMPLATE>${inTemplate.map((x) => x[2]).join("")}${sched}</TEMPLATE>`, user };
}

/** `one.vm.exec`: EXECUTING for `timings.exec`, then DONE with RETURN_CODE 0 and no output (or CANCELLED). */
export function execStatus(state: OpenNebulaState, exec: VmExec): "EXECUTING" | "DONE" | "CANCELLED" {
  if (exec.cancelled) return "CANCELLED";
  return state.clock.now() < exec.startedAt + state.timings.exec ? "EXECUTING" : "DONE";
}

function execAttrs(state: OpenNebulaState, exec: VmExec): Record<string, string> {
  const status = execStatus(state, exec);
  const done = status === "DONE";
  return {
    COMMAND: exec.command,
    PID: String(exec.pid),
    RETURN_CODE: done ? "0" : "",
    STATUS: status,
    STDERR: "",
    STDIN: exec.stdin,
    STDOUT: "",
  };
}

/** TEMPLATE/SCHED_ACTION (shared.xsd SCHED_ACTION, fields in its order). */
function schedActionXml(vm: OneVm, sa: VmSchedAction): string {
  return `<SCHED_ACTION><ID>${sa.id}</ID><PARENT_ID>${vm.id}</PARENT_ID><TYPE>VM</TYPE>${el("ACTION", sa.action)}${el("ARGS", sa.args)}<TIME>${sa.time}</TIME><REPEAT>${sa.repeat}</REPEAT>${el("DAYS", sa.days)}<END_TYPE>${sa.endType}</END_TYPE><END_VALUE>${sa.endValue}</END_VALUE><DONE>${sa.done}</DONE>${el("MESSAGE", sa.message)}<WARNING>${sa.warning}</WARNING></SCHED_ACTION>`;
}

/** BACKUP_CONFIG children vm.xsd allows (in its order). */
const BACKUP_CONFIG_KEYS = [
  "BACKUP_JOB_ID",
  "BACKUP_VOLATILE",
  "DISK_IDS",
  "FS_FREEZE",
  "INCREMENTAL_BACKUP_ID",
  "INCREMENT_MODE",
  "INTERACTIVE",
  "KEEP_LAST",
  "LAST_BACKUP_ID",
  "LAST_BACKUP_SIZE",
  "LAST_BRIDGE",
  "LAST_DATASTORE_ID",
  "LAST_INCREMENT_ID",
  "MODE",
];

/** BACKUP_CONFIG attributes only backups set (read-only for updateconf and templates). */
const BACKUP_RECORDED = new Set([
  "INCREMENTAL_BACKUP_ID",
  "LAST_BACKUP_ID",
  "LAST_BACKUP_SIZE",
  "LAST_BRIDGE",
  "LAST_DATASTORE_ID",
  "LAST_INCREMENT_ID",
]);

/**
 * The VM's BACKUP_CONFIG once it has one (from its template or a backup): oned's defaults, what
 * backups recorded, and what the template sets (MODE, KEEP_LAST, FS_FREEZE, …) over those.
 */
export function backupConfig(vm: OneVm): Record<string, string> {
  const fromTemplate = vm.template.find(([k, v]) => k === "BACKUP_CONFIG" && typeof v !== "string")?.[1];
  if (typeof fromTemplate !== "object" && !vm.backups) return {};
  const set = Object.entries(typeof fromTemplate === "object" ? fromTemplate : {});
  return {
    BACKUP_VOLATILE: "NO",
    FS_FREEZE: "NONE",
    INCREMENTAL_BACKUP_ID: "-1",
    LAST_INCREMENT_ID: "-1",
    MODE: "FULL",
    ...vm.backups?.config,
    ...Object.fromEntries(set.filter(([k]) => !BACKUP_RECORDED.has(k))),
  };
}

function backupsXml(state: OpenNebulaState, vm: OneVm): string {
  const config = backupConfig(vm);
  const body = BACKUP_CONFIG_KEYS.filter((k) => config[k] !== undefined)
    .map((k) => cel(k, config[k]!))
    .join("");
  const backupIds = (vm.backups?.ids ?? []).filter((id) => state.images.has(id));
  return `<BACKUPS>${body === "" ? "<BACKUP_CONFIG/>" : `<BACKUP_CONFIG>${body}</BACKUP_CONFIG>`}${ids("BACKUP_IDS", backupIds)}</BACKUPS>`;
}

function monitoring(state: OpenNebulaState, vm: OneVm): string {
  if (vm.state !== VmState.ACTIVE || vm.hostId === null) return "<MONITORING/>";
  const ts = Math.floor(state.clock.now() / 1000);
  return `<MONITORING>${cel("CPU", vm.lcm === LcmState.RUNNING ? "1.5" : "0")}${cel("ID", String(vm.id))}${cel("MEMORY", String(vm.memoryMb * 1024))}${cel("TIMESTAMP", String(ts))}</MONITORING>`;
}

function lastPoll(state: OpenNebulaState, vm: OneVm): number {
  return vm.state === VmState.ACTIVE ? Math.floor(state.clock.now() / 1000) : 0;
}

/** The full VM document (vm.xsd). */
/** A VM's NAME as stored; an injected invalid-UTF-8 fault leaves a lone surrogate (no UTF-8 form). */
function storedName(state: OpenNebulaState, vm: OneVm): OneVm {
  return state.faults.invalidUtf8Vms.has(vm.id) ? { ...vm, name: `${vm.name}\udc80` } : vm;
}

/** One HISTORY record (vm.xsd); `vmBody` is the VM document acct.xsd's records end with. */
export function historyXml(vmId: number, h: OneVm["history"][number], vmBody = ""): string {
  return `<HISTORY><OID>${vmId}</OID><SEQ>${h.seq}</SEQ>${el("HOSTNAME", h.hostname)}<HID>${h.hostId}</HID><CID>${h.clusterId}</CID><STIME>${h.stime}</STIME><ETIME>${h.etime}</ETIME>${cel("VM_MAD", h.vmMad)}${cel("TM_MAD", h.tmMad)}<DS_ID>${h.dsId}</DS_ID><PLAN_ID>-2</PLAN_ID><ACTION_ID>-1</ACTION_ID><PSTIME>${h.pstime}</PSTIME><PETIME>${h.petime}</PETIME><RSTIME>${h.rstime}</RSTIME><RETIME>${h.retime}</RETIME><ESTIME>${h.estime}</ESTIME><EETIME>${h.eetime}</EETIME><ACTION>${h.action}</ACTION><UID>${h.uid}</UID><GID>${h.gid}</GID><REQUEST_ID>${h.reqId ?? -1}</REQUEST_ID>${vmBody}</HISTORY>`;
}

export function vmXml(state: OpenNebulaState, vm: OneVm): string {
  const { template, user } = splitTemplate(state, vm);
  vm = storedName(state, vm);
  const history = vm.history.map((h) => historyXml(vm.id, h)).join("");
  return `<VM>${ownerXml(state, vm)}${permissionsXml(vm.permissions)}<LAST_POLL>${lastPoll(state, vm)}</LAST_POLL><STATE>${vm.state}</STATE><LCM_STATE>${vm.lcm}</LCM_STATE><PREV_STATE>${vm.prevState}</PREV_STATE><PREV_LCM_STATE>${vm.prevLcm}</PREV_LCM_STATE><RESCHED>${vm.resched}</RESCHED><STIME>${vm.stime}</STIME><ETIME>${vm.etime}</ETIME>${el("DEPLOY_ID", vm.deployId)}${lockXml(vm.lock)}${monitoring(state, vm)}${ids(
    "SCHED_ACTIONS",
    (vm.schedActions ?? []).map((sa) => sa.id),
  )}${template}${renderTemplate("USER_TEMPLATE", user)}${history === "" ? "<HISTORY_RECORDS/>" : `<HISTORY_RECORDS>${history}</HISTORY_RECORDS>`}${diskSnapshotsXml(vm)}${backupsXml(state, vm)}</VM>`;
}

/**
 * VirtualMachineDisk::allow_orphans of a disk: its ALLOW_ORPHANS upper-cased (YES, MIXED, LINEAR;
 * FORMAT is YES for a raw disk, else NO; anything else NO).
 */
function snapshotOrphans(disk: VmDisk): string {
  const v = (disk.attrs.ALLOW_ORPHANS ?? "").toUpperCase();
  if (v === "FORMAT") return (disk.attrs.FORMAT ?? "").toLowerCase() === "raw" ? "YES" : "NO";
  return ["YES", "MIXED", "LINEAR"].includes(v) ? v : "NO";
}

/** `<SNAPSHOTS>` per disk with snapshots (vm.xsd): the snapshot tree, the active one marked. */
function diskSnapshotsXml(vm: OneVm): string {
  // a disk keeps its (possibly empty) snapshot list once it had one, as oned's Snapshots does
  return vm.disks
    .filter((d) => (d.snapshots?.length ?? 0) > 0 || d.nextSnapshot !== undefined)
    .map((d) => {
      const snaps = d.snapshots ?? [];
      const body = snaps
        .map((sn) => {
          const children = snaps.filter((c) => c.parent === sn.id).map((c) => c.id);
          return `<SNAPSHOT>${d.active === sn.id ? "<ACTIVE>YES</ACTIVE>" : ""}${children.length > 0 ? `<CHILDREN>${children.join(",")}</CHILDREN>` : ""}<DATE>${sn.date}</DATE><ID>${sn.id}</ID>${el("NAME", sn.name)}<PARENT>${sn.parent}</PARENT><SIZE>${sn.sizeMb}</SIZE></SNAPSHOT>`;
        })
        .join("");
      return `<SNAPSHOTS><ALLOW_ORPHANS>${snapshotOrphans(d)}</ALLOW_ORPHANS><CURRENT_BASE>-1</CURRENT_BASE><DISK_ID>${d.diskId}</DISK_ID><NEXT_SNAPSHOT>${d.nextSnapshot ?? 0}</NEXT_SNAPSHOT>${body}</SNAPSHOTS>`;
    })
    .join("");
}

const SHORT_USER_KEYS = new Set([
  "LABELS",
  "ERROR",
  "SCHED_MESSAGE",
  "SCHED_RANK",
  "SCHED_DS_RANK",
  "SCHED_REQUIREMENTS",
  "SCHED_DS_REQUIREMENTS",
  "SCHED_ACTION",
  "HYPERVISOR",
  "LOGO",
  "SERVICE_ID",
  "MEMORY_COST",
  "CPU_COST",
  "DISK_COST",
]);

/** The short pool body (vm_pool.xsd) `one.vmpool.info` returns since 5.8. */
export function vmShortXml(state: OpenNebulaState, vm: OneVm): string {
  vm = storedName(state, vm);
  const graphics = vm.template.find(([k, v]) => k === "GRAPHICS" && typeof v !== "string");
  const template = renderEntries([
    ["CPU", String(vm.cpu)],
    ["MEMORY", String(vm.memoryMb)],
    ["VCPU", String(vm.vcpu)],
  ]);
  const disks = vm.disks.map((d) => renderEntries([["DISK", d.attrs]])).join("");
  const nics = vm.nics.map((n) => renderEntries([["NIC", n.attrs]])).join("");
  const h = vm.history.at(-1);
  const history = h
    ? `<HISTORY_RECORDS><HISTORY><OID>${vm.id}</OID><SEQ>${h.seq}</SEQ>${el("HOSTNAME", h.hostname)}<HID>${h.hostId}</HID><CID>${h.clusterId}</CID><DS_ID>${h.dsId}</DS_ID>${cel("VM_MAD", h.vmMad)}${cel("TM_MAD", h.tmMad)}<ACTION>${h.action}</ACTION></HISTORY></HISTORY_RECORDS>`
    : "<HISTORY_RECORDS/>";
  const user = vm.userTemplate.filter(([k]) => SHORT_USER_KEYS.has(k));
  return `<VM>${ownerXml(state, vm)}<LAST_POLL>${lastPoll(state, vm)}</LAST_POLL><STATE>${vm.state}</STATE><LCM_STATE>${vm.lcm}</LCM_STATE><RESCHED>${vm.resched}</RESCHED><STIME>${vm.stime}</STIME><ETIME>${vm.etime}</ETIME>${el("DEPLOY_ID", vm.deployId)}${lockXml(vm.lock)}<TEMPLATE>${template}${disks}${nics}${graphics ? renderEntries([graphics]) : ""}</TEMPLATE>${monitoring(state, vm)}${renderTemplate("USER_TEMPLATE", user)}${history}</VM>`;
}

export { parseOrActionError, parseOrAllocateError };

/**
 * `chown(id, uid, gid)` of an owned object, -1 keeping that part: a new owner takes oneadmin's
 * group (MANAGE USER), a new group oneadmin's group or membership of it (USE GROUP).
 */
export function chown(ctx: Ctx, obj: Owned, uid: number, gid: number): void {
  if (uid >= 0) {
    lookup(ctx.state.users, uid, "user");
    requireAdmin(ctx, "MANAGE", "USER", uid);
  }
  if (gid >= 0) {
    lookup(ctx.state.groups, gid, "group");
    if (!ctx.admin && !ctx.user.groups.includes(gid))
      throw failures.authorization(ctx.user.id, "USE", "GROUP", gid);
  }
  if (uid >= 0) obj.uid = uid;
  if (gid >= 0) obj.gid = gid;
}

/** Looks the VM up, authorizes `op`, and refuses a locked VM (reads are never blocked). */
export function getVm(ctx: Ctx, id: number, op: "USE" | "MANAGE" | "ADMIN", read = false): OneVm {
  const vm = lookup(ctx.state.vms, id, "virtual machine");
  authorize(ctx, vm, op, "VM");
  if (!read) checkLock(ctx, vm, op, "VM");
  return vm;
}

/** `KEY=VALUE&…` (6.10+ JSON query) on MySQL: each pair is a LIKE '%VALUE%' on that element's text. */
function jsonQuery(ctx: Ctx, query: string): (vm: OneVm) => boolean {
  if (query === "") return () => true;
  if (ctx.state.sqlBackend === "sqlite")
    throw failures.internal("JSON query search is not supported by the SQL backend");
  const pairs = query.split("&").map((p) => {
    const eq = p.indexOf("=");
    return eq < 0
      ? { key: null, value: p }
      : { key: p.slice(0, eq).split(".").at(-1)!, value: p.slice(eq + 1) };
  });
  return (vm) => {
    const body = vmXml(ctx.state, vm);
    return pairs.every(({ key, value }) => {
      if (key === null) return body.includes(value);
      const re = new RegExp(`<${key.replace(/[^\w-]/g, "")}>(?:<!\\[CDATA\\[)?([^<]*)`, "g");
      return [...body.matchAll(re)].some((m) => m[1]!.includes(value));
    });
  };
}

function vmPool(extended: boolean): MethodDef {
  return {
    params: [int(), int(), int(), int(), str("")],
    run(ctx, [flag, start, end, stateFilter, query]) {
      const sf = stateFilter as number;
      if (sf < -2 || sf > VM_STATES.length - 1) throw failures.rpcApi("Incorrect filter_state.");
      const visible = poolFilter(ctx, flag as number);
      const matches = jsonQuery(ctx, query as string);
      const vms = [...ctx.state.vms.values()].filter(
        (vm) =>
          visible(vm) &&
          (sf === -2 ? true : sf === -1 ? vm.state !== VmState.DONE : vm.state === sf) &&
          matches(vm),
      );
      const page = range(ctx.state, vms, start as number, end as number);
      const render = extended ? vmXml : vmShortXml;
      return `<VM_POOL>${page.map((vm) => render(ctx.state, vm)).join("")}</VM_POOL>`;
    },
  };
}

export const vmMethods: Record<string, MethodDef> = {
  "one.vm.allocate": {
    params: [str(), bool(false)],
    run(ctx, [text, hold]) {
      const tmpl = parseOrAllocateError(text as string, "virtual machine");
      return createVm(ctx.state, ctx.user, tmpl, { hold: hold as boolean }).id;
    },
  },
  "one.vm.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => vmXml(ctx.state, getVm(ctx, id as number, "USE", true)),
  },
  "one.vm.action": {
    params: [str(), int()],
    run(ctx, [action, id]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      vmAction(ctx.state, vm, action as string, requester(ctx.user));
      return vm.id;
    },
  },
  "one.vm.deploy": {
    params: [int(), int(), bool(false), int(-1), str("")],
    run(ctx, [id, hid, enforce]) {
      const vm = getVm(ctx, id as number, "ADMIN");
      const host = lookup(ctx.state.hosts, hid as number, "host");
      requireAdmin(ctx, "MANAGE", "HOST", host.id);
      manualDeploy(ctx.state, vm, host, enforce as boolean);
      return vm.id;
    },
  },
  "one.vm.rename": {
    params: [int(), str()],
    run(ctx, [id, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      if ((name as string).trim() === "") throw failures.action("Invalid NAME, it cannot be empty", vm.id);
      vm.name = name as string;
      return vm.id;
    },
  },
  "one.vm.update": updateMethod((ctx, id) => getVm(ctx, id, "MANAGE"), "userTemplate"),
  "one.vm.recover": {
    params: [int(), int()],
    run(ctx, [id, op]) {
      const vm = getVm(ctx, id as number, "ADMIN");
      if ((op as number) < 0 || (op as number) > 5) throw failures.rpcApi("Wrong recovery operation code");
      if (op === 3 || op === 5) {
        vm.steps = [];
        if (vm.state !== VmState.DONE)
          vmAction(
            ctx.state,
            vm,
            vm.state === VmState.PENDING || vm.state === VmState.HOLD ? "terminate" : "terminate-hard",
            requester(ctx.user),
          );
        vm.steps = vm.steps.map((s) => ({ ...s, at: ctx.state.clock.now() }));
        scheduleVm(ctx.state, vm);
        return vm.id;
      }
      if (op === 1 && vm.steps.length > 0) {
        vm.steps = vm.steps.map((s) => ({ ...s, at: ctx.state.clock.now() }));
        scheduleVm(ctx.state, vm);
        return vm.id;
      }
      throw failures.action(
        `Recover operation ${op} is not available for state ${VM_STATES[vm.state]}`,
        vm.id,
      );
    },
  },
  ...lockMethods("one.vm", (ctx, id) => getVm(ctx, id, "MANAGE", true)),
  "one.vm.chown": {
    params: [int(), int(), int()],
    run(ctx, [id, uid, gid]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      chown(ctx, vm, uid as number, gid as number);
      return vm.id;
    },
  },
  "one.vm.chmod": {
    params: [int(), int(), int(), int(), int(), int(), int(), int(), int(), int()],
    run(ctx, [id, ...bits]) {
      const values = bits as number[];
      // Changing an ADMIN bit takes ADMIN on the object (oned's chmod rule).
      const adminBits = [2, 5, 8].some((i) => values[i] !== -1);
      const vm = getVm(ctx, id as number, adminBits ? "ADMIN" : "MANAGE");
      applyChmod(vm, values);
      return vm.id;
    },
  },
  "one.vm.resize": {
    params: [int(), str(), bool(true)],
    run(ctx, [id, text, enforce]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      resizeVm(ctx.state, vm, parseOrActionError(text as string), enforce as boolean, requester(ctx.user));
      return vm.id;
    },
  },
  "one.vm.monitoring": {
    params: [int()],
    run: (ctx, [id]) => vmMonitoringXml(ctx.state, getVm(ctx, id as number, "USE", true)),
  },
  "one.vm.migrate": {
    params: [int(), int(), bool(), bool(false), int(-1), int(0)],
    run(ctx, [id, hid, live, enforce, dsId, type]) {
      const vm = getVm(ctx, id as number, "ADMIN");
      const host = lookup(ctx.state.hosts, hid as number, "host");
      requireAdmin(ctx, "MANAGE", "HOST", host.id);
      if ((dsId as number) > 0)
        throw failures.action("Migration to a different system datastore is not supported", vm.id);
      const t = type as number;
      if (t < 0 || t > 2) throw failures.rpcApi("Wrong migration type");
      migrateVm(
        ctx.state,
        vm,
        host,
        { live: live as boolean, enforce: enforce as boolean, type: t },
        requester(ctx.user),
      );
      return vm.id;
    },
  },
  "one.vmpool.info": vmPool(false),
  "one.vmpool.infoextended": vmPool(true),
  "one.vmpool.infoset": {
    params: [str(), bool()],
    run(ctx, [list, extended]) {
      const ids = (list as string).split(",").map((s) => s.trim());
      if (ids.some((s) => !/^\d+$/.test(s))) throw failures.rpcApi("Incorrect ID set.");
      const vms = ids
        .map((s) => ctx.state.vms.get(Number(s)))
        .filter((vm): vm is OneVm => vm !== undefined && poolFilter(ctx, -2)(vm));
      const render = extended ? vmXml : vmShortXml;
      return `<VM_POOL>${range(ctx.state, vms, -1, -1)
        .map((vm) => render(ctx.state, vm))
        .join("")}</VM_POOL>`;
    },
  },
};
