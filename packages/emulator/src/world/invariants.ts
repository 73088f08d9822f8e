/**
 * What must hold in a World after every mutation, whatever API made it. Tests run these after each
 * request (`createEmulator({checkInvariants: true})`, on in `useEmulator`).
 */

import { imageKey } from "../ceph/state.js";
import { isOn, postState } from "../ilo/power.js";
import { isRunning, VmState } from "../opennebula/vm-states.js";
import { cephPoolOf } from "./opennebula.js";
import type { World } from "./world.js";

export class WorldInvariantError extends Error {
  override readonly name = "WorldInvariantError";
  readonly code = "WORLD_INVARIANT";
  readonly violations: readonly string[];
  constructor(violations: string[]) {
    super(`world invariants broken:\n  ${violations.join("\n  ")}`);
    this.violations = violations;
  }
}

/** Lists the broken invariants (empty when all hold). Syncs the world first. */
export function checkInvariants(world: World): string[] {
  world.sync();
  const out: string[] = [];
  const seen = { serial: new Set<string>(), uuid: new Set<string>(), mac: new Set<string>() };
  for (const host of world.hosts.values()) {
    const expected = isOn(host.ilo) && postState(host.ilo) === "FinishedPost";
    if (host.up !== expected) out.push(`host ${host.name}: up=${host.up} but iLO says on+POST=${expected}`);
    const id = host.ilo.identity;
    if (id.hostName !== host.name) out.push(`host ${host.name}: iLO names itself ${id.hostName}`);
    for (const [key, value] of [
      ["serial", id.serialNumber],
      ["uuid", id.uuid],
      ["mac", id.macAddress],
    ] as const) {
      if (seen[key].has(value)) out.push(`host ${host.name}: duplicate ${key} ${value}`);
      seen[key].add(value);
    }
  }
  const ceph = world.ceph;
  if (ceph !== undefined) {
    const osdOwners = new Map<number, string>();
    for (const cephHost of ceph.hosts.values()) {
      const host = world.hosts.get(cephHost.name);
      if (host === undefined) {
        out.push(`Ceph host ${cephHost.name} is not a physical host`);
        continue;
      }
      if (cephHost.up !== host.up)
        out.push(`Ceph host ${cephHost.name}: up=${cephHost.up}, physical up=${host.up}`);
      for (const osdId of cephHost.osds) {
        const owner = osdOwners.get(osdId);
        if (owner !== undefined) out.push(`OSD ${osdId} on both ${owner} and ${cephHost.name}`);
        osdOwners.set(osdId, cephHost.name);
        const osd = ceph.osds.get(osdId);
        if (osd === undefined) out.push(`Ceph host ${cephHost.name} lists missing OSD ${osdId}`);
        else if (osd.running && !host.up) out.push(`OSD ${osdId} runs on ${cephHost.name}, which is down`);
      }
    }
    for (const osd of ceph.osds.values()) {
      if (osdOwners.get(osd.id) !== osd.host)
        out.push(`OSD ${osd.id} says host ${osd.host}, no host lists it`);
    }
    const imageIds = new Set<string>();
    for (const image of ceph.images.values()) {
      if (!ceph.pools.has(image.pool)) out.push(`RBD image ${image.name} in missing pool ${image.pool}`);
      if (imageIds.has(image.id)) out.push(`RBD image id ${image.id} used twice`);
      imageIds.add(image.id);
    }
    const poolIds = new Set<number>();
    for (const pool of ceph.pools.values()) {
      if (poolIds.has(pool.id)) out.push(`pool id ${pool.id} used twice`);
      poolIds.add(pool.id);
    }
  }
  const one = world.opennebula;
  if (one !== undefined) {
    const byName = new Map([...one.hosts.values()].map((h) => [h.name, h]));
    for (const host of world.hosts.values()) {
      const oneHost = byName.get(host.name);
      if (oneHost === undefined) out.push(`host ${host.name} is not an OpenNebula host`);
      else if (oneHost.reachable !== host.up)
        out.push(`OpenNebula host ${host.name}: reachable=${oneHost.reachable}, physical up=${host.up}`);
    }
    const usage = new Map<number, { cpu: number; memKb: number }>();
    for (const vm of one.vms.values()) {
      if (vm.hostId === null) continue;
      const host = [...one.hosts.values()].find((h) => h.id === vm.hostId);
      if (isRunning(vm) && host !== undefined && !host.reachable)
        out.push(`VM ${vm.id} RUNNING on unreachable host ${host.name}`);
      if (!vm.holdsCapacity) continue;
      const u = usage.get(vm.hostId) ?? { cpu: 0, memKb: 0 };
      u.cpu += Math.round(vm.cpu * 100);
      u.memKb += vm.memoryMb * 1024;
      usage.set(vm.hostId, u);
    }
    for (const [hostId, u] of usage) {
      const host = one.hosts.get(hostId);
      if (host !== undefined && u.memKb > host.totalMemKb)
        out.push(`OpenNebula host ${host.name}: VMs hold ${u.memKb} KiB of ${host.totalMemKb}`);
    }
    const leases = new Set<string>();
    for (const vm of one.vms.values()) {
      if (vm.state === VmState.DONE) continue;
      for (const nic of vm.nics) {
        const key = `${nic.networkId}/${nic.ip ?? nic.mac}`;
        if (leases.has(key)) out.push(`lease ${key} held twice (VM ${vm.id})`);
        leases.add(key);
      }
    }
    if (ceph !== undefined) {
      for (const image of one.images.values()) {
        const pool = cephPoolOf(one, image.datastoreId);
        if (
          pool !== undefined &&
          ceph.pools.has(pool) &&
          !ceph.images.has(imageKey(pool, null, `one-${image.id}`))
        )
          out.push(`OpenNebula image ${image.id} has no RBD image ${pool}/one-${image.id}`);
      }
    }
  }
  for (const node of world.kubernetes.nodes.values()) {
    const host = world.hosts.get(node.host);
    if (host === undefined) out.push(`Kubernetes node ${node.name} on missing host ${node.host}`);
    else if (node.ready !== host.up)
      out.push(`Kubernetes node ${node.name}: ready=${node.ready}, host up=${host.up}`);
  }
  return out;
}

/** Throws {@link WorldInvariantError} when an invariant is broken. */
export function assertInvariants(world: World): void {
  const violations = checkInvariants(world);
  if (violations.length > 0) throw new WorldInvariantError(violations);
}
