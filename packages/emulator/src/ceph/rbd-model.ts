/**
 * RBD operations on the state with librbd's rules and the dashboard's error texts (recorded on
 * Pacific 16.2.15): image specs, lookups and the `[errno N] …` task errors.
 */
import { internalError, taskError, taskException } from "./http.js";
import { type CephState, type ImageState, imageKey } from "./state.js";
import type { TaskSpec } from "./tasks.js";

export interface ImageSpec {
  pool: string;
  namespace: string | null;
  name: string;
}

/** `pool/image` or `pool/namespace/image`; anything else is the dashboard's generic 500. */
export function parseSpec(spec: string | undefined): ImageSpec {
  const parts = (spec ?? "").split("/");
  if (parts.length === 2 && parts[0] && parts[1]) return { pool: parts[0], namespace: null, name: parts[1] };
  if (parts.length === 3 && parts[0] && parts[2])
    return { pool: parts[0], namespace: parts[1] || null, name: parts[2] };
  throw internalError();
}

export function specText(spec: ImageSpec): string {
  return spec.namespace ? `${spec.pool}/${spec.namespace}/${spec.name}` : `${spec.pool}/${spec.name}`;
}

export function findImage(state: CephState, spec: ImageSpec): ImageState | undefined {
  return state.images.get(imageKey(spec.pool, spec.namespace, spec.name));
}

/** A librbd error raised in a task: `[errno N] …`, code `"N"`, component `rbd`. */
export function rbdError(task: TaskSpec, errno: number, message: string) {
  return taskError(task, `[errno ${errno}] ${message}`, String(errno), "rbd");
}

/**
 * An image size as the Python binding hands it to librbd: an integer (numeric strings pass), not
 * negative, and at most 2^64 - 1 (a uint64_t; `1e308` is refused as real Ceph refuses it, in a
 * double 2^64 - 1 rounds to 2^64 and is refused too).
 */
export function imageSize(task: TaskSpec, value: unknown): number {
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) throw taskException(task, "an integer is required");
  if (n < 0) throw taskException(task, "can't convert negative value to uint64_t");
  if (n >= 2 ** 64) throw taskException(task, "Python int too large to convert to C unsigned long");
  return n;
}

/**
 * librbd keeps an image's id in the object `rbd_id.<name>`, and an OSD refuses object names over
 * `osd_max_object_name_len` (2048 bytes): a longer name fails with ENAMETOOLONG, an empty one with
 * EINVAL (both recorded on Pacific 16.2.15, docs/reference/ceph/NOTES.md).
 */
export const MAX_IMAGE_NAME_BYTES = 2048 - "rbd_id.".length;

/** librbd's refusal of an image name (empty, or too long for its id object), raised in the task. */
export function checkImageName(task: TaskSpec, name: string, action: string): void {
  if (name === "") throw rbdError(task, 22, `RBD invalid argument (error ${action} image)`);
  if (Buffer.byteLength(name, "utf8") > MAX_IMAGE_NAME_BYTES)
    throw rbdError(task, 36, `error ${action} image`);
}

/** librbd's `ImageNotFound` when opening an image, as every RBD task reports it. */
export function openImage(state: CephState, spec: ImageSpec, task: TaskSpec): ImageState {
  const image = findImage(state, spec);
  if (image === undefined) {
    throw rbdError(task, 2, `RBD image not found (error opening image b'${spec.name}' at snapshot None)`);
  }
  return image;
}

/** `rados.ObjectNotFound` when opening a missing pool. */
export function openPool(state: CephState, pool: string, task: TaskSpec): void {
  if (!state.pools.has(pool)) {
    throw taskError(task, `[errno 2] RADOS object not found (error opening pool '${pool}')`, "2", "pool");
  }
}

export function addImage(state: CephState, image: ImageState): void {
  state.images.set(imageKey(image.pool, image.namespace, image.name), image);
}

export function removeImage(state: CephState, image: ImageState): void {
  state.images.delete(imageKey(image.pool, image.namespace, image.name));
}

/** Clones whose parent is `image@snap`. */
export function childrenOf(state: CephState, image: ImageState, snap: string): ImageState[] {
  return [...state.images.values()].filter(
    (i) => i.parent?.pool === image.pool && i.parent.image === image.name && i.parent.snap === snap,
  );
}

export function newImage(
  state: CephState,
  init: Pick<ImageState, "pool" | "namespace" | "name" | "size"> & Partial<ImageState>,
): ImageState {
  return {
    id: state.newImageId(),
    objSize: 4 * 1024 * 1024,
    features: ["deep-flatten", "exclusive-lock", "fast-diff", "layering", "object-map"],
    createdAt: state.now(),
    stripeUnit: init.objSize ?? 4 * 1024 * 1024,
    stripeCount: 1,
    dataPool: null,
    usedBytes: 0,
    parent: undefined,
    snapshots: [],
    ...init,
  };
}
