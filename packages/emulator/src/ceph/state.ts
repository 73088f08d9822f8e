/**
 * The Ceph part of the emulator's world: hosts with their OSDs and mons, pools, RBD images with
 * snapshots, clones and trash, OSD flags, dashboard users, tasks and configuration. Every answer
 * of the Ceph routes is derived from this state (health from OSD/host state and usage, OSD
 * utilisation from what the images hold), so a later shared World (docs/DESIGN.md §5) can drive it:
 * `setHostUp("node2", false)` takes that host's OSDs and mons down and Ceph health follows.
 *
 * Time comes from `now()` (ms), so tests can use a manual clock; nothing here sleeps.
 */
import { randomBytes, randomFillSync, randomUUID } from "node:crypto";

export interface CephHostInit {
  name: string;
  /** How many OSDs this host carries (default 1). */
  osds?: number;
  /** Capacity of each OSD in bytes (default 10 GiB, as the CI cluster's sparse files). */
  osdBytes?: number;
  /** Runs a monitor (default: the first host only). */
  mon?: boolean;
}

export interface CephPoolInit {
  name: string;
  type?: "replicated" | "erasure";
  size?: number;
  pgNum?: number;
  applications?: string[];
  /** Pool options (`pg_num_min`, `compression_mode`, …). */
  options?: Record<string, unknown>;
}

export interface CephUserInit {
  username: string;
  password: string;
  roles?: string[];
}

export interface CephStateOptions {
  /** Physical hosts; default one host `ceph-node` with one 10 GiB OSD and the mon. */
  hosts?: CephHostInit[];
  /** Pools present at start; default `device_health_metrics` and `rbd` (as a fresh cluster). */
  pools?: CephPoolInit[];
  /** Dashboard users; default `admin` / `Adm1n-Passw0rd!` with the administrator role. */
  users?: CephUserInit[];
  /** Replica count of new pools (`osd_pool_default_size`); default min(3, number of OSDs). */
  defaultPoolSize?: number;
  /**
   * Raise POOL_NO_REDUNDANCY for size-1 pools (`mon_warn_on_pool_no_redundancy`). Default: true
   * from 3 OSDs on; a smaller toy cluster turns it off, as scripts/ceph/start.sh does.
   */
  warnOnNoRedundancy?: boolean;
  /** JWT lifetime in seconds (default 28800, as the dashboard). */
  jwtTtl?: number;
  /**
   * How long tasks take on the clock, by task name (`"pool/create": 3000`). Tasks that take longer
   * than the dashboard's 2 s wait answer 202 and finish later, as on a real cluster; default 0.
   */
  taskDurations?: Partial<Record<string, number>>;
  /** The clock in ms (default `Date.now`). */
  now?: () => number;
  /** Bytes each OSD uses with no data (BlueStore metadata; default 290 MiB as observed). */
  osdOverheadBytes?: number;
  fsid?: string;
}

export interface OsdState {
  id: number;
  host: string;
  uuid: string;
  bytes: number;
  /** Marked in (weight 1) or out (weight 0). */
  in: boolean;
  /** The daemon runs (false while its host is off, or it was stopped). */
  running: boolean;
  /** Marked down by an operator: up again at this time if the daemon still runs (as Ceph does). */
  downUntil: number;
  upFrom: number;
}

export interface HostState {
  name: string;
  up: boolean;
  osds: number[];
  mon: string | undefined;
}

export interface PoolState {
  id: number;
  name: string;
  type: "replicated" | "erasure";
  size: number;
  minSize: number;
  pgNum: number;
  pgAutoscaleMode: string;
  crushRule: string;
  erasureCodeProfile: string;
  applications: string[];
  quotaMaxBytes: number;
  quotaMaxObjects: number;
  options: Record<string, unknown>;
  createTime: number;
  snapSeq: number;
}

export interface SnapshotState {
  id: number;
  name: string;
  size: number;
  protected: boolean;
  createdAt: number;
  usedBytes: number;
}

export interface ImageState {
  id: string;
  pool: string;
  namespace: string | null;
  name: string;
  size: number;
  objSize: number;
  features: string[];
  createdAt: number;
  stripeUnit: number;
  stripeCount: number;
  dataPool: string | null;
  /** Bytes written (what the image really takes in its pool, before replication). */
  usedBytes: number;
  parent: { pool: string; namespace: string | null; image: string; snap: string } | undefined;
  snapshots: SnapshotState[];
}

export interface TrashState {
  image: ImageState;
  deletedAt: number;
  defermentEnd: number;
}

export interface UserState {
  username: string;
  password: string;
  roles: string[];
  enabled: boolean;
  failures: number;
  /** Seconds; tokens issued before this are invalid (password changed, user re-created). */
  lastUpdate: number;
}

export interface TaskRecord {
  name: string;
  metadata: Record<string, unknown>;
  begin: number;
  end: number;
  success: boolean | undefined;
  exception: unknown;
  retValue: unknown;
  /** Runs when the task's time is up (async tasks only). */
  run: (() => unknown) | undefined;
}

export interface ConfigValue {
  section: string;
  value: string;
}

