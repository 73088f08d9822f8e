/** `one.group.*` and `one.grouppool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { Group, GroupPool } from "../models/group.js";
import {
  deleteMethod,
  id,
  idCall,
  idPairMethod,
  infoMethod,
  poolDocumentMethod,
  templateMethod,
  updateMethod,
} from "./common.js";
import { str } from "./define.js";

export const groupMethods = {
  allocate: idCall<[name: string]>("one.group.allocate", [str("gname")]),
  delete: deleteMethod("group"),
  /** The group (`-1`: the caller's primary group). */
  info: infoMethod("group", "GROUP", Group, true),
  /** Sets quota limits: `VM=[CPU="8", MEMORY="16384"]`. */
  quota: templateMethod("group", "quota", "quota"),
  /** Sets the group's VLAN rules (7.4+). */
  vlan: idCall<[id: number, vlanRules: string]>("one.group.vlan", [id, str("vlan_rules")], "7.4"),
  update: updateMethod("group"),
  addadmin: idPairMethod("group", "addadmin", "user_id"),
  deladmin: idPairMethod("group", "deladmin", "user_id"),
};

export const groupPoolMethods = {
  /** Every group with its quotas: the whole `GroupPool` (`GROUP[]`, `QUOTAS[]`, `DEFAULT_GROUP_QUOTAS`). */
  info: poolDocumentMethod("group", "GROUP_POOL", GroupPool),
};
