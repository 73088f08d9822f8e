/**
 * `one.<object>.lock` / `unlock` and the check every other call makes (oned's `SharedAPI::lock`,
 * `PoolObjectSQL::lock_db`): a lock at level 1 USE, 2 MANAGE or 3 ADMIN refuses operations at or
 * above it; info, lock and unlock are never refused by it (`*_NO_LCK`). oned 7.4 refuses while
 * authorizing (AclManager::authorize / oneadmin_authorize), so the answer is AUTHORIZATION: `TYPE is
 * locked. [id]` for the oneadmin group, `Not authorized to perform OP TYPE [id]` for everyone else.
 */
import { failures, type OneFailure } from "../errors.js";
import type { ObjectLock } from "../state.js";
import { bool, type Ctx, int, type MethodDef, type Operation } from "./context.js";

const OP_LEVEL: Record<Operation, number> = { USE: 1, MANAGE: 2, ADMIN: 3 };

export interface Lockable {
  id: number;
  lock?: ObjectLock | null;
}

/** Whether the object's lock refuses `op`. */
export function lockBlocks(o: Lockable, op: Operation): boolean {
  return o.lock != null && OP_LEVEL[op] >= o.lock.level;
}

/** The AUTHORIZATION failure oned answers when a lock refuses `op` on object `id` of `objectType` (`TEMPLATE`, `VM`…). */
export function lockedFailure(ctx: Ctx, op: Operation, objectType: string, id: number): OneFailure {
  return ctx.admin
    ? failures.locked(ctx.user.id, objectType, id)
    : failures.authorization(ctx.user.id, op, objectType, id);
}

/** Throws AUTHORIZATION when the object's lock refuses `op` (`objectType` as in AUTHORIZATION messages). */
export function checkLock(ctx: Ctx, o: Lockable, op: Operation, objectType: string): void {
  if (lockBlocks(o, op)) throw lockedFailure(ctx, op, objectType, o.id);
}

/** `<LOCK>` (shared.xsd LOCK), or nothing when unlocked. */
export function lockXml(lock: ObjectLock | null | undefined): string {
  return lock == null
    ? ""
    : `<LOCK><LOCKED>${lock.level}</LOCKED><OWNER>${lock.owner}</OWNER><TIME>${lock.time}</TIME><REQ_ID>-1</REQ_ID></LOCK>`;
}

/**
 * `lock(id, level, test=false)` and `unlock(id)`; `get` looks the object up and authorizes MANAGE
 * without checking the lock. Level 4 (ALL) is USE; another user's lock is overridden only by an
 * admin; `test` refuses a locked object with ACTION carrying the lock's time, as oned does.
 */
export function lockMethods<T extends Lockable>(
  prefix: string,
  get: (ctx: Ctx, id: number) => T,
): Record<string, MethodDef> {
  return {
    [`${prefix}.lock`]: {
      params: [int(), int(), bool(false)],
      run(ctx, [id, level, test]) {
        const o = get(ctx, id as number);
        const l = level as number;
        if (l < 1 || l > 4) throw failures.action("Wrong lock level specified", o.id);
        if (test && o.lock != null) throw failures.action(String(o.lock.time), o.id);
        if (o.lock != null && o.lock.owner !== ctx.user.id && !ctx.admin)
          throw failures.action("Error trying to lock the resource.", o.id);
        o.lock = {
          level: l === 4 ? 1 : l,
          owner: ctx.user.id,
          time: Math.floor(ctx.state.clock.now() / 1000),
        };
        return o.id;
      },
    },
    [`${prefix}.unlock`]: {
      params: [int()],
      run(ctx, [id]) {
        const o = get(ctx, id as number);
        // oned's unlock_db: a user other than an admin must own the lock (an unlocked object has owner -1)
        if (!ctx.admin && (o.lock?.owner ?? -1) !== ctx.user.id)
          throw failures.action("Cannot unlock: Lock is owned by another user", o.id);
        o.lock = null;
        return o.id;
      },
    },
  };
}
