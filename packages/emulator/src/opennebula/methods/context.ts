/**
 * What every method handler shares: typed parameter reading with xmlrpc-c's faults, session
 * authentication, oneadmin vs regular-user authorization on permission bits, and pool filters
 * (filter flag, ID range or page).
 */
import { failures, OneFailure } from "../errors.js";
import type { OneUser, OpenNebulaState, Owned } from "../state.js";
import { escapeText } from "../xml.js";
import { FaultCode, XmlRpcFault, type XValue } from "../xmlrpc.js";

export type ParamType = "int" | "bool" | "string" | "int[]";
export interface ParamSpec {
  type: ParamType;
  /** Default for a missing trailing parameter; `undefined` means required. */
  def?: number | boolean | string | number[];
}
export type ArgValue = number | boolean | string | number[];

export const int = (def?: number): ParamSpec => ({ type: "int", def });
export const bool = (def?: boolean): ParamSpec => ({ type: "bool", def });
export const str = (def?: string): ParamSpec => ({ type: "string", def });
/** An `<array>` of `<int>`s (`one.user.allocate`'s group IDs). */
export const intArray = (def?: number[]): ParamSpec => ({ type: "int[]", def });

export interface Ctx {
  state: OpenNebulaState;
  method: string;
  user: OneUser;
  /** A member of the oneadmin group (gid 0): bypasses permission checks. */
  admin: boolean;
}

export interface MethodDef {
  params: ParamSpec[];
  /** Returns element [1] of the success array: an XML string, an id, a token. */
  run(ctx: Ctx, args: ArgValue[]): string | number | boolean;
}

const TYPE_WORD: Record<ParamType, string> = {
  int: "integer",
  bool: "boolean",
  string: "string",
  "int[]": "array",
};

/** Reads the parameters after the session as xmlrpc-c's paramList getters do; extra ones are ignored. */
export function readArgs(params: XValue[], spec: ParamSpec[]): ArgValue[] {
  return spec.map((p, n) => {
    const v = params[n + 1];
    if (v === undefined) {
      if (p.def === undefined) throw new XmlRpcFault(FaultCode.TYPE, "Not enough parameters");
      return p.def;
    }
    if (p.type === "int" && v.t === "int") return v.v;
    if (p.type === "bool" && v.t === "bool") return v.v;
    if (p.type === "string" && v.t === "string") return v.v;
    if (p.type === "int[]" && v.t === "array") {
      return v.v.map((item) => {
        if (item.t !== "int")
          throw new XmlRpcFault(FaultCode.TYPE, `Value is not an integer (it is ${item.t})`);
        return item.v;
      });
    }
    throw new XmlRpcFault(
      FaultCode.TYPE,
      `Parameter ${n + 1} that is supposed to be ${TYPE_WORD[p.type]} is not (it is ${v.t})`,
    );
  });
}

/**
 * Auth drivers whose secret the emulator checks itself; a user moved to another driver
 * (`one.user.chauth` to ldap, x509, ssh…) has no external authority here, so only tokens work.
 */
const PASSWORD_DRIVERS = new Set(["core", "server_cipher", "server_x509"]);

/** `user:password` or `user:token` (a `one.user.login` token); AUTHENTICATION otherwise. */
export function authenticate(state: OpenNebulaState, session: XValue | undefined): OneUser {
  if (session === undefined) throw new XmlRpcFault(FaultCode.TYPE, "Not enough parameters");
  if (session.t !== "string") {
    throw new XmlRpcFault(
      FaultCode.TYPE,
      "Parameter 0 that is supposed to be string is not (it is " + session.t + ")",
    );
  }
  const colon = session.v.indexOf(":");
  if (colon <= 0) throw failures.authentication();
  const name = session.v.slice(0, colon);
  const secret = session.v.slice(colon + 1);
  const user = [...state.users.values()].find((u) => u.name === name);
  if (!user?.enabled) throw failures.authentication();
  if (secret === user.password && secret !== "" && PASSWORD_DRIVERS.has(user.authDriver)) return user;
  const now = state.clock.now();
  if (user.tokens.some((t) => t.token === secret && (t.expiresAt < 0 || t.expiresAt > now))) return user;
  throw failures.authentication();
}

export type Operation = "USE" | "MANAGE" | "ADMIN";
const OP_INDEX: Record<Operation, number> = { USE: 0, MANAGE: 1, ADMIN: 2 };

