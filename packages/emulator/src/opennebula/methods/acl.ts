/**
 * `one.acl.addrule/delrule/info`: the ACL rule set (acl_pool.xsd). `addrule` takes the hex masks
 * the OCAs send (`"200000001"` for `@1`) or each part in the CLI's text form, checked as AclRule::malformed does; oneadmin's group
 * only. The rules are stored and listed, not consulted by the emulator's authorization.
 */
import { aclMalformed, aclString, parseAclPart } from "../acl.js";
import { failures } from "../errors.js";
import type { OneAcl } from "../state.js";
import { el } from "../xml.js";
import { int, type MethodDef, requireAdmin, str } from "./context.js";

/** A rule part as the OCAs send it (hex mask) or in the CLI's text form (`@1`, `VM/*`, `USE`). */
function rulePart(text: string, part: "user" | "resource" | "rights" | "zone"): bigint {
  const t = text.trim();
  if (/^(0x)?[0-9a-fA-F]{1,16}$/.test(t)) return BigInt(t.startsWith("0x") ? t : `0x${t}`);
  const parsed = parseAclPart(part, t);
  if (parsed === null) throw failures.internal(`Error parsing [${part}]: ${t}`);
  return parsed;
}

const aclXml = (a: OneAcl) =>
  `<ACL><ID>${a.id}</ID><USER>${a.user.toString(16)}</USER><RESOURCE>${a.resource.toString(16)}</RESOURCE><RIGHTS>${a.rights.toString(16)}</RIGHTS><ZONE>${a.zone.toString(16)}</ZONE>${el("STRING", aclString(a))}</ACL>`;

export const aclMethods: Record<string, MethodDef> = {
  "one.acl.addrule": {
    params: [str(), str(), str(), str("")],
    run(ctx, [user, resource, rights, zone]) {
      requireAdmin(ctx, "MANAGE", "ACL");
      const rule = {
        user: rulePart(user as string, "user"),
        resource: rulePart(resource as string, "resource"),
        rights: rulePart(rights as string, "rights"),
        // No zone: this zone (#0), as oned fills in its own zone id.
        zone: (zone as string) === "" ? 0x100000000n : rulePart(zone as string, "zone"),
      };
      const bad = aclMalformed(rule);
      if (bad !== null) throw failures.internal(`Rule ${aclString(rule)} is malformed: ${bad}`);
      for (const a of ctx.state.acls.values())
        if (
          a.user === rule.user &&
          a.resource === rule.resource &&
          a.rights === rule.rights &&
          a.zone === rule.zone
        )
          throw failures.internal("Rule already exists");
      const id = ctx.state.nextId.acl ?? Math.max(-1, ...ctx.state.acls.keys()) + 1;
      ctx.state.nextId.acl = id + 1;
      ctx.state.acls.set(id, { id, ...rule });
      return id;
    },
  },
  "one.acl.delrule": {
    params: [int()],
    run(ctx, [id]) {
      requireAdmin(ctx, "MANAGE", "ACL");
      // AclManager::del_rule: INTERNAL "Rule N does not exist", no object ID (oned 7.4)
      const a = ctx.state.acls.get(id as number);
      if (a === undefined) throw failures.internal(`Rule ${id as number} does not exist`);
      ctx.state.acls.delete(a.id);
      return a.id;
    },
  },
  "one.acl.info": {
    params: [],
    run(ctx) {
      requireAdmin(ctx, "MANAGE", "ACL");
      const list = [...ctx.state.acls.values()].sort((a, b) => a.id - b.id);
      return `<ACL_POOL>${list.map(aclXml).join("")}</ACL_POOL>`;
    },
  },
};
