/**
 * A VM's history records (VirtualMachine::add_history / cp_history / set_action,
 * DispatchManager::close_cp_history) and who asked for the action a record carries.
 */
import { randomInt } from "node:crypto";
import {
  nowSeconds,
  type OneHost,
  type OneVm,
  type OpenNebulaState,
  type StepHookFn,
  type VmHistory,
} from "./state.js";
import { VM_ACTION_ID } from "./vm-actions.js";
import { VmState } from "./vm-states.js";

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
export function setHistoryAction(h: VmHistory, action: number, by?: Requester): void {
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
export function recomputeRequirements(vm: OneVm): void {
  if (vm.tmMadSystem !== undefined) vm.requirementsTmMad = vm.tmMadSystem;
}

/** The current record's action, when the VM has one (the LCM actions' set_action). */
export function markAction(vm: OneVm, action: number, by: Requester): void {
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
export function addHistory(state: OpenNebulaState, vm: OneVm, host: OneHost, sec: number): VmHistory {
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
export function copyHistory(vm: OneVm, sec: number): VmHistory | undefined {
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

/** LifeCycleManager::trigger_deploy_success from a BOOT state: the record's action is done (clear_action). */
function bootSuccess(vm: OneVm): void {
  const h = vm.history.at(-1);
  if (h === undefined) return;
  setHistoryAction(h, VM_ACTION_ID.NONE);
  h.etime = 0;
  h.retime = 0;
}

/** The step hooks that write history records (and the deploy ID), by kind. */
export const historyStepHooks: Readonly<Record<string, StepHookFn>> = {
  deployed: (_state, vm) => {
    if (vm.deployId === "") vm.deployId = `one-${vm.id}`;
    bootSuccess(vm);
  },
  booted: (_state, vm) => bootSuccess(vm),
  /** Live migration done (trigger_deploy_success in MIGRATE): the previous record ends, the new one runs. */
  migrated: (_state, vm, at) => {
    const sec = Math.floor(at / 1000);
    const [prev, h] = vm.history.slice(-2);
    if (prev === undefined || h === undefined) return;
    prev.etime = sec;
    prev.retime = sec;
    h.rstime = sec;
  },
  /** The VM stopped running on its host (poweroff_success, suspend_success: RETIME). */
  "running-end": (_state, vm, at) => {
    const h = vm.history.at(-1);
    if (h && h.retime === 0) h.retime = Math.floor(at / 1000);
  },
  /** EPILOG starts (save/shutdown success, or at once from POWEROFF…): ESTIME, and RETIME when still running. */
  "epilog-start": (_state, vm, at) => epilogStart(vm, at),
  /** start_prolog_migrate: the previous record ends, the new one's PROLOG starts. */
  "prolog-migrate": (_state, vm, at) => {
    const sec = Math.floor(at / 1000);
    const [prev, h] = vm.history.slice(-2);
    if (prev === undefined || h === undefined) return;
    prev.etime = sec;
    if (prev.retime === 0) prev.retime = sec;
    h.pstime = sec;
  },
};

/** EPILOG starts: ESTIME, and RETIME when the VM was still running. */
export function epilogStart(vm: OneVm, at: number): void {
  const h = vm.history.at(-1);
  if (h === undefined) return;
  const sec = Math.floor(at / 1000);
  h.estime = sec;
  if (h.retime === 0) h.retime = sec;
}