export function may(ctx: Ctx, obj: Owned, op: Operation): boolean {
  if (ctx.admin) return true;
  const k = OP_INDEX[op];
  const p = obj.permissions;
  if (obj.uid === ctx.user.id && p[k] === 1) return true;
  if (ctx.user.groups.includes(obj.gid) && p[3 + k] === 1) return true;
  return p[6 + k] === 1;
}

export function authorize(ctx: Ctx, obj: Owned, op: Operation, type: string): void {
  if (!may(ctx, obj, op)) throw failures.authorization(ctx.user.id, op, type, obj.id);
}

/** Operations only oneadmin's group may perform (hosts, clusters, users, groups). */
export function requireAdmin(ctx: Ctx, op: string, type: string, id = -1): void {
  if (!ctx.admin) throw failures.authorization(ctx.user.id, op, type, id);
}

/** The filter flag of `*pool.info`: -4 primary group, -3 mine, -2 all, -1 mine + my groups, ≥0 a UID. */
export function poolFilter(ctx: Ctx, flag: number): (obj: Owned) => boolean {
  if (flag < -4) throw new OneFailure(0x1000, "Incorrect filter_flag.");
  const u = ctx.user;
  switch (flag) {
    case -4:
      return (o) => o.gid === u.gid && may(ctx, o, "USE");
    case -3:
      return (o) => o.uid === u.id;
    case -2:
      return (o) => may(ctx, o, "USE");
    case -1:
      return (o) => o.uid === u.id || (u.groups.includes(o.gid) && may(ctx, o, "USE"));
    default:
      return (o) => o.uid === flag && may(ctx, o, "USE");
  }
}

/**
 * `(start_id, end_id)`: `end_id >= -1` is an ID range (`-1` = no bound), `end_id < -1` a page
 * (`start_id` the offset, `-end_id` the size). Objects come in `API_LIST_ORDER` (DESC by default).
 */
export function range<T extends { id: number }>(
  state: OpenNebulaState,
  objects: Iterable<T>,
  start: number,
  end: number,
): T[] {
  const sorted = [...objects].sort((a, b) => (state.listOrder === "DESC" ? b.id - a.id : a.id - b.id));
  if (end < -1) return sorted.slice(Math.max(start, 0), Math.max(start, 0) - end);
  return sorted.filter((o) => (start < 0 || o.id >= start) && (end === -1 || o.id <= end));
}

/** Looks an object up or throws NO_EXISTS `Error getting <obj> [id].` */
export function lookup<T>(map: Map<number, T>, id: number, obj: Parameters<typeof failures.noExists>[0]): T {
  const found = map.get(id);
  if (found === undefined) throw failures.noExists(obj, id);
  return found;
}

export function permissionsXml(p: readonly number[]): string {
  const names = [
    "OWNER_U",
    "OWNER_M",
    "OWNER_A",
    "GROUP_U",
    "GROUP_M",
    "GROUP_A",
    "OTHER_U",
    "OTHER_M",
    "OTHER_A",
  ];
  return `<PERMISSIONS>${names.map((n, i) => `<${n}>${p[i]}</${n}>`).join("")}</PERMISSIONS>`;
}

export function userName(state: OpenNebulaState, uid: number): string {
  return state.users.get(uid)?.name ?? "";
}

export function groupName(state: OpenNebulaState, gid: number): string {
  return state.groups.get(gid)?.name ?? "";
}

/** The ownership block `<UID/><GID/><UNAME/><GNAME/><NAME/>` shared by owned objects. */
export function ownerXml(state: OpenNebulaState, o: Owned): string {
  return `<ID>${o.id}</ID><UID>${o.uid}</UID><GID>${o.gid}</GID><UNAME>${escapeText(userName(state, o.uid))}</UNAME><GNAME>${escapeText(groupName(state, o.gid))}</GNAME><NAME>${escapeText(o.name)}</NAME>`;
}

/** `chmod`: nine values, each 1, 0 or -1 (unchanged). */
export function applyChmod(obj: Owned, values: number[]): void {
  for (const v of values)
    if (v !== -1 && v !== 0 && v !== 1) throw new OneFailure(0x1000, "Wrong permissions value.");
  values.forEach((v, i) => {
    if (v !== -1) obj.permissions[i] = v;
  });
}
