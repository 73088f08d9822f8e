/** A host's reachability as oned's monitoring sees it, and what it does to the VMs on the host. */
import { sync } from "./scheduler.js";
import type { OneHost, OpenNebulaState } from "./state.js";
import { LcmState, VmState } from "./vm-states.js";
import { setVmState } from "./vm-steps.js";

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
