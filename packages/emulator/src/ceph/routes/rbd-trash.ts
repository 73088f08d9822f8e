/** The RBD trash: list per pool, restore, delete, purge. */
import type { Route } from "../../common/route-table.js";
import { cephRoute, reply, required } from "../http.js";
import { addImage, findImage, rbdError } from "../rbd-model.js";
import type { CephState, TrashState } from "../state.js";
import { runTask } from "../tasks.js";
import { rbdTime } from "../views.js";

function trashJson(entry: TrashState): Record<string, unknown> {
  return {
    id: entry.image.id,
    name: entry.image.name,
    source: "USER",
    deletion_time: rbdTime(entry.deletedAt),
    deferment_end_time: rbdTime(entry.defermentEnd),
    pool_name: entry.image.pool,
    namespace: entry.image.namespace ?? "",
  };
}

/** `pool/id` or `pool/namespace/id` → the trash key `pool/id`. */
function trashKey(idSpec: string): string {
  const parts = idSpec.split("/");
  return `${parts[0]}/${parts[parts.length - 1]}`;
}

export function rbdTrashRoutes(state: CephState): Route[] {
  const rbd = { scope: "rbd-image" } as const;
  const notFound = (task: { name: string; metadata: Record<string, unknown> }, what: string) =>
    rbdError(task, 2, `RBD image not found (error ${what} image from trash)`);
  return [
    cephRoute(
      state,
      { method: "GET", path: "/api/block/image/trash", version: "1.0", ...rbd },
      ({ request }) => {
        const pools =
          request.query.pool_name !== undefined
            ? [request.query.pool_name]
            : [...state.pools.values()].filter((p) => p.applications.includes("rbd")).map((p) => p.name);
        return reply(
          200,
          pools.map((pool) => ({
            status: 0,
            value: [...state.trash.values()].filter((e) => e.image.pool === pool).map(trashJson),
            pool_name: pool,
          })),
        );
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/block/image/trash/purge", version: "1.0", ...rbd, permission: "delete" },
      ({ request }) => {
        const pool = request.query.pool_name ?? null;
        return runTask(
          state,
          { name: "rbd/trash/purge", metadata: { pool_name: pool } },
          () => {
            for (const [key, entry] of state.trash) {
              if ((pool === null || entry.image.pool === pool) && entry.defermentEnd <= state.now())
                state.trash.delete(key);
            }
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: "/api/block/image/trash/:image_id_spec/restore",
        version: "1.0",
        ...rbd,
        permission: "update",
      },
      ({ request, body }) => {
        const idSpec = request.params.image_id_spec ?? "";
        const newName = String(required(body, "new_image_name"));
        const task = {
          name: "rbd/trash/restore",
          metadata: { image_id_spec: idSpec, new_image_name: newName },
        };
        return runTask(
          state,
          task,
          () => {
            const entry = state.trash.get(trashKey(idSpec));
            if (entry === undefined) throw notFound(task, "restoring");
            const { image } = entry;
            if (
              findImage(state, { pool: image.pool, namespace: image.namespace, name: newName }) !== undefined
            ) {
              throw rbdError(task, 17, "RBD image already exists (error restoring image from trash)");
            }
            state.trash.delete(`${image.pool}/${image.id}`);
            image.name = newName;
            addImage(state, image);
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "DELETE",
        path: "/api/block/image/trash/:image_id_spec",
        version: "1.0",
        ...rbd,
        permission: "delete",
      },
      ({ request }) => {
        const idSpec = request.params.image_id_spec ?? "";
        const force = request.query.force === "true";
        const task = { name: "rbd/trash/remove", metadata: { image_id_spec: idSpec } };
        return runTask(
          state,
          task,
          () => {
            const entry = state.trash.get(trashKey(idSpec));
            if (entry === undefined) throw notFound(task, "deleting");
            if (!force && entry.defermentEnd > state.now()) {
              throw rbdError(task, 1, "RBD permission error (error deleting image from trash)");
            }
            state.trash.delete(`${entry.image.pool}/${entry.image.id}`);
            return null;
          },
          () => reply(204, undefined),
        );
      },
    ),
  ];
}
