/**
 * `one.vm.attach/detach` (disks), `one.vm.attachnic/detachnic` (leases from the network),
 * `one.vm.snapshot{create,revert,delete}` (system snapshots) and
 * `one.vm.disksnapshot{create,revert,delete}`: hot-plug operations that hold the VM in a HOTPLUG
 * LCM state for `timings.hotplug` and then put it back (RUNNING or POWEROFF, disk snapshots also
 * SUSPENDED); `one.vm.disksnapshotrename` (NAME only, in any state). Messages are
 * DispatchManager's (state checked first, then the object).
 */
import { failures } from "../errors.js";
import { hotplug, passThrough } from "../hotplug.js";
import { nowSeconds, type OneVm, type VmDisk } from "../state.js";
import { getVectors } from "../template.js";
import { VM_ACTION_ID } from "../vm-actions.js";
import { contextDiskId, setNetworkContext } from "../vm-create.js";
import { assignDiskTargets, buildDisk, releaseImage, useImage, volatileDiskInfo } from "../vm-disks.js";
import { closeCopyHistory, requester } from "../vm-history.js";
import { leaseNic, releaseLease } from "../vm-leases.js";
import { isRunning, LcmState, stateName, VmState } from "../vm-states.js";
import { int, lookup, type MethodDef, str } from "./context.js";
import { parseOrInternalError } from "./edit.js";
import { getVm } from "./vm.js";
import { refuseRestricted } from "./vm-devices.js";

/** The API layer's check of disk snapshot calls: ACTION `VM disk does not exist`. */
function diskOf(vm: OneVm, diskId: number): VmDisk {
  const disk = vm.disks.find((d) => d.diskId === diskId);
  if (!disk) throw failures.action("VM disk does not exist", vm.id);
  return disk;
}

/** DispatchManager's state check before it looks at the object: `<message>, wrong state X.` */
function requireState(vm: OneVm, ok: boolean, message: string): void {
  if (!ok) throw failures.action(`${message}, wrong state ${stateName(vm)}.`, vm.id);
}

/**
 * Disk snapshot create/delete: RUNNING, POWEROFF or SUSPENDED, each with its LCM state for
 * `timings.hotplug` (DISK_SNAPSHOT*, DISK_SNAPSHOT_DELETE*); `message` for other states.
 */
function diskSnapshotLcm(vm: OneVm, lcms: [number, number, number], message: string): number {
  const lcm = isRunning(vm)
    ? lcms[0]
    : vm.state === VmState.POWEROFF
      ? lcms[1]
      : vm.state === VmState.SUSPENDED
        ? lcms[2]
        : undefined;
  requireState(vm, lcm !== undefined, message);
  return lcm!;
}

/**
 * `Snapshots::test_delete` with ALLOW_ORPHANS=NO (oned's DENY mode): a leaf, or a link of a
 * chain (one child with no children, a parent with one child); snapshot 0 of a persistent disk stays.
 */
function snapshotDeleteError(disk: VmDisk, snapId: number): string | null {
  const snaps = disk.snapshots ?? [];
  const snap = snaps.find((x) => x.id === snapId);
  if (!snap) return "Snapshot does not exist";
  if (disk.attrs.CLONE === "NO" && snapId === 0) return "Cannot delete snapshot 0 for persistent disk images";
  const childrenOf = (id: number) => snaps.filter((c) => c.parent === id && c.id !== id);
  const children = childrenOf(snap.id);
  if (children.length > 1) return "Cannot delete snapshot with more than one children";
  if (children.length === 0) return null;
  if (disk.active === snap.id) return "Cannot delete the active snapshot with children";
  const child = children[0]!;
  const grand = childrenOf(child.id);
  if (grand.length > 1 || (grand.length === 1 && disk.active === child.id))
    return "Cannot delete snapshot if child has children";
  if (snap.parent !== -1 && childrenOf(snap.parent).length > 1)
    return "Cannot delete snapshot if parent has more than one child";
  return null;
}

/**
 * `Snapshots::delete_snapshot` (DENY): the only child moves up to the parent and the parent
 * becomes active if this one was; a root's child keeps its PARENT, as oned leaves it.
 */
function deleteDiskSnapshot(disk: VmDisk, snapId: number): void {
  const snaps = disk.snapshots ?? [];
  const snap = snaps.find((x) => x.id === snapId)!;
  if (snap.parent !== -1 && snaps.some((x) => x.id === snap.parent)) {
    for (const c of snaps) if (c.parent === snap.id) c.parent = snap.parent;
    if (disk.active === snap.id) disk.active = snap.parent;
  }
  disk.snapshots = snaps.filter((x) => x !== snap);
}

const nextId = (ids: number[]) => (ids.length === 0 ? 0 : Math.max(...ids) + 1);

