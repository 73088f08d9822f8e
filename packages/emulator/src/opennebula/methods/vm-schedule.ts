/**
 * VM scheduled actions, guest exec and VM group membership:
 * `one.vm.{schedadd,schedupdate,scheddelete}` (6.8+ scheduled-action objects: global ids, the VM's
 * SCHED_ACTIONS list and TEMPLATE/SCHED_ACTION; due actions run on the emulator clock),
 * `one.vm.{exec,retryexec,cancelexec}` (7.2+, TEMPLATE/QEMU_GA_EXEC) and
 * `one.vm.{vmgroupadd,vmgroupdel}` (7.4, TEMPLATE/VMGROUP).
 */
import { failures, OneFailure } from "../errors.js";
import type { OneVm, OpenNebulaState, VmSchedAction, VmTimer } from "../state.js";
import { getVectors, parseTemplate, type Template, TemplateSyntaxError } from "../template.js";
import { VM_ACTIONS } from "../vm-actions.js";
import { vmAction } from "../vm-state-machine.js";
import { isRunning, stateName, VmState } from "../vm-states.js";
import { scheduleVm } from "../vm-steps.js";
import { authorize, type Ctx, int, lookup, type MethodDef, str } from "./context.js";
import { checkLock } from "./lock.js";
import { execStatus, getVm } from "./vm.js";
import { startBackup } from "./vm-backup.js";
import { vmHotplugMethods } from "./vm-hotplug.js";

/** `ScheduledAction::VM_ACTIONS`: what a VM's SCHED_ACTION may do. */
export const SCHED_VM_ACTIONS = [
  "terminate",
  "terminate-hard",
  "undeploy",
  "undeploy-hard",
  "hold",
  "release",
  "stop",
  "suspend",
  "resume",
  "reboot",
  "reboot-hard",
  "poweroff",
  "poweroff-hard",
  "snapshot-create",
  "snapshot-revert",
  "snapshot-delete",
  "disk-snapshot-create",
  "disk-snapshot-revert",
  "disk-snapshot-delete",
  "backup",
] as const;

const REPEAT = { NONE: -1, WEEKLY: 0, MONTHLY: 1, YEARLY: 2, HOURLY: 3 } as const;
const END = { NONE: -1, NEVER: 0, TIMES: 1, DATE: 2 } as const;

/** A template parse error is INTERNAL for the scheduled-action calls (oned's `parse_str_or_xml`). */
function parseOrInternal(text: string): Template {
  try {
    return parseTemplate(text);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw failures.internal(e.message);
    throw e;
  }
}

/** istringstream `>>` into an integer that must consume the whole value. */
function wholeInt(text: string): number | null {
  return /^\s*[+-]?\d+$/.test(text) ? Number(text) : null;
}

/** `VectorAttribute::vector_value(name, int&)`: absent or not an integer → undefined. */
function intValue(v: Record<string, string>, name: string): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = wholeInt(raw);
  return n === null ? undefined : n;
}

/** `one_util::split_unique<int>(DAYS, ',')`: the distinct integers, sorted. */
function daysOf(days: string): number[] {
  const set = new Set<number>();
  for (const part of days.split(",")) {
    const n = wholeInt(part.trim());
    if (n !== null) set.add(n);
  }
  return [...set].sort((a, b) => a - b);
}

/** `ScheduledAction::days_in_range`: the error, or null. */
function daysError(repeat: number, days: string): string | null {
  const d = daysOf(days);
  if (d.length === 0) return "Scheduled Action repeat set, but DAYS are empty";
  const first = d[0]!;
  const last = d.at(-1)!;
  const ranges: Record<number, [number, number, string]> = {
    [REPEAT.WEEKLY]: [0, 7, "Days in a week have to be in [0,6] range"],
    [REPEAT.MONTHLY]: [1, 32, "Days in a month have to be in [1,31] range"],
    [REPEAT.YEARLY]: [0, 366, "Days in a year have to be in [0,365] range"],
    [REPEAT.HOURLY]: [1, 168, "Hours have to be in [0,168] range"],
  };
  const [lo, hi, message] = ranges[repeat]!;
  const extra = repeat === REPEAT.HOURLY && d.length !== 1;
  return first < lo || last >= hi || extra ? message : null;
}

/**
 * `ScheduledAction::parse` over `sa` (a new action, or a copy of one being updated: attributes not
 * given keep their values). TIME is seconds, or `+seconds` after the VM's STIME. Returns the error.
 */
