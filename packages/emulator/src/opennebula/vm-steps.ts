/**
 * A VM's timed steps: its state moves (setVmState), the plan of steps an operation puts it on
 * (run), the agenda entry for its next due transition (scheduleVm) and the hook a reached step
 * runs. The hooks and the timers besides steps are the state's own (`state.lifecycle`, given by
 * its factory in opennebula/create-state.ts); a step naming a hook the state does not have is an
 * error.
 */
import { agendaPush } from "./agenda.js";
import type { OneVm, OpenNebulaState, StepHook } from "./state.js";
import { VmState } from "./vm-states.js";

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

/** Puts the VM's next due transition (a step, or the scheduler's look at a PENDING VM) on the agenda. */
export function scheduleVm(state: OpenNebulaState, vm: OneVm): void {
  const at = nextAt(state, vm);
  if (at !== Number.POSITIVE_INFINITY) agendaPush(state.agenda, at, vm);
}

/** When the VM's own next transition is due: its first step, or the scheduler's look at it while PENDING. */
export function ownAt(vm: OneVm): number {
  if (vm.steps.length > 0) return vm.steps[0]!.at;
  if (vm.state === VmState.PENDING && vm.schedAt !== null && vm.resched === 0) return vm.schedAt;
  return Number.POSITIVE_INFINITY;
}

/** When the VM next has something due: its own step or look, or one of its timers. */
export function nextAt(state: OpenNebulaState, vm: OneVm): number {
  let at = ownAt(vm);
  for (const t of state.lifecycle.timers) at = Math.min(at, t.next(vm));
  return at;
}

/** Runs what a reached step's hook does; a hook kind the state was not given is an error. */
export function runStepHook(state: OpenNebulaState, vm: OneVm, at: number, hook: StepHook): void {
  const fn = state.lifecycle.stepHooks.get(hook.kind);
  if (fn === undefined) throw new Error(`VM ${vm.id}: no step hook "${hook.kind}" in this OpenNebula state`);
  fn(state, vm, at, hook.arg);
}

export type Plan = Array<{ after: number; state: number; lcm: number; hook?: StepHook }>;

/** Moves the VM to `first` now and puts it on `plan`, each step `after` ms after the one before. */
export function run(
  state: OpenNebulaState,
  vm: OneVm,
  first: { state: number; lcm: number },
  plan: Plan,
): void {
  const now = state.clock.now();
  setVmState(state, vm, first.state, first.lcm);
  let at = now;
  vm.steps = plan.map((p) => {
    at += p.after;
    return { at, state: p.state, lcm: p.lcm, ...(p.hook === undefined ? {} : { hook: p.hook }) };
  });
  scheduleVm(state, vm);
}
