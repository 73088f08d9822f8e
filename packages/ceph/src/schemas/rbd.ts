import { z } from "zod";
import { ConfigurationEntry } from "./pool.js";

export const RbdSnapshot = z.looseObject({
  id: z.number(),
  name: z.string(),
  size: z.number(),
  timestamp: z.string(),
  is_protected: z.boolean(),
  /** Clones made from this snapshot: `{pool_name, pool_namespace, image_name}`. */
  children: z.array(z.looseObject({ pool_name: z.string(), image_name: z.string() })),
  disk_usage: z.number().nullish(),
  used_bytes: z.number().nullish(),
});
export type RbdSnapshot = z.infer<typeof RbdSnapshot>;

export const RbdParent = z.looseObject({
  pool_name: z.string(),
  pool_namespace: z.string().nullish(),
  image_name: z.string(),
  snap_name: z.string(),
});
export type RbdParent = z.infer<typeof RbdParent>;

/** `GET /api/block/image/{pool%2Fimage}` and the entries of the v2.0 list. */
export const RbdImage = z.looseObject({
  name: z.string(),
  pool_name: z.string(),
  namespace: z.string().nullable(),
  id: z.string(),
  unique_id: z.string(),
  size: z.number(),
  obj_size: z.number(),
  num_objs: z.number(),
  order: z.number(),
  features: z.number(),
  features_name: z.array(z.string()),
  timestamp: z.string(),
  stripe_count: z.number(),
  stripe_unit: z.number(),
  data_pool: z.string().nullable(),
  parent: RbdParent.nullable(),
  snapshots: z.array(RbdSnapshot),
  total_disk_usage: z.number().nullish(),
  disk_usage: z.number().nullish(),
  configuration: z.array(ConfigurationEntry).optional(),
});
export type RbdImage = z.infer<typeof RbdImage>;

/** `GET /api/block/image` (v2.0): one entry per pool; the total comes in `X-Total-Count`. */
export const RbdPoolImages = z.looseObject({
  pool_name: z.string(),
  value: z.array(RbdImage),
  status: z.number().optional(),
});
export const RbdImageList = z.array(RbdPoolImages);
export type RbdImageList = z.infer<typeof RbdImageList>;

export const RbdTrashEntry = z.looseObject({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  deletion_time: z.string(),
  deferment_end_time: z.string(),
  pool_name: z.string(),
  namespace: z.string().nullish(),
});
export type RbdTrashEntry = z.infer<typeof RbdTrashEntry>;

/** `GET /api/block/image/trash`: one entry per pool. */
export const RbdTrashList = z.array(
  z.looseObject({ pool_name: z.string(), status: z.number(), value: z.array(RbdTrashEntry) }),
);
export type RbdTrashList = z.infer<typeof RbdTrashList>;

export const RbdFeatureList = z.array(z.string());

/** Where an image lives: `{pool, image}` plus an optional RADOS namespace. */
export interface ImageRef {
  pool: string;
  namespace?: string | null;
  image: string;
}

/** `POST /api/block/image`. */
export interface RbdImageCreate {
  name: string;
  pool_name: string;
  /** Bytes. Must be > 0: a 0-byte image aborts Pacific's mgr (docs/reference/ceph/NOTES.md gotcha 4). */
  size: number;
  namespace?: string | null;
  obj_size?: number;
  features?: string[];
  stripe_unit?: number;
  stripe_count?: number;
  data_pool?: string | null;
  configuration?: Record<string, string | number>;
}

/** `PUT /api/block/image/{spec}`. */
export interface RbdImageUpdate {
  /** New size in bytes (grow or shrink). */
  size?: number;
  /** Rename. */
  name?: string;
  features?: string[];
  configuration?: Record<string, string | number>;
}

/** `POST /api/block/image/{spec}/copy`. */
export interface RbdImageCopy {
  dest_pool_name: string;
  dest_image_name: string;
  dest_namespace?: string | null;
  snapshot_name?: string;
  obj_size?: number;
  features?: string[];
  data_pool?: string | null;
}

/** `POST …/snap/{snap}/clone`. */
export interface RbdSnapshotClone {
  child_pool_name: string;
  child_image_name: string;
  child_namespace?: string | null;
  obj_size?: number;
  features?: string[];
  data_pool?: string | null;
}
