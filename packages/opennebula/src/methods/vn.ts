/** `one.vn.*` and `one.vnpool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7): virtual networks. */
import { Vnet, VnetSummary } from "../models/vnet.js";
import {
  chmodMethod,
  chownMethod,
  deleteMethod,
  filteredPoolMethod,
  id,
  idCall,
  infoMethod,
  lockMethod,
  renameMethod,
  templateMethod,
  unlockMethod,
  updateMethod,
} from "./common.js";
import { bool, int, str } from "./define.js";
import type { VnRecoverOperationValue } from "./params.js";

const arId = int("ar_id", { min: 0 });

export const vnMethods = {
  /** A new network (`clusterId` -1: the default cluster) → its ID. */
  allocate: idCall<[template: string, clusterId: number]>("one.vn.allocate", [
    str("template"),
    int("cluster_id", { min: -1 }),
  ]),
  delete: deleteMethod("vn"),
  info: infoMethod("vn", "VNET", Vnet),
  update: updateMethod("vn"),
  rename: renameMethod("vn"),
  chmod: chmodMethod("vn"),
  chown: chownMethod("vn"),
  lock: lockMethod("vn"),
  unlock: unlockMethod("vn"),
  /** Adds address ranges: `AR=[TYPE="IP4", IP="192.168.10.100", SIZE="50"]`. */
  add_ar: templateMethod("vn", "add_ar"),
  /** Removes an address range; `force` even with leases in use. */
  rm_ar: idCall<[id: number, addressRangeId: number, force?: boolean]>("one.vn.rm_ar", [
    id,
    arId,
    bool("force", { optional: true }),
  ]),
  /** Updates address ranges: `AR=[AR_ID="0", SIZE="100"]`. */
  update_ar: templateMethod("vn", "update_ar"),
  /** Reserves addresses into a new or existing network: `SIZE=10 NAME=res` → the reservation's ID. */
  reserve: templateMethod("vn", "reserve"),
  /** Frees a reserved address range. */
  free_ar: idCall<[id: number, addressRangeId: number]>("one.vn.free_ar", [id, arId]),
  /** Puts a lease on hold: `LEASES=[IP="10.0.0.5"]`. */
  hold: templateMethod("vn", "hold"),
  /** Releases a lease on hold: `LEASES=[IP="10.0.0.5"]`. */
  release: templateMethod("vn", "release"),
  /** Leaves the ERROR or LOCK_* states ({@link VnRecoverOperation}; 6.4+). */
  recover: idCall<[id: number, operation: VnRecoverOperationValue]>(
    "one.vn.recover",
    [id, int("operation", { oneOf: [0, 1, 2, 3] })],
    "6.4",
  ),
};

export const vnPoolMethods = {
  /** The networks of the filter and ID range (or page: `(filter, offset, -pageSize)`). */
  info: filteredPoolMethod("vn", "VNET_POOL", "VNET", VnetSummary),
};
