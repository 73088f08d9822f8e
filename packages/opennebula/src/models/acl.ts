/** ACL rules (acl_pool.xsd): `one.acl.info` returns the whole `<ACL_POOL>`. */
import type { z } from "zod";
import { xmlInt, xmlObject, xmlString } from "./coerce.js";
import { pool } from "./shared.js";

/**
 * One rule. USER, RESOURCE, RIGHTS and ZONE are the hexadecimal bit masks oned stores;
 * STRING is the readable form, e.g. `@1 VM+NET+IMAGE+TEMPLATE/* CREATE *`.
 */
export const Acl = xmlObject({
  ID: xmlInt,
  USER: xmlString,
  RESOURCE: xmlString,
  RIGHTS: xmlString,
  ZONE: xmlString,
  STRING: xmlString,
});
export type Acl = z.infer<typeof Acl>;

export const AclPool = pool("ACL", Acl);
export type AclPool = z.infer<typeof AclPool>;
