import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { RbdTrashList } from "../schemas/rbd.js";

export const rbdTrashEndpoints = {
  list: { method: "GET", path: "/api/block/image/trash", version: "1.0", response: RbdTrashList },
  restore: {
    method: "POST",
    path: "/api/block/image/trash/{image_id_spec}/restore",
    version: "1.0",
    response: undefined,
    task: true,
  },
  delete: {
    method: "DELETE",
    path: "/api/block/image/trash/{image_id_spec}",
    version: "1.0",
    response: undefined,
    task: true,
  },
  purge: {
    method: "POST",
    path: "/api/block/image/trash/purge",
    version: "1.0",
    response: undefined,
    task: true,
  },
} as const satisfies Record<string, Endpoint>;

/** A trashed image is addressed by pool and image id (`pool/id`), not by name. */
export interface TrashRef {
  pool: string;
  namespace?: string | null;
  id: string;
}

function idSpec(ref: TrashRef): string {
  return ref.namespace ? `${ref.pool}/${ref.namespace}/${ref.id}` : `${ref.pool}/${ref.id}`;
}

export function rbdTrashResource({ call }: CallContext) {
  return {
    /** `GET /api/block/image/trash[?pool_name=]`: trashed images, per pool, flattened. */
    list: async (q: { pool?: string } = {}, options?: CephCallOptions) =>
      (await call(rbdTrashEndpoints.list, { query: { pool_name: q.pool } }, options)).flatMap((p) => p.value),
    /** Restores a trashed image under `newName`. */
    restore: (ref: TrashRef, newName: string, options?: CephCallOptions) =>
      call(
        rbdTrashEndpoints.restore,
        { path: { image_id_spec: idSpec(ref) }, body: { new_image_name: newName } },
        options,
      ),
    /** Deletes a trashed image for good (`force` ignores its deferment time). */
    delete: (ref: TrashRef, force = false, options?: CephCallOptions) =>
      call(
        rbdTrashEndpoints.delete,
        { path: { image_id_spec: idSpec(ref) }, query: { force: force || undefined } },
        options,
      ),
    /** Purges every expired trash entry (of one pool, or all). */
    purge: (q: { pool?: string } = {}, options?: CephCallOptions) =>
      call(rbdTrashEndpoints.purge, { query: { pool_name: q.pool }, body: {} }, options),
  };
}