function parseSchedAction(sa: VmSchedAction, v: Record<string, string>, origin: number): string | null {
  const action = v.ACTION;
  if (action !== undefined && action !== "") {
    if (!(SCHED_VM_ACTIONS as readonly string[]).includes(action)) return `${action} is not supported.`;
    sa.action = action;
  }
  if (sa.action === "") return "No ACTION in template for Scheduled Action.";
  const timeText = v.TIME ?? "";
  if (timeText !== "") {
    const relative = timeText.startsWith("+");
    const n = wholeInt(relative ? timeText.slice(1) : timeText);
    sa.time = n === null ? -1 : n + (relative ? origin : 0);
  }
  if (sa.time === -1) return `Unable to parse the time value or value is empty: ${timeText}`;
  const repeat = intValue(v, "REPEAT");
  if (repeat !== undefined) {
    if (repeat < REPEAT.NONE || repeat > REPEAT.HOURLY) return `Wrong REPEAT value: ${repeat}`;
    sa.repeat = repeat;
  }
  if (sa.repeat === REPEAT.NONE) sa.days = "";
  else if (v.DAYS !== undefined) {
    sa.days = v.DAYS;
    const error = daysError(sa.repeat, sa.days);
    if (error) return error;
  } else if (sa.days === "") return "Repeat set, but DAYS are empty";
  const endType = intValue(v, "END_TYPE");
  if (endType !== undefined) {
    if (endType < END.NONE || endType > END.DATE) return `Wrong END_TYPE value: ${endType}`;
    sa.endType = endType;
  }
  if (sa.endType <= END.NEVER) sa.endValue = -1;
  else {
    const endValue = intValue(v, "END_VALUE");
    if (endValue !== undefined) {
      sa.endValue = endValue;
      if (sa.endType === END.TIMES && endValue < 0)
        return "Error parsing END_VALUE, times has to be greater or equal to 0";
    }
  }
  if (v.ARGS !== undefined) sa.args = v.ARGS;
  const warning = intValue(v, "WARNING");
  if (warning !== undefined) sa.warning = warning;
  return null;
}

/** The SCHED_ACTION vector of a call's template. */
function schedVector(text: string, code: "action" | "internal"): Record<string, string> {
  const v = getVectors(parseOrInternal(text), "SCHED_ACTION")[0];
  if (!v) throw failures[code]("No SCHED_ACTION attribute in template");
  return v;
}

/** Whether the action will not run again (END_TYPE reached, or already done for its TIME). */
function finished(sa: VmSchedAction): boolean {
  if (sa.done !== -1 && sa.done >= sa.time) return true;
  if (sa.endType === END.TIMES) return sa.endValue <= 0;
  if (sa.endType === END.DATE) return sa.time > sa.endValue;
  return false;
}

