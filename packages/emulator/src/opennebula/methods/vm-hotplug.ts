/**
 * `one.vm.attach/detach` (disks), `one.vm.attachnic/detachnic` (leases from the network),
 * `one.vm.snapshot{create,revert,delete}` (system snapshots) and
 * `one.vm.disksnapshot{create,revert,delete}`: hot-plug operations that hold the VM in a HOTPLUG
 * LCM state for `timings.hotplug` and then put it back (RUNNING or POWEROFF);
 * `one.vm.disksnapshotrename` (NAME only, in any state).
 */
import { failures } from "../errors.js";
import {
  buildDisk,
  hotplug,
  leaseNic,
  releaseImage,
  releaseLease,
  stateName,
  useImage,
} from "../lifecycle.js";
import { nowSeconds, type OneVm, type VmDisk } from "../state.js";
import { getVectors } from "../template.js";
import { int, type MethodDef, str } from "./context.js";
import { getVm, parseOrActionError } from "./vm.js";

const LCM = {
  HOTPLUG: 17,
  HOTPLUG_SNAPSHOT: 24,
  HOTPLUG_NIC: 25,
  HOTPLUG_PROLOG_POWEROFF: 33,
  HOTPLUG_EPILOG_POWEROFF: 34,
  DISK_SNAPSHOT_POWEROFF: 51,
  DISK_SNAPSHOT_REVERT_POWEROFF: 52,
  DISK_SNAPSHOT_DELETE_POWEROFF: 53,
  DISK_SNAPSHOT: 57,
  DISK_SNAPSHOT_DELETE: 59,
  HOTPLUG_NIC_POWEROFF: 65,
};

/** The one vector `name` of a template, or ACTION. */
function oneVector(vm: OneVm, text: string, name: string): Record<string, string> {
  const vectors = getVectors(parseOrActionError(text), name);
  if (vectors.length !== 1)
    throw failures.action(`VM template must contain exactly one ${name} attribute`, vm.id);
  return vectors[0]!;
}

function diskOf(vm: OneVm, diskId: number): VmDisk {
  const disk = vm.disks.find((d) => d.diskId === diskId);
  if (!disk) throw failures.action(`VM disk with DISK_ID ${diskId} does not exist`, vm.id);
  return disk;
}

const nextId = (ids: number[]) => (ids.length === 0 ? 0 : Math.max(...ids) + 1);

