/**
 * The OpenNebula state factory with the emulator's VM life cycle wired in: every step hook a VM
 * step may name and every timer besides steps is listed here, so that nothing depends on which
 * modules happen to be loaded (no module registers anything when imported).
 */
import { backupStepHooks } from "./methods/vm-backup.js";
import { diskStepHooks } from "./methods/vm-devices.js";
import { scheduledActionsTimer } from "./methods/vm-schedule.js";
import {
  newOpenNebulaState,
  type OpenNebulaState,
  type OpenNebulaStateOptions,
  type StepHookFn,
  type VmLifecycleHooks,
} from "./state.js";
import { historyStepHooks } from "./vm-history.js";
import { releaseStepHooks } from "./vm-state-machine.js";

/** The emulator's step hooks (by kind; a kind given twice is an error) and timers. */
export function vmLifecycleHooks(): VmLifecycleHooks {
  const stepHooks = new Map<string, StepHookFn>();
  for (const group of [historyStepHooks, releaseStepHooks, diskStepHooks, backupStepHooks])
    for (const [kind, fn] of Object.entries(group)) {
      if (stepHooks.has(kind)) throw new Error(`step hook "${kind}" given twice`);
      stepHooks.set(kind, fn);
    }
  return { stepHooks, timers: [scheduledActionsTimer] };
}

/** Creates an OpenNebula state: users/groups always; the reference topology unless `empty`. */
export function createOpenNebulaState(options: OpenNebulaStateOptions = {}): OpenNebulaState {
  return newOpenNebulaState(vmLifecycleHooks(), options);
}
