/**
 * `one.vm.migrate` (live or cold, from RUNNING, POWEROFF, SUSPENDED or UNKNOWN) and
 * `one.vm.resize` (CPU / VCPU / MEMORY, with the host's capacity checked under enforce).
 */
import { failures } from "./errors.js";
import { capacityFailure, fits, takeCapacity } from "./host-capacity.js";
import type { OneHost, OneVm, OpenNebulaState } from "./state.js";
import { getAttr, type Template } from "./template.js";
import { VM_ACTION_ID } from "./vm-actions.js";
import { positiveNumber } from "./vm-create.js";
import {
  addHistory,
  closeCopyHistory,
  type Requester,
  recomputeRequirements,
  requester,
  setHistoryAction,
} from "./vm-history.js";
import { LcmState, OFFLINE_CONFIG_STATES, stateName, VmState } from "./vm-states.js";
import { run } from "./vm-steps.js";

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
  if (!OFFLINE_CONFIG_STATES.has(vm.state))
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
