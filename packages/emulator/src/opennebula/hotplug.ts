/**
 * Hot-plug and other short operations on a VM: it holds an LCM state while the operation runs,
 * then comes back where it was (RUNNING, POWEROFF, …) and the operation's hook runs.
 */
import { failures } from "./errors.js";
import type { OneVm, OpenNebulaState, StepHook } from "./state.js";
import { LcmState, stateName, VmState } from "./vm-states.js";
import { run } from "./vm-steps.js";

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
