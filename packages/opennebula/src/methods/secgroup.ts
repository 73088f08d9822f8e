/** `one.secgroup.*` and `one.secgrouppool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7): security groups. */
import { SecurityGroup } from "../models/security-group.js";
import {
  chmodMethod,
  chownMethod,
  deleteMethod,
  filteredPoolMethod,
  id,
  idCall,
  infoMethod,
  renameMethod,
  updateMethod,
} from "./common.js";
import { bool, str } from "./define.js";

export const secgroupMethods = {
  allocate: idCall<[template: string]>("one.secgroup.allocate", [str("template")]),
  delete: deleteMethod("secgroup"),
  info: infoMethod("secgroup", "SECURITY_GROUP", SecurityGroup),
  update: updateMethod("secgroup"),
  chown: chownMethod("secgroup"),
  chmod: chmodMethod("secgroup"),
  /** A copy named `name` → its ID. */
  clone: idCall<[id: number, name: string]>("one.secgroup.clone", [id, str("name")]),
  rename: renameMethod("secgroup"),
  /** Pushes the rules to the VMs; `recovery` only to those still outdated or in error. */
  commit: idCall<[id: number, recovery: boolean]>("one.secgroup.commit", [id, bool("recovery")]),
};

export const secgroupPoolMethods = {
  /** The security groups of the filter and ID range (or page: `(filter, offset, -pageSize)`). */
  info: filteredPoolMethod("secgroup", "SECURITY_GROUP_POOL", "SECURITY_GROUP", SecurityGroup),
};
