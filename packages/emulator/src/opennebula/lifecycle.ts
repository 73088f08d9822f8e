/**
 * The VM life cycle (DispatchManager + LifeCycleManager + scheduler, simplified): states and LCM
 * states move on the emulator clock through timed steps applied by {@link sync} in time order.
 * A PENDING VM is placed by the scheduler on the host with free CPU and memory that runs the fewest
 * VMs; stop/undeploy/terminate free the capacity, terminate frees leases and images too.
 */
import { randomInt, randomUUID } from "node:crypto";
import { agendaPeek, agendaPop, agendaPush } from "./agenda.js";
import { failures } from "./errors.js";
import { completeImageOp, keepDiskSnapshots } from "./image-ops.js";
import { checkVmQuota } from "./quotas.js";
import {
  type AddressRange,
  DEFAULT_PERMISSIONS,
  nowSeconds,
  numberToIp,
  numberToMac,
  type OneDatastore,
  type OneHost,
  type OneImage,
  type OneUser,
  type OneVm,
  type OpenNebulaState,
  type StepHook,
  type VmDisk,
  type VmHistory,
  type VmNic,
} from "./state.js";
import { getAttr, getVectors, setAttr, type Template } from "./template.js";
import { DEFAULT_DEVICE_PREFIX, INHERIT_DATASTORE_ATTR, TM_MAD_CONF } from "./tm-mad-conf.js";
import { LcmState, stateName, VmState } from "./vm-states.js";

export { stateName, VM_STATES } from "./vm-states.js";

/**
 * Moves the VM to `s`/`lcm`. PREV_STATE / PREV_LCM_STATE follow as oned 7.4 stores them:
 * VirtualMachinePool::update calls set_prev_state() before every write, so an answer always shows
 * the state the VM was written in, which is the current one.
 */
export function setVmState(state: OpenNebulaState, vm: OneVm, s: number, lcm: number): void {
  if (vm.state === s && vm.lcm === lcm) return;
  vm.state = s;
  vm.lcm = lcm;
  vm.prevState = s;
  vm.prevLcm = lcm;
  state.emit({ type: "vm-state", vm, state: s, lcm });
}

// --- history records (VirtualMachine::add_history / cp_history / set_action, DispatchManager::close_cp_history)

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

/** Who asked (RequestAttributes: the caller's UID and GID, a random REQUEST_ID per request). */
export interface Requester {
  uid: number;
  gid: number;
  reqId: number;
}

/** The requester of a call by `user` (a new REQUEST_ID, 0…9999 as oned draws it). */
export function requester(user: { id: number; gid: number }): Requester {
  return { uid: user.id, gid: user.gid, reqId: randomInt(0, 10_000) };
}

/** VirtualMachine::set_action on a record; without `by`, clear_action / set_internal_action (nobody asked). */
function setHistoryAction(h: VmHistory, action: number, by?: Requester): void {
  h.action = action;
  h.uid = by?.uid ?? -1;
  h.gid = by?.gid ?? -1;
  h.reqId = by?.reqId ?? -1;
}

/**
 * VirtualMachine::automatic_requirements, recomputed (migrate, release, resume from STOPPED /
 * UNDEPLOYED, resched): a VM that has a TM_MAD_SYSTEM (it was deployed) asks for it in its system
 * datastore requirements from then on.
 */
function recomputeRequirements(vm: OneVm): void {
  if (vm.tmMadSystem !== undefined) vm.requirementsTmMad = vm.tmMadSystem;
}

/** The current record's action, when the VM has one (the LCM actions' set_action). */
function markAction(vm: OneVm, action: number, by: Requester): void {
  const h = vm.history.at(-1);
  if (h) setHistoryAction(h, action, by);
}

/**
 * The system datastore a VM placed on `host` uses (the deploy's ds_id -1: the first enabled
 * SYSTEM_DS of the host's cluster, as VirtualMachineAPI::deploy picks it).
 */
function systemDatastore(state: OpenNebulaState, host: OneHost): { id: number; tmMad: string } {
  const systems = [...state.datastores.values()]
    .filter((d) => d.type === 1 && d.clusterIds.includes(host.clusterId))
    .sort((a, b) => a.id - b.id);
  const ds = systems.find((d) => d.state === 0) ?? systems[0];
  return ds === undefined ? { id: 0, tmMad: "ceph" } : { id: ds.id, tmMad: ds.tmMad };
}

/** VirtualMachine::add_history: a new record on `host` opened at `sec` (PLAN_ID -2, nobody's action). */
function addHistory(state: OpenNebulaState, vm: OneVm, host: OneHost, sec: number): VmHistory {
  const ds = systemDatastore(state, host);
  const h: VmHistory = {
    seq: vm.history.length,
    hostId: host.id,
    hostname: host.name,
    clusterId: host.clusterId,
    dsId: ds.id,
    vmMad: host.vmMad,
    tmMad: ds.tmMad,
    stime: sec,
    etime: 0,
    pstime: 0,
    petime: 0,
    rstime: 0,
    retime: 0,
    estime: 0,
    eetime: 0,
    action: VM_ACTION_ID.NONE,
    uid: -1,
    gid: -1,
    reqId: -1,
  };
  vm.history.push(h);
  return h;
}

/**
 * VirtualMachine::cp_history: ends the current record at `sec` (ETIME) and opens a copy of it on the
 * same host and datastore from `sec` (STIME and RSTIME), with no action yet.
 */
function copyHistory(vm: OneVm, sec: number): VmHistory | undefined {
  const prev = vm.history.at(-1);
  if (prev === undefined) return undefined;
  prev.etime = sec;
  const h: VmHistory = {
    ...prev,
    seq: prev.seq + 1,
    stime: sec,
    etime: 0,
    pstime: 0,
    petime: 0,
    rstime: sec,
    retime: 0,
    estime: 0,
    eetime: 0,
  };
  setHistoryAction(h, VM_ACTION_ID.NONE);
  vm.history.push(h);
  return h;
}

/**
 * DispatchManager::close_cp_history, what oned does for every hot-plug, disk snapshot, resize,
 * backup, PCI and exec request on a VM that has a host: the current record ends now with the
 * request's action and requester, and a copy starts now carrying the action the record had before
 * (nobody's); a VM that was not running (its RETIME set) stays so in the copy. An UNDEPLOYED VM
 * (no host) or one never deployed keeps its records.
 */
export function closeCopyHistory(state: OpenNebulaState, vm: OneVm, action: number, by: Requester): void {
  const prev = vm.history.at(-1);
  if (prev === undefined || vm.state === VmState.UNDEPLOYED) return;
  const sec = nowSeconds(state);
  const notRunning = prev.retime !== 0;
  if (!notRunning) prev.retime = sec;
  const before = prev.action;
  setHistoryAction(prev, action, by);
  const h = copyHistory(vm, sec)!;
  h.action = before;
  if (notRunning) h.retime = sec;
}

function hostUsage(_state: OpenNebulaState, host: OneHost): { cpu: number; memKb: number; vms: number } {
  return { cpu: host.usedCpu, memKb: host.usedMemKb, vms: host.vmIds.size };
}

