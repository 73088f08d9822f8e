/**
 * Method shapes many OpenNebula objects share (`one.<object>.info`, `update`, `rename`, `chmod`,
 * `chown`, `lock`, `unlock`, `delete` and the pool calls), declared once and instantiated per
 * object by the files beside this one. Parameters and defaults follow docs/reference/opennebula/API.md §4 and §7.
 */
import type { z } from "zod";
import type { RawXmlObject } from "../xml/parse.js";
import {
  asDocument,
  asId,
  asModel,
  asPool,
  asPoolDocument,
  bool,
  int,
  method,
  type ParamSpec,
  str,
} from "./define.js";
import type { LockLevelValue, PermissionBit, PoolFilterFlag, UpdateModeValue } from "./params.js";

/** The object ID, first parameter of most methods. */
export const id = int("id", { min: 0 });
/** `update`'s mode: 0 replaces the template, 1 merges (default 0). */
export const append = int("append", { optional: true, oneOf: [0, 1] });
/** A pool filter flag (-4..-1, or a UID). */
export const filterFlag = int("filter_flag", { min: -4 });
/**
 * `end_id >= -1`: the ID range `[start_id, end_id]` (`-1, -1` is everything); `end_id < -1`:
 * a page, `start_id` the offset and `-end_id` the page size.
 */
export const range = [int("start_id", { min: -1 }), int("end_id")] as const;
/** A user or group ID of `chown`; -1 leaves it unchanged. */
export const ownerIds = [int("user_id", { min: -1 }), int("group_id", { min: -1 })] as const;

const bit = (name: string) => int(name, { oneOf: [-1, 0, 1] });
/** The nine `chmod` bits: owner, group, other × use, manage, admin. */
export const permissionBits: readonly ParamSpec[] = [
  "user_use",
  "user_manage",
  "user_admin",
  "group_use",
  "group_manage",
  "group_admin",
  "other_use",
  "other_manage",
  "other_admin",
].map(bit);
type Bits = [PermissionBit, PermissionBit, PermissionBit];
/** The nine `chmod` bits as a parameter tuple: 1 set, 0 clear, -1 unchanged. */
export type PermissionArgs = [...owner: Bits, ...group: Bits, ...other: Bits];

/** A call that changes something and answers the object ID. */
export function idCall<P extends unknown[]>(
  name: `one.${string}`,
  params: readonly ParamSpec[],
  since?: string,
) {
  return method<P>()({
    name,
    params,
    idempotent: false,
    ...(since === undefined ? {} : { since }),
    decode: asId,
  });
}

/**
 * `one.<object>.info(id, decrypt=false)` → the validated model of element `root`. With `self`,
 * id -1 is the caller's own user (`one.user.info`) or group (`one.group.info`), as oned reads it.
 */
export function infoMethod<S extends z.ZodType>(object: string, root: string, schema: S, self = false) {
  return method<[id: number, decrypt?: boolean]>()({
    name: `one.${object}.info`,
    params: [self ? int("id", { min: -1 }) : id, bool("decrypt", { optional: true })],
    idempotent: true,
    decode: asModel(root, schema),
  });
}

/** `one.<object>.delete(id)`. */
export const deleteMethod = (object: string) => idCall<[id: number]>(`one.${object}.delete`, [id]);

/** `one.<object>.update(id, template, append=0)`: the user template, replaced or merged. */
export const updateMethod = (object: string) =>
  idCall<[id: number, template: string, append?: UpdateModeValue]>(`one.${object}.update`, [
    id,
    str("template"),
    append,
  ]);

/** `one.<object>.rename(id, name)`. */
export const renameMethod = (object: string) =>
  idCall<[id: number, name: string]>(`one.${object}.rename`, [id, str("name")]);

/** `one.<object>.chmod(id, 9 bits)`. */
export const chmodMethod = (object: string) =>
  idCall<[id: number, ...bits: PermissionArgs]>(`one.${object}.chmod`, [id, ...permissionBits]);

/** `one.<object>.chown(id, uid, gid)`; -1 leaves a part unchanged. */
export const chownMethod = (object: string) =>
  idCall<[id: number, userId: number, groupId: number]>(`one.${object}.chown`, [id, ...ownerIds]);

/** `one.<object>.lock(id, level, test=false)`. */
export const lockMethod = (object: string) =>
  idCall<[id: number, level: LockLevelValue, test?: boolean]>(`one.${object}.lock`, [
    id,
    int("lock_level", { oneOf: [1, 2, 3] }),
    bool("test", { optional: true }),
  ]);

/** `one.<object>.unlock(id)`. */
export const unlockMethod = (object: string) => idCall<[id: number]>(`one.${object}.unlock`, [id]);

/** `one.<object>.<verb>(id, otherId)`: cluster addhost, group addadmin, user addgroup, … */
export const idPairMethod = (object: string, verb: string, other: string) =>
  idCall<[id: number, otherId: number]>(`one.${object}.${verb}`, [id, int(other, { min: 0 })]);

/** `one.<object>.<verb>(id, template)`: vn add_ar, vmgroup roleadd, … */
export const templateMethod = (object: string, verb: string, param = "template") =>
  idCall<[id: number, template: string]>(`one.${object}.${verb}`, [id, str(param)]);

/** `one.<object>.enable(id, enable)`. */
export const enableMethod = (object: string, since?: string) =>
  idCall<[id: number, enable: boolean]>(`one.${object}.enable`, [id, bool("enable")], since);

/** A read that answers a raw XML document (monitoring, configuration). */
export function rawDocument<P extends unknown[]>(
  name: `one.${string}`,
  params: readonly ParamSpec[],
  long = false,
) {
  return method<P>()({
    name,
    params,
    idempotent: true,
    ...(long ? { long } : {}),
    decode: (value, context): RawXmlObject => asDocument(value, context),
  });
}

/** Arguments of the filtered pools: `(filter_flag, start_id, end_id)`. */
export type PoolRangeArgs = [filter: PoolFilterFlag, startId: number, endId: number];

/**
 * `one.<object>pool.info(filter_flag, start_id, end_id)` → the validated items of `<ROOT><ITEM/>…`
 * (pagination: `(filter, offset, -pageSize)`).
 */
export function filteredPoolMethod<S extends z.ZodType>(
  object: string,
  root: string,
  item: string,
  itemSchema: S,
) {
  return method<PoolRangeArgs>()({
    name: `one.${object}pool.info`,
    params: [filterFlag, ...range],
    idempotent: true,
    long: true,
    decode: asPool(root, item, itemSchema),
  });
}

/** `one.<object>pool.info()` of the pools without a filter (hosts, clusters, datastores…). */
export function wholePoolMethod<S extends z.ZodType>(
  object: string,
  root: string,
  item: string,
  itemSchema: S,
) {
  return method<[]>()({
    name: `one.${object}pool.info`,
    params: [],
    idempotent: true,
    long: true,
    decode: asPool(root, item, itemSchema),
  });
}

/**
 * `one.<object>pool.info()` that answers the whole pool document (items and their siblings, e.g. the
 * user and group pools' `QUOTAS` and default quotas) → the validated `<ROOT>`.
 */
export function poolDocumentMethod<S extends z.ZodType>(object: string, root: string, schema: S) {
  return method<[]>()({
    name: `one.${object}pool.info`,
    params: [],
    idempotent: true,
    long: true,
    decode: asPoolDocument(root, schema),
  });
}
