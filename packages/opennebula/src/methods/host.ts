/** `one.host.*` and `one.hostpool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { Host } from "../models/host.js";
import {
  deleteMethod,
  id,
  idCall,
  infoMethod,
  rawDocument,
  renameMethod,
  updateMethod,
  wholePoolMethod,
} from "./common.js";
import { int, str } from "./define.js";
import type { HostStatusValue } from "./params.js";

export const hostMethods = {
  /**
   * Registers a hypervisor host → its ID. `imMad`/`vmMad` are the monitoring and VM drivers
   * (`"kvm"`, `"kvm"`); `clusterId` -1 puts it in the default cluster.
   */
  allocate: idCall<[hostname: string, imMad: string, vmMad: string, clusterId: number]>("one.host.allocate", [
    str("name"),
    str("im_mad"),
    str("vm_mad"),
    int("cluster_id", { min: -1 }),
  ]),
  delete: deleteMethod("host"),
  info: infoMethod("host", "HOST", Host),
  update: updateMethod("host"),
  rename: renameMethod("host"),
  /** Enables, disables or sets offline ({@link HostStatus}). */
  status: idCall<[id: number, status: HostStatusValue]>("one.host.status", [
    id,
    int("status", { oneOf: [0, 1, 2] }),
  ]),
  /** The host's monitoring records (`<MONITORING_DATA>`), as a raw XML object. */
  monitoring: rawDocument<[id: number]>("one.host.monitoring", [id]),
};

export const hostPoolMethods = {
  /** Every host (no filter: hosts belong to oneadmin). */
  info: wholePoolMethod("host", "HOST_POOL", "HOST", Host),
  /** Monitoring records of every host, raw: `seconds` 0 the last of each, -1 (default) all, n the last n s. */
  monitoring: rawDocument<[seconds?: number]>(
    "one.hostpool.monitoring",
    [int("seconds", { optional: true, min: -1 })],
    true,
  ),
};
