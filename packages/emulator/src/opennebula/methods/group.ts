/** `one.group.*` and `one.grouppool.info`: members, admins (with their ACL rules), quotas, VLAN rules. */
import { ACL_ID, ACL_OBJECTS, parseAcl } from "../acl.js";
import { ErrorCode, failures, OneFailure } from "../errors.js";
import { defaultQuotasXml, quotasXml, setQuotas } from "../quotas.js";
import type { OneAcl, OneGroup, OpenNebulaState } from "../state.js";
import { renderTemplate } from "../template.js";
import { cdata, el, ids } from "../xml.js";
import { bool, type Ctx, int, lookup, type MethodDef, requireAdmin, str } from "./context.js";
import { parseOrActionError, updateMethod } from "./edit.js";

function members(state: OpenNebulaState, group: OneGroup): number[] {
  return [...state.users.values()]
    .filter((u) => u.groups.includes(group.id))
    .map((u) => u.id)
    .sort((a, b) => a - b);
}

function groupBody(state: OpenNebulaState, g: OneGroup): string {
  return `<ID>${g.id}</ID>${el("NAME", g.name)}${renderTemplate("TEMPLATE", g.template)}${ids("USERS", members(state, g))}${ids("ADMINS", g.admins)}`;
}

/** VLAN_RULES: the group's ID, then each RULE (group.xsd). */
function vlanXml(g: OneGroup): string {
  const rules = (g.vlanRules ?? [])
    .map(
      (r) =>
        `<RULE><ID>${cdata(r.ID ?? "")}</ID><SCOPE>${cdata(r.SCOPE ?? "")}</SCOPE><VNTEMPLATE>${cdata(r.VNTEMPLATE ?? "")}</VNTEMPLATE></RULE>`,
    )
    .join("");
  return `<VLAN_RULES><ID>${g.id}</ID>${rules}</VLAN_RULES>`;
}

export function groupXml(state: OpenNebulaState, g: OneGroup): string {
  return `<GROUP>${groupBody(state, g)}${quotasXml(state, g, "group")}${vlanXml(g)}${defaultQuotasXml("DEFAULT_GROUP_QUOTAS")}</GROUP>`;
}

/** Group::add_admin_rules: what a group admin may do, as ACL rules (`#uid …/@gid …`). */
function adminRules(uid: number, gid: number): string[] {
  return [
    `#${uid} USER/@${gid} USE+MANAGE+ADMIN+CREATE *`,
    `#${uid} VM+NET+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VROUTER+VMGROUP+BACKUPJOB/@${gid} USE+MANAGE *`,
    `#${uid} VROUTER/* CREATE *`,
    `#${uid} GROUP/#${gid} MANAGE *`,
  ];
}

function addAdminRules(state: OpenNebulaState, uid: number, gid: number): void {
  for (const text of adminRules(uid, gid)) {
    const rule = parseAcl(text);
    const exists = [...state.acls.values()].some(
      (a) =>
        a.user === rule.user &&
        a.resource === rule.resource &&
        a.rights === rule.rights &&
        a.zone === rule.zone,
    );
    if (exists) continue;
    const id = state.nextId.acl ?? Math.max(-1, ...state.acls.keys()) + 1;
    state.nextId.acl = id + 1;
    state.acls.set(id, { id, ...rule });
  }
}

const LOW = 0xffffffffn;
const KINDS = ACL_ID.INDIVIDUAL | ACL_ID.GROUP | ACL_ID.ALL | ACL_ID.CLUSTER;
const GROUP_BIT = ACL_OBJECTS.find(([n]) => n === "GROUP")![1];

/** Whether a rule's resource is `…/<kind><id>` (`#id`, `@id`). */
export function targets(a: OneAcl, kind: bigint, id: number): boolean {
  return (a.resource & (KINDS | LOW)) === (kind | BigInt(id));
}

/** Deletes the ACL rules `pred` selects (what oned does when their user, group or object goes). */
export function dropAclRules(state: OpenNebulaState, pred: (a: OneAcl) => boolean): void {
  for (const [id, a] of state.acls) if (pred(a)) state.acls.delete(id);
}

/** Removes `uid` from the group's admins and drops its admin ACL rules (a no-op if not an admin). */
export function dropGroupAdmin(state: OpenNebulaState, group: OneGroup, uid: number): boolean {
  if (!group.admins.includes(uid)) return false;
  group.admins = group.admins.filter((a) => a !== uid);
  const rules = adminRules(uid, group.id).map(parseAcl);
  for (const [id, a] of state.acls) {
    if (
      rules.some(
        (r) => r.user === a.user && r.resource === a.resource && r.rights === a.rights && r.zone === a.zone,
      )
    )
      state.acls.delete(id);
  }
  return true;
}

/** GroupAPI: edits need ADMIN on the group (oneadmin's group in the emulator). */
function adminGroup(ctx: Ctx, id: number): OneGroup {
  const group = lookup(ctx.state.groups, id, "group");
  requireAdmin(ctx, "ADMIN", "GROUP", group.id);
  return group;
}

