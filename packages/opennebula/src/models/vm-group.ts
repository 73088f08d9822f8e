/** VM groups (vm_group.xsd, vm_group_pool.xsd): roles with affinity rules. */
import type { z } from "zod";
import { xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { ownedObjectFields, pool } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

export const VmGroupRole = xmlObject({
  ID: xmlInt,
  NAME: xmlString,
  POLICY: xmlString.optional(),
  HOST_AFFINED: xmlString.optional(),
  HOST_ANTI_AFFINED: xmlString.optional(),
  /** Comma-separated VM IDs, as oned writes them. */
  VMS: xmlString.optional(),
});
export type VmGroupRole = z.infer<typeof VmGroupRole>;

export const VmGroup = xmlObject({
  ...ownedObjectFields,
  ROLES: xmlObject({ ROLE: xmlList(VmGroupRole) }),
  TEMPLATE: TemplateRecord,
});
export type VmGroup = z.infer<typeof VmGroup>;

/** `<VM_GROUP_POOL>` of `one.vmgrouppool.info`. */
export const VmGroupPool = pool("VM_GROUP", VmGroup);
export type VmGroupPool = z.infer<typeof VmGroupPool>;
