/**
 * ACL rules as oned keeps them (include/AclRule.h): USER, RESOURCE, RIGHTS and ZONE are 64-bit
 * masks — an id in the low 32 bits, its kind (#id, @group, *, %cluster) and, for RESOURCE, the
 * object types in the high bits. `one.acl.addrule` takes them as hexadecimal strings (the OCAs
 * encode `@1 VM/* CREATE *` before calling); `one.acl.info` answers them in hex plus STRING.
 */

export const ACL_ID = {
  INDIVIDUAL: 0x100000000n,
  GROUP: 0x200000000n,
  ALL: 0x400000000n,
  CLUSTER: 0x800000000n,
};

/** PoolObjectSQL::ObjectType bits, in the order oned prints them. */
export const ACL_OBJECTS: Array<[string, bigint]> = [
  ["VM", 0x1000000000n],
  ["HOST", 0x2000000000n],
  ["NET", 0x4000000000n],
  ["IMAGE", 0x8000000000n],
  ["USER", 0x10000000000n],
  ["TEMPLATE", 0x20000000000n],
  ["GROUP", 0x40000000000n],
  ["DATASTORE", 0x100000000000n],
  ["CLUSTER", 0x200000000000n],
  ["DOCUMENT", 0x400000000000n],
  ["ZONE", 0x800000000000n],
  ["SECGROUP", 0x1000000000000n],
  ["VDC", 0x2000000000000n],
  ["VROUTER", 0x4000000000000n],
  ["MARKETPLACE", 0x8000000000000n],
  ["MARKETPLACEAPP", 0x10000000000000n],
  ["VMGROUP", 0x20000000000000n],
  ["VNTEMPLATE", 0x40000000000000n],
  ["HOOK", 0x80000000000000n],
  ["BACKUPJOB", 0x100000000000000n],
];
export const ACL_RIGHTS: Array<[string, bigint]> = [
  ["USE", 0x1n],
  ["MANAGE", 0x2n],
  ["ADMIN", 0x4n],
  ["CREATE", 0x8n],
];

const LOW = 0xffffffffn;
const KINDS = ACL_ID.INDIVIDUAL | ACL_ID.GROUP | ACL_ID.ALL | ACL_ID.CLUSTER;
const OBJECTS = ACL_OBJECTS.reduce((a, [, b]) => a | b, 0n);
const RIGHTS = ACL_RIGHTS.reduce((a, [, b]) => a | b, 0n);

function idPart(mask: bigint): string {
  const id = mask & LOW;
  if (mask & ACL_ID.INDIVIDUAL) return `#${id}`;
  if (mask & ACL_ID.GROUP) return `@${id}`;
  if (mask & ACL_ID.CLUSTER) return `%${id}`;
  return "*";
}

/** AclRule::build_str: `@1 VM+NET/* CREATE *`. */
export function aclString(rule: { user: bigint; resource: bigint; rights: bigint; zone: bigint }): string {
  const objects = ACL_OBJECTS.filter(([, b]) => rule.resource & b).map(([n]) => n);
  const rights = ACL_RIGHTS.filter(([, b]) => rule.rights & b).map(([n]) => n);
  return `${idPart(rule.user)} ${objects.join("+")}/${idPart(rule.resource)} ${rights.join("+")} ${idPart(rule.zone)}`;
}

/** Exactly one kind bit set among those `allowed`. */
function oneKind(mask: bigint, allowed: bigint): boolean {
  const kinds = mask & KINDS;
  return kinds !== 0n && (kinds & (kinds - 1n)) === 0n && (kinds & ~allowed) === 0n;
}

/** AclRule::malformed: the message of the first problem, or null. */
export function aclMalformed(rule: {
  user: bigint;
  resource: bigint;
  rights: bigint;
  zone: bigint;
}): string | null {
  const { INDIVIDUAL, GROUP, ALL, CLUSTER } = ACL_ID;
  if (!oneKind(rule.user, INDIVIDUAL | GROUP | ALL | CLUSTER))
    return "[user] must be one of #id, @gid, %cid or *";
  if ((rule.user & ALL) !== 0n && (rule.user & LOW) !== 0n)
    return "when using the ALL bit, [user] ID must be 0";
  if ((rule.user & ~(KINDS | LOW)) !== 0n) return "wrong [user] type";
  if ((rule.resource & OBJECTS) === 0n) return "[resource] type is missing";
  if (!oneKind(rule.resource, INDIVIDUAL | GROUP | ALL | CLUSTER))
    return "[resource] must be one of #id, @gid, %cid or *";
  if ((rule.resource & ALL) !== 0n && (rule.resource & LOW) !== 0n)
    return "when using the ALL bit, [resource] ID must be 0";
  if ((rule.resource & ~(KINDS | LOW | OBJECTS)) !== 0n) return "wrong [resource] type";
  if (rule.rights === 0n) return "wrong [rights], it cannot be 0";
  if ((rule.rights & ~RIGHTS) !== 0n) return "wrong [rights] type";
  if (!oneKind(rule.zone, INDIVIDUAL | ALL)) return "[zone] must be #id or *";
  return null;
}

