/**
 * The calls every owned, templated object shares (security groups, VM groups): info, delete,
 * update, rename, chown, chmod and the filtered pool, over one map of the state.
 */
import { failures, type ObjectName } from "../errors.js";
import type { OpenNebulaState, Owned } from "../state.js";
import type { Template } from "../template.js";
import {
  applyChmod,
  authorize,
  bool,
  type Ctx,
  int,
  lookup,
  type MethodDef,
  type Operation,
  poolFilter,
  range,
  str,
} from "./context.js";
import { updateMethod } from "./edit.js";
import { lockedFailure } from "./lock.js";
import { chown } from "./vm.js";

export interface OwnedKind<T extends Owned & { template: Template }> {
  /** `one.secgroup`, `one.vmgroup`. */
  prefix: string;
  obj: ObjectName;
  /** The name in AUTHORIZATION messages (`SECGROUP`, `VMGROUP`). */
  authName: string;
  map(state: OpenNebulaState): Map<number, T>;
  xml(state: OpenNebulaState, o: T): string;
  poolRoot: string;
  /** Checks a new template (update): throws an ACTION failure when it is not valid. */
  check?(state: OpenNebulaState, o: T, t: Template): void;
  /** Refuses a delete (an ACTION message), or null. */
  refuseDelete?(state: OpenNebulaState, o: T): string | null;
  /** Whether a lock blocks `op` on the object. */
  locked?(o: T, op: Operation): boolean;
}

/** Looks the object up (NO_EXISTS), authorizes `op` and checks its lock (both AUTHORIZATION). */
export function getOwned<T extends Owned & { template: Template }>(
  ctx: Ctx,
  k: OwnedKind<T>,
  id: number,
  op: Operation,
): T {
  const o = lookup(k.map(ctx.state), id, k.obj);
  authorize(ctx, o, op, k.authName);
  if (k.locked?.(o, op)) throw lockedFailure(ctx, op, k.authName, o.id);
  return o;
}

export function ownedMethods<T extends Owned & { template: Template }>(
  k: OwnedKind<T>,
): Record<string, MethodDef> {
  const get = (ctx: Ctx, id: number, op: Operation): T => getOwned(ctx, k, id, op);
  return {
    [`${k.prefix}.info`]: {
      params: [int(), bool(false)],
      run: (ctx, [id]) => k.xml(ctx.state, get(ctx, id as number, "USE")),
    },
    [`${k.prefix}.delete`]: {
      params: [int()],
      run(ctx, [id]) {
        const o = get(ctx, id as number, "MANAGE");
        const why = k.refuseDelete?.(ctx.state, o) ?? null;
        if (why !== null) throw failures.cannotDelete(k.obj, why);
        k.map(ctx.state).delete(o.id);
        return o.id;
      },
    },
    [`${k.prefix}.update`]: updateMethod(
      (ctx, id) => get(ctx, id, "MANAGE"),
      "template",
      k.check && ((ctx, o, next) => k.check?.(ctx.state, o, next)),
    ),
    [`${k.prefix}.rename`]: {
      params: [int(), str()],
      run(ctx, [id, name]) {
        const o = get(ctx, id as number, "MANAGE");
        const n = (name as string).trim();
        if (n === "") throw failures.action("Invalid NAME, it cannot be empty", o.id);
        const taken = [...k.map(ctx.state).values()].find((x) => x.name === n && x.id !== o.id);
        if (taken) throw failures.action(`NAME is already taken by ${k.authName} ${taken.id}.`, o.id);
        o.name = n;
        return o.id;
      },
    },
    [`${k.prefix}.chown`]: {
      params: [int(), int(), int()],
      run(ctx, [id, uid, gid]) {
        const o = get(ctx, id as number, "MANAGE");
        chown(ctx, o, uid as number, gid as number);
        return o.id;
      },
    },
    [`${k.prefix}.chmod`]: {
      params: [int(), int(), int(), int(), int(), int(), int(), int(), int(), int()],
      run(ctx, [id, ...bits]) {
        const values = bits as number[];
        const cur = lookup(k.map(ctx.state), id as number, k.obj).permissions;
        const o = get(ctx, id as number, chmodOperation(cur, values));
        applyChmod(o, values);
        return o.id;
      },
    },
    [`${k.prefix}pool.info`]: {
      params: [int(), int(), int()],
      run(ctx, [flag, start, end]) {
        const visible = poolFilter(ctx, flag as number);
        const page = range(
          ctx.state,
          [...k.map(ctx.state).values()].filter(visible),
          start as number,
          end as number,
        );
        return `<${k.poolRoot}>${page.map((o) => k.xml(ctx.state, o)).join("")}</${k.poolRoot}>`;
      },
    },
  };
}

/** oned's SharedAPI::chmod: ADMIN on the object only when an *_A bit actually changes. */
export function chmodOperation(current: readonly number[], values: readonly number[]): Operation {
  return [2, 5, 8].some((i) => values[i] !== -1 && values[i] !== current[i]) ? "ADMIN" : "MANAGE";
}

/** A new object's NAME from its template (ALLOCATE failure when missing or taken). */
export function allocName<T extends Owned>(
  state: OpenNebulaState,
  k: Pick<OwnedKind<T & { template: Template }>, "obj" | "authName"> & {
    map(s: OpenNebulaState): Map<number, T>;
  },
  name: string | undefined,
): string {
  const n = (name ?? "").trim();
  if (n === "") throw failures.internal("No NAME in template.");
  const taken = [...k.map(state).values()].find((x) => x.name === n);
  if (taken) throw failures.internal(`NAME is already taken by ${k.authName} ${taken.id}.`);
  return n;
}

/**
 * `chown` of an object whose NAME is unique per owner (templates, images): after the usual
 * checks, the new owner must not already own one by that name (INTERNAL, oned's
 * `check_name_unique`).
 */
export function chownNamed<T extends Owned>(
  ctx: Ctx,
  o: T,
  map: Map<number, T>,
  obj: ObjectName,
  uid: number,
  gid: number,
): void {
  const before = { uid: o.uid, gid: o.gid };
  chown(ctx, o, uid, gid);
  if (uid < 0 || uid === before.uid) return;
  const taken = [...map.values()].find((x) => x.id !== o.id && x.uid === uid && x.name === o.name);
  if (taken) {
    Object.assign(o, before);
    throw failures.internal(`user [${uid}] already owns ${obj} [${taken.id}] with NAME ${o.name}`);
  }
}
