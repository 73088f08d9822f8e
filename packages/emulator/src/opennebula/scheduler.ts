/**
 * The VM life cycle on the emulator clock (DispatchManager + LifeCycleManager + scheduler,
 * simplified): {@link sync} applies every due transition in time order — image copies that end,
 * VM steps and their hooks, the timers besides steps, the scheduler's placement of PENDING VMs —
 * and {@link reindex} rebuilds the derived indexes after a World snapshot is restored.
 */
import { agendaPeek, agendaPop } from "./agenda.js";
import { completeImageOp } from "./image-ops.js";
import type { OpenNebulaState } from "./state.js";
import { place } from "./vm-placement.js";
import { nextAt, ownAt, runStepHook, scheduleVm, setVmState } from "./vm-steps.js";

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
    if (nextAt(state, due) !== top.at || state.vms.get(due.id) !== due) continue; // stale entry
    const timer =
      ownAt(due) === top.at ? undefined : state.lifecycle.timers.find((t) => t.next(due) === top.at);
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
