/** `one.datastore.*` and `one.datastorepool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { Datastore } from "../models/datastore.js";
import {
  chmodMethod,
  chownMethod,
  deleteMethod,
  enableMethod,
  idCall,
  infoMethod,
  renameMethod,
  updateMethod,
  wholePoolMethod,
} from "./common.js";
import { int, str } from "./define.js";

export const datastoreMethods = {
  /** A new datastore (`clusterId` -1: the default cluster) → its ID. */
  allocate: idCall<[template: string, clusterId: number]>("one.datastore.allocate", [
    str("template"),
    int("cluster_id", { min: -1 }),
  ]),
  delete: deleteMethod("datastore"),
  info: infoMethod("datastore", "DATASTORE", Datastore),
  update: updateMethod("datastore"),
  rename: renameMethod("datastore"),
  chown: chownMethod("datastore"),
  chmod: chmodMethod("datastore"),
  enable: enableMethod("datastore"),
};

export const datastorePoolMethods = {
  /** Every datastore (no filter). */
  info: wholePoolMethod("datastore", "DATASTORE_POOL", "DATASTORE", Datastore),
};