export function hostShare(state: OpenNebulaState, host: OneHost) {
  return hostUsage(state, host);
}

function takeCapacity(state: OpenNebulaState, vm: OneVm, host: OneHost): void {
  if (vm.holdsCapacity) releaseCapacityOf(state, vm);
  vm.hostId = host.id;
  vm.holdsCapacity = true;
  host.usedCpu += Math.round(vm.cpu * 100);
  host.usedMemKb += vm.memoryMb * 1024;
  host.vmIds.add(vm.id);
}

function releaseCapacityOf(state: OpenNebulaState, vm: OneVm): void {
  if (!vm.holdsCapacity) return;
  vm.holdsCapacity = false;
  const host = vm.hostId === null ? undefined : state.hosts.get(vm.hostId);
  if (!host) return;
  host.usedCpu -= Math.round(vm.cpu * 100);
  host.usedMemKb -= vm.memoryMb * 1024;
  host.vmIds.delete(vm.id);
}

/** Puts the VM's next due transition (a step, or the scheduler's look at a PENDING VM) on the agenda. */
export function scheduleVm(state: OpenNebulaState, vm: OneVm): void {
  const at = nextAt(vm);
  if (at !== Number.POSITIVE_INFINITY) agendaPush(state.agenda, at, vm);
}

/** Hosts the scheduler may use: monitored, enabled, reachable. */
function schedulable(host: OneHost): boolean {
  return host.state === 2 && host.adminStatus === 0 && host.reachable;
}

function fits(state: OpenNebulaState, host: OneHost, vm: OneVm): boolean {
  const u = hostUsage(state, host);
  return u.cpu + Math.round(vm.cpu * 100) <= host.totalCpu && u.memKb + vm.memoryMb * 1024 <= host.totalMemKb;
}

/** Starts the deployment of `vm` on `host` at clock time `at`: PROLOG → BOOT → RUNNING, in a new history record. */
export function deployVm(state: OpenNebulaState, vm: OneVm, host: OneHost, at: number): void {
  const t = state.timings;
  const sec = Math.floor(at / 1000);
  takeCapacity(state, vm, host);
  vm.schedAt = null;
  vm.userTemplate = vm.userTemplate.filter(([k]) => k !== "SCHED_MESSAGE");
  const prev = vm.history.at(-1);
  if (prev && prev.etime === 0) prev.etime = sec;
  const h = addHistory(state, vm, host, sec);
  vm.tmMadSystem ??= h.tmMad;
  h.pstime = sec;
  h.petime = Math.floor((at + t.prolog) / 1000);
  h.rstime = h.petime;
  volatileDiskInfo(state, vm.disks, h.dsId);
  setVmState(state, vm, VmState.ACTIVE, LcmState.PROLOG);
  vm.steps = [
    { at: at + t.prolog, state: VmState.ACTIVE, lcm: LcmState.BOOT },
    { at: at + t.prolog + t.boot, state: VmState.ACTIVE, lcm: LcmState.RUNNING, hook: { kind: "deployed" } },
  ];
  scheduleVm(state, vm);
}

function place(state: OpenNebulaState, vm: OneVm, at: number): void {
  const candidates = [...state.hosts.values()].filter((h) => schedulable(h) && fits(state, h, vm));
  candidates.sort((a, b) => hostUsage(state, a).vms - hostUsage(state, b).vms || a.id - b.id);
  const host = candidates[0];
  if (host) {
    deployVm(state, vm, host, at);
    return;
  }
  setAttr(
    vm.userTemplate,
    "SCHED_MESSAGE",
    `${new Date(at).toUTCString()} : Cannot dispatch VM: No host with enough capacity to deploy the VM`,
  );
  vm.schedAt = at + state.timings.schedule;
  scheduleVm(state, vm);
}

/**
 * Timed work on a VM besides its steps (scheduled actions): `next` is when it is due (clock ms,
 * +∞ none), `fire` does it and must move `next` past `at`. Registered by the method modules.
 */
export interface VmTimer {
  next(vm: OneVm): number;
  fire(state: OpenNebulaState, vm: OneVm, at: number): void;
  /** Takes what a new VM's template asks for (createVm, before the VM is stored; may throw a failure). */
  onCreate?(state: OpenNebulaState, vm: OneVm): void;
}
const vmTimers: VmTimer[] = [];
export function registerVmTimer(timer: VmTimer): void {
  vmTimers.push(timer);
}

function ownAt(vm: OneVm): number {
  if (vm.steps.length > 0) return vm.steps[0]!.at;
  if (vm.state === VmState.PENDING && vm.schedAt !== null && vm.resched === 0) return vm.schedAt;
  return Number.POSITIVE_INFINITY;
}

function nextAt(vm: OneVm): number {
  let at = ownAt(vm);
  for (const t of vmTimers) at = Math.min(at, t.next(vm));
  return at;
}

/** Applies every transition due by the clock's `now()`, in time order. Call before observing. */
export function sync(state: OpenNebulaState): void {
  const now = state.clock.now();
  for (const image of state.lockedImages) {
    if (image.readyAt !== null && image.readyAt <= now) {
      completeImageOp(state, image);
      image.prevState = image.state;
      image.state = image.vms.size > 0 ? (image.persistent ? 8 : 2) : 1;
      image.readyAt = null;
      state.lockedImages.delete(image);
    }
  }
  for (;;) {
    const top = agendaPeek(state.agenda);
    if (top === undefined || top.at > now) return;
    agendaPop(state.agenda);
    const due = top.vm;
    if (nextAt(due) !== top.at || state.vms.get(due.id) !== due) continue; // stale entry
    const timer = ownAt(due) === top.at ? undefined : vmTimers.find((t) => t.next(due) === top.at);
    if (timer) {
      timer.fire(state, due, top.at);
      scheduleVm(state, due);
    } else if (due.steps.length > 0) {
      const step = due.steps.shift()!;
      setVmState(state, due, step.state, step.lcm);
      if (step.hook !== undefined) runStepHook(state, due, step.at, step.hook);
      scheduleVm(state, due);
    } else {
      place(state, due, top.at);
    }
  }
}

function releaseCapacity(state: OpenNebulaState, vm: OneVm, at: number): void {
  releaseCapacityOf(state, vm);
  const h = vm.history.at(-1);
  if (h && h.etime === 0) {
    h.etime = Math.floor(at / 1000);
    h.eetime = h.etime;
  }
}

/** DONE: leases back to their ranges, images released, capacity freed. */
function finish(state: OpenNebulaState, vm: OneVm, at: number): void {
  releaseCapacity(state, vm, at);
  vm.etime = Math.floor(at / 1000);
  for (const nic of vm.nics) releaseLease(state, nic);
  for (const disk of vm.disks) {
    const image = disk.imageId === null ? undefined : state.images.get(disk.imageId);
    if (image) {
      keepDiskSnapshots(image, disk);
      releaseImage(image, vm.id);
    }
  }
}

type StepHookFn = (state: OpenNebulaState, vm: OneVm, at: number, arg: unknown) => void;
const stepHooks = new Map<string, StepHookFn>();

