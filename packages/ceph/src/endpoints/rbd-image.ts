import { z } from "zod";
import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import {
  type ImageRef,
  RbdFeatureList,
  RbdImage,
  type RbdImageCopy,
  type RbdImageCreate,
  RbdImageList,
  type RbdImageUpdate,
} from "../schemas/rbd.js";

export const rbdImageEndpoints = {
  list: { method: "GET", path: "/api/block/image", version: "2.0", response: RbdImageList },
  get: { method: "GET", path: "/api/block/image/{image_spec}", version: "1.0", response: RbdImage },
  create: { method: "POST", path: "/api/block/image", version: "1.0", response: undefined, task: true },
  update: {
    method: "PUT",
    path: "/api/block/image/{image_spec}",
    version: "1.0",
    response: undefined,
    task: true,
  },
  delete: {
    method: "DELETE",
    path: "/api/block/image/{image_spec}",
    version: "1.0",
    response: undefined,
    task: true,
  },
  copy: {
    method: "POST",
    path: "/api/block/image/{image_spec}/copy",
    version: "1.0",
    response: undefined,
    task: true,
  },
  flatten: {
    method: "POST",
    path: "/api/block/image/{image_spec}/flatten",
    version: "1.0",
    response: undefined,
    task: true,
  },
  moveTrash: {
    method: "POST",
    path: "/api/block/image/{image_spec}/move_trash",
    version: "1.0",
    response: undefined,
    task: true,
  },
  defaultFeatures: {
    method: "GET",
    path: "/api/block/image/default_features",
    version: "1.0",
    response: RbdFeatureList,
  },
  cloneFormatVersion: {
    method: "GET",
    path: "/api/block/image/clone_format_version",
    version: "1.0",
    response: z.number(),
  },
} as const satisfies Record<string, Endpoint>;

/** `pool/image` or `pool/namespace/image`, as the dashboard's `{image_spec}` wants it. */
export function imageSpec(ref: ImageRef): string {
  return ref.namespace ? `${ref.pool}/${ref.namespace}/${ref.image}` : `${ref.pool}/${ref.image}`;
}

export interface RbdListQuery {
  /** Only this pool (else every pool with the rbd application). */
  pool?: string;
  offset?: number;
  limit?: number;
  /** Substring of the image name. */
  search?: string;
  /** `+name`, `-size`, … */
  sort?: string;
}

export interface RbdListResult {
  images: RbdImage[];
  /** `X-Total-Count`: how many images match across pages. */
  total: number;
  /** Per pool: `status` is non-zero when the pool could not be listed. */
  pools: Array<{ pool_name: string; status?: number | undefined; count: number }>;
}

export function rbdImagesResource({ call, callRaw }: CallContext) {
  const spec = (ref: ImageRef) => ({ image_spec: imageSpec(ref) });
  return {
    /** `GET /api/block/image` (v2.0, paginated): images of every rbd pool, or of one. */
    list: async (q: RbdListQuery = {}, options?: CephCallOptions): Promise<RbdListResult> => {
      const { data, headers } = await callRaw(
        rbdImageEndpoints.list,
        { query: { pool_name: q.pool, offset: q.offset, limit: q.limit, search: q.search, sort: q.sort } },
        options,
      );
      const images = data.flatMap((pool) => pool.value);
      const total = Number(headers["x-total-count"] ?? images.length);
      const pools = data.map((p) => ({ pool_name: p.pool_name, status: p.status, count: p.value.length }));
      return { images, total: Number.isFinite(total) ? total : images.length, pools };
    },
    /** Every image, page by page (`pageSize` per request). */
    iterate: async function* (
      q: Omit<RbdListQuery, "offset" | "limit"> & { pageSize?: number } = {},
      options?: CephCallOptions,
    ) {
      const limit = q.pageSize ?? 100;
      for (let offset = 0; ; offset += limit) {
        const { data, headers } = await callRaw(
          rbdImageEndpoints.list,
          { query: { pool_name: q.pool, offset, limit, search: q.search, sort: q.sort ?? "+name" } },
          options,
        );
        const page = data.flatMap((pool) => pool.value);
        yield* page;
        const total = Number(headers["x-total-count"] ?? 0);
        if (page.length === 0 || offset + limit >= total) return;
      }
    },
    /** `GET /api/block/image/{spec}`; `CephApiError` 404 for a missing image. */
    get: (ref: ImageRef, options?: CephCallOptions) =>
      call(rbdImageEndpoints.get, { path: spec(ref) }, options),
    /** `POST /api/block/image`. Duplicate name or missing pool: `CephApiError` 400 with `task`. */
    create: async (image: RbdImageCreate, options?: CephCallOptions) => {
      if (!(image.size > 0))
        throw new RangeError("RBD image size must be > 0 bytes (0 aborts Pacific's mgr)");
      return call(rbdImageEndpoints.create, { body: image }, options);
    },
    /** `PUT /api/block/image/{spec}`: rename, features, configuration, size. */
    update: (ref: ImageRef, changes: RbdImageUpdate, options?: CephCallOptions) =>
      call(rbdImageEndpoints.update, { path: spec(ref), body: changes }, options),
    /** Grows or shrinks the image to `size` bytes. */
    resize: (ref: ImageRef, size: number, options?: CephCallOptions) =>
      call(rbdImageEndpoints.update, { path: spec(ref), body: { size } }, options),
    /** `DELETE /api/block/image/{spec}`; `CephApiError` 404 for a missing image. */
    delete: (ref: ImageRef, options?: CephCallOptions) =>
      call(rbdImageEndpoints.delete, { path: spec(ref) }, options),
    /** `POST …/copy`: a full copy (no parent link). */
    copy: (ref: ImageRef, to: RbdImageCopy, options?: CephCallOptions) =>
      call(rbdImageEndpoints.copy, { path: spec(ref), body: { dest_namespace: null, ...to } }, options),
    /** `POST …/flatten`: copies the parent's data into a clone and drops the parent link. */
    flatten: (ref: ImageRef, options?: CephCallOptions) =>
      call(rbdImageEndpoints.flatten, { path: spec(ref), body: {} }, options),
    /** `POST …/move_trash`; `delay` seconds before the trash may purge it. */
    moveToTrash: (ref: ImageRef, delay = 0, options?: CephCallOptions) =>
      call(rbdImageEndpoints.moveTrash, { path: spec(ref), body: { delay } }, options),
    /** `GET /api/block/image/default_features`. */
    defaultFeatures: (options?: CephCallOptions) => call(rbdImageEndpoints.defaultFeatures, {}, options),
    /** `GET /api/block/image/clone_format_version` (1 or 2). */
    cloneFormatVersion: (options?: CephCallOptions) =>
      call(rbdImageEndpoints.cloneFormatVersion, {}, options),
  };
}
