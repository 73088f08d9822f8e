/** `one.image.*` and `one.imagepool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { Image } from "../models/image.js";
import {
  chmodMethod,
  chownMethod,
  enableMethod,
  filteredPoolMethod,
  id,
  idCall,
  infoMethod,
  lockMethod,
  renameMethod,
  unlockMethod,
  updateMethod,
} from "./common.js";
import { asString, bool, int, method, str } from "./define.js";
import { IMAGE_TYPE_NAMES, type ImageTypeNameParam } from "./params.js";

const snapshotId = int("snapshot_id", { min: 0 });

export const imageMethods = {
  /** A new image in datastore `datastoreId` → its ID (LOCKED while it is copied, then READY). */
  allocate: idCall<[template: string, datastoreId: number, skipCapacityCheck?: boolean]>(
    "one.image.allocate",
    [str("template"), int("ds_id", { min: 0 }), bool("skip_capacity_check", { optional: true })],
  ),
  /** `force` deletes it even when the datastore driver fails. */
  delete: idCall<[id: number, force?: boolean]>("one.image.delete", [id, bool("force", { optional: true })]),
  info: infoMethod("image", "IMAGE", Image),
  update: updateMethod("image"),
  rename: renameMethod("image"),
  chmod: chmodMethod("image"),
  chown: chownMethod("image"),
  lock: lockMethod("image"),
  unlock: unlockMethod("image"),
  /** A copy named `name`, in `datastoreId` (-1, the default: the same datastore) → its ID. */
  clone: idCall<[id: number, name: string, datastoreId?: number]>("one.image.clone", [
    id,
    str("name"),
    int("ds_id", { optional: true, min: -1 }),
  ]),
  enable: enableMethod("image"),
  persistent: idCall<[id: number, persistent: boolean]>("one.image.persistent", [id, bool("persistent")]),
  chtype: idCall<[id: number, type: ImageTypeNameParam]>("one.image.chtype", [
    id,
    str("type", { oneOf: IMAGE_TYPE_NAMES }),
  ]),
  snapshotdelete: idCall<[id: number, snapshotId: number]>("one.image.snapshotdelete", [id, snapshotId]),
  snapshotrevert: idCall<[id: number, snapshotId: number]>("one.image.snapshotrevert", [id, snapshotId]),
  snapshotflatten: idCall<[id: number, snapshotId: number]>("one.image.snapshotflatten", [id, snapshotId]),
  /** Restores a backup image into `datastoreId` (6.6+); returns oned's text (the new IDs). */
  restore: method<[id: number, datastoreId: number, template: string]>()({
    name: "one.image.restore",
    params: [id, int("ds_id", { min: -1 }), str("optional_template")],
    idempotent: false,
    since: "6.6",
    decode: asString,
  }),
};

export const imagePoolMethods = {
  /** The images of the filter and ID range (or page: `(filter, offset, -pageSize)`). */
  info: filteredPoolMethod("image", "IMAGE_POOL", "IMAGE", Image),
};
