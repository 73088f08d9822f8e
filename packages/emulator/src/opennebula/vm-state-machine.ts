/**
 * `one.vm.action`: which action each VM state allows and the steps it puts the VM on
 * (LifeCycleManager / DispatchManager, simplified); terminate ends in DONE with the VM's leases,
 * images and capacity given back.
 */
import { failures } from "./errors.js";
import { releaseCapacity } from "./host-capacity.js";
import { keepDiskSnapshots } from "./image-ops.js";
import { nowSeconds, type OneVm, type OpenNebulaState, type StepHookFn } from "./state.js";
import { VM_ACTION_ID, VM_ACTIONS } from "./vm-actions.js";
import { releaseImage } from "./vm-disks.js";
import {
  copyHistory,
  epilogStart,
  markAction,
  type Requester,
  recomputeRequirements,
  requester,
  setHistoryAction,
} from "./vm-history.js";
import { releaseLease } from "./vm-leases.js";
import { LcmState, stateName, VmState } from "./vm-states.js";
import { run, scheduleVm, setVmState } from "./vm-steps.js";

/** DONE: leases back to their ranges, images released, capacity freed. */
export function finish(state: OpenNebulaState, vm: OneVm, at: number): void {
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

/** The step hooks that give back what a VM held, by kind. */
export const releaseStepHooks: Readonly<Record<string, StepHookFn>> = {
  finish: (state, vm, at) => finish(state, vm, at),
  "release-capacity": (state, vm, at) => releaseCapacity(state, vm, at),
};

/** VM states `terminate` ends with an EPILOG only (not running, its disks still on a host or datastore). */
const STOPPED_LIKE: number[] = [VmState.POWEROFF, VmState.SUSPENDED, VmState.STOPPED, VmState.UNDEPLOYED];

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