/** GroupAPI::edit_admin: the group, then the user (NO_EXISTS each), then ADMIN on both. */
function editAdmin(ctx: Ctx, id: number, uid: number) {
  const group = lookup(ctx.state.groups, id, "group");
  const user = lookup(ctx.state.users, uid, "user");
  requireAdmin(ctx, "ADMIN", "GROUP", group.id);
  requireAdmin(ctx, "ADMIN", "USER", user.id);
  return { group, user };
}

/** `Cannot edit group. <Group::add_admin/del_admin message>` as INTERNAL. */
const cannotEdit = (msg: string) => failures.internal(`Cannot edit group. ${msg}`);

export const groupMethods: Record<string, MethodDef> = {
  "one.group.allocate": {
    params: [str()],
    run(ctx, [name]) {
      requireAdmin(ctx, "CREATE", "GROUP");
      const n = (name as string).trim();
      if (n === "") throw failures.internal("Invalid NAME, it cannot be empty");
      const taken = [...ctx.state.groups.values()].find((g) => g.name === n);
      if (taken) throw failures.internal(`NAME is already taken by GROUP ${taken.id}.`);
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
      // GroupPool::drop's refusals, prefixed by SharedAPI::delete_object.
      if (group.id < 100) throw failures.cannotDelete("group", "System Groups (ID < 100) cannot be deleted.");
      if (members(ctx.state, group).length > 0)
        throw failures.cannotDelete("group", `Group ${group.id} is not empty.`);
      ctx.state.groups.delete(group.id);
      // AclManager::del_gid_rules and del_resource_rules(GROUP): rules for @gid or on its objects.
      dropAclRules(
        ctx.state,
        (a) =>
          a.user === (ACL_ID.GROUP | BigInt(group.id)) ||
          targets(a, ACL_ID.GROUP, group.id) ||
          (targets(a, ACL_ID.INDIVIDUAL, group.id) && (a.resource & GROUP_BIT) !== 0n),
      );
      return group.id;
    },
  },
  "one.group.update": updateMethod(adminGroup, "template"),
  "one.group.addadmin": {
    params: [int(), int()],
    run(ctx, [id, uid]) {
      const { group, user } = editAdmin(ctx, id as number, uid as number);
      if (!user.groups.includes(group.id))
        throw cannotEdit(`User ${user.id} is not part of Group ${group.id}.`);
      if (group.admins.includes(user.id))
        throw cannotEdit(`User ${user.id} is already an administrator of Group ${group.id}.`);
      group.admins = [...group.admins, user.id].sort((a, b) => a - b);
      addAdminRules(ctx.state, user.id, group.id);
      return group.id;
    },
  },
  "one.group.deladmin": {
    params: [int(), int()],
    run(ctx, [id, uid]) {
      const { group, user } = editAdmin(ctx, id as number, uid as number);
      if (!dropGroupAdmin(ctx.state, group, user.id))
        throw cannotEdit(`User ${user.id} is not an administrator of Group ${group.id}.`);
      return group.id;
    },
  },
  "one.group.quota": {
    params: [int(), str()],
    run(ctx, [id, quota]) {
      const gid = id as number;
      // GroupAPI::quota checks oneadmin's group first, and answers AUTHORIZATION (no message)
      // even when the group does not exist.
      if (gid === 0) throw failures.action("Cannot set quotas for oneadmin group", gid);
      const group = ctx.state.groups.get(gid);
      if (!group)
        throw new OneFailure(
          ErrorCode.AUTHORIZATION,
          `User [${ctx.user.id}] not authorized to perform action on group.`,
          gid,
        );
      requireAdmin(ctx, "ADMIN", "GROUP", group.id);
      setQuotas(group, quota as string, { name: "GID", id: group.id });
      return group.id;
    },
  },
  "one.group.vlan": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const group = adminGroup(ctx, id as number);
      const rules = parseOrActionError(text as string).filter(
        (e): e is [string, Record<string, string>] => e[0] === "RULE" && typeof e[1] !== "string",
      );
      group.vlanRules = rules.map(([, r]) => ({
        ID: r.ID ?? "",
        SCOPE: r.SCOPE ?? "",
        VNTEMPLATE: r.VNTEMPLATE ?? "",
      }));
      return group.id;
    },
  },
  "one.grouppool.info": {
    params: [],
    run(ctx) {
      const list = [...ctx.state.groups.values()]
        .filter((g) => ctx.admin || ctx.user.groups.includes(g.id))
        .sort((a, b) => a.id - b.id);
      // oned joins group_pool with group_quotas (and 7.4's VLAN rules): each GROUP is followed by them.
      const rows = list.map(
        (g) =>
          `<GROUP>${groupBody(ctx.state, g)}</GROUP><QUOTAS><ID>${g.id}</ID>${quotasXml(ctx.state, g, "group")}</QUOTAS>${vlanXml(g)}`,
      );
      return `<GROUP_POOL>${rows.join("")}${defaultQuotasXml("DEFAULT_GROUP_QUOTAS")}</GROUP_POOL>`;
    },
  },
};
