/**
 * `one.secgroup.*` and `one.secgrouppool.info`: security groups (security_group.xsd) with their
 * RULE vectors checked as oned does (PROTOCOL, RULE_TYPE). Group 0 "default" exists from the
 * start and cannot be deleted. Rules are kept, not enforced on traffic.
 */
import { failures } from "../errors.js";
import { DEFAULT_PERMISSIONS, type OneSecGroup, type OpenNebulaState } from "../state.js";
import { getAttr, getVectors, renderTemplate, type Template } from "../template.js";
import { VmState } from "../vm-states.js";
import { ids } from "../xml.js";
import { bool, int, type MethodDef, ownerXml, permissionsXml, str } from "./context.js";
import { allocName, getOwned, type OwnedKind, ownedMethods } from "./owned.js";
import { parseOrAllocateError } from "./vm.js";

const PROTOCOLS = ["TCP", "UDP", "ICMP", "ICMPV6", "IPSEC", "ALL"];

/** SecurityGroup::isValidRule: the first problem of the RULE vectors, or null. */
function ruleError(t: Template): string | null {
  for (const rule of getVectors(t, "RULE")) {
    if (rule.PROTOCOL === undefined) return "No PROTOCOL in RULE";
    if (!PROTOCOLS.includes(rule.PROTOCOL.toUpperCase()))
      return "Wrong PROTOCOL in rule. Valid options: TCP, UDP, ICMP, ICMPV6, IPSEC, ALL.";
    if (rule.RULE_TYPE === undefined) return "No RULE_TYPE in RULE";
    if (!["INBOUND", "OUTBOUND"].includes(rule.RULE_TYPE.toUpperCase()))
      return `Invalid RULE_TYPE ${rule.RULE_TYPE} in RULE`;
    if (rule.RANGE !== undefined && !/^\d+(:\d+)?(,\d+(:\d+)?)*$/.test(rule.RANGE))
      return `Invalid RANGE ${rule.RANGE} in RULE`;
  }
  return null;
}

/** VMs with a NIC in the group (NIC SECURITY_GROUPS lists it): all up to date in the emulator. */
function vmsOf(state: OpenNebulaState, sg: OneSecGroup): number[] {
  const out: number[] = [];
  for (const vm of state.vms.values()) {
    if (vm.state === VmState.DONE) continue;
    if (vm.nics.some((n) => (n.attrs.SECURITY_GROUPS ?? "").split(",").includes(String(sg.id))))
      out.push(vm.id);
  }
  return out;
}

export function secgroupXml(state: OpenNebulaState, sg: OneSecGroup): string {
  return `<SECURITY_GROUP>${ownerXml(state, sg)}${permissionsXml(sg.permissions)}${ids("UPDATED_VMS", vmsOf(state, sg))}<OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/>${renderTemplate("TEMPLATE", sg.template)}</SECURITY_GROUP>`;
}

const kind: OwnedKind<OneSecGroup> = {
  prefix: "one.secgroup",
  obj: "security group",
  authName: "SECGROUP",
  map: (s) => s.secgroups,
  xml: secgroupXml,
  poolRoot: "SECURITY_GROUP_POOL",
  check(_state, sg, t) {
    const e = ruleError(t);
    if (e !== null) throw failures.action(e, sg.id);
  },
  refuseDelete: (_state, sg) => (sg.id === 0 ? "The default security group (ID 0) cannot be deleted." : null),
};

function create(state: OpenNebulaState, uid: number, gid: number, name: string, template: Template): number {
  const id = state.nextId.secgroup ?? Math.max(0, ...state.secgroups.keys()) + 1;
  state.nextId.secgroup = id + 1;
  state.secgroups.set(id, { id, name, uid, gid, permissions: [...DEFAULT_PERMISSIONS], template });
  return id;
}

export const secgroupMethods: Record<string, MethodDef> = {
  ...ownedMethods(kind),
  "one.secgroup.allocate": {
    params: [str()],
    run(ctx, [text]) {
      const t = parseOrAllocateError(text as string, "security group");
      const name = allocName(ctx.state, kind, getAttr(t, "NAME"));
      const e = ruleError(t);
      if (e !== null) throw failures.internal(e);
      return create(
        ctx.state,
        ctx.user.id,
        ctx.user.gid,
        name,
        t.filter(([k]) => k !== "NAME"),
      );
    },
  },
  "one.secgroup.clone": {
    params: [int(), str()],
    run(ctx, [id, name]) {
      const sg = getOwned(ctx, kind, id as number, "USE");
      const n = allocName(ctx.state, kind, name as string);
      return create(
        ctx.state,
        ctx.user.id,
        ctx.user.gid,
        n,
        sg.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
      );
    },
  },
  "one.secgroup.commit": {
    params: [int(), bool()],
    run(ctx, [id]) {
      // Every VM is always up to date in the emulator: nothing to push.
      return getOwned(ctx, kind, id as number, "MANAGE").id;
    },
  },
};
