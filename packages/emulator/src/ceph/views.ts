/**
 * JSON views of the state in the shapes real Ceph 16.2.15 answers with (templates copied from
 * recorded responses, see fixtures/README.md; what the state owns is filled in here).
 */
import {
  DF_POOL_STATS,
  HOST,
  MON_IN_QUORUM,
  MON_STATUS,
  type MonStatus,
  OSD_LIST_ENTRY,
  OSD_METADATA,
  OSDMAP_OSD,
  OSDMAP_POOL,
  RBD_CONFIGURATION,
} from "./fixtures.js";
import type { CephState, ImageState, OsdState, PoolState } from "./state.js";

export const CEPH_VERSION =
  "ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)";

const clone = <T>(value: T): T => structuredClone(value);

/** `2026-11-27T07:12:51.385907+0000`, as the osdmap prints times. */
export function osdmapTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+0000");
}

/** `2026-11-27T07:13:28Z`, as librbd prints times. */
export function rbdTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function rate(latest: number): { latest: number; rate: number; rates: number[][] } {
  return { latest, rate: 0, rates: [] };
}

/** The osdmap's own pool entry (numeric type and rule, applications as an object). */
export function osdmapPool(pool: PoolState): Record<string, unknown> {
  const flags = pool.type === "erasure" ? "hashpspool,ec_overwrites" : "hashpspool,selfmanaged_snaps";
  return {
    ...clone(OSDMAP_POOL),
    pool: pool.id,
    pool_name: pool.name,
    flags: pool.type === "erasure" ? 32769 : 8193,
    flags_names: flags,
    type: pool.type === "erasure" ? 3 : 1,
    size: pool.size,
    min_size: pool.minSize,
    crush_rule: 0,
    pg_autoscale_mode: pool.pgAutoscaleMode,
    pg_num: pool.pgNum,
    pg_placement_num: pool.pgNum,
    pg_placement_num_target: pool.pgNum,
    pg_num_target: pool.pgNum,
    pg_num_pending: pool.pgNum,
    snap_seq: pool.snapSeq,
    quota_max_bytes: pool.quotaMaxBytes,
    quota_max_objects: pool.quotaMaxObjects,
    erasure_code_profile: pool.erasureCodeProfile,
    options: { ...pool.options },
    application_metadata: Object.fromEntries(pool.applications.map((a) => [a, {}])),
    create_time: osdmapTime(pool.createTime),
  };
}

export function poolStats(state: CephState, pool: PoolState): Record<string, number> {
  const stored = state.poolStoredBytes(pool.name);
  const objects = state.poolObjects(pool.name);
  const raw = stored * pool.size;
  const avail = maxAvail(state, pool);
  return {
    ...clone(DF_POOL_STATS),
    stored,
    stored_data: stored,
    stored_omap: 0,
    objects,
    kb_used: Math.ceil(raw / 1024),
    bytes_used: raw,
    data_bytes_used: raw,
    omap_bytes_used: 0,
    percent_used: avail + raw > 0 ? raw / (avail + raw) : 0,
    max_avail: avail,
    quota_objects: pool.quotaMaxObjects,
    quota_bytes: pool.quotaMaxBytes,
    stored_raw: raw,
    avail_raw: avail * pool.size,
  };
}

function maxAvail(state: CephState, pool: PoolState): number {
  let free = 0;
  const used = state.osdUsage();
  for (const osd of state.osds.values()) if (osd.in) free += Math.max(0, osd.bytes * 0.95 - used(osd));
  return Math.floor(free / Math.max(1, pool.size));
}

export interface PoolView {
  attrs?: string[] | undefined;
  stats?: boolean | undefined;
  configuration?: boolean | undefined;
}

/** A pool as `/api/pool` shows it (dashboard serialisation: type and rule by name, apps as a list). */
export function poolJson(state: CephState, pool: PoolState, view: PoolView = {}): Record<string, unknown> {
  const full: Record<string, unknown> = {
    ...osdmapPool(pool),
    type: pool.type,
    crush_rule: pool.crushRule,
    application_metadata: [...pool.applications],
  };
  if (view.stats) {
    const stats = poolStats(state, pool);
    full.stats = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, rate(v)]));
  }
  let out = full;
  if (view.attrs !== undefined) {
    out = {};
    for (const attr of view.attrs) if (attr in full) out[attr] = full[attr];
  }
  if (view.configuration) out.configuration = RBD_CONFIGURATION;
  return out;
}

