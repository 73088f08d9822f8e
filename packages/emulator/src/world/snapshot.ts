/**
 * Snapshot and restore of a World as JSON (`GET`/`PUT /_emulator/state`, `--state FILE`). The
 * snapshot holds the topology, the clock and the mutable state of every API (iLO power, boot, logs,
 * media, users, sensors; Ceph OSDs, pools, images, snapshots, trash, users, flags, config,
 * finished tasks; Cloudflare DNS records; every OpenNebula object — users, hosts, datastores, images, networks with leases,
 * templates, VMs with their pending transitions, security groups, VM groups, ACL rules —; Ceph tasks
 * still running, which end failed at their time).
 * Pending iLO power changes, POST, and VM transitions are times on the clock, so they complete
 * after a restore as they would have. Not kept: sessions and tokens — a restore is a restart:
 * iLO sessions are closed and every Ceph token is refused (clients log in again; OpenNebula has no
 * sessions). Nor faults (HTTP rules, world faults, iLO fault switches): they belong to the
 * emulator that injected them, and the restored world keeps its own.
 */
import type { CephState } from "../ceph/state.js";
import type { IloState } from "../ilo/state.js";
import { reindex } from "../opennebula/scheduler.js";
import type { OpenNebulaState } from "../opennebula/state.js";
import { parseTopology } from "../topology/load.js";
import type { Topology } from "../topology/schema.js";
import type { World } from "./world.js";

export const SNAPSHOT_FORMAT = "homelab-kit/world@1";

export interface WorldSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  topology: Topology;
  now: number;
  hosts: Record<string, unknown>;
  ceph: unknown;
  opennebula: unknown;
  kubernetes: unknown;
  /** The Cloudflare zones' DNS records (zones and tokens come from the topology). */
  cloudflare?: unknown;
}

/** JSON with Maps, Sets, bytes and bigints kept as `{$map}`, `{$set}`, `{$bytes}`, `{$bigint}`; functions dropped. */
function encode(value: unknown): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encode) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === "function") return undefined;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = encode(v);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.$map))
      return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [decode(k), decode(v)]));
    if (Array.isArray(o.$set)) return new Set(o.$set.map(decode));
    if (typeof o.$bytes === "string") return new Uint8Array(Buffer.from(o.$bytes, "base64"));
    if (typeof o.$bigint === "string" && /^-?\d+$/.test(o.$bigint)) return BigInt(o.$bigint);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decode(v);
    return out;
  }
  return value;
}

const ILO_FIELDS = ["power", "boot", "virtualMedia", "uid", "users", "sensors", "logs", "revision"] as const;
const CEPH_FIELDS = [
  "hosts",
  "osds",
  "pools",
  "images",
  "trash",
  "users",
  "flags",
  "config",
  "enabledModules",
  "ecProfiles",
  "finishedTasks",
  "executingTasks",
  "defaultPoolSize",
  "warnOnNoRedundancy",
  "nearfullRatio",
  "fullRatio",
] as const;

/**
 * OpenNebula: every data field of the state (users … VMs, security groups, VM groups, ACL rules,
 * ids, and whatever a method module adds) except these, which belong to the running emulator
 * (options, indexes rebuilt by `reindex`, injected faults, listeners).
 */
const ONE_RUNTIME_FIELDS = new Set([
  "clock",
  "version",
  "timings",
  "listOrder",
  "sqlBackend",
  "agenda",
  "lifecycle",
  "lockedImages",
  "faults",
  "subscribe",
  "emit",
]);
const oneFields = (one: OpenNebulaState): string[] =>
  Object.keys(one).filter((k) => !ONE_RUNTIME_FIELDS.has(k));

function pick(source: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = encode((source as Record<string, unknown>)[f]);
  return out;
}

/** Puts decoded fields back into a live object: Maps and Sets are refilled in place. */
function assign(target: object, fields: Record<string, unknown>): void {
  const t = target as Record<string, unknown>;
  for (const [key, raw] of Object.entries(fields)) {
    const value = decode(raw);
    const current = t[key];
    if (current instanceof Map && value instanceof Map) {
      current.clear();
      for (const [k, v] of value) current.set(k, v);
    } else if (current instanceof Set && value instanceof Set) {
      current.clear();
      for (const v of value) current.add(v);
    } else {
      t[key] = value;
    }
  }
}

