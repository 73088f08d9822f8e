/** `one.user.*` and `one.userpool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { User, UserPool } from "../models/user.js";
import {
  deleteMethod,
  enableMethod,
  id,
  idCall,
  idPairMethod,
  infoMethod,
  poolDocumentMethod,
  templateMethod,
  updateMethod,
} from "./common.js";
import { asString, int, intList, method, str } from "./define.js";

/** A password or token: never echoed, and redacted from errors while the call runs. */
const secret = (name: string) => str(name, { secret: true });

export const userMethods = {
  /**
   * A new user → its ID. `driver` "" (or `"core"`) is the password driver; `groupIds` the
   * primary group first, then secondary ones (default: the creator's primary group).
   */
  allocate: idCall<[username: string, password: string, driver: string, groupIds?: number[]]>(
    "one.user.allocate",
    [str("username"), secret("password"), str("driver"), intList("group_ids", { optional: true, min: 0 })],
  ),
  update: updateMethod("user"),
  delete: deleteMethod("user"),
  /** The user (`-1`: the caller). */
  info: infoMethod("user", "USER", User, true),
  passwd: idCall<[id: number, newPassword: string]>("one.user.passwd", [id, secret("new_password")]),
  /** Changes the primary group. */
  chgrp: idPairMethod("user", "chgrp", "group_id"),
  addgroup: idPairMethod("user", "addgroup", "group_id"),
  delgroup: idPairMethod("user", "delgroup", "group_id"),
  /** Changes the auth driver (and its secret; "" keeps it). */
  chauth: idCall<[id: number, driver: string, newPassword: string]>("one.user.chauth", [
    id,
    str("new_auth"),
    secret("new_password"),
  ]),
  /** Sets quota limits: `VM=[CPU="8", MEMORY="16384"]`. */
  quota: templateMethod("user", "quota", "quota"),
  /**
   * A login token for `username` → the token. `token` "" lets oned generate it; `validSeconds`
   * -1 never expires, 0 revokes the token; `effectiveGroupId` -1 (default) keeps every group.
   * The client's `login` option renews one by itself.
   */
  login: method<[username: string, token: string, validSeconds: number, effectiveGroupId?: number]>()({
    name: "one.user.login",
    params: [
      str("uname"),
      secret("token"),
      int("valid", { min: -1 }),
      int("egid", { optional: true, min: -1 }),
    ],
    idempotent: false,
    decode: asString,
  }),
  /** Enables or disables the user (6.0+). */
  enable: enableMethod("user", "6.0"),
};

export const userPoolMethods = {
  /**
   * Every user, with their quotas: the whole `UserPool` (`USER[]`, `QUOTAS[]` listed apart by
   * user ID, `DEFAULT_USER_QUOTAS`), not only the users.
   */
  info: poolDocumentMethod("user", "USER_POOL", UserPool),
};