const FEATURE_BITS: Record<string, number> = {
  layering: 1,
  striping: 2,
  "exclusive-lock": 4,
  "object-map": 8,
  "fast-diff": 16,
  "deep-flatten": 32,
  journaling: 64,
  "data-pool": 128,
  operations: 256,
  migrating: 512,
  "non-primary": 1024,
};

export const DEFAULT_FEATURES = ["deep-flatten", "exclusive-lock", "fast-diff", "layering", "object-map"];

export function isKnownFeature(name: string): boolean {
  return name in FEATURE_BITS;
}

/** An RBD image as `/api/block/image/{spec}` shows it (`list` has `namespace: ""` instead of null). */
export function imageJson(state: CephState, image: ImageState, inList = false): Record<string, unknown> {
  const features = [...image.features].sort();
  const children = (snap: string) =>
    [...state.images.values()]
      .filter((i) => i.parent?.pool === image.pool && i.parent.image === image.name && i.parent.snap === snap)
      .map((i) => ({ pool_name: i.pool, image_name: i.name }));
  const snapUsage = image.snapshots.reduce((sum, s) => sum + s.usedBytes, 0);
  const json: Record<string, unknown> = {
    size: image.size,
    obj_size: image.objSize,
    num_objs: Math.ceil(image.size / image.objSize),
    order: Math.round(Math.log2(image.objSize)),
    block_name_prefix: `rbd_data.${image.id}`,
    mirror_mode: "journal",
    name: image.name,
    unique_id: `${image.pool}/${image.id}`,
    id: image.id,
    image_format: 2,
    pool_name: image.pool,
    namespace: inList ? (image.namespace ?? "") : image.namespace,
    features: features.reduce((bits, f) => bits | (FEATURE_BITS[f] ?? 0), 0),
    features_name: features,
    timestamp: rbdTime(image.createdAt),
    stripe_count: image.stripeCount,
    stripe_unit: image.stripeUnit,
    data_pool: image.dataPool,
    parent:
      image.parent === undefined
        ? null
        : {
            pool_name: image.parent.pool,
            pool_namespace: image.parent.namespace ?? "",
            image_name: image.parent.image,
            snap_name: image.parent.snap,
          },
    snapshots: image.snapshots.map((s) => ({
      id: s.id,
      size: s.size,
      name: s.name,
      namespace: 0,
      mirror_mode: "journal",
      timestamp: rbdTime(s.createdAt),
      is_protected: s.protected,
      used_bytes: null,
      children: children(s.name),
      disk_usage: s.usedBytes,
    })),
    total_disk_usage: image.usedBytes + snapUsage,
    disk_usage: image.usedBytes,
    // Shared, never mutated: responses are serialised, and cloning 109 entries per image made
    // the 1,000-image list 3× slower (bench/ceph).
    configuration: RBD_CONFIGURATION,
  };
  return json;
}

const ADDR = (port: number, nonce: number) => ({
  addrvec: [
    { type: "v2", nonce, addr: `127.0.0.1:${port}` },
    { type: "v1", nonce, addr: `127.0.0.1:${port + 1}` },
  ],
});

/** The osdmap entry of an OSD. */
export function osdmapOsd(state: CephState, osd: OsdState): Record<string, unknown> {
  const up = state.osdUp(osd);
  const base = 6800 + osd.id * 8;
  const nonce = 10_000 + osd.id;
  return {
    ...clone(OSDMAP_OSD),
    osd: osd.id,
    up: up ? 1 : 0,
    in: osd.in ? 1 : 0,
    weight: osd.in ? 1.0 : 0.0,
    up_from: osd.upFrom,
    public_addrs: ADDR(base, nonce),
    cluster_addrs: ADDR(base + 2, nonce),
    heartbeat_back_addrs: ADDR(base + 6, nonce),
    heartbeat_front_addrs: ADDR(base + 4, nonce),
    state: up ? ["exists", "up"] : ["exists"],
    uuid: osd.uuid,
    public_addr: `127.0.0.1:${base + 1}/${nonce}`,
    cluster_addr: `127.0.0.1:${base + 3}/${nonce}`,
    heartbeat_back_addr: `127.0.0.1:${base + 7}/${nonce}`,
    heartbeat_front_addr: `127.0.0.1:${base + 5}/${nonce}`,
  };
}

