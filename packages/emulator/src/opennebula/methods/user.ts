/** `one.user.*` and `one.userpool.info`: users, passwords, login tokens, groups. */
import { createHash, randomBytes } from "node:crypto";
import { failures } from "../errors.js";
import type { OneUser, OpenNebulaState } from "../state.js";
import { renderTemplate } from "../template.js";
import { el } from "../xml.js";
import { bool, type Ctx, groupName, int, lookup, type MethodDef, requireAdmin, str } from "./context.js";
import { updateMethod } from "./edit.js";

/** oned shows the SHA-256 of a core password, never the password. */
function passwordHash(user: OneUser): string {
  return createHash("sha256").update(user.password).digest("hex");
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
  return `<USER>${userBody(state, user, true)}<DEFAULT_USER_QUOTAS/></USER>`;
}

function getUser(ctx: Ctx, id: number, op: string): OneUser {
  const user = lookup(ctx.state.users, id, "user");
  if (user.id !== ctx.user.id) requireAdmin(ctx, op, "USER", user.id);
  return user;
}

export const userMethods: Record<string, MethodDef> = {
  "one.user.allocate": {
    params: [str(), str(), str("core")],
    run(ctx, [name, password, driver]) {
      requireAdmin(ctx, "CREATE", "USER");
      const n = (name as string).trim();
      if (n === "" || /[\s:]/.test(n))
        throw failures.allocate("user", "Invalid NAME, it cannot contain spaces or ':'");
      const taken = [...ctx.state.users.values()].find((u) => u.name === n);
      if (taken) throw failures.allocate("user", `NAME is already taken by USER ${taken.id}.`);
      if ((password as string) === "")
        throw failures.allocate("user", "Invalid password, it cannot be empty");
      const id = ctx.state.nextId.user++;
      ctx.state.users.set(id, {
        id,
        name: n,
        password: password as string,
        gid: 1,
        groups: [1],
        enabled: true,
        authDriver: (driver as string) || "core",
        template: [],
        tokens: [],
      });
      return id;
    },
  },
  "one.user.info": {
    params: [int(-1), bool(false)],
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
      if (user.id <= 1) throw failures.action("oneadmin and serveradmin cannot be deleted.", user.id);
      ctx.state.users.delete(user.id);
      return user.id;
    },
  },
  "one.user.passwd": {
    params: [int(), str()],
    run(ctx, [id, password]) {
      const user = getUser(ctx, id as number, "MANAGE");
      if ((password as string) === "") throw failures.action("Invalid password, it cannot be empty", user.id);
      user.password = password as string;
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
      user.groups = [...new Set([group.id, ...user.groups.filter((g) => g !== user.gid)])].sort(
        (a, b) => a - b,
      );
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
      if (e !== -1 && !user.groups.includes(e))
        throw failures.action(`EGID ${e} is not a group of the user`, user.id);
      const value = (token as string) || randomBytes(20).toString("hex");
      const seconds = valid as number;
      user.tokens.push({ token: value, expiresAt: seconds < 0 ? -1 : now + seconds * 1000, egid: e });
      return value;
    },
  },
  "one.userpool.info": {
    params: [],
    run(ctx) {
      const list = [...ctx.state.users.values()]
        .filter((u) => ctx.admin || u.id === ctx.user.id)
        .sort((a, b) => a.id - b.id);
      return `<USER_POOL>${list.map((u) => `<USER>${userBody(ctx.state, u, false)}</USER>`).join("")}<DEFAULT_USER_QUOTAS/></USER_POOL>`;
    },
  },
};
