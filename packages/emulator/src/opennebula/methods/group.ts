/** `one.group.*` and `one.grouppool.info`. */
import { failures } from "../errors.js";
import type { OneGroup, OpenNebulaState } from "../state.js";
import { renderTemplate } from "../template.js";
import { el, ids } from "../xml.js";
import { bool, int, lookup, type MethodDef, requireAdmin, str } from "./context.js";

function members(state: OpenNebulaState, group: OneGroup): number[] {
  return [...state.users.values()]
    .filter((u) => u.groups.includes(group.id))
    .map((u) => u.id)
    .sort((a, b) => a - b);
}

function groupBody(state: OpenNebulaState, g: OneGroup): string {
  return `<ID>${g.id}</ID>${el("NAME", g.name)}${renderTemplate("TEMPLATE", g.template)}${ids("USERS", members(state, g))}${ids("ADMINS", g.admins)}`;
}

export function groupXml(state: OpenNebulaState, g: OneGroup): string {
  return `<GROUP>${groupBody(state, g)}<VLAN_RULES><ID>0</ID></VLAN_RULES><DEFAULT_GROUP_QUOTAS/></GROUP>`;
}

export const groupMethods: Record<string, MethodDef> = {
  "one.group.allocate": {
    params: [str()],
    run(ctx, [name]) {
      requireAdmin(ctx, "CREATE", "GROUP");
      const n = (name as string).trim();
      if (n === "") throw failures.allocate("group", "Invalid NAME, it cannot be empty");
      const taken = [...ctx.state.groups.values()].find((g) => g.name === n);
      if (taken) throw failures.allocate("group", `NAME is already taken by GROUP ${taken.id}.`);
      const id = ctx.state.nextId.group++;
      ctx.state.groups.set(id, { id, name: n, template: [], admins: [] });
      return id;
    },
  },
  "one.group.info": {
    params: [int(), bool(false)],
    run(ctx, [id]) {
      const gid = (id as number) === -1 ? ctx.user.gid : (id as number);
      const group = lookup(ctx.state.groups, gid, "group");
      if (!ctx.user.groups.includes(group.id)) requireAdmin(ctx, "USE", "GROUP", group.id);
      return groupXml(ctx.state, group);
    },
  },
  "one.group.delete": {
    params: [int()],
    run(ctx, [id]) {
      const group = lookup(ctx.state.groups, id as number, "group");
      requireAdmin(ctx, "ADMIN", "GROUP", group.id);
      if (group.id <= 1) throw failures.action("System groups cannot be deleted.", group.id);
      if (members(ctx.state, group).length > 0)
        throw failures.action("Group has users. Delete them first.", group.id);
      ctx.state.groups.delete(group.id);
      return group.id;
    },
  },
  "one.grouppool.info": {
    params: [],
    run(ctx) {
      const list = [...ctx.state.groups.values()]
        .filter((g) => ctx.admin || ctx.user.groups.includes(g.id))
        .sort((a, b) => a.id - b.id);
      return `<GROUP_POOL>${list.map((g) => `<GROUP>${groupBody(ctx.state, g)}</GROUP>`).join("")}<DEFAULT_GROUP_QUOTAS/></GROUP_POOL>`;
    },
  },
};
