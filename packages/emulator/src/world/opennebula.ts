/**
 * The OpenNebula part of the World: an OpenNebula state built from the topology (hosts with the
 * physical hosts' real CPU threads and memory, datastores, images, networks, templates, VMs placed
 * on their hosts), kept consistent with the rest:
 * - a host that goes down (iLO power off) is unreachable: host ERROR, its VMs UNKNOWN; back up:
 *   MONITORED, VMs RUNNING (`setHostReachable`, the adapter's hook);
 * - an image in a Ceph datastore is the RBD image `one-<id>` in the datastore's pool (created and
 *   deleted with it); a VM's non-persistent disk is the clone `one-<img>-<vm>-<disk>` of its
 *   `@snap`, as OpenNebula's Ceph drivers do, removed when the VM is DONE; a disk snapshot is the
 *   RBD snapshot `@<id>` of that image.
 */
import { addImage, childrenOf, newImage, removeImage } from "../ceph/rbd-model.js";
import { type CephState, imageKey } from "../ceph/state.js";
import type { EmulatorClock } from "../common/clock.js";
import { createOpenNebulaState } from "../opennebula/create-state.js";
import { setHostReachable } from "../opennebula/host-monitor.js";
import { sync as syncOpenNebula } from "../opennebula/scheduler.js";
import {
  addDatastore,
  addHost,
  DEFAULT_PERMISSIONS,
  makeAddressRange,
  type OneImage,
  type OneVm,
  type OpenNebulaEvent,
  type OpenNebulaState,
  type Permissions,
} from "../opennebula/state.js";
import { getAttr, type Template } from "../opennebula/template.js";
import { createVm } from "../opennebula/vm-create.js";
import { deployVm } from "../opennebula/vm-placement.js";
import { VmState } from "../opennebula/vm-states.js";
import type { Topology } from "../topology/schema.js";

const MiB = 1024 * 1024;
const ADMIN = { uid: 0, gid: 0 };
const SHARED: Permissions = [1, 1, 0, 1, 0, 0, 0, 0, 0];