/** Registers what a step of `kind` does when reached (the method modules register theirs at load). */
export function registerStepHook(kind: string, fn: StepHookFn): void {
  stepHooks.set(kind, fn);
}

function runStepHook(state: OpenNebulaState, vm: OneVm, at: number, hook: StepHook): void {
  stepHooks.get(hook.kind)?.(state, vm, at, hook.arg);
}

/** LifeCycleManager::trigger_deploy_success from a BOOT state: the record's action is done (clear_action). */
function bootSuccess(vm: OneVm): void {
  const h = vm.history.at(-1);
  if (h === undefined) return;
  setHistoryAction(h, VM_ACTION_ID.NONE);
  h.etime = 0;
  h.retime = 0;
}

registerStepHook("deployed", (_state, vm) => {
  if (vm.deployId === "") vm.deployId = `one-${vm.id}`;
  bootSuccess(vm);
});
registerStepHook("booted", (_state, vm) => bootSuccess(vm));
/** Live migration done (trigger_deploy_success in MIGRATE): the previous record ends, the new one runs. */
registerStepHook("migrated", (_state, vm, at) => {
  const sec = Math.floor(at / 1000);
  const [prev, h] = vm.history.slice(-2);
  if (prev === undefined || h === undefined) return;
  prev.etime = sec;
  prev.retime = sec;
  h.rstime = sec;
});
/** The VM stopped running on its host (poweroff_success, suspend_success: RETIME). */
registerStepHook("running-end", (_state, vm, at) => {
  const h = vm.history.at(-1);
  if (h && h.retime === 0) h.retime = Math.floor(at / 1000);
});
/** EPILOG starts (save/shutdown success, or at once from POWEROFF…): ESTIME, and RETIME when still running. */
registerStepHook("epilog-start", (_state, vm, at) => epilogStart(vm, at));
/** start_prolog_migrate: the previous record ends, the new one's PROLOG starts. */
registerStepHook("prolog-migrate", (_state, vm, at) => {
  const sec = Math.floor(at / 1000);
  const [prev, h] = vm.history.slice(-2);
  if (prev === undefined || h === undefined) return;
  prev.etime = sec;
  if (prev.retime === 0) prev.retime = sec;
  h.pstime = sec;
});

function epilogStart(vm: OneVm, at: number): void {
  const h = vm.history.at(-1);
  if (h === undefined) return;
  const sec = Math.floor(at / 1000);
  h.estime = sec;
  if (h.retime === 0) h.retime = sec;
}
registerStepHook("finish", (state, vm, at) => finish(state, vm, at));
registerStepHook("release-capacity", (state, vm, at) => releaseCapacity(state, vm, at));

type Plan = Array<{ after: number; state: number; lcm: number; hook?: StepHook }>;

function run(state: OpenNebulaState, vm: OneVm, first: { state: number; lcm: number }, plan: Plan): void {
  const now = state.clock.now();
  setVmState(state, vm, first.state, first.lcm);
  let at = now;
  vm.steps = plan.map((p) => {
    at += p.after;
    return { at, state: p.state, lcm: p.lcm, ...(p.hook === undefined ? {} : { hook: p.hook }) };
  });
  scheduleVm(state, vm);
}

/** VM states `terminate` ends with an EPILOG only (not running, its disks still on a host or datastore). */
const STOPPED_LIKE: number[] = [VmState.POWEROFF, VmState.SUSPENDED, VmState.STOPPED, VmState.UNDEPLOYED];
/** VM states `one.vm.deploy` accepts. */
const DEPLOYABLE: number[] = [VmState.PENDING, VmState.HOLD, VmState.STOPPED, VmState.UNDEPLOYED];

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

/**
 * `one.vm.action`: throws an ACTION failure (message without the method prefix) when not allowed.
 * `by` asked for it (the history record's UID/GID/REQUEST_ID; by default the VM's owner, as a
 * scheduled action runs).
 */
export function vmAction(
  state: OpenNebulaState,
  vm: OneVm,
  action: string,
  by: Requester = requester({ id: vm.uid, gid: vm.gid }),
): void {
  if (!(VM_ACTIONS as readonly string[]).includes(action)) {
    throw failures.action(`Action "${action}" is not supported`);
  }
  const t = state.timings;
  const running = vm.state === VmState.ACTIVE && vm.lcm === LcmState.RUNNING;
  const unknown = vm.state === VmState.ACTIVE && vm.lcm === LcmState.UNKNOWN;
  const wrong = () => {
    throw failures.action(
      // no object ID in the answer (oned 7.4, conformance/opennebula-oned)
      `Error performing action "${action}": This action is not available for state ${stateName(vm)}`,
    );
  };
  const hard = action.endsWith("-hard");
  switch (action) {
    case "terminate":
    case "terminate-hard": {
      if (vm.state === VmState.PENDING || vm.state === VmState.HOLD) {
        setVmState(state, vm, VmState.DONE, LcmState.LCM_INIT);
        vm.steps = [];
        finish(state, vm, state.clock.now());
      } else if (running || (unknown && hard)) {
        markAction(vm, hard ? VM_ACTION_ID.TERMINATE_HARD : VM_ACTION_ID.TERMINATE, by);
        run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.SHUTDOWN }, [
          {
            after: hard ? 0 : t.shutdown,
            state: VmState.ACTIVE,
            lcm: LcmState.EPILOG,
            hook: { kind: "epilog-start" },
          },
          { after: t.epilog, state: VmState.DONE, lcm: LcmState.LCM_INIT, hook: { kind: "finish" } },
        ]);
      } else if (STOPPED_LIKE.includes(vm.state)) {
        markAction(vm, hard ? VM_ACTION_ID.TERMINATE_HARD : VM_ACTION_ID.TERMINATE, by);
        if (vm.state === VmState.POWEROFF || vm.state === VmState.SUSPENDED)
          epilogStart(vm, state.clock.now());
        run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.EPILOG }, [
          { after: t.epilog, state: VmState.DONE, lcm: LcmState.LCM_INIT, hook: { kind: "finish" } },
        ]);
      } else wrong();
      return;
    }
    case "poweroff":
    case "poweroff-hard":
      if (!running && !(unknown && hard)) wrong();
      markAction(vm, hard ? VM_ACTION_ID.POWEROFF_HARD : VM_ACTION_ID.POWEROFF, by);
      run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.SHUTDOWN_POWEROFF }, [
        {
          after: hard ? 0 : t.shutdown,
          state: VmState.POWEROFF,
          lcm: LcmState.LCM_INIT,
          hook: { kind: "running-end" },
        },
      ]);
      return;
    case "undeploy":
    case "undeploy-hard":
      if (!running && vm.state !== VmState.POWEROFF) wrong();
      markAction(vm, hard ? VM_ACTION_ID.UNDEPLOY_HARD : VM_ACTION_ID.UNDEPLOY, by);
      if (vm.state === VmState.POWEROFF) epilogStart(vm, state.clock.now());
      run(
        state,
        vm,
        {
          state: VmState.ACTIVE,
          lcm: vm.state === VmState.POWEROFF ? LcmState.EPILOG_UNDEPLOY : LcmState.SHUTDOWN_UNDEPLOY,
        },
        [
          ...(vm.state === VmState.POWEROFF
            ? []
            : [
                {
                  after: hard ? 0 : t.shutdown,
                  state: VmState.ACTIVE,
                  lcm: LcmState.EPILOG_UNDEPLOY,
                  hook: { kind: "epilog-start" },
                },
              ]),
          {
            after: t.epilog,
            state: VmState.UNDEPLOYED,
            lcm: LcmState.LCM_INIT,
            hook: { kind: "release-capacity" },
          },
        ],
      );
      return;
    case "stop":
      if (!running) wrong();
      markAction(vm, VM_ACTION_ID.STOP, by);
      run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.SAVE_STOP }, [
        { after: t.save, state: VmState.ACTIVE, lcm: LcmState.EPILOG_STOP, hook: { kind: "epilog-start" } },
        {
          after: t.epilog,
          state: VmState.STOPPED,
          lcm: LcmState.LCM_INIT,
          hook: { kind: "release-capacity" },
        },
      ]);
      return;
    case "suspend":
      if (!running) wrong();
      markAction(vm, VM_ACTION_ID.SUSPEND, by);
      run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.SAVE_SUSPEND }, [
        { after: t.save, state: VmState.SUSPENDED, lcm: LcmState.LCM_INIT, hook: { kind: "running-end" } },
      ]);
      return;
    case "resume":
      if (vm.state === VmState.POWEROFF || vm.state === VmState.SUSPENDED) {
        // restart / restore: the record ends, a copy on the same host carries the RESUME until it runs
        const h = copyHistory(vm, nowSeconds(state));
        if (h) setHistoryAction(h, VM_ACTION_ID.RESUME, by);
        run(
          state,
          vm,
          {
            state: VmState.ACTIVE,
            lcm: vm.state === VmState.POWEROFF ? LcmState.BOOT_POWEROFF : LcmState.BOOT_SUSPENDED,
          },
          [{ after: t.boot, state: VmState.ACTIVE, lcm: LcmState.RUNNING, hook: { kind: "booted" } }],
        );
      } else if (vm.state === VmState.STOPPED || vm.state === VmState.UNDEPLOYED) {
        recomputeRequirements(vm);
        submit(state, vm);
      } else wrong();
      return;
    case "reboot":
    case "reboot-hard":
      if (!running) wrong();
      return;
    case "hold":
      if (vm.state !== VmState.PENDING) wrong();
      setVmState(state, vm, VmState.HOLD, LcmState.LCM_INIT);
      vm.schedAt = null;
      return;
    case "release":
      if (vm.state !== VmState.HOLD) wrong();
      recomputeRequirements(vm);
      submit(state, vm);
      return;
    case "resched":
    case "unresched":
      if (!running && vm.state !== VmState.POWEROFF) wrong();
      vm.resched = action === "resched" ? 1 : 0;
      if (action === "resched") recomputeRequirements(vm);
      return;
  }
}

