import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import type { ImageRef, RbdSnapshotClone } from "../schemas/rbd.js";
import { imageSpec } from "./rbd-image.js";

const SNAP = "/api/block/image/{image_spec}/snap";

export const rbdSnapshotEndpoints = {
  create: { method: "POST", path: SNAP, version: "1.0", response: undefined, task: true },
  update: { method: "PUT", path: `${SNAP}/{snapshot_name}`, version: "1.0", response: undefined, task: true },
  delete: {
    method: "DELETE",
    path: `${SNAP}/{snapshot_name}`,
    version: "1.0",
    response: undefined,
    task: true,
  },
  rollback: {
    method: "POST",
    path: `${SNAP}/{snapshot_name}/rollback`,
    version: "1.0",
    response: undefined,
    task: true,
  },
  clone: {
    method: "POST",
    path: `${SNAP}/{snapshot_name}/clone`,
    version: "1.0",
    response: undefined,
    task: true,
  },
} as const satisfies Record<string, Endpoint>;

/** Snapshots are listed in the image: `(await ceph.rbd.images.get(ref)).snapshots`. */
export function rbdSnapshotsResource({ call }: CallContext) {
  const path = (ref: ImageRef, snapshot?: string): Record<string, string> =>
    snapshot === undefined
      ? { image_spec: imageSpec(ref) }
      : { image_spec: imageSpec(ref), snapshot_name: snapshot };
  return {
    /** `POST …/snap` (16.2.15 requires `mirrorImageSnapshot`: sent as `false` unless given). */
    create: (ref: ImageRef, name: string, options?: CephCallOptions & { mirrorImageSnapshot?: boolean }) =>
      call(
        rbdSnapshotEndpoints.create,
        {
          path: path(ref),
          body: { snapshot_name: name, mirrorImageSnapshot: options?.mirrorImageSnapshot ?? false },
        },
        options,
      ),
    rename: (ref: ImageRef, name: string, newName: string, options?: CephCallOptions) =>
      call(rbdSnapshotEndpoints.update, { path: path(ref, name), body: { new_snap_name: newName } }, options),
    /** Protects a snapshot (needed before cloning it with clone format 1). */
    protect: (ref: ImageRef, name: string, options?: CephCallOptions) =>
      call(rbdSnapshotEndpoints.update, { path: path(ref, name), body: { is_protected: true } }, options),
    unprotect: (ref: ImageRef, name: string, options?: CephCallOptions) =>
      call(rbdSnapshotEndpoints.update, { path: path(ref, name), body: { is_protected: false } }, options),
    /** Rolls the image back to the snapshot. */
    rollback: (ref: ImageRef, name: string, options?: CephCallOptions) =>
      call(rbdSnapshotEndpoints.rollback, { path: path(ref, name), body: {} }, options),
    /** Clones the snapshot into a new image whose `parent` is this snapshot. */
    clone: (ref: ImageRef, name: string, child: RbdSnapshotClone, options?: CephCallOptions) =>
      call(rbdSnapshotEndpoints.clone, { path: path(ref, name), body: child }, options),
    /** `DELETE …/snap/{name}`: a protected snapshot is `CephApiError` 400 `[errno 16] … busy`. */
    delete: (ref: ImageRef, name: string, options?: CephCallOptions) =>
      call(rbdSnapshotEndpoints.delete, { path: path(ref, name) }, options),
  };
}