/** An entry of `GET /api/osd`: osdmap entry + stats + CRUSH tree node + host. */
export function osdJson(state: CephState, osd: OsdState): Record<string, unknown> {
  const template = clone(OSD_LIST_ENTRY);
  const used = state.osdUsedBytes(osd);
  const hostIndex = [...state.hosts.keys()].indexOf(osd.host);
  const host = state.hosts.get(osd.host)!;
  const pgs = [...state.pools.values()].reduce((n, p) => n + p.pgNum * Math.min(p.size, state.osds.size), 0);
  const numPgs = osd.in
    ? Math.round(pgs / Math.max(1, [...state.osds.values()].filter((o) => o.in).length))
    : 0;
  return {
    ...template,
    ...osdmapOsd(state, osd),
    id: osd.id,
    osd_stats: {
      ...template.osd_stats,
      osd: osd.id,
      up_from: osd.upFrom,
      num_pgs: numPgs,
      num_osds: 1,
      kb: Math.floor(osd.bytes / 1024),
      kb_used: Math.floor(used / 1024),
      kb_used_data: Math.floor((used - state.osdOverheadBytes) / 1024),
      kb_avail: Math.floor((osd.bytes - used) / 1024),
      statfs: { ...template.osd_stats.statfs, total: osd.bytes, available: osd.bytes - used },
    },
    tree: {
      ...template.tree,
      id: osd.id,
      crush_weight: osd.bytes / 1024 ** 4,
      status: state.osdUp(osd) ? "up" : "down",
      reweight: osd.in ? 1.0 : 0.0,
      name: `osd.${osd.id}`,
    },
    host: { ...template.host, id: -3 - hostIndex, name: osd.host, children: [...host.osds].reverse() },
    stats: { ...template.stats, numpg: numPgs, stat_bytes: osd.bytes, stat_bytes_used: used },
  };
}

export function osdMetadata(osd: OsdState): Record<string, unknown> {
  return {
    ...clone(OSD_METADATA),
    hostname: osd.host,
    bluestore_bdev_size: String(osd.bytes),
    osd_data: `/var/lib/ceph/osd/ceph-${osd.id}`,
    bluestore_bdev_path: `/var/lib/ceph/osd/ceph-${osd.id}/block`,
  };
}

/** A host of `/api/host` with the daemons it runs. */
export function hostJson(state: CephState, name: string): Record<string, unknown> {
  const host = state.hosts.get(name)!;
  const services: Array<Record<string, string>> = [];
  if (name === state.hosts.keys().next().value)
    services.push({ type: "mgr", id: "x", ceph_version: CEPH_VERSION });
  if (host.mon !== undefined) services.push({ type: "mon", id: host.mon, ceph_version: CEPH_VERSION });
  for (const id of host.osds) services.push({ type: "osd", id: String(id), ceph_version: CEPH_VERSION });
  return { ...clone(HOST), hostname: name, services, ceph_version: CEPH_VERSION };
}

/** mon_status and quorum lists; `/api/monitor` adds per-mon session stats (`withStats`), health does not. */
export function monStatus(
  state: CephState,
  withStats = false,
): {
  status: Record<string, unknown>;
  inQuorum: unknown[];
  outQuorum: unknown[];
} {
  const mons = [...state.hosts.values()].filter((h) => h.mon !== undefined);
  const { stats: _sessions, ...monTemplate } = clone(MON_IN_QUORUM);
  const entry = (rank: number, name: string) => ({
    ...monTemplate,
    rank,
    name,
    public_addrs: {
      addrvec: [
        { type: "v2", addr: `127.0.0.1:${13300 + rank}`, nonce: 0 },
        { type: "v1", addr: `127.0.0.1:${16789 + rank}`, nonce: 0 },
      ],
    },
    addr: `127.0.0.1:${16789 + rank}/0`,
    public_addr: `127.0.0.1:${16789 + rank}/0`,
    ...(withStats ? { stats: { num_sessions: [[state.now() / 1000, 1]] } } : {}),
  });
  const quorum = mons.flatMap((h, rank) => (h.up ? [rank] : []));
  const status: MonStatus = clone(MON_STATUS);
  status.quorum = quorum;
  status.name = mons[quorum[0] ?? 0]?.mon ?? "a";
  status.rank = quorum[0] ?? 0;
  status.outside_quorum = mons.filter((h) => !h.up).map((h) => h.mon);
  status.monmap = { ...status.monmap, fsid: state.fsid, mons: mons.map((h, rank) => entry(rank, h.mon!)) };
  return {
    status,
    inQuorum: mons.flatMap((h, rank) =>
      h.up ? [{ ...entry(rank, h.mon!), stats: { num_sessions: [[state.now() / 1000, 1]] } }] : [],
    ),
    outQuorum: mons.flatMap((h, rank) => (h.up ? [] : [entry(rank, h.mon!)])),
  };
}