/** Puts a VM in PENDING for the scheduler. */
export function submit(state: OpenNebulaState, vm: OneVm): void {
  setVmState(state, vm, VmState.PENDING, LcmState.LCM_INIT);
  vm.steps = [];
  vm.schedAt = state.clock.now() + state.timings.schedule;
  scheduleVm(state, vm);
}

/** `one.vm.deploy`: only from PENDING, HOLD, STOPPED or UNDEPLOYED; capacity checked with `enforce`. */
export function manualDeploy(state: OpenNebulaState, vm: OneVm, host: OneHost, enforce: boolean): void {
  if (!DEPLOYABLE.includes(vm.state)) {
    throw failures.action(`Deploy action is not available for state ${stateName(vm)}`, vm.id);
  }
  if (enforce && !fits(state, host, vm))
    throw capacityFailure(host, vm, Math.round(vm.cpu * 100), vm.memoryMb * 1024);
  deployVm(state, vm, host, state.clock.now());
}

/** The ACTION message of a capacity check (`one.vm.deploy`/`migrate`/`resize` with enforce). */
function capacityFailure(host: OneHost, vm: OneVm, cpu: number, memKb: number) {
  return failures.action(
    `Host [${host.id}] does not have enough capacity. CPU: ${host.totalCpu - host.usedCpu}/${cpu} MEMORY: ${host.totalMemKb - host.usedMemKb}/${memKb}`,
    vm.id,
  );
}

/**
 * `one.vm.migrate`: RUNNING (live: MIGRATE → RUNNING; cold: SAVE_MIGRATE, or a shutdown for
 * migration_type 1/2, → PROLOG_MIGRATE → BOOT_MIGRATE → RUNNING), POWEROFF / SUSPENDED
 * (PROLOG_MIGRATE_POWEROFF / _SUSPEND, back to the same state) and UNKNOWN (PROLOG_MIGRATE_UNKNOWN
 * → BOOT → RUNNING). The capacity moves to the target at once; a new history record is opened.
 */
