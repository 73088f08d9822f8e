/** RBD snapshots: create, rename, protect/unprotect, rollback, clone, delete. */
import type { Route } from "../../common/route-table.js";
import { cephRoute, reply, required } from "../http.js";
import {
  addImage,
  childrenOf,
  findImage,
  newImage,
  openImage,
  openPool,
  parseSpec,
  rbdError,
  specText,
} from "../rbd-model.js";
import type { CephState, ImageState, SnapshotState } from "../state.js";
import { runTask, type TaskSpec } from "../tasks.js";

const SNAP = "/api/block/image/:image_spec/snap";

function snapshotOf(image: ImageState, name: string): SnapshotState | undefined {
  return image.snapshots.find((s) => s.name === name);
}

/** The image and snapshot a `…/snap/:snapshot_name` route names, and its task (`rbd/snap/<verb>`). */
function snapshotTask(params: Record<string, string | undefined>, verb: string) {
  const spec = parseSpec(params.image_spec);
  const name = params.snapshot_name ?? "";
  return {
    spec,
    name,
    task: { name: `rbd/snap/${verb}`, metadata: { image_spec: specText(spec), snapshot_name: name } },
  };
}

export function rbdSnapshotRoutes(state: CephState): Route[] {
  const rbd = { scope: "rbd-image" } as const;
  return [
    cephRoute(
      state,
      { method: "POST", path: SNAP, version: "1.0", ...rbd, permission: "create" },
      ({ request, body }) => {
        const spec = parseSpec(request.params.image_spec);
        const name = String(required(body, "snapshot_name"));
        const mirror = required<boolean>(body, "mirrorImageSnapshot");
        const task = {
          name: "rbd/snap/create",
          metadata: { image_spec: specText(spec), snapshot_name: name, mirrorImageSnapshot: mirror },
        };
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            if (snapshotOf(image, name) !== undefined) {
              throw rbdError(
                task,
                17,
                `RBD image already exists (error creating snapshot b'${name}' from b'${image.name}')`,
              );
            }
            image.snapshots.push({
              id: state.nextSnapId(),
              name,
              size: image.size,
              protected: false,
              createdAt: state.now(),
              usedBytes: 0,
            });
            const pool = state.pools.get(image.pool);
            if (pool !== undefined) pool.snapSeq++;
            return null;
          },
          () => reply(201, null),
        );
      },
    ),
    cephRoute(
      state,
      { method: "PUT", path: `${SNAP}/:snapshot_name`, version: "1.0", ...rbd, permission: "update" },
      ({ request, body }) => {
        const { spec, name, task } = snapshotTask(request.params, "edit");
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            const snap = snapshotOf(image, name);
            if (typeof body.new_snap_name === "string" && body.new_snap_name !== name) {
              if (snap === undefined) {
                throw rbdError(
                  task,
                  2,
                  `RBD image not found (error renaming snapshot of b'${image.name}' from b'${name}' to b'${body.new_snap_name}')`,
                );
              }
              snap.name = body.new_snap_name;
              for (const child of childrenOf(state, image, name))
                if (child.parent) child.parent.snap = snap.name;
            }
            if (typeof body.is_protected === "boolean") {
              const current = snapshotOf(
                image,
                typeof body.new_snap_name === "string" ? body.new_snap_name : name,
              );
              if (current === undefined) {
                throw rbdError(
                  task,
                  2,
                  `RBD image not found (error checking if snapshot b'${image.name}'@b'${name}' is protected)`,
                );
              }
              if (
                !body.is_protected &&
                current.protected &&
                childrenOf(state, image, current.name).length > 0
              ) {
                throw rbdError(
                  task,
                  16,
                  `RBD image is busy (error unprotecting snapshot b'${image.name}'@b'${current.name}')`,
                );
              }
              current.protected = body.is_protected;
            }
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      { method: "DELETE", path: `${SNAP}/:snapshot_name`, version: "1.0", ...rbd, permission: "delete" },
      ({ request }) => {
        const { spec, name, task } = snapshotTask(request.params, "delete");
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            const snap = snapshotOf(image, name);
            const removing = `(error removing snapshot b'${name}' from b'${image.name}')`;
            if (snap === undefined) throw rbdError(task, 2, `RBD image not found ${removing}`);
            if (snap.protected) throw rbdError(task, 16, `RBD image is busy ${removing}`);
            image.snapshots = image.snapshots.filter((s) => s !== snap);
            return null;
          },
          () => reply(204, undefined),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: `${SNAP}/:snapshot_name/rollback`,
        version: "1.0",
        ...rbd,
        permission: "update",
      },
      ({ request }) => {
        const { spec, name, task } = snapshotTask(request.params, "rollback");
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            const snap = snapshotOf(image, name);
            if (snap === undefined) {
              throw rbdError(
                task,
                2,
                `RBD image not found (error rolling back image b'${image.name}' to snapshot b'${name}')`,
              );
            }
            image.size = snap.size;
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: `${SNAP}/:snapshot_name/clone`, version: "1.0", ...rbd, permission: "create" },
      ({ request, body }) => {
        const spec = parseSpec(request.params.image_spec);
        const name = request.params.snapshot_name ?? "";
        const childPool = String(required(body, "child_pool_name"));
        const childName = String(required(body, "child_image_name"));
        const childNamespace =
          typeof body.child_namespace === "string" && body.child_namespace ? body.child_namespace : null;
        const task: TaskSpec = {
          name: "rbd/clone",
          metadata: {
            parent_image_spec: specText(spec),
            child_pool_name: childPool,
            child_namespace: body.child_namespace ?? null,
            child_image_name: childName,
          },
        };
        const fail = (errno: number, what: string) => rbdError(task, errno, `${what} (error creating clone)`);
        return runTask(
          state,
          task,
          () => {
            const parent = findImage(state, spec);
            if (parent === undefined) throw fail(2, "RBD image not found");
            const snap = snapshotOf(parent, name);
            if (snap === undefined) throw fail(2, "RBD image not found");
            // clone_format_version 1: the snapshot must be protected.
            if (!snap.protected) throw fail(22, "RBD invalid argument");
            openPool(state, childPool, task);
            if (
              findImage(state, { pool: childPool, namespace: childNamespace, name: childName }) !== undefined
            ) {
              throw fail(17, "RBD image already exists");
            }
            addImage(
              state,
              newImage(state, {
                pool: childPool,
                namespace: childNamespace,
                name: childName,
                size: snap.size,
                objSize: parent.objSize,
                stripeUnit: parent.stripeUnit,
                features: Array.isArray(body.features) ? body.features.map(String) : [...parent.features],
                parent: {
                  pool: parent.pool,
                  namespace: parent.namespace,
                  image: parent.name,
                  snap: snap.name,
                },
              }),
            );
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
  ];
}
