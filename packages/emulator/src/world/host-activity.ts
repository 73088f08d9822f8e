/**
 * What a physical host of the World is doing, for its sensors (iLO power, temperatures, fans) and
 * its node_exporter: the OpenNebula VMs whose guest runs on it, and the Ceph daemons it carries.
 *
 * The model (an assumption of the emulator): a running VM keeps its OpenNebula CPU share busy
 * (`CPU = 2` is two hardware threads) and its memory in use; the host OS uses 1 % of the CPU and
 * 1.5 GiB; each OSD daemon 2 % of the CPU and its `osd_memory_target` (4 GiB by default), a mon
 * 1 GiB. Nothing runs while the host is down.
 */
import type { OneHost, OpenNebulaState } from "../opennebula/state.js";
import { LcmState, VmState } from "../opennebula/vm-states.js";
import type { World } from "./world.js";

const GiB = 1024 ** 3;
const OS_MEMORY = 1.5 * GiB;
const MON_MEMORY = 1 * GiB;
const OS_CPU = 0.01;
const OSD_CPU = 0.02;

/** LCM states of an ACTIVE VM whose guest runs (booting, running, hot-plugging, snapshotting, migrating live). */
const GUEST_RUNS = new Set<number>([
  LcmState.BOOT,
  LcmState.RUNNING,
  LcmState.MIGRATE,
  LcmState.HOTPLUG,
  LcmState.HOTPLUG_SNAPSHOT,
  LcmState.HOTPLUG_NIC,
  LcmState.HOTPLUG_SAVEAS,
  LcmState.DISK_SNAPSHOT,
  LcmState.DISK_SNAPSHOT_DELETE,
  LcmState.DISK_RESIZE,
  LcmState.BACKUP,
]);

export interface HostActivity {
  /** Busy share of the host's hardware threads (0..1). */
  cpu: number;
  /** Hardware threads busy (cpu × threads): the load average a steady host converges to. */
  busyThreads: number;
  /** Memory in use (bytes). */
  memoryUsedBytes: number;
  /** VMs whose guest runs on the host. */
  runningVms: number;
}

const hostIndex = new WeakMap<OpenNebulaState, Map<string, OneHost>>();

function oneHost(one: OpenNebulaState, name: string): OneHost | undefined {
  let index = hostIndex.get(one);
  let host = index?.get(name);
  if (host === undefined || one.hosts.get(host.id) !== host || host.name !== name) {
    index = new Map([...one.hosts.values()].map((h) => [h.name, h]));
    hostIndex.set(one, index);
    host = index.get(name);
  }
  return host;
}

export function hostActivity(world: World, name: string): HostActivity {
  const host = world.host(name);
  const threads = host.spec.cpu.threads;
  if (!host.up) return { cpu: 0, busyThreads: 0, memoryUsedBytes: 0, runningVms: 0 };
  let busy = OS_CPU * threads;
  let memory = OS_MEMORY;
  let runningVms = 0;
  const ceph = world.ceph?.hosts.get(name);
  if (ceph !== undefined) {
    const target = Number(world.ceph?.config.get("osd_memory_target")?.[0]?.value ?? 4 * GiB);
    busy += OSD_CPU * threads * ceph.osds.length;
    memory += target * ceph.osds.length + (ceph.mon === undefined ? 0 : MON_MEMORY);
  }
  const one = world.opennebula;
  const placed = one === undefined ? undefined : oneHost(one, name);
  if (one !== undefined && placed !== undefined) {
    for (const id of placed.vmIds) {
      const vm = one.vms.get(id);
      if (vm === undefined || vm.state !== VmState.ACTIVE || !GUEST_RUNS.has(vm.lcm)) continue;
      runningVms++;
      busy += vm.cpu;
      memory += vm.memoryMb * 1024 * 1024;
    }
  }
  const busyThreads = Math.min(threads, busy);
  return {
    cpu: busyThreads / threads,
    busyThreads,
    memoryUsedBytes: Math.min(memory, host.spec.memoryGiB * GiB),
    runningVms,
  };
}
