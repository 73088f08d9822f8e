/** `one.vmgroup.*` and `one.vmgrouppool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7): VM groups (affinity). */
import { VmGroup } from "../models/vm-group.js";
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
import { int, str } from "./define.js";

const roleId = int("role_id", { min: 0 });

export const vmgroupMethods = {
  allocate: idCall<[template: string]>("one.vmgroup.allocate", [str("template")]),
  delete: deleteMethod("vmgroup"),
  info: infoMethod("vmgroup", "VM_GROUP", VmGroup),
  chown: chownMethod("vmgroup"),
  chmod: chmodMethod("vmgroup"),
  rename: renameMethod("vmgroup"),
  update: updateMethod("vmgroup"),
  lock: lockMethod("vmgroup"),
  unlock: unlockMethod("vmgroup"),
  /** Adds a role: `ROLE=[NAME="db", POLICY="ANTI_AFFINED"]`. */
  roleadd: templateMethod("vmgroup", "roleadd", "role_template"),
  roledelete: idCall<[id: number, roleId: number]>("one.vmgroup.roledelete", [id, roleId]),
  roleupdate: idCall<[id: number, roleId: number, roleTemplate: string]>("one.vmgroup.roleupdate", [
    id,
    roleId,
    str("role_template"),
  ]),
};

export const vmgroupPoolMethods = {
  /** The VM groups of the filter and ID range (or page: `(filter, offset, -pageSize)`). */
  info: filteredPoolMethod("vmgroup", "VM_GROUP_POOL", "VM_GROUP", VmGroup),
};