export const vmHotplugMethods: Record<string, MethodDef> = {
  "one.vm.attach": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const d = oneVector(vm, text as string, "DISK");
      const { disk, image } = buildDisk(ctx.state, d, nextId(vm.disks.map((x) => x.diskId)), (msg) =>
        failures.action(msg, vm.id),
      );
      hotplug(
        ctx.state,
        vm,
        LCM.HOTPLUG,
        LCM.HOTPLUG_PROLOG_POWEROFF,
        `Could not attach a new disk to VM ${vm.id}`,
      );
      if (image) useImage(image, vm.id);
      vm.disks.push(disk);
      return vm.id;
    },
  },
  "one.vm.detach": {
    params: [int(), int()],
    run(ctx, [id, diskId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const disk = diskOf(vm, diskId as number);
      hotplug(
        ctx.state,
        vm,
        LCM.HOTPLUG,
        LCM.HOTPLUG_EPILOG_POWEROFF,
        `Could not detach disk from VM ${vm.id}`,
      );
      vm.disks = vm.disks.filter((d) => d !== disk);
      const image = disk.imageId === null ? undefined : ctx.state.images.get(disk.imageId);
      if (image) releaseImage(image, vm.id);
      return vm.id;
    },
  },
  "one.vm.attachnic": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const n = oneVector(vm, text as string, "NIC");
      const running = vm.state === 3 && vm.lcm === 3;
      if (!running && vm.state !== 8)
        throw failures.action(
          `Could not attach a new NIC to VM ${vm.id}, wrong state ${stateName(vm)}.`,
          vm.id,
        );
      const nic = leaseNic(ctx.state, vm.id, n, nextId(vm.nics.map((x) => x.nicId)), [], (msg) =>
        failures.action(msg, vm.id),
      );
      hotplug(
        ctx.state,
        vm,
        LCM.HOTPLUG_NIC,
        LCM.HOTPLUG_NIC_POWEROFF,
        `Could not attach a new NIC to VM ${vm.id}`,
      );
      vm.nics.push(nic);
      return vm.id;
    },
  },
  "one.vm.detachnic": {
    params: [int(), int()],
    run(ctx, [id, nicId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const nic = vm.nics.find((x) => x.nicId === nicId);
      if (!nic) throw failures.action(`VM NIC with NIC_ID ${nicId} does not exist`, vm.id);
      hotplug(
        ctx.state,
        vm,
        LCM.HOTPLUG_NIC,
        LCM.HOTPLUG_NIC_POWEROFF,
        `Could not detach NIC from VM ${vm.id}`,
      );
      vm.nics = vm.nics.filter((x) => x !== nic);
      releaseLease(ctx.state, nic);
      return vm.id;
    },
  },
  "one.vm.snapshotcreate": {
    params: [int(), str()],
    run(ctx, [id, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      hotplug(ctx.state, vm, LCM.HOTPLUG_SNAPSHOT, null, `Could not create a new snapshot for VM ${vm.id}`);
      const snapId = vm.nextSnapshot ?? 0;
      vm.nextSnapshot = snapId + 1;
      vm.snapshots ??= [];
      for (const sn of vm.snapshots) sn.active = false;
      vm.snapshots.push({
        id: snapId,
        name: (name as string) || `snapshot-${snapId}`,
        time: nowSeconds(ctx.state),
        hypervisorId: `snap-${snapId}`,
        active: true,
      });
      return snapId;
    },
  },
  "one.vm.snapshotrevert": {
    params: [int(), int()],
    run(ctx, [id, snapId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const snap = vm.snapshots?.find((x) => x.id === snapId);
      if (!snap) throw failures.action(`Could not revert to snapshot ${snapId}, it does not exist`, vm.id);
      hotplug(ctx.state, vm, LCM.HOTPLUG_SNAPSHOT, null, `Could not revert VM ${vm.id} to a snapshot`);
      for (const sn of vm.snapshots ?? []) sn.active = sn === snap;
      return vm.id;
    },
  },
  "one.vm.snapshotdelete": {
    params: [int(), int()],
    run(ctx, [id, snapId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const snap = vm.snapshots?.find((x) => x.id === snapId);
      if (!snap) throw failures.action(`Could not delete snapshot ${snapId}, it does not exist`, vm.id);
      hotplug(ctx.state, vm, LCM.HOTPLUG_SNAPSHOT, null, `Could not delete snapshot from VM ${vm.id}`);
      vm.snapshots = (vm.snapshots ?? []).filter((x) => x !== snap);
      return vm.id;
    },
  },
  "one.vm.disksnapshotcreate": {
    params: [int(), int(), str()],
    run(ctx, [id, diskId, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const disk = diskOf(vm, diskId as number);
      if (disk.imageId === null)
        throw failures.action(`Cannot make snapshots on disk ${disk.diskId}: it is a volatile disk`, vm.id);
      hotplug(
        ctx.state,
        vm,
        LCM.DISK_SNAPSHOT,
        LCM.DISK_SNAPSHOT_POWEROFF,
        `Could not create a new disk snapshot for VM ${vm.id}`,
      );
      const snapId = disk.nextSnapshot ?? 0;
      disk.nextSnapshot = snapId + 1;
      disk.snapshots ??= [];
      const snapshot = {
        id: snapId,
        name: (name as string) || `snapshot-${snapId}`,
        date: nowSeconds(ctx.state),
        parent: disk.active ?? -1,
        sizeMb: Number(disk.attrs.SIZE ?? 0) || 0,
      };
      disk.snapshots.push(snapshot);
      disk.active = snapId;
      ctx.state.emit({ type: "disk-snapshot", action: "create", vm, disk, snapshot });
      return snapId;
    },
  },
  "one.vm.disksnapshotrevert": {
    params: [int(), int(), int()],
    run(ctx, [id, diskId, snapId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const disk = diskOf(vm, diskId as number);
      const snapshot = disk.snapshots?.find((x) => x.id === snapId);
      if (!snapshot) throw failures.action(`Snapshot ${snapId} of disk ${disk.diskId} does not exist`, vm.id);
      // oned reverts disk snapshots only while the VM is powered off (DISK_SNAPSHOT_REVERT is retired).
      hotplug(
        ctx.state,
        vm,
        -1,
        LCM.DISK_SNAPSHOT_REVERT_POWEROFF,
        `Could not revert disk ${disk.diskId} of VM ${vm.id} to a snapshot`,
      );
      disk.active = snapshot.id;
      ctx.state.emit({ type: "disk-snapshot", action: "revert", vm, disk, snapshot });
      return vm.id;
    },
  },
  "one.vm.disksnapshotdelete": {
    params: [int(), int(), int()],
    run(ctx, [id, diskId, snapId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const disk = diskOf(vm, diskId as number);
      const snapshot = disk.snapshots?.find((x) => x.id === snapId);
      if (!snapshot) throw failures.action(`Snapshot ${snapId} of disk ${disk.diskId} does not exist`, vm.id);
      if (disk.active === snapshot.id)
        throw failures.action(`Cannot delete snapshot ${snapId}: it is the active snapshot`, vm.id);
      if (disk.snapshots?.some((x) => x.parent === snapshot.id))
        throw failures.action(`Cannot delete snapshot ${snapId}: it has children`, vm.id);
      hotplug(
        ctx.state,
        vm,
        LCM.DISK_SNAPSHOT_DELETE,
        LCM.DISK_SNAPSHOT_DELETE_POWEROFF,
        `Could not delete disk snapshot from VM ${vm.id}`,
      );
      disk.snapshots = (disk.snapshots ?? []).filter((x) => x !== snapshot);
      ctx.state.emit({ type: "disk-snapshot", action: "delete", vm, disk, snapshot });
      return vm.id;
    },
  },
  "one.vm.disksnapshotrename": {
    params: [int(), int(), int(), str()],
    run(ctx, [id, diskId, snapId, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      // VirtualMachineAPI::disk_snapshot_rename: no state check, the messages of the API layer.
      const disk = vm.disks.find((d) => d.diskId === diskId);
      if (!disk) throw failures.action("VM disk does not exist", vm.id);
      const snapshot = disk.snapshots?.find((x) => x.id === snapId);
      if (!snapshot) throw failures.action("Snapshot does not exist", vm.id);
      snapshot.name = name as string;
      return vm.id;
    },
  },
};
