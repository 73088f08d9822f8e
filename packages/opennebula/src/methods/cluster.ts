/** `one.cluster.*` and `one.clusterpool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { Cluster } from "../models/cluster.js";
import {
  deleteMethod,
  id,
  idCall,
  idPairMethod,
  infoMethod,
  renameMethod,
  updateMethod,
  wholePoolMethod,
} from "./common.js";
import { str } from "./define.js";

export const clusterMethods = {
  allocate: idCall<[name: string]>("one.cluster.allocate", [str("name")]),
  delete: deleteMethod("cluster"),
  info: infoMethod("cluster", "CLUSTER", Cluster),
  update: updateMethod("cluster"),
  rename: renameMethod("cluster"),
  addhost: idPairMethod("cluster", "addhost", "host_id"),
  delhost: idPairMethod("cluster", "delhost", "host_id"),
  adddatastore: idPairMethod("cluster", "adddatastore", "datastore_id"),
  deldatastore: idPairMethod("cluster", "deldatastore", "datastore_id"),
  addvnet: idPairMethod("cluster", "addvnet", "net_id"),
  delvnet: idPairMethod("cluster", "delvnet", "net_id"),
  /** Asks OneDRS for an optimization plan (7.0+; the plan shows in the cluster's PLAN). */
  optimize: idCall<[id: number]>("one.cluster.optimize", [id], "7.0"),
  /** Starts executing the cluster's plan (7.0+). */
  planexecute: idCall<[id: number]>("one.cluster.planexecute", [id], "7.0"),
  /** Deletes the cluster's plan (7.0+). */
  plandelete: idCall<[id: number]>("one.cluster.plandelete", [id], "7.0"),
};

export const clusterPoolMethods = {
  /** Every cluster (no filter). */
  info: wholePoolMethod("cluster", "CLUSTER_POOL", "CLUSTER", Cluster),
};
