/** Groups (group.xsd, group_pool.xsd). */
import type { z } from "zod";
import { Ids, xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { DefaultQuotas, PoolQuotas, quotaFields } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

export const Group = xmlObject({
  ID: xmlInt,
  NAME: xmlString,
  TEMPLATE: TemplateRecord,
  USERS: Ids,
  ADMINS: Ids,
  ...quotaFields,
  /** VLAN rules of the group (7.4+, `one.group.vlan`). */
  VLAN_RULES: xmlObject({
    ID: xmlInt.optional(),
    RULE: xmlList(xmlObject({ ID: xmlString, SCOPE: xmlString, VNTEMPLATE: xmlString })),
  }).optional(),
  /** Present in `one.group.info` only. */
  DEFAULT_GROUP_QUOTAS: DefaultQuotas.optional(),
});
export type Group = z.infer<typeof Group>;

/** `<GROUP_POOL>` of `one.grouppool.info` (quotas listed apart, as in USER_POOL). */
export const GroupPool = xmlObject({
  GROUP: xmlList(Group),
  QUOTAS: xmlList(PoolQuotas),
  DEFAULT_GROUP_QUOTAS: DefaultQuotas.optional(),
});
export type GroupPool = z.infer<typeof GroupPool>;