const GiB = 1024 ** 3;
const DEFAULT_FLAGS = ["pglog_hardlimit", "purged_snapdirs", "recovery_deletes", "sortbitwise"];

export class CephState {
  readonly fsid: string;
  readonly now: () => number;
  readonly jwtSecret = randomBytes(32);
  readonly jwtTtl: number;
  readonly taskDurations: Partial<Record<string, number>>;
  readonly osdOverheadBytes: number;
  readonly hosts = new Map<string, HostState>();
  readonly osds = new Map<number, OsdState>();
  readonly pools = new Map<string, PoolState>();
  /** Images by `pool/namespace/name` key (see {@link imageKey}). */
  readonly images = new Map<string, ImageState>();
  readonly trash = new Map<string, TrashState>();
  readonly users = new Map<string, UserState>();
  /** Revoked token ids (logout). */
  readonly revoked = new Set<string>();
  readonly flags = new Set<string>(DEFAULT_FLAGS);
  readonly config = new Map<string, ConfigValue[]>();
  readonly enabledModules = new Set<string>(["dashboard", "iostat"]);
  /**
   * Where the enabled `prometheus` mgr module serves, as `mgr_map.services` lists it (set by whoever
   * serves the module's routes; unset: the module's default port, 9283).
   */
  prometheusUrl: string | undefined;
  readonly ecProfiles = new Map<string, Record<string, string | number>>([
    ["default", { k: 2, m: 2, plugin: "jerasure", technique: "reed_sol_van", name: "default" }],
  ]);
  /** Newest first, as /api/task lists them. */
  finishedTasks: TaskRecord[] = [];
  executingTasks: TaskRecord[] = [];
  defaultPoolSize: number;
  warnOnNoRedundancy: boolean;
  nearfullRatio = 0.85;
  fullRatio = 0.95;
  readonly startedAt: number;
  #nextPoolId = 1;
  #nextSnapId = 4;

  constructor(options: CephStateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.fsid = options.fsid ?? randomUUID();
    this.jwtTtl = options.jwtTtl ?? 28_800;
    this.taskDurations = { ...options.taskDurations };
    this.osdOverheadBytes = options.osdOverheadBytes ?? 290 * 1024 * 1024;
    this.startedAt = this.now();
    const hosts = options.hosts ?? [{ name: "ceph-node", osds: 1 }];
    let osdId = 0;
    hosts.forEach((init, index) => {
      if (this.hosts.has(init.name)) throw new Error(`duplicate Ceph host ${init.name}`);
      const host: HostState = {
        name: init.name,
        up: true,
        osds: [],
        mon: (init.mon ?? index === 0) ? String.fromCharCode(97 + this.monCount()) : undefined,
      };
      for (let i = 0; i < (init.osds ?? 1); i++) {
        const id = osdId++;
        host.osds.push(id);
        this.osds.set(id, {
          id,
          host: init.name,
          uuid: randomUUID(),
          bytes: init.osdBytes ?? 10 * GiB,
          in: true,
          running: true,
          downUntil: 0,
          upFrom: 5,
        });
      }
      this.hosts.set(init.name, host);
    });
    this.warnOnNoRedundancy = options.warnOnNoRedundancy ?? this.osds.size >= 3;
    this.defaultPoolSize = options.defaultPoolSize ?? Math.max(1, Math.min(3, this.osds.size));
    const pools = options.pools ?? [
      {
        name: "device_health_metrics",
        pgNum: 1,
        applications: ["mgr_devicehealth"],
        options: { pg_num_max: 32, pg_num_min: 1 },
      },
      { name: "rbd", pgNum: 8, applications: ["rbd"] },
    ];
    for (const pool of pools) this.createPool(pool);
    for (const user of options.users ?? [
      { username: "admin", password: "Adm1n-Passw0rd!", roles: ["administrator"] },
    ]) {
      this.addUser(user);
    }
  }

  monCount(): number {
    let n = 0;
    for (const host of this.hosts.values()) if (host.mon !== undefined) n++;
    return n;
  }

  // ---- World hooks -------------------------------------------------------------------------

  /** Powers a host on or off: its OSD daemons and mon stop or start (health follows). */
  setHostUp(name: string, up: boolean): void {
    const host = this.#host(name);
    host.up = up;
    for (const id of host.osds) {
      const osd = this.osds.get(id)!;
      osd.running = up;
      if (up) {
        osd.downUntil = 0;
        osd.upFrom = Math.floor((this.now() - this.startedAt) / 1000) + 5;
      }
    }
  }

  /** Stops or starts one OSD daemon (a failed disk, a crashed daemon). */
  setOsdRunning(id: number, running: boolean): void {
    const osd = this.#osd(id);
    osd.running = running && this.#host(osd.host).up;
    if (osd.running) osd.downUntil = 0;
  }

  /** Simulates data written into an image (drives OSD utilisation and NEARFULL/FULL checks). */
  writeImage(pool: string, image: string, bytes: number, namespace: string | null = null): void {
    const found = this.images.get(imageKey(pool, namespace, image));
    if (found === undefined) throw new Error(`no RBD image ${pool}/${image}`);
    found.usedBytes = Math.min(found.size, Math.max(0, found.usedBytes + bytes));
  }