function daysInPeriod(repeat: number, date: Date): number {
  const year = date.getUTCFullYear();
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (repeat === REPEAT.WEEKLY) return 7;
  if (repeat === REPEAT.YEARLY) return 365 + leap;
  return new Date(Date.UTC(year, date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** `ScheduledAction::next_action` (in UTC): marks the run, moves TIME to the next repetition. */
function nextAction(sa: VmSchedAction, now: number): void {
  sa.done = now;
  if (sa.repeat === REPEAT.NONE) return;
  const days = daysOf(sa.days);
  if (days.length === 0) return;
  if (sa.endType === END.TIMES) {
    if (sa.endValue <= 0) return;
    sa.endValue--;
  } else if (sa.endType === END.DATE && now > sa.endValue) return;
  if (sa.repeat === REPEAT.HOURLY) {
    do sa.time += days[0]! * 3600;
    while (sa.time < now);
    return;
  }
  const date = new Date(now * 1000);
  const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const cday =
    sa.repeat === REPEAT.WEEKLY
      ? date.getUTCDay()
      : sa.repeat === REPEAT.MONTHLY
        ? date.getUTCDate()
        : Math.floor((now * 1000 - startOfYear) / 86_400_000);
  const first = days[0]!;
  const last = days.at(-1)!;
  let delta: number;
  if (cday < first) delta = first - cday;
  else if (cday >= last) delta = daysInPeriod(sa.repeat, date) - cday + first;
  else delta = days.find((d) => d > cday)! - cday;
  sa.time += delta * 86_400;
}

/** The state as of clock time `at` (what a due action sees while `sync` catches up). */
function stateAt(state: OpenNebulaState, at: number): OpenNebulaState {
  return Object.create(state, { clock: { value: { now: () => at } } }) as OpenNebulaState;
}

/** Runs one scheduled action as oned's scheduler does (as oneadmin); returns the error or "". */
function runSchedAction(state: OpenNebulaState, vm: OneVm, sa: VmSchedAction): string {
  const oneadmin = state.users.get(0);
  const args = sa.args.split(",").map((a) => a.trim());
  const num = (i: number, def: number) => {
    const n = wholeInt(args[i] ?? "");
    return n === null ? def : n;
  };
  try {
    if ((VM_ACTIONS as readonly string[]).includes(sa.action)) vmAction(state, vm, sa.action);
    else if (sa.action === "backup") {
      const reset = ["1", "YES", "TRUE"].includes((args[1] ?? "").toUpperCase());
      startBackup(state, vm, num(0, -1), reset);
    } else if (oneadmin) {
      const ctx: Ctx = { state, method: `sched ${sa.action}`, user: oneadmin, admin: true };
      const call = (method: string, params: Array<number | string>) =>
        vmHotplugMethods[method]?.run({ ...ctx, method }, [vm.id, ...params]);
      switch (sa.action) {
        case "snapshot-create":
          call("one.vm.snapshotcreate", [args[0] ?? ""]);
          break;
        case "snapshot-revert":
          call("one.vm.snapshotrevert", [num(0, -1)]);
          break;
        case "snapshot-delete":
          call("one.vm.snapshotdelete", [num(0, -1)]);
          break;
        case "disk-snapshot-create":
          call("one.vm.disksnapshotcreate", [num(0, 0), args[1] ?? ""]);
          break;
        case "disk-snapshot-revert":
          call("one.vm.disksnapshotrevert", [num(0, 0), num(1, -1)]);
          break;
        case "disk-snapshot-delete":
          call("one.vm.disksnapshotdelete", [num(0, 0), num(1, -1)]);
          break;
      }
    }
    return "";
  } catch (e) {
    if (e instanceof OneFailure) return e.message;
    return e instanceof Error ? e.message : String(e);
  }
}

/** When a pending action runs: at its TIME, or when it was added/updated if TIME was already past. */
function dueAt(sa: VmSchedAction): number {
  return Math.max(sa.time * 1000, sa.since ?? Number.NEGATIVE_INFINITY);
}

/** Due scheduled actions run at their TIME on the emulator clock (DONE, MESSAGE, next TIME); given to the state by opennebula/create-state.ts. */
export const scheduledActionsTimer: VmTimer = {
  next(vm) {
    if (vm.state === VmState.DONE || !vm.schedActions) return Number.POSITIVE_INFINITY;
    let at = Number.POSITIVE_INFINITY;
    for (const sa of vm.schedActions) if (!finished(sa)) at = Math.min(at, dueAt(sa));
    return at;
  },
  fire(state, vm, at) {
    const now = Math.floor(at / 1000);
    const then = stateAt(state, at);
    for (const sa of vm.schedActions ?? []) {
      if (finished(sa) || dueAt(sa) > at) continue;
      const error = vm.state === VmState.DONE ? "" : runSchedAction(then, vm, sa);
      sa.message = error === "" ? "" : `${new Date(at).toUTCString()} : ${error}`;
      nextAction(sa, Math.max(now, sa.time));
    }
  },
  // allocate/instantiate: the template's SCHED_ACTIONs become objects (TemplateAPI::instantiate).
  onCreate(state, vm) {
    // An empty or non-vector SCHED_ACTION (`<SCHED_ACTION/>` in an XML template, which once
    // restarted oned, OpenNebula/one#6580, docs/reference/opennebula/ISSUES.md #15) reads as a section without ACTION.
    const vectors = vm.template
      .filter(([k]) => k === "SCHED_ACTION")
      .map(([, v]) => (typeof v === "string" ? {} : v));
    if (vectors.length === 0) return;
    const created = vectors.map((v) => {
      const sa = newSchedAction();
      const error = parseSchedAction(sa, v, vm.stime);
      if (error) throw failures.internal(error);
      return sa;
    });
    for (const sa of created) {
      sa.since = state.clock.now();
      sa.id = state.nextId.schedAction ?? 0;
      state.nextId.schedAction = sa.id + 1;
    }
    vm.schedActions = created;
    vm.template = vm.template.filter(([k]) => k !== "SCHED_ACTION");
  },
};

function newSchedAction(): VmSchedAction {
  return {
    id: -1,
    action: "",
    args: "",
    time: -1,
    repeat: REPEAT.NONE,
    days: "",
    endType: END.NONE,
    endValue: -1,
    done: -1,
    message: "",
    warning: 0,
  };
}

function schedOf(vm: OneVm, schedId: number): VmSchedAction | undefined {
  return vm.schedActions?.find((sa) => sa.id === schedId);
}

/** `one.vm.exec`/`retryexec`: a command for the guest agent of a RUNNING VM. */
function startExec(ctx: Ctx, vm: OneVm, command: string, stdin: string): number {
  if (!isRunning(vm))
    throw failures.action(`Could not execute command on VM ${vm.id}, wrong state ${stateName(vm)}.`, vm.id);
  if (vm.exec && execStatus(ctx.state, vm.exec) === "EXECUTING")
    throw failures.action(
      `Could not execute command on VM ${vm.id}, a command is already being executed.`,
      vm.id,
    );
  vm.exec = {
    command,
    stdin,
    pid: (vm.exec?.pid ?? 999) + 1,
    startedAt: ctx.state.clock.now(),
    cancelled: false,
  };
  return vm.id;
}

function vmGroupOf(vm: OneVm): Record<string, string> | undefined {
  return getVectors(vm.template, "VMGROUP")[0];
}

export const vmScheduleMethods: Record<string, MethodDef> = {
  "one.vm.schedadd": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      if (vm.state === VmState.DONE)
        throw new OneFailure(
          0x2000,
          `Unable to create Scheduled Action for Virtual Machine ${vm.id}, it's in DONE state`,
          vm.id,
        );
      const v = schedVector(text as string, "action");
      const sa = newSchedAction();
      const error = parseSchedAction(sa, v, vm.stime);
      if (error) throw failures.action(error);
      sa.since = ctx.state.clock.now();
      sa.id = ctx.state.nextId.schedAction ?? 0;
      ctx.state.nextId.schedAction = sa.id + 1;
      vm.schedActions = [...(vm.schedActions ?? []), sa];
      scheduleVm(ctx.state, vm);
      return sa.id;
    },
  },
  "one.vm.schedupdate": {
    params: [int(), int(), str()],
    run(ctx, [id, schedId, text]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const v = schedVector(text as string, "internal");
      const sa = schedOf(vm, schedId as number);
      if (!sa) throw failures.internal(`SCHED_ACTION with id = ${schedId} doesn't exist`);
      const next = { ...sa };
      const error = parseSchedAction(next, v, vm.stime);
      if (error) throw failures.internal(error);
      Object.assign(sa, next, { since: ctx.state.clock.now() });
      scheduleVm(ctx.state, vm);
      return sa.id;
    },
  },
  "one.vm.scheddelete": {
    params: [int(), int()],
    run(ctx, [id, schedId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const sa = schedOf(vm, schedId as number);
      if (!sa) throw failures.noExists("scheduled action", schedId as number);
      vm.schedActions = (vm.schedActions ?? []).filter((x) => x !== sa);
      return vm.id;
    },
  },
  "one.vm.exec": {
    params: [int(), str(), str()],
    run(ctx, [id, command, stdin]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      return startExec(ctx, vm, command as string, stdin as string);
    },
  },
  "one.vm.retryexec": {
    params: [int()],
    run(ctx, [id]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      if (!vm.exec)
        throw failures.action(`Could not execute command on VM ${vm.id}, no command to retry.`, vm.id);
      return startExec(ctx, vm, vm.exec.command, vm.exec.stdin);
    },
  },
  "one.vm.cancelexec": {
    params: [int()],
    run(ctx, [id]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      if (!vm.exec || execStatus(ctx.state, vm.exec) !== "EXECUTING")
        throw failures.action(
          `Could not cancel command on VM ${vm.id}, no command is being executed.`,
          vm.id,
        );
      vm.exec.cancelled = true;
      return vm.id;
    },
  },
  "one.vm.vmgroupadd": {
    params: [int(), int(), str()],
    run(ctx, [id, vmgId, role]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const group = lookup(ctx.state.vmgroups, vmgId as number, "vm group");
      authorize(ctx, group, "USE", "VMGROUP");
      checkLock(ctx, group, "USE", "VMGROUP");
      if (vm.state === VmState.DONE)
        throw failures.action(`Could not add VM ${vm.id} to VM group, wrong state ${stateName(vm)}.`, vm.id);
      const current = vmGroupOf(vm);
      if (current) throw failures.action(`VM ${vm.id} is already in VM group ${current.VMGROUP_ID}`, vm.id);
      if (!group.roles.some((r) => r.name === role))
        throw failures.action(`Role ${role} does not exist in VM group ${group.id}`, vm.id);
      vm.template.push(["VMGROUP", { ROLE: role as string, VMGROUP_ID: String(group.id) }]);
      return vm.id;
    },
  },
  "one.vm.vmgroupdel": {
    params: [int()],
    run(ctx, [id]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      if (!vmGroupOf(vm)) throw failures.action(`VM ${vm.id} is not in a VM group`, vm.id);
      vm.template = vm.template.filter(([k]) => k !== "VMGROUP");
      return vm.id;
    },
  },
};
