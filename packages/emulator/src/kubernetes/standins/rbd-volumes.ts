/**
 * ceph-csi's RBD provisioner rules as pure code: Kubernetes quantities, ceph-csi's size rounding,
 * volume handles, and the image it creates in the emulated Ceph state.
 */
import { randomUUID } from "node:crypto";
import { addImage, findImage, newImage, removeImage } from "../../ceph/rbd-model.js";
import type { CephState, ImageState } from "../../ceph/state.js";

export const RBD_PROVISIONER = "rbd.csi.ceph.com";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const SUFFIXES: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: MiB,
  Gi: GiB,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A Kubernetes resource quantity (`10Gi`, `500M`, `1.5Gi`, `1e9`) in bytes, rounded up. */
export function parseQuantity(text: string | number): number {
  if (typeof text === "number") return Math.ceil(text);
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/.exec(
    text.trim(),
  );
  if (!match) throw new RangeError(`invalid quantity "${text}"`);
  const value = Number(match[1]) * (match[2] ? 10 ** Number(match[2].slice(1)) : SUFFIXES[match[3] ?? ""]!);
  return Math.ceil(value);
}

/** ceph-csi's `RoundOffBytes`: below 1 GiB up to whole MiB, from 1 GiB up to whole GiB. */
export function roundOffBytes(bytes: number): number {
  return bytes < GiB ? Math.ceil(bytes / MiB) * MiB : Math.ceil(bytes / GiB) * GiB;
}

/** Bytes as the binary quantity external-provisioner writes into the PV (`1Gi`, `512Mi`). */
export function formatQuantity(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}Gi`;
  if (bytes % MiB === 0) return `${bytes / MiB}Mi`;
  return String(bytes);
}

/** ceph-csi's volume ID: `0001-<len(clusterID) hex4>-<clusterID>-<pool id hex16>-<uuid>`. */
export function volumeHandle(clusterId: string, poolId: number, uuid: string): string {
  return `0001-${clusterId.length.toString(16).padStart(4, "0")}-${clusterId}-${poolId.toString(16).padStart(16, "0")}-${uuid}`;
}

export interface ProvisionRequest {
  clusterId: string;
  /** StorageClass parameters (`clusterID`, `pool`, `imageFeatures`, `radosNamespace`, `dataPool`). */
  parameters: Record<string, string>;
  bytes: number;
  accessModes: string[];
  volumeMode: string;
}

export interface ProvisionedVolume {
  image: ImageState;
  handle: string;
  capacityBytes: number;
  attributes: Record<string, string>;
}

/** What ceph-csi answers CreateVolume with when it refuses (the `rpc error` text of the PVC event). */
export class ProvisionError extends Error {
  override readonly name = "ProvisionError";
  constructor(
    readonly grpcCode: "InvalidArgument" | "NotFound" | "Internal",
    message: string,
  ) {
    super(`rpc error: code = ${grpcCode} desc = ${message}`);
  }
}

/** Creates the RBD image of a new volume (`csi-vol-<uuid>`) in the emulated Ceph. */
export function provisionRbdVolume(state: CephState, request: ProvisionRequest): ProvisionedVolume {
  const params = request.parameters;
  if (params.clusterID !== undefined && params.clusterID !== request.clusterId) {
    throw new ProvisionError(
      "NotFound",
      `failed to fetch monitor list using clusterID (${params.clusterID}): missing configuration for cluster ID "${params.clusterID}"`,
    );
  }
  const poolName = params.pool;
  if (!poolName) throw new ProvisionError("InvalidArgument", "missing required parameter pool");
  if (
    request.volumeMode !== "Block" &&
    request.accessModes.some((m) => m === "ReadWriteMany" || m === "ReadOnlyMany")
  ) {
    throw new ProvisionError(
      "InvalidArgument",
      "multi node access modes are only supported on rbd `block` type volumes",
    );
  }
  const pool = state.pools.get(poolName);
  if (!pool)
    throw new ProvisionError("NotFound", `pool not found: pool (${poolName}) not found in Ceph cluster`);
  if (params.dataPool && !state.pools.has(params.dataPool)) {
    throw new ProvisionError(
      "NotFound",
      `pool not found: pool (${params.dataPool}) not found in Ceph cluster`,
    );
  }
  const capacityBytes = roundOffBytes(Math.max(1, request.bytes));
  const uuid = randomUUID();
  const namespace = params.radosNamespace || null;
  const image = newImage(state, {
    pool: poolName,
    namespace,
    name: `csi-vol-${uuid}`,
    size: capacityBytes,
    features: (params.imageFeatures ?? "layering")
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean)
      .sort(),
    dataPool: params.dataPool || null,
  });
  addImage(state, image);
  return {
    image,
    handle: volumeHandle(request.clusterId, pool.id, uuid),
    capacityBytes,
    attributes: {
      clusterID: request.clusterId,
      pool: poolName,
      imageFeatures: params.imageFeatures ?? "layering",
      imageName: image.name,
      journalPool: params.journalPool ?? poolName,
      ...(namespace ? { radosNamespace: namespace } : {}),
    },
  };
}

/**
 * ControllerExpandVolume: grows a volume's image to the requested size (rounded as at creation)
 * and returns the new capacity; never shrinks.
 */
export function expandRbdVolume(state: CephState, attributes: Record<string, string>, bytes: number): number {
  const image = findImage(state, {
    pool: attributes.pool ?? "",
    namespace: attributes.radosNamespace || null,
    name: attributes.imageName ?? "",
  });
  if (!image) {
    throw new ProvisionError("NotFound", `rbd image ${attributes.pool}/${attributes.imageName} not found`);
  }
  image.size = Math.max(image.size, roundOffBytes(bytes));
  return image.size;
}

/** Removes a volume's image (absent images are fine: DeleteVolume is idempotent). */
export function deleteRbdVolume(state: CephState, attributes: Record<string, string>): boolean {
  const image = findImage(state, {
    pool: attributes.pool ?? "",
    namespace: attributes.radosNamespace || null,
    name: attributes.imageName ?? "",
  });
  if (!image) return false;
  if (image.snapshots.length > 0) {
    throw new ProvisionError("Internal", `rbd image ${image.pool}/${image.name} has snapshots`);
  }
  removeImage(state, image);
  return true;
}
