/** `one.acl.*` of release-7.4.0 (docs/reference/opennebula/API.md §7): ACL rules. */
import { Acl } from "../models/acl.js";
import { idCall } from "./common.js";
import { asPool, int, method, str } from "./define.js";

export const aclMethods = {
  /**
   * A new rule → its ID. Each part in oned's hex form or the CLI's text form: `user` `"#5"`,
   * `"@104"`, `"*"`; `resource` `"VM+NET/@104"`; `rights` `"USE+MANAGE"`; `zone` `"#0"` (optional).
   */
  addrule: idCall<[user: string, resource: string, rights: string, zone?: string]>("one.acl.addrule", [
    str("user"),
    str("resource"),
    str("rights"),
    str("zone", { optional: true }),
  ]),
  delrule: idCall<[id: number]>("one.acl.delrule", [int("id", { min: 0 })]),
  /** Every rule (`<ACL_POOL>`). */
  info: method<[]>()({
    name: "one.acl.info",
    params: [],
    idempotent: true,
    decode: asPool("ACL_POOL", "ACL", Acl),
  }),
};
