/**
 * Host capacity: the CPU and memory the VMs on a host hold, whether a VM fits, and the capacity
 * refusal of `one.vm.deploy` / `migrate` / `resize` with enforce.
 */
import { failures } from "./errors.js";
import type { OneHost, OneVm, OpenNebulaState } from "./state.js";

export function hostUsage(
  _state: OpenNebulaState,
  host: OneHost,
): { cpu: number; memKb: number; vms: number } {
  return { cpu: host.usedCpu, memKb: host.usedMemKb, vms: host.vmIds.size };
}

export function hostShare(state: OpenNebulaState, host: OneHost) {
  return hostUsage(state, host);
}

/** Places the VM's CPU and memory on `host` (leaving the host it held before). */
export function takeCapacity(state: OpenNebulaState, vm: OneVm, host: OneHost): void {
  if (vm.holdsCapacity) releaseCapacityOf(state, vm);
  vm.hostId = host.id;
  vm.holdsCapacity = true;
  host.usedCpu += Math.round(vm.cpu * 100);
  host.usedMemKb += vm.memoryMb * 1024;
  host.vmIds.add(vm.id);
}

/** Gives the VM's CPU and memory back to its host. */
export function releaseCapacityOf(state: OpenNebulaState, vm: OneVm): void {
  if (!vm.holdsCapacity) return;
  vm.holdsCapacity = false;
  const host = vm.hostId === null ? undefined : state.hosts.get(vm.hostId);
  if (!host) return;
  host.usedCpu -= Math.round(vm.cpu * 100);
  host.usedMemKb -= vm.memoryMb * 1024;
  host.vmIds.delete(vm.id);
}

/** Hosts the scheduler may use: monitored, enabled, reachable. */
export function schedulable(host: OneHost): boolean {
  return host.state === 2 && host.adminStatus === 0 && host.reachable;
}

/** Whether the VM's CPU and memory fit in what `host` has free. */
export function fits(state: OpenNebulaState, host: OneHost, vm: OneVm): boolean {
  const u = hostUsage(state, host);
  return u.cpu + Math.round(vm.cpu * 100) <= host.totalCpu && u.memKb + vm.memoryMb * 1024 <= host.totalMemKb;
}

/** The VM leaves its host: capacity freed, the current record ended (ETIME, EETIME) at `at`. */
export function releaseCapacity(state: OpenNebulaState, vm: OneVm, at: number): void {
  releaseCapacityOf(state, vm);
  const h = vm.history.at(-1);
  if (h && h.etime === 0) {
    h.etime = Math.floor(at / 1000);
    h.eetime = h.etime;
  }
}

/** The ACTION message of a capacity check (`one.vm.deploy`/`migrate`/`resize` with enforce). */
export function capacityFailure(host: OneHost, vm: OneVm, cpu: number, memKb: number) {
  return failures.action(
    `Host [${host.id}] does not have enough capacity. CPU: ${host.totalCpu - host.usedCpu}/${cpu} MEMORY: ${host.totalMemKb - host.usedMemKb}/${memKb}`,
    vm.id,
  );
}