export function snapshotWorld(world: World): WorldSnapshot {
  world.sync();
  const hosts: Record<string, unknown> = {};
  for (const host of world.hosts.values()) hosts[host.name] = pick(host.ilo, ILO_FIELDS);
  return {
    format: SNAPSHOT_FORMAT,
    topology: world.topology,
    now: world.clock.now(),
    hosts,
    ceph: world.ceph === undefined ? null : pick(world.ceph, CEPH_FIELDS),
    opennebula: world.opennebula === undefined ? null : pick(world.opennebula, oneFields(world.opennebula)),
    kubernetes: encode(world.kubernetes.nodes),
    cloudflare: world.cloudflare === undefined ? null : encode(world.cloudflare.records),
  };
}

export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
  readonly code = "SNAPSHOT_INVALID";
}

/**
 * Restores a snapshot into a world built from the same topology (hosts and Ceph layout must
 * match; make a new world from `snapshot.topology` otherwise). The clock moves forward to the
 * snapshot's time when it is behind (a clock never goes back).
 */
export function restoreWorld(world: World, input: unknown): void {
  const snapshot = input as Partial<WorldSnapshot> | null;
  if (snapshot === null || typeof snapshot !== "object" || snapshot.format !== SNAPSHOT_FORMAT)
    throw new SnapshotError(`not a world snapshot (expected format "${SNAPSHOT_FORMAT}")`);
  const topology = parseTopology(snapshot.topology, "snapshot.topology");
  const names = (t: Topology) => t.hosts.map((h) => h.name).join(",");
  if (names(topology) !== names(world.topology))
    throw new SnapshotError(
      `snapshot hosts ${names(topology)} differ from this world's ${names(world.topology)}`,
    );
  const hosts = (snapshot.hosts ?? {}) as Record<string, Record<string, unknown>>;
  for (const host of world.hosts.values()) {
    const saved = hosts[host.name];
    if (saved !== undefined) restoreIlo(host.ilo, saved);
  }
  if (world.ceph !== undefined && snapshot.ceph !== null && typeof snapshot.ceph === "object")
    restoreCeph(world.ceph, snapshot.ceph as Record<string, unknown>);
  if (
    world.opennebula !== undefined &&
    snapshot.opennebula !== null &&
    typeof snapshot.opennebula === "object"
  )
    restoreOpenNebula(world.opennebula, snapshot.opennebula as Record<string, unknown>);
  assign(world.kubernetes, { nodes: snapshot.kubernetes ?? { $map: [] } });
  if (world.cloudflare !== undefined)
    assign(world.cloudflare, { records: snapshot.cloudflare ?? { $map: [] } });
  if (typeof snapshot.now === "number" && snapshot.now > world.clock.now())
    world.clock.advance(snapshot.now - world.clock.now());
  world.watchAll();
  world.sync();
  world.reconcileOsds();
}

function restoreIlo(ilo: IloState, saved: Record<string, unknown>): void {
  assign(ilo, saved);
  ilo.sessions.clear();
}

/** The OpenNebula module rebuilds its own indexes (pending-VM agenda, host capacity, locked images). */
function restoreOpenNebula(one: OpenNebulaState, saved: Record<string, unknown>): void {
  const fields = new Set(oneFields(one));
  assign(
    one,
    Object.fromEntries(Object.entries(saved).filter(([k]) => fields.has(k) && !ONE_RUNTIME_FIELDS.has(k))),
  );
  reindex(one);
}

/**
 * Ceph tasks still running come back with their begin and end times, so they finish on the clock
 * as before; their operation (a closure) cannot be saved, so they finish failed, with nothing
 * applied (an async task applies its operation only when it ends).
 */
function restoreCeph(ceph: CephState, saved: Record<string, unknown>): void {
  assign(ceph, saved);
  for (const task of ceph.executingTasks) {
    task.success = undefined;
    task.run = () => {
      throw new Error("the emulator was restored from a snapshot while this task ran; nothing was applied");
    };
  }
  ceph.afterRestore();
}