export function migrateVm(
  state: OpenNebulaState,
  vm: OneVm,
  host: OneHost,
  opts: { live: boolean; enforce: boolean; type: number },
  by: Requester = requester({ id: vm.uid, gid: vm.gid }),
): void {
  const running = vm.state === VmState.ACTIVE && vm.lcm === LcmState.RUNNING;
  const unknown = vm.state === VmState.ACTIVE && vm.lcm === LcmState.UNKNOWN;
  const ok = opts.live
    ? running
    : running || unknown || vm.state === VmState.POWEROFF || vm.state === VmState.SUSPENDED;
  if (!ok || vm.hostId === null)
    throw failures.action(`Migrate action is not available for state ${stateName(vm)}`, vm.id);
  if (vm.hostId === host.id)
    throw failures.action(`VM is already running on host [${host.id}] and datastore [0]`, vm.id);
  if (opts.enforce && !fits(state, host, vm))
    throw capacityFailure(host, vm, Math.round(vm.cpu * 100), vm.memoryMb * 1024);
  const t = state.timings;
  const now = state.clock.now();
  const sec = Math.floor(now / 1000);
  const prev = vm.history.at(-1);
  recomputeRequirements(vm);
  takeCapacity(state, vm, host);
  // the request's action goes on the record being left (LifeCycleManager::trigger_migrate /
  // trigger_live_migrate: set_previous_action), except from POWEROFF / SUSPENDED, where the new
  // record carries MIGRATE and the old one keeps what stopped it
  const action = opts.live
    ? VM_ACTION_ID.LIVE_MIGRATE
    : running && opts.type === 1
      ? VM_ACTION_ID.POFF_MIGRATE
      : running && opts.type === 2
        ? VM_ACTION_ID.POFF_HARD_MIGRATE
        : VM_ACTION_ID.MIGRATE;
  const h = addHistory(state, vm, host, sec);
  if (prev && (running || unknown)) setHistoryAction(prev, action, by);
  if (opts.live) {
    run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.MIGRATE }, [
      { after: t.save, state: VmState.ACTIVE, lcm: LcmState.RUNNING, hook: { kind: "migrated" } },
    ]);
  } else if (running) {
    const first = opts.type === 0 ? LcmState.SAVE_MIGRATE : LcmState.SHUTDOWN_POWEROFF;
    const firstDelay = opts.type === 0 ? t.save : opts.type === 1 ? t.shutdown : 0;
    setHistoryAction(h, action, by);
    run(state, vm, { state: VmState.ACTIVE, lcm: first }, [
      {
        after: firstDelay,
        state: VmState.ACTIVE,
        lcm: LcmState.PROLOG_MIGRATE,
        hook: { kind: "prolog-migrate" },
      },
      { after: t.prolog, state: VmState.ACTIVE, lcm: LcmState.BOOT_MIGRATE },
      { after: t.boot, state: VmState.ACTIVE, lcm: LcmState.RUNNING, hook: { kind: "booted" } },
    ]);
  } else {
    // PROLOG_MIGRATE_POWEROFF / _SUSPEND / _UNKNOWN: the old record ends now
    if (prev) {
      prev.etime = sec;
      if (prev.retime === 0) prev.retime = sec;
    }
    setHistoryAction(h, VM_ACTION_ID.MIGRATE, by);
    h.pstime = sec;
    h.petime = Math.floor((now + t.prolog) / 1000);
    if (unknown) {
      h.rstime = h.petime;
      run(state, vm, { state: VmState.ACTIVE, lcm: LcmState.PROLOG_MIGRATE_UNKNOWN }, [
        { after: t.prolog, state: VmState.ACTIVE, lcm: LcmState.BOOT },
        { after: t.boot, state: VmState.ACTIVE, lcm: LcmState.RUNNING, hook: { kind: "booted" } },
      ]);
    } else {
      const back = vm.state;
      const lcm =
        back === VmState.POWEROFF ? LcmState.PROLOG_MIGRATE_POWEROFF : LcmState.PROLOG_MIGRATE_SUSPEND;
      h.rstime = sec;
      h.retime = sec;
      run(state, vm, { state: VmState.ACTIVE, lcm }, [
        { after: t.prolog, state: back, lcm: LcmState.LCM_INIT },
      ]);
    }
  }
}

/** VM states `one.vm.resize` accepts: PENDING, HOLD, POWEROFF, UNDEPLOYED, CLONING, CLONING_FAILURE. */
const RESIZABLE: number[] = [
  VmState.PENDING,
  VmState.HOLD,
  VmState.POWEROFF,
  VmState.UNDEPLOYED,
  VmState.CLONING,
  VmState.CLONING_FAILURE,
];

/**
 * `one.vm.resize`: new CPU / VCPU / MEMORY (each optional) from a template. In POWEROFF the VM
 * still holds its host's capacity, so with `enforce` the host must fit the difference.
 */
export function resizeVm(
  state: OpenNebulaState,
  vm: OneVm,
  tmpl: Template,
  enforce: boolean,
  by: Requester = requester({ id: vm.uid, gid: vm.gid }),
): void {
  if (!RESIZABLE.includes(vm.state))
    throw failures.action(`Cannot resize a VM in state ${stateName(vm)}`, vm.id);
  const fail = (msg: string) => failures.action(msg, vm.id);
  const cpuText = getAttr(tmpl, "CPU");
  const memText = getAttr(tmpl, "MEMORY");
  const vcpuText = getAttr(tmpl, "VCPU");
  const cpu = cpuText === undefined ? vm.cpu : positiveNumber(cpuText);
  if (cpu === null) throw fail("CPU attribute must be a positive float or integer value.");
  const memory = memText === undefined ? vm.memoryMb : positiveNumber(memText);
  if (memory === null || !Number.isInteger(memory))
    throw fail("MEMORY attribute must be a positive integer value.");
  const vcpu = vcpuText === undefined ? vm.vcpu : positiveNumber(vcpuText);
  if (vcpu === null || !Number.isInteger(vcpu))
    throw fail("VCPU attribute must be a positive integer value.");
  const host = vm.holdsCapacity && vm.hostId !== null ? state.hosts.get(vm.hostId) : undefined;
  const dCpu = Math.round(cpu * 100) - Math.round(vm.cpu * 100);
  const dMem = (memory - vm.memoryMb) * 1024;
  if (host && enforce && vm.state === VmState.POWEROFF) {
    if (host.usedCpu + dCpu > host.totalCpu || host.usedMemKb + dMem > host.totalMemKb)
      throw capacityFailure(host, vm, dCpu, dMem);
  }
  if (host) {
    host.usedCpu += dCpu;
    host.usedMemKb += dMem;
  }
  vm.cpu = cpu;
  vm.memoryMb = memory;
  vm.vcpu = vcpu;
  // DispatchManager::resize: a VM on a host (POWEROFF here) gets a new history record
  if (vm.state === VmState.POWEROFF) closeCopyHistory(state, vm, VM_ACTION_ID.RESIZE, by);
}

/** Host unreachable: ERROR, and its active VMs to UNKNOWN; back: MONITORED and UNKNOWN VMs RUNNING. */
export function setHostReachable(state: OpenNebulaState, hostName: string, up: boolean): OneHost {
  sync(state);
  const host = [...state.hosts.values()].find((h) => h.name === hostName);
  if (!host) throw new Error(`no OpenNebula host named "${hostName}"`);
  if (host.reachable === up) return host;
  host.reachable = up;
  if (host.adminStatus === 0) {
    host.prevState = host.state;
    host.state = up ? 2 : 3;
    state.emit({ type: "host-state", host, state: host.state });
  }
  for (const vm of state.vms.values()) {
    if (vm.hostId !== host.id || vm.state !== VmState.ACTIVE) continue;
    if (!up && vm.lcm !== LcmState.UNKNOWN) {
      vm.steps = [];
      setVmState(state, vm, VmState.ACTIVE, LcmState.UNKNOWN);
    } else if (up && vm.lcm === LcmState.UNKNOWN) {
      setVmState(state, vm, VmState.ACTIVE, LcmState.RUNNING);
    }
  }
  return host;
}

