/**
 * The datastore-driver operations an image stays LOCKED for (clone, snapshot delete / revert /
 * flatten) and what each leaves behind when it ends; {@link sync} calls {@link completeImageOp}
 * as the image becomes ready. A persistent image keeps its VM disk's snapshots when the VM lets
 * it go ({@link keepDiskSnapshots}), as oned's `set_image_snapshots` does.
 */
import type { OneImage, OpenNebulaState, VmDisk } from "./state.js";

/** Applies the image's pending operation (its LOCKED time is over). */
export function completeImageOp(state: OpenNebulaState, image: OneImage): void {
  const op = image.pendingOp;
  if (op === undefined) return;
  delete image.pendingOp;
  const snaps = image.snapshots ?? [];
  switch (op.kind) {
    case "clone": {
      const source = state.images.get(op.target);
      if (source === undefined) return;
      source.clones = (source.clones ?? []).filter((id) => id !== image.id);
      // oned's release_cloning_image: USED/CLONE back to READY once no VM and no clone holds it
      if (source.clones.length === 0 && source.vms.size === 0 && (source.state === 2 || source.state === 6)) {
        source.prevState = source.state;
        source.state = 1;
      }
      return;
    }
    case "snapshot-delete":
      image.snapshots = snaps.filter((s) => s.id !== op.target);
      for (const s of image.snapshots) if (s.parent === op.target) s.parent = -1;
      state.emit({ type: "image-snapshots", image });
      return;
    case "snapshot-revert":
      image.activeSnapshot = op.target;
      return;
    case "snapshot-flatten":
      image.snapshots = [];
      image.activeSnapshot = -1;
      state.emit({ type: "image-snapshots", image });
      return;
  }
}

/** A persistent image takes the snapshots of the VM disk that used it. */
export function keepDiskSnapshots(image: OneImage, disk: VmDisk): void {
  if (!image.persistent || (image.type !== 0 && image.type !== 2) || disk.snapshots === undefined) return;
  image.snapshots = disk.snapshots.map((s) => ({ ...s }));
  image.nextSnapshot = disk.nextSnapshot ?? image.snapshots.length;
  image.activeSnapshot = disk.active ?? -1;
}
