/** `one.user.*` and `one.userpool.info`: users, passwords, login tokens, groups. */
import { createHash, randomBytes } from "node:crypto";
import { ACL_ID, ACL_OBJECTS } from "../acl.js";
import { failures } from "../errors.js";
import { defaultQuotasXml, quotasXml, setQuotas } from "../quotas.js";
import type { OneUser, OpenNebulaState } from "../state.js";
import { renderTemplate } from "../template.js";
import { el } from "../xml.js";
import {
  bool,
  type Ctx,
  groupName,
  int,
  intArray,
  lookup,
  type MethodDef,
  requireAdmin,
  str,
} from "./context.js";
import { updateMethod } from "./edit.js";
import { dropAclRules, dropGroupAdmin, targets } from "./group.js";

/** oned keeps the SHA-256 of a core password; other drivers' secrets (an LDAP DN…) as given. */
function passwordHash(user: OneUser): string {
  return user.authDriver === "core"
    ? createHash("sha256").update(user.password).digest("hex")
    : user.password;
}

const USER_BIT = ACL_OBJECTS.find(([n]) => n === "USER")![1];

/** User::pass_is_valid: not empty, no whitespace (an empty one is refused without the user's ID, as oned 7.4). */
function checkPassword(password: string, id: number): void {
  if (password === "") throw failures.action("Invalid password, it cannot be empty");
  const bad = /[ \t\n\v\f\r]/.exec(password);
  if (bad) throw failures.action(`Invalid password, character '${bad[0]}' is not allowed`, id);
}

function userBody(state: OpenNebulaState, user: OneUser, withTokens: boolean): string {
  const now = state.clock.now();
  const tokens = withTokens
    ? user.tokens
        .filter((t) => t.expiresAt < 0 || t.expiresAt > now)
        .map(
          (t) =>
            `<LOGIN_TOKEN>${el("TOKEN", t.token)}<EXPIRATION_TIME>${t.expiresAt < 0 ? -1 : Math.floor(t.expiresAt / 1000)}</EXPIRATION_TIME><EGID>${t.egid}</EGID></LOGIN_TOKEN>`,
        )
        .join("")
    : "";
  return `<ID>${user.id}</ID><GID>${user.gid}</GID><GROUPS>${user.groups.map((g) => `<ID>${g}</ID>`).join("")}</GROUPS>${el("GNAME", groupName(state, user.gid))}${el("NAME", user.name)}${el("PASSWORD", passwordHash(user))}${el("AUTH_DRIVER", user.authDriver)}<ENABLED>${user.enabled ? 1 : 0}</ENABLED>${tokens}${renderTemplate("TEMPLATE", user.template)}`;
}

export function userXml(state: OpenNebulaState, user: OneUser): string {
  return `<USER>${userBody(state, user, true)}${quotasXml(state, user, "user")}${defaultQuotasXml("DEFAULT_USER_QUOTAS")}</USER>`;
}

/** A user may USE and MANAGE itself (never ADMIN: enable, chauth, quota, delete need oneadmin). */
function getUser(ctx: Ctx, id: number, op: string): OneUser {
  const user = lookup(ctx.state.users, id, "user");
  if (user.id !== ctx.user.id || op === "ADMIN") requireAdmin(ctx, op, "USER", user.id);
  return user;
}

/**
 * UserAPI::edit_group (addgroup/delgroup): the user (NO_EXISTS), the group (NO_EXISTS), then
 * MANAGE on the user and MANAGE on the group (oneadmin's group in the emulator, no ACLs).
 */
function editGroup(ctx: Ctx, id: number, gid: number) {
  const user = lookup(ctx.state.users, id, "user");
  const group = lookup(ctx.state.groups, gid, "group");
  if (user.id !== ctx.user.id) requireAdmin(ctx, "MANAGE", "USER", user.id);
  requireAdmin(ctx, "MANAGE", "GROUP", group.id);
  return { user, group };
}