export function buildOpenNebula(
  topology: Topology,
  clock: EmulatorClock,
  ceph: CephState | undefined,
): OpenNebulaState {
  const spec = topology.opennebula;
  const one = createOpenNebulaState({
    clock,
    empty: true,
    ...(spec?.users[0] === undefined ? {} : { adminPassword: spec.users[0].password }),
  });
  for (const host of topology.hosts)
    addHost(one, { name: host.name, threads: host.cpu.threads, memoryGb: host.memoryGiB });
  if (spec === undefined) return one;
  const datastores = new Map<string, number>();
  for (const ds of spec.datastores) {
    const isCeph = ds.driver === "ceph";
    const created = addDatastore(one, {
      ...ADMIN,
      permissions: [...DEFAULT_PERMISSIONS],
      name: ds.name,
      type: { image: 0, system: 1, file: 2 }[ds.type],
      dsMad: isCeph ? (ds.type === "system" ? "-" : "ceph") : "fs",
      tmMad: isCeph ? "ceph" : "ssh",
      diskType: isCeph ? 3 : 0,
    });
    if (isCeph && ds.pool !== undefined) setPool(created.template, ds.pool);
    datastores.set(ds.name, created.id);
  }
  const images = new Map<string, number>();
  for (const im of spec.images) {
    const id = one.nextId.image++;
    const datastoreId = datastores.get(im.datastore) ?? 0;
    const pool = cephPoolOf(one, datastoreId);
    const image: OneImage = {
      ...ADMIN,
      permissions: [...SHARED],
      id,
      name: im.name,
      type: 0,
      persistent: im.persistent,
      sizeMb: im.sizeMiB,
      state: 1,
      prevState: 1,
      datastoreId,
      regtime: Math.floor(clock.now() / 1000),
      path: "",
      source: pool === undefined ? `/var/lib/one/datastores/${datastoreId}/${id}` : `${pool}/one-${id}`,
      format: "raw",
      vms: new Set(),
      readyAt: null,
      template: [["DEV_PREFIX", "vd"]],
    };
    one.images.set(id, image);
    images.set(im.name, id);
    if (ceph !== undefined) mirrorImage(one, ceph, image);
  }
  const networks = new Map<string, number>();
  for (const net of spec.networks) {
    const id = one.nextId.vnet++;
    one.vnets.set(id, {
      ...ADMIN,
      permissions: [...SHARED],
      id,
      name: net.name,
      clusterIds: [0],
      bridge: net.bridge,
      vnMad: "bridge",
      state: 1,
      ars: [makeAddressRange(0, { TYPE: "IP4", IP: net.range.ip, SIZE: String(net.range.size) })],
      template: [],
    });
    networks.set(net.name, id);
  }
  const templates = new Map<string, number>();
  for (const tp of spec.templates) {
    const id = one.nextId.template++;
    const template: Template = [
      ["CPU", String(tp.cpu)],
      ["VCPU", String(tp.vcpu)],
      ["MEMORY", String(tp.memoryMiB)],
    ];
    if (tp.image !== undefined) template.push(["DISK", { IMAGE_ID: String(images.get(tp.image)) }]);
    if (tp.network !== undefined) template.push(["NIC", { NETWORK_ID: String(networks.get(tp.network)) }]);
    template.push(["CONTEXT", { NETWORK: "YES", SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]" }]);
    if (tp.role !== undefined) template.push(["KUBESPRAY_ROLE", tp.role]);
    one.templates.set(id, {
      ...ADMIN,
      permissions: [...SHARED],
      id,
      name: tp.name,
      regtime: Math.floor(clock.now() / 1000),
      template,
    });
    templates.set(tp.name, id);
  }
  const oneadmin = one.users.get(0);
  if (oneadmin === undefined) throw new Error("OpenNebula state without oneadmin");
  const hosts = new Map([...one.hosts.values()].map((h) => [h.name, h]));
  for (const vmSpec of spec.vms) {
    const templateId = templates.get(vmSpec.template) ?? -1;
    const template = one.templates.get(templateId);
    const host = hosts.get(vmSpec.host);
    if (template === undefined || host === undefined) continue; // the schema checked references
    const vm = createVm(one, oneadmin, template.template, { hold: true, name: vmSpec.name, templateId });
    deployVm(one, vm, host, clock.now());
  }
  return one;
}

/** The Ceph pool a datastore keeps its images in (undefined for a non-Ceph datastore). */
export function cephPoolOf(one: OpenNebulaState, datastoreId: number): string | undefined {
  const ds = one.datastores.get(datastoreId);
  if (ds === undefined || ds.diskType !== 3) return undefined;
  return getAttr(ds.template, "POOL_NAME") ?? "one";
}

function setPool(template: Template, pool: string): void {
  const entry = template.find(([k]) => k === "POOL_NAME");
  if (entry === undefined) template.push(["POOL_NAME", pool]);
  else entry[1] = pool;
}

/**
 * `one-<id>` in the datastore's pool (`POOL_NAME`), with the `snap` snapshot its clones come from;
 * the image's SOURCE names that pool, as OpenNebula's Ceph datastore driver writes it.
 */
function mirrorImage(one: OpenNebulaState, ceph: CephState, image: OneImage): void {
  const pool = cephPoolOf(one, image.datastoreId);
  if (pool === undefined) return;
  const name = `one-${image.id}`;
  image.source = `${pool}/${name}`;
  if (!ceph.pools.has(pool)) return;
  if (ceph.images.has(imageKey(pool, null, name))) return;
  const rbd = newImage(ceph, { pool, namespace: null, name, size: image.sizeMb * MiB });
  rbd.snapshots.push({
    id: ceph.nextSnapId(),
    name: "snap",
    size: rbd.size,
    protected: true,
    createdAt: ceph.now(),
    usedBytes: 0,
  });
  addImage(ceph, rbd);
}

function unmirrorImage(one: OpenNebulaState, ceph: CephState, image: OneImage): void {
  const pool = cephPoolOf(one, image.datastoreId);
  if (pool === undefined) return;
  const rbd = ceph.images.get(imageKey(pool, null, `one-${image.id}`));
  if (rbd === undefined) return;
  for (const child of childrenOf(ceph, rbd, "snap")) removeImage(ceph, child);
  removeImage(ceph, rbd);
}

/** Clones for a VM's non-persistent Ceph disks once it is active; removed when it is DONE. */
function followVm(one: OpenNebulaState, ceph: CephState, vm: OneVm, state: number): void {
  for (const disk of vm.disks) {
    if (disk.imageId === null) continue;
    const image = one.images.get(disk.imageId);
    if (image === undefined || image.persistent) continue;
    const pool = cephPoolOf(one, image.datastoreId);
    if (pool === undefined || !ceph.pools.has(pool)) continue;
    const name = `one-${image.id}-${vm.id}-${disk.diskId}`;
    const key = imageKey(pool, null, name);
    if (state === VmState.DONE) {
      const clone = ceph.images.get(key);
      if (clone !== undefined) removeImage(ceph, clone);
    } else if (state === VmState.ACTIVE && !ceph.images.has(key)) {
      const parent = ceph.images.get(imageKey(pool, null, `one-${image.id}`));
      if (parent === undefined) continue;
      addImage(
        ceph,
        newImage(ceph, {
          pool,
          namespace: null,
          name,
          size: parent.size,
          parent: { pool, namespace: null, image: parent.name, snap: "snap" },
        }),
      );
    }
  }
}

/**
 * A VM disk snapshot is an RBD snapshot named by its id on the disk's image, as OpenNebula's Ceph
 * TM driver takes it: `one-<img>@<id>` for a persistent image, `one-<img>-<vm>-<disk>@<id>` for a
 * VM's clone. Deleting it removes the RBD snapshot; a revert rolls the image back and keeps it.
 */
function followDiskSnapshot(
  one: OpenNebulaState,
  ceph: CephState,
  event: Extract<OpenNebulaEvent, { type: "disk-snapshot" }>,
): void {
  const { vm, disk, snapshot, action } = event;
  if (disk.imageId === null || action === "revert") return;
  const image = one.images.get(disk.imageId);
  if (image === undefined) return;
  const pool = cephPoolOf(one, image.datastoreId);
  if (pool === undefined) return;
  const name = image.persistent ? `one-${image.id}` : `one-${image.id}-${vm.id}-${disk.diskId}`;
  const rbd = ceph.images.get(imageKey(pool, null, name));
  if (rbd === undefined) return;
  const snapName = String(snapshot.id);
  const at = rbd.snapshots.findIndex((s) => s.name === snapName);
  if (action === "delete") {
    if (at >= 0) rbd.snapshots.splice(at, 1);
  } else if (at < 0) {
    rbd.snapshots.push({
      id: ceph.nextSnapId(),
      name: snapName,
      size: rbd.size,
      protected: false,
      createdAt: ceph.now(),
      usedBytes: 0,
    });
  }
}

/**
 * A persistent image's own snapshot list changed (`one.image.snapshotdelete` / `snapshotflatten`):
 * its RBD image `one-<img>` keeps `@snap` and exactly the `@<id>` snapshots the image lists.
 */
function followImageSnapshots(one: OpenNebulaState, ceph: CephState, image: OneImage): void {
  const pool = cephPoolOf(one, image.datastoreId);
  if (pool === undefined) return;
  const rbd = ceph.images.get(imageKey(pool, null, `one-${image.id}`));
  if (rbd === undefined) return;
  const listed = new Set((image.snapshots ?? []).map((s) => String(s.id)));
  rbd.snapshots = rbd.snapshots.filter((s) => !/^\d+$/.test(s.name) || listed.has(s.name));
}

/** Wires the OpenNebula state to the others (Ceph images; host reachability is pushed by the World). */
export function linkOpenNebula(one: OpenNebulaState, ceph: CephState | undefined): void {
  if (ceph !== undefined) {
    for (const vm of one.vms.values()) followVm(one, ceph, vm, vm.state);
  }
  one.subscribe((event) => {
    if (ceph === undefined) return;
    if (event.type === "image-created") mirrorImage(one, ceph, event.image);
    else if (event.type === "image-deleted") unmirrorImage(one, ceph, event.image);
    else if (event.type === "vm-state") followVm(one, ceph, event.vm, event.state);
    else if (event.type === "disk-snapshot") followDiskSnapshot(one, ceph, event);
    else if (event.type === "image-snapshots") followImageSnapshots(one, ceph, event.image);
  });
}

export { setHostReachable, syncOpenNebula };
