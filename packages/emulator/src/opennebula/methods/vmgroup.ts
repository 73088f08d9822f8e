/**
 * `one.vmgroup.*` and `one.vmgrouppool.info`: VM groups (vm_group.xsd) with their ROLEs (NAME,
 * POLICY NONE/AFFINED/ANTI_AFFINED, HOST_AFFINED/HOST_ANTI_AFFINED) and the VMs that name them
 * (`VMGROUP=[VMGROUP_ID, ROLE]` in the VM template). Placement policies are kept, not enforced by
 * the scheduler.
 */
import { failures } from "../errors.js";
import { DEFAULT_PERMISSIONS, type OneVmGroup, type OneVmGroupRole, type OpenNebulaState } from "../state.js";
import { getAttr, getVectors, renderTemplate, type Template } from "../template.js";
import { VmState } from "../vm-states.js";
import { el } from "../xml.js";
import { int, type MethodDef, ownerXml, permissionsXml, str } from "./context.js";
import { lockBlocks, lockMethods, lockXml } from "./lock.js";
import { allocName, getOwned, type OwnedKind, ownedMethods } from "./owned.js";
import { parseOrActionError, parseOrAllocateError } from "./vm.js";

const POLICIES = ["NONE", "AFFINED", "ANTI_AFFINED"];

/** A ROLE vector as a role, or the problem with it. */
function toRole(v: Record<string, string>, id: number, others: OneVmGroupRole[]): OneVmGroupRole | string {
  const name = (v.NAME ?? "").trim();
  if (name === "") return "A ROLE must have a NAME";
  if (others.some((r) => r.name === name)) return "Role already exists";
  // a role given without POLICY keeps none (VMGroupRole: no POLICY element), which means NONE
  const policy = (v.POLICY ?? "").toUpperCase();
  if (policy !== "" && !POLICIES.includes(policy)) return `Invalid POLICY ${v.POLICY} for role ${name}`;
  return { id, name, policy, hostAffined: v.HOST_AFFINED ?? "", hostAntiAffined: v.HOST_ANTI_AFFINED ?? "" };
}

/** VM ids (not DONE) whose template puts them in role `role` of the group. */
function roleVms(state: OpenNebulaState, g: OneVmGroup, role: OneVmGroupRole): number[] {
  const out: number[] = [];
  for (const vm of state.vms.values()) {
    if (vm.state === VmState.DONE) continue;
    const ref = getVectors(vm.template, "VMGROUP")[0];
    if (ref && Number(ref.VMGROUP_ID) === g.id && ref.ROLE === role.name) out.push(vm.id);
  }
  return out;
}

export function vmgroupXml(state: OpenNebulaState, g: OneVmGroup): string {
  const roles = g.roles
    .map((r) => {
      const vms = roleVms(state, g, r);
      return `<ROLE>${r.hostAffined ? el("HOST_AFFINED", r.hostAffined) : ""}${r.hostAntiAffined ? el("HOST_ANTI_AFFINED", r.hostAntiAffined) : ""}<ID>${r.id}</ID>${el("NAME", r.name)}${r.policy === "" ? "" : el("POLICY", r.policy)}${vms.length > 0 ? el("VMS", vms.join(",")) : ""}</ROLE>`;
    })
    .join("");
  return `<VM_GROUP>${ownerXml(state, g)}${permissionsXml(g.permissions)}${lockXml(g.lock)}<ROLES>${roles}</ROLES>${renderTemplate("TEMPLATE", g.template)}</VM_GROUP>`;
}

const kind: OwnedKind<OneVmGroup> = {
  prefix: "one.vmgroup",
  obj: "vm group",
  authName: "VMGROUP",
  map: (s) => s.vmgroups,
  xml: vmgroupXml,
  poolRoot: "VM_GROUP_POOL",
  refuseDelete: (state, g) =>
    g.roles.some((r) => roleVms(state, g, r).length > 0) ? "VM group has VMs, it cannot be deleted" : null,
  locked: lockBlocks,
};

/** The ROLE vectors of a template as roles; `fail` for the first bad one (vm_group.xsd needs one). */
function rolesOf(t: Template, fail: (msg: string) => Error): OneVmGroupRole[] {
  const roles: OneVmGroupRole[] = [];
  for (const v of getVectors(t, "ROLE")) {
    const r = toRole(v, roles.length, roles);
    if (typeof r === "string") throw fail(r);
    roles.push(r);
  }
  if (roles.length === 0) throw fail("A VM group must have at least one ROLE");
  return roles;
}

export const vmgroupMethods: Record<string, MethodDef> = {
  ...ownedMethods(kind),
  "one.vmgroup.allocate": {
    params: [str()],
    run(ctx, [text]) {
      const t = parseOrAllocateError(text as string, "vm group");
      const name = allocName(ctx.state, kind, getAttr(t, "NAME"));
      const roles = rolesOf(t, (m) => failures.internal(m));
      const id = ctx.state.nextId.vmgroup ?? Math.max(-1, ...ctx.state.vmgroups.keys()) + 1;
      ctx.state.nextId.vmgroup = id + 1;
      ctx.state.vmgroups.set(id, {
        id,
        name,
        uid: ctx.user.id,
        gid: ctx.user.gid,
        permissions: [...DEFAULT_PERMISSIONS],
        roles,
        template: t.filter(([k]) => k !== "NAME" && k !== "ROLE"),
        lock: null,
      });
      return id;
    },
  },
  ...lockMethods("one.vmgroup", (ctx, id) => getOwned(ctx, { ...kind, locked: undefined }, id, "MANAGE")),
  "one.vmgroup.roleadd": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const g = getOwned(ctx, kind, id as number, "MANAGE");
      const v = getVectors(parseOrActionError(text as string), "ROLE")[0];
      if (!v) throw failures.action("No ROLE in the template", g.id);
      const r = toRole(v, Math.max(-1, ...g.roles.map((x) => x.id)) + 1, g.roles);
      if (typeof r === "string") throw failures.action(r, g.id);
      g.roles.push(r);
      return g.id;
    },
  },
  "one.vmgroup.roledelete": {
    params: [int(), int()],
    run(ctx, [id, roleId]) {
      const g = getOwned(ctx, kind, id as number, "MANAGE");
      const r = g.roles.find((x) => x.id === roleId);
      if (!r) throw failures.action(`Role ${roleId} does not exist`, g.id);
      if (roleVms(ctx.state, g, r).length > 0)
        throw failures.action(`Role ${r.name} has VMs, it cannot be deleted`, g.id);
      if (g.roles.length === 1) throw failures.action("A VM group must have at least one ROLE", g.id);
      g.roles = g.roles.filter((x) => x !== r);
      return g.id;
    },
  },
  "one.vmgroup.roleupdate": {
    params: [int(), int(), str()],
    run(ctx, [id, roleId, text]) {
      const g = getOwned(ctx, kind, id as number, "MANAGE");
      const r = g.roles.find((x) => x.id === roleId);
      if (!r) throw failures.action(`Role ${roleId} does not exist`, g.id);
      const v = getVectors(parseOrActionError(text as string), "ROLE")[0];
      if (!v) throw failures.action("No ROLE in the template", g.id);
      const next = toRole(
        { NAME: r.name, ...v },
        r.id,
        g.roles.filter((x) => x !== r),
      );
      if (typeof next === "string") throw failures.action(next, g.id);
      if (next.name !== r.name && roleVms(ctx.state, g, r).length > 0)
        throw failures.action(`Role ${r.name} has VMs, its NAME cannot change`, g.id);
      Object.assign(r, next);
      return g.id;
    },
  },
};
