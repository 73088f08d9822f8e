/**
 * Placement: the scheduler's choice of a host for a PENDING VM (the schedulable host with room
 * that runs the fewest VMs; none: SCHED_MESSAGE and another look later), `one.vm.deploy` on a
 * given host, and the deployment itself (PROLOG → BOOT → RUNNING in a new history record).
 */
import { failures } from "./errors.js";
import { capacityFailure, fits, hostUsage, schedulable, takeCapacity } from "./host-capacity.js";
import type { OneHost, OneVm, OpenNebulaState } from "./state.js";
import { setAttr } from "./template.js";
import { volatileDiskInfo } from "./vm-disks.js";
import { addHistory } from "./vm-history.js";
import { LcmState, stateName, VmState } from "./vm-states.js";
import { scheduleVm, setVmState } from "./vm-steps.js";

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

/** The scheduler's look at a PENDING VM at `at`: deployed on the best host, or looked at again later. */
export function place(state: OpenNebulaState, vm: OneVm, at: number): void {
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

/** VM states `one.vm.deploy` accepts. */
const DEPLOYABLE: number[] = [VmState.PENDING, VmState.HOLD, VmState.STOPPED, VmState.UNDEPLOYED];

/** `one.vm.deploy`: only from PENDING, HOLD, STOPPED or UNDEPLOYED; capacity checked with `enforce`. */
export function manualDeploy(state: OpenNebulaState, vm: OneVm, host: OneHost, enforce: boolean): void {
  if (!DEPLOYABLE.includes(vm.state)) {
    throw failures.action(`Deploy action is not available for state ${stateName(vm)}`, vm.id);
  }
  if (enforce && !fits(state, host, vm))
    throw capacityFailure(host, vm, Math.round(vm.cpu * 100), vm.memoryMb * 1024);
  deployVm(state, vm, host, state.clock.now());
}
