/** Users (user.xsd, user_pool.xsd). */
import type { z } from "zod";
import { xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { DefaultQuotas, PoolQuotas, quotaFields } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

/** A login token made by `one.user.login`; EXPIRATION_TIME is epoch seconds (-1: never). */
export const LoginToken = xmlObject({
  TOKEN: xmlString,
  EXPIRATION_TIME: xmlInt,
  EGID: xmlInt,
});
export type LoginToken = z.infer<typeof LoginToken>;

export const User = xmlObject({
  ID: xmlInt,
  GID: xmlInt,
  GROUPS: xmlObject({ ID: xmlList(xmlInt) }),
  GNAME: xmlString,
  NAME: xmlString,
  /** The password hash (or the DN/driver secret); shown only to owners and oneadmin. */
  PASSWORD: xmlString,
  AUTH_DRIVER: xmlString,
  /** 1 enabled, 0 disabled. */
  ENABLED: xmlInt,
  LOGIN_TOKEN: xmlList(LoginToken),
  TEMPLATE: TemplateRecord,
  ...quotaFields,
  /** Present in `one.user.info` only. */
  DEFAULT_USER_QUOTAS: DefaultQuotas.optional(),
});
export type User = z.infer<typeof User>;

/**
 * `<USER_POOL>` of `one.userpool.info`. oned lists the quotas apart from the users, as
 * siblings (`<USER_POOL><USER/>…<QUOTAS/>…<DEFAULT_USER_QUOTAS/></USER_POOL>`).
 */
export const UserPool = xmlObject({
  USER: xmlList(User),
  QUOTAS: xmlList(PoolQuotas),
  DEFAULT_USER_QUOTAS: DefaultQuotas.optional(),
});
export type UserPool = z.infer<typeof UserPool>;