/** `#5`, `@104`, `%1`, `*` → its mask; null when it is not that form. */
function idMask(s: string): bigint | null {
  if (s === "*") return ACL_ID.ALL;
  const m = /^([#@%])(\d+)$/.exec(s);
  if (!m) return null;
  const kind = m[1] === "#" ? ACL_ID.INDIVIDUAL : m[1] === "@" ? ACL_ID.GROUP : ACL_ID.CLUSTER;
  return kind | BigInt(m[2]!);
}

function names(text: string, table: Array<[string, bigint]>): bigint | null {
  let mask = 0n;
  for (const t of text.split("+")) {
    const bit = table.find(([n]) => n === t.toUpperCase())?.[1];
    if (bit === undefined) return null;
    mask |= bit;
  }
  return mask;
}

/** One part of a rule in the CLI's text form (`@1`, `VM+NET/*`, `USE+MANAGE`, `#0`); null if not. */
export function parseAclPart(part: "user" | "resource" | "rights" | "zone", text: string): bigint | null {
  if (part === "rights") return names(text, ACL_RIGHTS);
  if (part !== "resource") return idMask(text);
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const objects = names(text.slice(0, slash), ACL_OBJECTS);
  const target = idMask(text.slice(slash + 1));
  return objects === null || target === null ? null : objects | target;
}

/** Parses a whole rule in the readable form (`@1 VM+NET/* CREATE *`) — oned's bootstrap rules. */
export function parseAcl(text: string): { user: bigint; resource: bigint; rights: bigint; zone: bigint } {
  const [user = "", resource = "", rights = "", zone = "*"] = text.trim().split(/\s+/);
  const get = (part: "user" | "resource" | "rights" | "zone", t: string): bigint => {
    const v = parseAclPart(part, t);
    if (v === null) throw new Error(`bad ACL ${part}: ${t}`);
    return v;
  };
  return {
    user: get("user", user),
    resource: get("resource", resource),
    rights: get("rights", rights),
    zone: get("zone", zone),
  };
}

/**
 * Whether some ACL rule gives `user` the `right` on the object `type` #`id` (in cluster
 * `clusterId`): AclManager::authorize for objects without owner bits (hosts). The rule's user is
 * `*`, `#uid` or `@gid` of one of the user's groups; its resource is `TYPE/*`, `TYPE/#id` or
 * `TYPE/%cluster`. Members of oneadmin's group are never asked.
 */
export function aclAllows(
  acls: Iterable<{ user: bigint; resource: bigint; rights: bigint }>,
  user: { id: number; groups: number[] },
  type: string,
  right: string,
  target: { id: number; clusterId: number },
): boolean {
  const typeBit = ACL_OBJECTS.find(([n]) => n === type)?.[1] ?? 0n;
  const rightBit = ACL_RIGHTS.find(([n]) => n === right)?.[1] ?? 0n;
  const is = (mask: bigint, kind: bigint, id: number) => (mask & kind) !== 0n && (mask & LOW) === BigInt(id);
  for (const rule of acls) {
    const forUser =
      (rule.user & ACL_ID.ALL) !== 0n ||
      is(rule.user, ACL_ID.INDIVIDUAL, user.id) ||
      user.groups.some((g) => is(rule.user, ACL_ID.GROUP, g));
    if (!forUser || (rule.resource & typeBit) === 0n || (rule.rights & rightBit) === 0n) continue;
    if (
      (rule.resource & ACL_ID.ALL) !== 0n ||
      is(rule.resource, ACL_ID.INDIVIDUAL, target.id) ||
      is(rule.resource, ACL_ID.CLUSTER, target.clusterId)
    )
      return true;
  }
  return false;
}