export const userMethods: Record<string, MethodDef> = {
  "one.user.allocate": {
    params: [str(), str(), str(), intArray([])],
    run(ctx, [name, password, driver, groupIds]) {
      // UserAllocateAPI: the groups must exist (NO_EXISTS), then CREATE USER is authorized.
      const gids = groupIds as number[];
      for (const g of gids) lookup(ctx.state.groups, g, "group");
      requireAdmin(ctx, "CREATE", "USER");
      const n = (name as string).trim();
      if (n === "" || /[\s:]/.test(n))
        throw failures.internal("Invalid NAME, it cannot contain spaces or ':'");
      const taken = [...ctx.state.users.values()].find((u) => u.name === n);
      if (taken) throw failures.internal(`NAME is already taken by USER ${taken.id}.`);
      if ((password as string) === "") throw failures.internal("Invalid password, it cannot be empty.");
      const id = ctx.state.nextId.user++;
      ctx.state.users.set(id, {
        id,
        name: n,
        password: password as string,
        // The first group given is the primary one; none: users (or the creator's group).
        gid: gids[0] ?? (ctx.user.gid === 0 ? 1 : ctx.user.gid),
        groups:
          gids.length > 0
            ? [...new Set(gids)].sort((a, b) => a - b)
            : [ctx.user.gid === 0 ? 1 : ctx.user.gid],
        enabled: true,
        authDriver: (driver as string) || "core",
        // UserPool::allocate gives every user a random TOKEN_PASSWORD (sha256 hex) for login tokens
        template: [["TOKEN_PASSWORD", randomBytes(32).toString("hex")]],
        tokens: [],
      });
      return id;
    },
  },
  "one.user.info": {
    params: [int(), bool(false)],
    run(ctx, [id]) {
      const user = (id as number) === -1 ? ctx.user : getUser(ctx, id as number, "USE");
      return userXml(ctx.state, user);
    },
  },
  "one.user.delete": {
    params: [int()],
    run(ctx, [id]) {
      const user = lookup(ctx.state.users, id as number, "user");
      requireAdmin(ctx, "ADMIN", "USER", user.id);
      if (user.id === 0) throw failures.cannotDelete("user", "oneadmin cannot be deleted.");
      ctx.state.users.delete(user.id);
      // UserAPI::drop: out of its groups (and their admins), AclManager::del_uid_rules, and
      // del_resource_rules(USER): rules for #uid or on the user.
      for (const gid of user.groups) {
        const group = ctx.state.groups.get(gid);
        if (group) dropGroupAdmin(ctx.state, group, user.id);
      }
      dropAclRules(
        ctx.state,
        (a) =>
          a.user === (ACL_ID.INDIVIDUAL | BigInt(user.id)) ||
          (targets(a, ACL_ID.INDIVIDUAL, user.id) && (a.resource & USER_BIT) !== 0n),
      );
      return user.id;
    },
  },
  "one.user.passwd": {
    params: [int(), str()],
    run(ctx, [id, password]) {
      const user = getUser(ctx, id as number, "MANAGE");
      checkPassword(password as string, user.id);
      user.password = password as string;
      user.tokens = []; // User::set_password resets the login tokens
      return user.id;
    },
  },
  "one.user.update": updateMethod((ctx, id) => getUser(ctx, id, "MANAGE"), "template"),
  "one.user.chgrp": {
    params: [int(), int()],
    run(ctx, [id, gid]) {
      const user = lookup(ctx.state.users, id as number, "user");
      requireAdmin(ctx, "MANAGE", "USER", user.id);
      const group = lookup(ctx.state.groups, gid as number, "group");
      if (user.id === 0)
        throw failures.internal("user [0] oneadmin cannot be moved outside of the group [0] oneadmin");
      const old = user.gid;
      if (old === group.id) return user.id;
      // UserAPI::chown: the old primary group is left only if the new one was not a secondary one.
      if (!user.groups.includes(group.id)) {
        user.groups = [...user.groups.filter((g) => g !== old), group.id].sort((a, b) => a - b);
        const left = ctx.state.groups.get(old);
        if (left) dropGroupAdmin(ctx.state, left, user.id);
      }
      user.gid = group.id;
      return user.id;
    },
  },
  "one.user.login": {
    params: [str(), str(), int(), int(-1)],
    run(ctx, [name, token, valid, egid]) {
      const user = [...ctx.state.users.values()].find((u) => u.name === name);
      if (!user) throw failures.noExists("user", -1);
      if (user.id !== ctx.user.id) requireAdmin(ctx, "MANAGE", "USER", user.id);
      const now = ctx.state.clock.now();
      user.tokens = user.tokens.filter((t) => t.expiresAt < 0 || t.expiresAt > now);
      if ((valid as number) === 0) {
        user.tokens = (token as string) === "" ? [] : user.tokens.filter((t) => t.token !== token);
        return (token as string) || "";
      }
      const e = egid as number;
      // UserLogin's scoped-token checks (oned 7.4): a group token needs a group of the user; a full
      // token needs the caller's session to hold exactly the user's groups (so not oneadmin for others)
      if (e !== -1 && (!user.groups.includes(e) || (!ctx.admin && !ctx.user.groups.includes(e))))
        throw failures.rpcApi("EGID is not in user group list");
      const same = (a: number[], b: number[]) => a.length === b.length && a.every((g) => b.includes(g));
      if (e === -1 && !same(user.groups, ctx.user.groups))
        throw failures.rpcApi("Cannot create a full token with a specific group token");
      const value = (token as string) || randomBytes(20).toString("hex");
      const seconds = valid as number;
      user.tokens.push({ token: value, expiresAt: seconds < 0 ? -1 : now + seconds * 1000, egid: e });
      return value;
    },
  },
  "one.user.addgroup": {
    params: [int(), int()],
    run(ctx, [id, gid]) {
      const { user, group } = editGroup(ctx, id as number, gid as number);
      if (user.groups.includes(group.id)) throw failures.action("User is already in this group", user.id);
      user.groups = [...user.groups, group.id].sort((a, b) => a - b);
      return user.id;
    },
  },
  "one.user.delgroup": {
    params: [int(), int()],
    run(ctx, [id, gid]) {
      const { user, group } = editGroup(ctx, id as number, gid as number);
      if (group.id === user.gid) throw failures.action("Cannot remove user from the primary group", user.id);
      if (!user.groups.includes(group.id)) throw failures.action("User is not part of this group", user.id);
      user.groups = user.groups.filter((g) => g !== group.id);
      dropGroupAdmin(ctx.state, group, user.id);
      return user.id;
    },
  },
  "one.user.enable": {
    params: [int(), bool()],
    run(ctx, [id, enable]) {
      const user = getUser(ctx, id as number, "ADMIN");
      if (user.id === 0) throw failures.action("Cannot enable/disable oneadmin user", user.id);
      user.enabled = enable as boolean;
      return user.id;
    },
  },
  "one.user.chauth": {
    params: [int(), str(), str()],
    run(ctx, [id, driver, password]) {
      const user = getUser(ctx, id as number, "ADMIN");
      const pw = password as string;
      if (pw !== "") checkPassword(pw, user.id);
      user.authDriver = driver as string;
      if (pw !== "") {
        user.password = pw;
        user.tokens = [];
      }
      return user.id;
    },
  },
  "one.user.quota": {
    params: [int(), str()],
    run(ctx, [id, quota]) {
      const user = getUser(ctx, id as number, "ADMIN");
      if (user.id === 0) throw failures.action("Cannot set quotas for oneadmin user", user.id);
      setQuotas(user, quota as string, { name: "UID", id: user.id });
      return user.id;
    },
  },
  "one.userpool.info": {
    params: [],
    run(ctx) {
      const list = [...ctx.state.users.values()]
        .filter((u) => ctx.admin || u.id === ctx.user.id)
        .sort((a, b) => a.id - b.id);
      // oned joins user_pool with user_quotas: each USER is followed by its QUOTAS.
      const rows = list.map(
        (u) =>
          `<USER>${userBody(ctx.state, u, false)}</USER><QUOTAS><ID>${u.id}</ID>${quotasXml(ctx.state, u, "user")}</QUOTAS>`,
      );
      return `<USER_POOL>${rows.join("")}${defaultQuotasXml("DEFAULT_USER_QUOTAS")}</USER_POOL>`;
    },
  },
};