export const vmHotplugMethods: Record<string, MethodDef> = {
  "one.vm.attach": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      // VirtualMachineAPI::disk_attach: a VM never deployed has no host to attach to.
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      if (found.history.length === 0) throw failures.action("VM is not running in any host", found.id);
      const tmpl = parseOrInternalError(text as string);
      const vm = getVm(ctx, found.id, "MANAGE");
      requireState(
        vm,
        isRunning(vm) || vm.state === VmState.POWEROFF,
        `Could not attach a new disk to VM ${vm.id}`,
      );
      const d = getVectors(tmpl, "DISK")[0];
      if (!d) throw failures.action("Internal error parsing DISK attribute", vm.id);
      const placed = vm.history.at(-1);
      const { disk, image } = buildDisk(
        ctx.state,
        d,
        nextId([...vm.disks.map((x) => x.diskId), contextDiskId(vm) ?? -1]),
        (msg) => failures.action(msg, vm.id),
        found.tmMadSystem,
      );
      if (placed) volatileDiskInfo(ctx.state, [disk], placed.dsId);
      hotplug(
        ctx.state,
        vm,
        LcmState.HOTPLUG,
        LcmState.HOTPLUG_PROLOG_POWEROFF,
        `Could not attach a new disk to VM ${vm.id}`,
      );
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.DISK_ATTACH, requester(ctx.user));
      // the first free target of the disk's prefix (DISK_IDs skip the CONTEXT disk's, targets do not)
      assignDiskTargets(
        [disk],
        new Set([
          ...vm.disks.map((x) => x.attrs.TARGET ?? ""),
          ...(contextDiskId(vm) === undefined ? [] : ["hda"]),
        ]),
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
      requireState(
        vm,
        isRunning(vm) || vm.state === VmState.POWEROFF,
        `Could not detach disk from VM ${vm.id}`,
      );
      const disk = vm.disks.find((d) => d.diskId === diskId);
      if (!disk) throw failures.action("VM disk does not exist");
      hotplug(
        ctx.state,
        vm,
        LcmState.HOTPLUG,
        LcmState.HOTPLUG_EPILOG_POWEROFF,
        `Could not detach disk from VM ${vm.id}`,
      );
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.DISK_DETACH, requester(ctx.user));
      vm.disks = vm.disks.filter((d) => d !== disk);
      const image = disk.imageId === null ? undefined : ctx.state.images.get(disk.imageId);
      if (image) releaseImage(image, vm.id);
      return vm.id;
    },
  },
  "one.vm.attachnic": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      const tmpl = parseOrInternalError(text as string);
      const pci = getVectors(tmpl, "PCI")[0];
      if (pci && pci.TYPE !== "NIC") throw failures.action("PCI device is not of type NIC");
      const vm = getVm(ctx, found.id, "MANAGE");
      refuseRestricted(ctx.admin, "NIC", tmpl);
      requireState(
        vm,
        isRunning(vm) || vm.state === VmState.POWEROFF,
        `Could not add a new NIC to VM ${vm.id}`,
      );
      const n = getVectors(tmpl, "NIC")[0];
      if (!n) throw failures.action("Wrong format or missing NIC/NIC_ALIAS/PCI attribute", vm.id);
      const nic = leaseNic(ctx.state, vm.id, n, nextId(vm.nics.map((x) => x.nicId)), [], (msg) =>
        failures.action(msg, vm.id),
      );
      hotplug(
        ctx.state,
        vm,
        LcmState.HOTPLUG_NIC,
        LcmState.HOTPLUG_NIC_POWEROFF,
        `Could not add a new NIC to VM ${vm.id}`,
      );
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.NIC_ATTACH, requester(ctx.user));
      vm.nics.push(nic);
      setNetworkContext(ctx.state, vm.template, vm.nics);
      return vm.id;
    },
  },
  "one.vm.detachnic": {
    params: [int(), int()],
    run(ctx, [id, nicId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      requireState(
        vm,
        isRunning(vm) || vm.state === VmState.POWEROFF,
        `Could not detach NIC from VM ${vm.id}`,
      );
      const nic = vm.nics.find((x) => x.nicId === nicId);
      if (!nic) throw failures.action(`Could not detach NIC with NIC_ID ${nicId}, it does not exist.`, vm.id);
      hotplug(
        ctx.state,
        vm,
        LcmState.HOTPLUG_NIC,
        LcmState.HOTPLUG_NIC_POWEROFF,
        `Could not detach NIC from VM ${vm.id}`,
      );
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.NIC_DETACH, requester(ctx.user));
      vm.nics = vm.nics.filter((x) => x !== nic);
      releaseLease(ctx.state, nic);
      setNetworkContext(ctx.state, vm.template, vm.nics);
      return vm.id;
    },
  },
  "one.vm.snapshotcreate": {
    params: [int(), str()],
    run(ctx, [id, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      hotplug(
        ctx.state,
        vm,
        LcmState.HOTPLUG_SNAPSHOT,
        null,
        `Could not create a new snapshot for VM ${vm.id}`,
      );
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
        action: "CREATE",
        systemDiskSize: vm.memoryMb,
      });
      return snapId;
    },
  },
  "one.vm.snapshotrevert": {
    params: [int(), int()],
    run(ctx, [id, snapId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const what = `Could not revert VM ${vm.id} to snapshot ${snapId}`;
      requireState(vm, isRunning(vm), what);
      const snap = vm.snapshots?.find((x) => x.id === snapId);
      if (!snap) throw failures.action(`${what}, it does not exist.`);
      hotplug(ctx.state, vm, LcmState.HOTPLUG_SNAPSHOT, null, what);
      for (const sn of vm.snapshots ?? []) sn.active = sn === snap;
      snap.action = "REVERT";
      return vm.id;
    },
  },
  "one.vm.snapshotdelete": {
    params: [int(), int()],
    run(ctx, [id, snapId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const what = `Could not delete snapshot ${snapId} for VM ${vm.id}`;
      requireState(vm, isRunning(vm), what);
      const snap = vm.snapshots?.find((x) => x.id === snapId);
      if (!snap) throw failures.action(`${what}, it does not exist.`);
      hotplug(ctx.state, vm, LcmState.HOTPLUG_SNAPSHOT, null, what);
      vm.snapshots = (vm.snapshots ?? []).filter((x) => x !== snap);
      return vm.id;
    },
  },
  "one.vm.disksnapshotcreate": {
    params: [int(), int(), str()],
    run(ctx, [id, diskId, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      const disk = diskOf(vm, diskId as number);
      if (disk.imageId === null) throw failures.action("Cannot make snapshots on volatile disks", vm.id);
      const lcm = diskSnapshotLcm(
        vm,
        [LcmState.DISK_SNAPSHOT, LcmState.DISK_SNAPSHOT_POWEROFF, LcmState.DISK_SNAPSHOT_SUSPENDED],
        `Could not create a new snapshot for VM ${vm.id}`,
      );
      passThrough(ctx.state, vm, lcm, ctx.state.timings.hotplug);
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.DISK_SNAPSHOT_CREATE, requester(ctx.user));
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
      // oned reverts disk snapshots only while the VM is powered off (DISK_SNAPSHOT_REVERT is retired).
      const what = `Could not revert to disk snapshot for VM ${vm.id}`;
      requireState(vm, vm.state === VmState.POWEROFF, what);
      const disk = vm.disks.find((d) => d.diskId === diskId);
      const snapshot = disk?.snapshots?.find((x) => x.id === snapId);
      if (!disk || !snapshot)
        throw failures.action(`Disk id (${diskId}) or snapshot id (${snapId}) is not valid.`, vm.id);
      hotplug(ctx.state, vm, -1, LcmState.DISK_SNAPSHOT_REVERT_POWEROFF, what);
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.DISK_SNAPSHOT_REVERT, requester(ctx.user));
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
      const lcm = diskSnapshotLcm(
        vm,
        [
          LcmState.DISK_SNAPSHOT_DELETE,
          LcmState.DISK_SNAPSHOT_DELETE_POWEROFF,
          LcmState.DISK_SNAPSHOT_DELETE_SUSPENDED,
        ],
        `Could not delete disk snapshot from VM ${vm.id}`,
      );
      const problem = snapshotDeleteError(disk, snapId as number);
      if (problem !== null) throw failures.action(problem, vm.id);
      const snapshot = disk.snapshots!.find((x) => x.id === snapId)!;
      passThrough(ctx.state, vm, lcm, ctx.state.timings.hotplug);
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.DISK_SNAPSHOT_DELETE, requester(ctx.user));
      deleteDiskSnapshot(disk, snapshot.id);
      ctx.state.emit({ type: "disk-snapshot", action: "delete", vm, disk, snapshot });
      return vm.id;
    },
  },
  "one.vm.disksnapshotrename": {
    params: [int(), int(), int(), str()],
    run(ctx, [id, diskId, snapId, name]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      // VirtualMachineAPI::disk_snapshot_rename: no state check, the messages of the API layer.
      const disk = diskOf(vm, diskId as number);
      const snapshot = disk.snapshots?.find((x) => x.id === snapId);
      if (!snapshot) throw failures.action("Snapshot does not exist", vm.id);
      snapshot.name = name as string;
      return vm.id;
    },
  },
};