function positiveNumber(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/**
 * Creates a VM from a template (allocate/instantiate): CPU/MEMORY checked, DISKs bound to images
 * (USED), NICs given leases from their networks. Throws an ALLOCATE failure for a bad template.
 */
/**
 * The contextualization CD is a disk too: oned gives CONTEXT the next DISK_ID after the VM's disks
 * (so a disk attached later gets the one after it) and an hd target.
 */
function withContextDisk(t: Template, diskCount: number): Template {
  const context = t.find(([k]) => k === "CONTEXT");
  if (context !== undefined && typeof context[1] !== "string")
    context[1] = { ...context[1], DISK_ID: String(diskCount), TARGET: "hda" };
  return t;
}

/**
 * VirtualMachineContext.cc's NETWORK_CONTEXT and NETWORK6_CONTEXT: [context name, NIC attribute,
 * its alternative, whether the address range and the network are looked up when the NIC has none].
 */
const NETWORK_CONTEXT: ReadonlyArray<[string, string, string, boolean]> = [
  ["IP", "IP", "", false],
  ["MAC", "MAC", "", false],
  ["MASK", "NETWORK_MASK", "", true],
  ["NETWORK", "NETWORK_ADDRESS", "", true],
  ["GATEWAY", "GATEWAY", "", true],
  ["DNS", "DNS", "", true],
  ["SEARCH_DOMAIN", "SEARCH_DOMAIN", "", true],
  ["MTU", "GUEST_MTU", "", true],
  ["METRIC", "METRIC", "", true],
  ["METHOD", "METHOD", "", true],
  ["VLAN_ID", "VLAN_ID", "", true],
  ["VROUTER_IP", "VROUTER_IP", "", false],
  ["VROUTER_MANAGEMENT", "VROUTER_MANAGEMENT", "", false],
  ["EXTERNAL", "EXTERNAL", "", false],
  ["ROUTES", "ROUTES", "", true],
  ["IP6", "IP6_GLOBAL", "IP6", false],
  ["IP6_ULA", "IP6_ULA", "", false],
  ["IP6_GATEWAY", "GATEWAY6", "", true],
  ["IP6_METRIC", "IP6_METRIC", "", true],
  ["IP6_METHOD", "IP6_METHOD", "", true],
  ["IP6_PREFIX_LENGTH", "PREFIX_LENGTH", "", true],
  ["VROUTER_IP6", "VROUTER_IP6_GLOBAL", "VROUTER_IP6", false],
];

/**
 * VirtualMachine::generate_network_context: with CONTEXT NETWORK="YES", ETH<NIC_ID>_* for every
 * NIC (oned writes them at allocation and again when a NIC is attached or detached): the NIC's own
 * value, else `$NETWORK[…]`'s — the NIC's address range, then its network's template — else empty.
 */
export function setNetworkContext(state: OpenNebulaState, template: Template, nics: VmNic[]): void {
  const entry = template.find(([k]) => k === "CONTEXT");
  if (entry === undefined || typeof entry[1] === "string") return;
  const context = Object.fromEntries(Object.entries(entry[1]).filter(([k]) => !/^ETH\d+_/.test(k)));
  if ((context.NETWORK ?? "").toUpperCase() === "YES")
    for (const nic of [...nics].sort((a, b) => a.nicId - b.nicId)) {
      const vnet = state.vnets.get(nic.networkId);
      const ar = vnet?.ars.find((a) => a.id === nic.arId);
      for (const [name, attr, alt, lookUp] of NETWORK_CONTEXT) {
        let value = nic.attrs[attr] ?? "";
        if (value === "" && alt !== "") value = nic.attrs[alt] ?? "";
        if (value === "" && lookUp)
          value = ar?.extra[attr] || (vnet === undefined ? "" : (getAttr(vnet.template, attr) ?? ""));
        context[`ETH${nic.nicId}_${name}`] = value;
      }
    }
  entry[1] = context;
}

/** The DISK_ID the CONTEXT disk holds, if any (see withContextDisk). */
export function contextDiskId(vm: OneVm): number | undefined {
  const context = vm.template.find(([k]) => k === "CONTEXT")?.[1];
  const id = typeof context === "string" || context === undefined ? undefined : context.DISK_ID;
  return id === undefined ? undefined : Number(id);
}

/** oned gives every VM an OS/UUID (the libvirt domain UUID) at allocation. */
function withOsUuid(t: Template): Template {
  const os = t.find(([k]) => k === "OS");
  if (os === undefined) return [...t, ["OS", { UUID: randomUUID() }]];
  if (typeof os[1] !== "string" && os[1].UUID === undefined) os[1] = { ...os[1], UUID: randomUUID() };
  return t;
}

/** The rules of the NICs' security groups as SECURITY_GROUP_RULE vectors, each group once (as oned). */
function withSecurityGroupRules(state: OpenNebulaState, t: Template, nics: VmNic[]): Template {
  const ids = new Set(
    nics.flatMap((n) => (n.attrs.SECURITY_GROUPS ?? "").split(",").filter((x) => /^\d+$/.test(x.trim()))),
  );
  for (const id of [...ids].map(Number).sort((x, y) => x - y)) {
    const sg = state.secgroups.get(id);
    if (sg === undefined) continue;
    for (const rule of getVectors(sg.template, "RULE"))
      t.push([
        "SECURITY_GROUP_RULE",
        { ...rule, SECURITY_GROUP_ID: String(sg.id), SECURITY_GROUP_NAME: sg.name },
      ]);
  }
  return t;
}

export function createVm(
  state: OpenNebulaState,
  owner: OneUser,
  tmpl: Template,
  options: { hold: boolean; name?: string; templateId?: number | null },
): OneVm {
  const fail = (msg: string) => failures.allocate("virtual machine", msg);
  const cpu = positiveNumber(getAttr(tmpl, "CPU"));
  if (cpu === null) throw fail("CPU attribute must be a positive float or integer value.");
  const memory = positiveNumber(getAttr(tmpl, "MEMORY"));
  if (memory === null || !Number.isInteger(memory))
    throw fail("MEMORY attribute must be a positive integer value.");
  const vcpuText = getAttr(tmpl, "VCPU");
  const vcpu = vcpuText === undefined ? 1 : positiveNumber(vcpuText);
  if (vcpu === null || !Number.isInteger(vcpu))
    throw fail("VCPU attribute must be a positive integer value.");
  const id = state.nextId.vm;
  const images: OneImage[] = [];
  const disks = getVectors(tmpl, "DISK").map((d, diskId) => {
    const built = buildDisk(state, d, diskId, fail);
    if (built.image) images.push(built.image);
    return built.disk;
  });
  assignDiskTargets(disks, new Set(getVectors(tmpl, "CONTEXT").length > 0 ? ["hda"] : []));
  checkVmQuota(state, owner, { cpu, memoryMb: memory, disks });
  // Leases are taken only once every NIC has found one, so a failure leaves the ranges untouched.
  const taken: Array<{ ar: AddressRange; index: number; prevNext: number }> = [];
  try {
    const nics = getVectors(tmpl, "NIC").map((n, nicId) => leaseNic(state, id, n, nicId, taken, fail));
    const now = state.clock.now();
    const vm: OneVm = {
      id,
      name: options.name || getAttr(tmpl, "NAME") || `one-${id}`,
      uid: owner.id,
      gid: owner.gid,
      permissions: [...DEFAULT_PERMISSIONS],
      state: options.hold ? VmState.HOLD : VmState.PENDING,
      lcm: LcmState.LCM_INIT,
      prevState: options.hold ? VmState.HOLD : VmState.PENDING,
      prevLcm: LcmState.LCM_INIT,
      resched: 0,
      stime: Math.floor(now / 1000),
      etime: 0,
      deployId: "",
      cpu,
      vcpu,
      memoryMb: memory,
      template: withSecurityGroupRules(
        state,
        withContextDisk(
          withOsUuid(tmpl.filter(([k]) => !["NAME", "CPU", "VCPU", "MEMORY", "DISK", "NIC"].includes(k))),
          disks.length,
        ),
        nics,
      ),
      userTemplate: [],
      disks,
      nics,
      templateId: options.templateId ?? null,
      hostId: null,
      history: [],
      steps: [],
      schedAt: options.hold ? null : now + state.timings.schedule,
      holdsCapacity: false,
      lock: null,
    };
    setNetworkContext(state, vm.template, nics);
    for (const t of vmTimers) t.onCreate?.(state, vm);
    state.nextId.vm++;
    for (const image of images) useImage(image, id);
    state.vms.set(id, vm);
    scheduleVm(state, vm);
    return vm;
  } catch (e) {
    for (const { ar, index, prevNext } of taken.reverse()) {
      ar.leases.delete(index);
      ar.next = prevNext;
    }
    throw e;
  }
}

/** A DISK vector bound to its image (or a volatile disk); throws `fail(msg)` for a missing or busy image. */
export function buildDisk(
  state: OpenNebulaState,
  d: Record<string, string>,
  diskId: number,
  fail: (msg: string) => Error,
  /** The VM's TM_MAD_SYSTEM once deployed (a disk attached then carries it). */
  tmMadSystem?: string,
): { disk: VmDisk; image: OneImage | undefined } {
  let image: OneImage | undefined;
  const base: Record<string, string> = { ...d };
  if (tmMadSystem !== undefined) base.TM_MAD_SYSTEM = tmMadSystem;
  else delete base.TM_MAD_SYSTEM;
  if (d.IMAGE_ID !== undefined) image = state.images.get(Number(d.IMAGE_ID));
  else if (d.IMAGE !== undefined) image = [...state.images.values()].find((i) => i.name === d.IMAGE);
  else
    return {
      disk: {
        diskId,
        imageId: null,
        attrs: {
          ...base,
          TYPE: d.TYPE ?? "fs",
          SIZE: d.SIZE ?? "1024",
          DEV_PREFIX: d.DEV_PREFIX ?? DEFAULT_DEVICE_PREFIX,
          DISK_ID: String(diskId),
        },
      },
      image: undefined,
    };
  if (!image) throw fail(`Error getting image [${d.IMAGE_ID ?? d.IMAGE}].`);
  if (![1, 2].includes(image.state) || (image.persistent && image.vms.size > 0)) {
    throw fail(
      `Cannot use image [${image.id}] in state ${["INIT", "READY", "USED", "DISABLED", "LOCKED", "ERROR"][image.state] ?? image.state}.`,
    );
  }
  const ds = state.datastores.get(image.datastoreId);
  const cdrom = image.type === 1;
  const immutable = getAttr(image.template, "PERSISTENT_TYPE")?.toUpperCase() === "IMMUTABLE";
  const format = image.format.toLowerCase();
  // Image::disk_attribute
  const attrs: Record<string, string> = {
    ...base,
    ...(cdrom
      ? {}
      : { DEV_PREFIX: d.DEV_PREFIX ?? getAttr(image.template, "DEV_PREFIX") ?? DEFAULT_DEVICE_PREFIX }),
    DISK_ID: String(diskId),
    IMAGE: image.name,
    IMAGE_ID: String(image.id),
    SOURCE: image.source,
    ORIGINAL_SIZE: String(image.sizeMb),
    SIZE: d.SIZE ?? String(image.sizeMb),
    DISK_SNAPSHOT_TOTAL_SIZE: String((image.snapshots ?? []).reduce((n, sn) => n + sn.sizeMb, 0)),
    ...(format === "" ? {} : { DRIVER: format, FORMAT: format }),
    IMAGE_STATE: String(image.persistent ? 8 : 2),
    ...(cdrom || immutable
      ? { SAVE: "NO", CLONE: "NO", READONLY: "YES" }
      : {
          READONLY:
            d.READONLY ?? (getAttr(image.template, "READONLY")?.toUpperCase() === "YES" ? "YES" : "NO"),
          ...(image.persistent
            ? { PERSISTENT: "YES", CLONE: "NO", SAVE: "YES" }
            : { CLONE: "YES", SAVE: "NO" }),
        }),
    TYPE: ds?.diskType === 3 ? (cdrom ? "RBD_CDROM" : "RBD") : cdrom ? "CDROM" : "FILE",
  };
  const imageTarget = getAttr(image.template, "TARGET");
  if (d.TARGET === undefined && imageTarget !== undefined) attrs.TARGET = imageTarget;
  if (ds !== undefined) Object.assign(attrs, datastoreDiskAttributes(ds, attrs));
  return { image, disk: { diskId, imageId: image.id, attrs } };
}

/**
 * Datastore::disk_attribute: what a disk takes from its datastore (the image's, or the system
 * datastore for a volatile disk): DATASTORE, DATASTORE_ID, TM_MAD, CLUSTER_ID, the datastore's
 * CLONE_TARGET / LN_TARGET and the INHERIT_DATASTORE_ATTR attributes the disk does not have; a
 * volatile disk also its DISK_TYPE and DRIVER / FORMAT (raw unless the driver names one).
 */
function datastoreDiskAttributes(ds: OneDatastore, disk: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {
    DATASTORE: ds.name,
    DATASTORE_ID: String(ds.id),
    TM_MAD: ds.tmMad,
    CLUSTER_ID: ds.clusterIds.join(","),
  };
  for (const name of ["CLONE_TARGET", "LN_TARGET"]) {
    const value = getAttr(ds.template, name);
    if (value !== undefined && value !== "" && disk[name] === undefined) out[name] = value;
  }
  for (const name of INHERIT_DATASTORE_ATTR) {
    const value = getAttr(ds.template, name);
    if (value !== undefined && value !== "" && (disk[name] ?? "") === "") out[name] = value;
  }
  if (disk.IMAGE_ID === undefined) {
    const type = (disk.TYPE ?? "").toUpperCase();
    if ((disk.DISK_TYPE ?? "") === "" && out.DISK_TYPE === undefined)
      out.DISK_TYPE = ["FILE", "CD_ROM", "BLOCK", "RBD"][ds.diskType] ?? "FILE";
    if (type !== "CDROM") {
      const driver = TM_MAD_CONF[ds.tmMad]?.DRIVER ?? getAttr(ds.template, "DRIVER") ?? "";
      const chosen = type === "FS" ? driver || disk.FORMAT || "raw" : "raw";
      out.DRIVER = chosen;
      out.FORMAT = type === "FS" && driver === "" && disk.FORMAT ? disk.FORMAT : chosen;
    }
  }
  return out;
}

/**
 * VirtualMachineDisks::volatile_info (at deploy, and for a disk attached to a deployed VM): the
 * VM's volatile disks take the system datastore's attributes.
 */
export function volatileDiskInfo(state: OpenNebulaState, disks: VmDisk[], systemDsId: number): void {
  const ds = state.datastores.get(systemDsId);
  if (ds === undefined) return;
  for (const disk of disks)
    if (disk.imageId === null) disk.attrs = { ...disk.attrs, ...datastoreDiskAttributes(ds, disk.attrs) };
}

/**
 * VirtualMachineDisks::assign_disk_targets: each disk without a TARGET gets the first free one of
 * its DEV_PREFIX (`vda`, `sda`…), the CONTEXT disk's `hda` included.
 */
export function assignDiskTargets(disks: VmDisk[], used: Set<string> = new Set()): void {
  for (const disk of disks) if (disk.attrs.TARGET !== undefined) used.add(disk.attrs.TARGET);
  for (const disk of disks) {
    if (disk.attrs.TARGET !== undefined) continue;
    const prefix = disk.attrs.DEV_PREFIX ?? DEFAULT_DEVICE_PREFIX;
    let i = 0;
    while (used.has(`${prefix}${String.fromCharCode(97 + i)}`)) i++;
    disk.attrs.TARGET = `${prefix}${String.fromCharCode(97 + i)}`;
    used.add(disk.attrs.TARGET);
  }
}

/** Marks an image as used by a VM (READY → USED / USED_PERS). */
export function useImage(image: OneImage, vmId: number): void {
  image.vms.add(vmId);
  if (image.state === 1) {
    image.prevState = 1;
    image.state = image.persistent ? 8 : 2;
  }
}

/** Gives an image back (USED → READY once no VM holds it). */
export function releaseImage(image: OneImage, vmId: number): void {
  image.vms.delete(vmId);
  if (image.vms.size === 0 && (image.clones?.length ?? 0) === 0 && (image.state === 2 || image.state === 8)) {
    image.prevState = image.state;
    image.state = 1;
  }
}

/** A NIC vector with a lease from its network (oned's NEXT_INDEX search); recorded in `taken` for rollback. */
export function leaseNic(
  state: OpenNebulaState,
  vmId: number,
  n: Record<string, string>,
  nicId: number,
  taken: Array<{ ar: AddressRange; index: number; prevNext: number }>,
  fail: (msg: string) => Error,
): VmNic {
  const net =
    n.NETWORK_ID !== undefined
      ? state.vnets.get(Number(n.NETWORK_ID))
      : [...state.vnets.values()].find((v) => v.name === n.NETWORK);
  if (!net) throw fail(`Error getting virtual network [${n.NETWORK_ID ?? n.NETWORK}].`);
  for (const ar of net.ars) {
    for (let k = 0; k < ar.size; k++) {
      const index = (ar.next + k) % ar.size;
      if (ar.leases.has(index)) continue;
      ar.leases.set(index, { vm: vmId });
      taken.push({ ar, index, prevNext: ar.next });
      ar.next = (index + 1) % ar.size;
      const ip = ar.ip === null ? null : numberToIp(ar.ip + index);
      const mac = numberToMac(ar.mac + index);
      return {
        nicId,
        networkId: net.id,
        arId: ar.id,
        index,
        ip,
        mac,
        attrs: {
          // what oned 7.4 adds to a leased NIC besides the lease (conformance/opennebula-oned)
          NAME: `NIC${nicId}`,
          ...n,
          BRIDGE_TYPE: "linux",
          CLUSTER_ID: String(net.clusterIds[0] ?? 0),
          SECURITY_GROUPS: n.SECURITY_GROUPS ?? getAttr(net.template, "SECURITY_GROUPS") ?? "0",
          AR_ID: String(ar.id),
          BRIDGE: net.bridge,
          ...(ip === null ? {} : { IP: ip }),
          MAC: mac,
          NETWORK: net.name,
          NETWORK_ID: String(net.id),
          NIC_ID: String(nicId),
          TARGET: `one-${vmId}-${nicId}`,
          VN_MAD: net.vnMad,
        },
      };
    }
  }
  throw fail(`Cannot get IP/MAC lease from virtual network ${net.id}.`);
}

/** Gives a NIC's lease back to its address range. */
export function releaseLease(state: OpenNebulaState, nic: VmNic): void {
  state.vnets
    .get(nic.networkId)
    ?.ars.find((a) => a.id === nic.arId)
    ?.leases.delete(nic.index);
}

/**
 * A hot-plug operation on a RUNNING (`lcm` while it lasts; -1: not while running) or POWEROFF
 * (`poweroffLcm`; null: not while powered off) VM: the
 * VM is in that LCM state for `timings.hotplug`, then back where it was. Throws ACTION `message`
 * otherwise.
 */
export function hotplug(
  state: OpenNebulaState,
  vm: OneVm,
  lcm: number,
  poweroffLcm: number | null,
  message: string,
  opts: { after?: number; hook?: StepHook } = {},
): void {
  const running = vm.state === VmState.ACTIVE && vm.lcm === LcmState.RUNNING && lcm >= 0;
  if (!running && !(poweroffLcm !== null && vm.state === VmState.POWEROFF))
    throw failures.action(`${message}, wrong state ${stateName(vm)}.`, vm.id);
  const back = running
    ? { state: VmState.ACTIVE, lcm: LcmState.RUNNING }
    : { state: VmState.POWEROFF, lcm: LcmState.LCM_INIT };
  run(state, vm, { state: VmState.ACTIVE, lcm: running ? lcm : poweroffLcm! }, [
    {
      after: opts.after ?? state.timings.hotplug,
      ...back,
      ...(opts.hook === undefined ? {} : { hook: opts.hook }),
    },
  ]);
}

/**
 * An operation that holds the VM in ACTIVE/`lcm` for `duration` ms and then puts it back where it
 * was (RUNNING, or POWEROFF/UNDEPLOYED/SUSPENDED/STOPPED); `onBack` runs when it is back. The
 * caller has checked the state.
 */
export function passThrough(
  state: OpenNebulaState,
  vm: OneVm,
  lcm: number,
  duration: number,
  onBack?: StepHook,
): void {
  const back =
    vm.state === VmState.ACTIVE
      ? { state: VmState.ACTIVE, lcm: vm.lcm }
      : { state: vm.state, lcm: LcmState.LCM_INIT };
  run(state, vm, { state: VmState.ACTIVE, lcm }, [
    { after: duration, ...back, ...(onBack === undefined ? {} : { hook: onBack }) },
  ]);
}

export { nowSeconds };

/**
 * Rebuilds the derived indexes from the objects themselves — the agenda of pending transitions,
 * the images being copied, each host's held capacity — after the World restores a snapshot into
 * the state (VM steps and their hooks are data: they run after a restore as they would have).
 */
export function reindex(state: OpenNebulaState): void {
  state.agenda.heap = [];
  state.agenda.seq = 0;
  for (const host of state.hosts.values()) {
    host.usedCpu = 0;
    host.usedMemKb = 0;
    host.vmIds = new Set();
  }
  for (const vm of state.vms.values()) {
    const host = vm.hostId === null ? undefined : state.hosts.get(vm.hostId);
    if (vm.holdsCapacity && host) {
      host.usedCpu += Math.round(vm.cpu * 100);
      host.usedMemKb += vm.memoryMb * 1024;
      host.vmIds.add(vm.id);
    }
    scheduleVm(state, vm);
  }
  state.lockedImages.clear();
  for (const image of state.images.values()) if (image.readyAt !== null) state.lockedImages.add(image);
}