  addUser(init: CephUserInit): void {
    this.users.set(init.username, {
      username: init.username,
      password: init.password,
      roles: init.roles ?? ["administrator"],
      enabled: true,
      failures: 0,
      lastUpdate: Math.floor(this.now() / 1000),
    });
  }

  // ---- derived state ----------------------------------------------------------------------

  osdUp(osd: OsdState): boolean {
    return osd.running && this.now() >= osd.downUntil;
  }

  /** Raw bytes stored by one OSD: overhead plus its share of every pool's replicated data. */
  osdUsedBytes(osd: OsdState): number {
    return this.osdUsage()(osd);
  }

  /**
   * {@link osdUsedBytes} for many OSDs: the pools' data and the OSDs' weights are summed once, so
   * a pass over every OSD of a large cluster stays linear.
   */
  osdUsage(): (osd: OsdState) => number {
    let inCount = 0;
    let weight = 0;
    for (const o of this.osds.values()) {
      if (!o.in) continue;
      inCount++;
      weight += o.bytes;
    }
    let raw = 0;
    if (inCount > 0)
      for (const pool of this.pools.values())
        raw += this.poolStoredBytes(pool.name) * Math.min(pool.size, inCount);
    const overhead = this.osdOverheadBytes;
    return (osd) => (!osd.in || inCount === 0 ? overhead : overhead + Math.round((raw * osd.bytes) / weight));
  }

  /** Bytes the images (and their snapshots) of a pool hold, before replication. */
  poolStoredBytes(pool: string): number {
    let bytes = 0;
    for (const image of this.images.values()) {
      if (image.pool !== pool) continue;
      bytes += image.usedBytes + image.snapshots.reduce((sum, s) => sum + s.usedBytes, 0);
    }
    for (const entry of this.trash.values()) if (entry.image.pool === pool) bytes += entry.image.usedBytes;
    return bytes;
  }

  poolObjects(pool: string): number {
    let objects = 0;
    for (const image of this.images.values()) {
      if (image.pool === pool) objects += 3 + Math.ceil(image.usedBytes / image.objSize);
    }
    return objects;
  }

  // ---- mutations used by the routes -------------------------------------------------------

  createPool(init: CephPoolInit & { ruleName?: string; ecProfile?: string; autoscale?: string }): PoolState {
    const type = init.type ?? "replicated";
    const size = init.size ?? (type === "erasure" ? 4 : this.defaultPoolSize);
    const pool: PoolState = {
      id: this.#nextPoolId++,
      name: init.name,
      type,
      size,
      minSize: type === "erasure" ? 3 : Math.max(1, size - Math.floor(size / 2)),
      pgNum: init.pgNum ?? 32,
      pgAutoscaleMode: init.autoscale ?? "on",
      crushRule: init.ruleName ?? (type === "erasure" ? init.name : "replicated_rule"),
      erasureCodeProfile: type === "erasure" ? (init.ecProfile ?? "default") : "",
      applications: [...(init.applications ?? [])],
      quotaMaxBytes: 0,
      quotaMaxObjects: 0,
      options: { ...init.options },
      createTime: this.now(),
      snapSeq: 0,
    };
    this.pools.set(pool.name, pool);
    return pool;
  }

  deletePool(name: string): void {
    this.pools.delete(name);
    for (const [key, image] of this.images) if (image.pool === name) this.images.delete(key);
    for (const [key, entry] of this.trash) if (entry.image.pool === name) this.trash.delete(key);
  }

  /**
   * After the state's maps were refilled from a snapshot (the World's restore): pool and snapshot
   * ids continue after the restored ones, and sessions are gone as after a restart (the JWT
   * secret changes, so every token issued before is refused; the revocation list empties).
   */
  afterRestore(): void {
    let maxPool = 0;
    for (const pool of this.pools.values()) maxPool = Math.max(maxPool, pool.id);
    this.#nextPoolId = Math.max(this.#nextPoolId, maxPool + 1);
    let maxSnap = 0;
    for (const image of this.images.values())
      for (const snap of image.snapshots) maxSnap = Math.max(maxSnap, snap.id);
    this.#nextSnapId = Math.max(this.#nextSnapId, maxSnap + 1);
    randomFillSync(this.jwtSecret);
    this.revoked.clear();
  }

  nextSnapId(): number {
    return this.#nextSnapId++;
  }

  newImageId(): string {
    return randomBytes(6).toString("hex");
  }

  #host(name: string): HostState {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no Ceph host ${name}`);
    return host;
  }

  #osd(id: number): OsdState {
    const osd = this.osds.get(id);
    if (osd === undefined) throw new Error(`no OSD ${id}`);
    return osd;
  }
}

export function imageKey(pool: string, namespace: string | null | undefined, name: string): string {
  return `${pool}/${namespace ?? ""}/${name}`;
}

export function createCephState(options?: CephStateOptions): CephState {
  return new CephState(options);
}
