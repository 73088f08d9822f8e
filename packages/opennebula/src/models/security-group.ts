/** Security groups (security_group.xsd, security_group_pool.xsd). */
import type { z } from "zod";
import { Ids, xmlList, xmlObject, xmlString } from "./coerce.js";
import { ownedObjectFields, pool } from "./shared.js";
import { templateWith } from "./template-record.js";

/** One rule: PROTOCOL (TCP, UDP, ICMP, ICMPv6, IPSEC, ALL) and RULE_TYPE (inbound, outbound). */
export const SecurityGroupRule = xmlObject({
  PROTOCOL: xmlString,
  RULE_TYPE: xmlString,
  RANGE: xmlString.optional(),
  IP: xmlString.optional(),
  SIZE: xmlString.optional(),
  NETWORK_ID: xmlString.optional(),
  ICMP_TYPE: xmlString.optional(),
  ICMPv6_TYPE: xmlString.optional(),
});
export type SecurityGroupRule = z.infer<typeof SecurityGroupRule>;

export const SecurityGroup = xmlObject({
  ...ownedObjectFields,
  UPDATED_VMS: Ids,
  OUTDATED_VMS: Ids,
  UPDATING_VMS: Ids,
  ERROR_VMS: Ids,
  TEMPLATE: templateWith({
    DESCRIPTION: xmlString.optional(),
    RULE: xmlList(SecurityGroupRule),
  }),
});
export type SecurityGroup = z.infer<typeof SecurityGroup>;

/** `<SECURITY_GROUP_POOL>` of `one.secgrouppool.info`. */
export const SecurityGroupPool = pool("SECURITY_GROUP", SecurityGroup);
export type SecurityGroupPool = z.infer<typeof SecurityGroupPool>;
