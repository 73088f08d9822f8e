/**
 * The OpenNebula part of the emulated world: one self-contained object per emulator (never a module
 * singleton) holding users/groups, clusters, hosts, datastores, images, virtual networks with their
 * address ranges and leases, templates and VMs. Time comes from an injectable clock; VM and image
 * transitions are computed from it when the state is next observed ({@link OpenNebulaState.sync}),
 * so nothing sleeps. The shared World drives it through the explicit hooks at the bottom:
 * `setHostReachable`, `subscribe` (image created/deleted, VM and host state changes) and `sync`.
 */

import { type EmulatorClock, systemClock } from "../ilo/clock.js";
import { parseAcl } from "./acl.js";
import { type Agenda, createAgenda } from "./agenda.js";
import type { Template } from "./template.js";
import { applyDefaultDirs, applyTmMad } from "./tm-mad-conf.js";

/** Owner/group/other × use/manage/admin, as 0/1 in XML order (OWNER_U … OTHER_A). */
export type Permissions = [number, number, number, number, number, number, number, number, number];

export interface Owned {
  id: number;
  name: string;
  uid: number;
  gid: number;
  permissions: Permissions;
}

export interface OneUser {
  id: number;
  name: string;
  password: string;
  gid: number;
  groups: number[];
  enabled: boolean;
  authDriver: string;
  template: Template;
  tokens: Array<{ token: string; expiresAt: number; egid: number }>;
  /** `one.user.quota` limits: DATASTORE/NETWORK/VM/IMAGE vectors (absent: none set; usage is computed). */
  quotas?: Template;
}

export interface OneGroup {
  id: number;
  name: string;
  template: Template;
  admins: number[];
  /** `one.group.quota` limits, as for users. */
  quotas?: Template;
  /** `one.group.vlan` (7.4): the group's VLAN rules, RULE=[ID, SCOPE, VNTEMPLATE]. */
  vlanRules?: Array<Record<string, string>>;
}

/** A `one.vmpool.calculateshowback` result: one VM's costs in one month (showback.xsd). */
export interface OneShowback {
  vmId: number;
  vmName: string;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  year: number;
  month: number;
  cpuCost: number;
  memoryCost: number;
  diskCost: number;
  hours: number;
  rhours: number;
}

export interface OneCluster {
  id: number;
  name: string;
  template: Template;
  /** The OneDRS optimization plan (`one.cluster.optimize`); absent or state -1: none. */
  plan?: OnePlan;
}

/** A plan or plan action state (include/Plan.h PlanState). */
export const PlanState = { NONE: -1, READY: 0, APPLYING: 1, DONE: 2, ERROR: 3, TIMEOUT: 4 } as const;

export interface OnePlanAction {
  id: number;
  vmId: number;
  state: number;
  /** A VMActions name: `migrate`. */
  operation: string;
  hostId: number;
  dsId: number;
  /** Seconds; when the action was started (0: not yet). */
  timestamp: number;
}

export interface OnePlan {
  state: number;
  actions: OnePlanAction[];
}

export interface OneHost {
  id: number;
  name: string;
  imMad: string;
  vmMad: string;
  clusterId: number;
  /** Host::HostState: 0 INIT, 2 MONITORED, 3 ERROR, 4 DISABLED, 8 OFFLINE. */
  state: number;
  prevState: number;
  /** Total CPU in OpenNebula units (100 per hardware thread). */
  totalCpu: number;
  /** Total memory in KiB. */
  totalMemKb: number;
  /** Disabled/offline by `one.host.status`, independent of reachability. */
  adminStatus: 0 | 1 | 2;
  reachable: boolean;
  template: Template;
  /** Capacity held by VMs placed here (kept by the life cycle, read by HOST_SHARE and the scheduler). */
  usedCpu: number;
  usedMemKb: number;
  vmIds: Set<number>;
  /** Clock time of the first monitoring of a host still INIT after `one.host.allocate`. */
  firstMonitorAt?: number | undefined;
}

export interface OneDatastore extends Owned {
  /** 0 IMAGE_DS, 1 SYSTEM_DS, 2 FILE_DS, 3 BACKUP_DS. */
  type: number;
  dsMad: string;
  tmMad: string;
  diskType: number;
  clusterIds: number[];
  totalMb: number;
  state: number;
  template: Template;
}

export interface OneImage extends Owned {
  /** Image::ImageType: 0 OS, 1 CDROM, 2 DATABLOCK, … */
  type: number;
  /** A BACKUP image (type 6) made by `one.vm.backup` (methods/vm-backup.ts): its VM, disks and increments. */
  backup?: ImageBackup;
  persistent: boolean;
  sizeMb: number;
  /** Image::ImageState: 1 READY, 2 USED, 4 LOCKED, 8 USED_PERS, … */
  state: number;
  prevState: number;
  datastoreId: number;
  regtime: number;
  path: string;
  source: string;
  format: string;
  vms: Set<number>;
  /** While LOCKED after allocation: when the copy finishes (clock ms). */
  readyAt: number | null;
  template: Template;
  /** `one.image.lock` (absent: never locked). */
  lock?: ObjectLock | null;
  /** IMAGE/SNAPSHOTS: a persistent image keeps its VM disk's snapshots (absent: none yet). */
  snapshots?: VmDiskSnapshot[];
  nextSnapshot?: number;
  /** The snapshot the image was last reverted to (ACTIVE=YES; -1 or absent: none). */
  activeSnapshot?: number;
  /** The datastore-driver operation that ends when `readyAt` passes (LOCKED until then). */
  pendingOp?: { kind: "clone" | "snapshot-delete" | "snapshot-revert" | "snapshot-flatten"; target: number };
  /** Images being cloned from this one (CLONES, CLONING_OPS). */
  clones?: number[];
}

/** A `one.<object>.lock`: level 1 USE, 2 MANAGE, 3 ADMIN blocks operations at or above it. */
export interface ObjectLock {
  level: number;
  owner: number;
  /** Seconds. */
  time: number;
}

export interface AddressRange {
  id: number;
  type: string;
  /** First IPv4 address as a 32-bit number (IP4 ranges), or null for ETHER. */
  ip: number | null;
  /** First MAC as a 48-bit number. */
  mac: number;
  size: number;
  /**
   * index in the range → lease holder (`vm` id, or -1 for a lease put on hold); `vnet`: the
   * reservation (`one.vn.reserve`) holding the address (then `vm` is -1).
   */
  leases: Map<number, { vm: number; vnet?: number }>;
  /** oned's NEXT_INDEX: where the search for a free lease starts (wrapping around). */
  next: number;
  extra: Record<string, string>;
  /** A reservation's range: PARENT_NETWORK_AR_ID, the parent network's range it was taken from. */
  parentArId?: number;
}

export interface OneVnet extends Owned {
  clusterIds: number[];
  bridge: string;
  vnMad: string;
  /** VirtualNetwork::VirtualNetworkState: 0 INIT, 1 READY, 2 LOCK_CREATE, 3 LOCK_DELETE, 4 DONE, 5 ERROR, 6 UPDATE_FAILURE. */
  state: number;
  prevState?: number;
  ars: AddressRange[];
  template: Template;
  /** PARENT_NETWORK_ID of a reservation made by `one.vn.reserve` (absent: not a reservation). */
  parentId?: number;
  /** `one.vn.lock` (absent: never locked). */
  lock?: ObjectLock | null;
}

export interface OneTemplate extends Owned {
  regtime: number;
  template: Template;
  /** `one.template.lock` (absent: never locked). */
  lock?: ObjectLock | null;
}

export interface VmNic {
  nicId: number;
  networkId: number;
  arId: number;
  index: number;
  ip: string | null;
  mac: string;
  attrs: Record<string, string>;
}

export interface VmDiskSnapshot {
  id: number;
  name: string;
  /** Seconds. */
  date: number;
  parent: number;
  sizeMb: number;
}

export interface VmDisk {
  diskId: number;
  imageId: number | null;
  attrs: Record<string, string>;
  /** `one.vm.disksnapshot*` (absent until the first one). */
  snapshots?: VmDiskSnapshot[];
  nextSnapshot?: number;
  /** The snapshot the disk was last reverted to or created from (-1: none). */
  active?: number;
}

/** `one.vm.snapshotcreate`: a system snapshot (TEMPLATE/SNAPSHOT). */
export interface VmSnapshot {
  id: number;
  name: string;
  /** Seconds. */
  time: number;
  hypervisorId: string;
  /** The snapshot the running operation works on (oned shows ACTIVE/ACTION only until it ends). */
  active: boolean;
  /** ACTION while active: CREATE or REVERT. */
  action?: "CREATE" | "REVERT";
  /** SYSTEM_DISK_SIZE: the VM's memory when taken (VM_SNAPSHOT_FACTOR 0: disks count nothing). */
  systemDiskSize?: number;
}

/**
 * A scheduled action (6.8+: its own object, ScheduledAction.h): TIME in seconds (absolute), REPEAT
 * -1 none / 0 weekly / 1 monthly / 2 yearly / 3 hourly over DAYS, END_TYPE -1 none / 0 never /
 * 1 times / 2 date with END_VALUE, DONE the last run (seconds, -1 never), MESSAGE its error.
 */
export interface VmSchedAction {
  id: number;
  action: string;
  args: string;
  time: number;
  repeat: number;
  days: string;
  endType: number;
  endValue: number;
  done: number;
  message: string;
  warning: number;
  /** Clock ms the action was added or last updated: a TIME already past runs then, not before. */
  since?: number;
}

/** `one.vm.exec` (7.2+): the last guest-agent command (TEMPLATE/QEMU_GA_EXEC). */
export interface VmExec {
  command: string;
  stdin: string;
  pid: number;
  /** Clock ms the command started; it ends `timings.exec` later unless cancelled. */
  startedAt: number;
  cancelled: boolean;
}

/** BACKUPS/BACKUP_CONFIG values `one.vm.backup` maintains (LAST_*, INCREMENTAL_BACKUP_ID) and BACKUP_IDS. */
export interface VmBackups {
  config: Record<string, string>;
  ids: number[];
}

/** BACKUP_INCREMENTS/INCREMENT of a backup image. */
export interface BackupIncrement {
  id: number;
  /** Seconds. */
  date: number;
  parentId: number;
  sizeMb: number;
  source: string;
  /** FULL or INCREMENT. */
  type: string;
}

export interface ImageBackup {
  vmId: number;
  /** BACKUP_DISK_IDS. */
  diskIds: number[];
  /** INCREMENT mode only (FULL backups keep none). */
  increments: BackupIncrement[];
}

export interface VmHistory {
  seq: number;
  hostId: number;
  hostname: string;
  clusterId: number;
  dsId: number;
  vmMad: string;
  tmMad: string;
  stime: number;
  etime: number;
  pstime: number;
  petime: number;
  rstime: number;
  retime: number;
  estime: number;
  eetime: number;
  /** VMActions::Action of the request that ended (or, while it runs, drives) the record; 0 none. */
  action: number;
  /** Who asked for `action` (-1: nobody, oned's `clear_action`). */
  uid: number;
  gid: number;
  /** The request's random REQUEST_ID (0…9999, RequestAttributes::req_id); absent or -1: none. */
  reqId?: number;
}

/**
 * What a step does when it is reached besides moving the VM, as data so that a World snapshot keeps
 * it: the `kind` of a hook in the state's `lifecycle.stepHooks` and a JSON argument.
 */
export interface StepHook {
  kind: string;
  arg?: unknown;
}

/** What a step hook of some kind does when its step is reached at `at` (clock ms). */
export type StepHookFn = (state: OpenNebulaState, vm: OneVm, at: number, arg: unknown) => void;

/**
 * Timed work on a VM besides its steps (scheduled actions): `next` is when it is due (clock ms,
 * +∞ none), `fire` does it and must move `next` past `at`.
 */
export interface VmTimer {
  next(vm: OneVm): number;
  fire(state: OpenNebulaState, vm: OneVm, at: number): void;
  /** Takes what a new VM's template asks for (createVm, before the VM is stored; may throw a failure). */
  onCreate?(state: OpenNebulaState, vm: OneVm): void;
}

/**
 * The behaviour a state's VM steps and timers call for, given to the state by its factory
 * (opennebula/create-state.ts) rather than registered by modules as they load.
 */
export interface VmLifecycleHooks {
  /** What each StepHook `kind` does. */
  readonly stepHooks: ReadonlyMap<string, StepHookFn>;
  readonly timers: readonly VmTimer[];
}

/** A timed transition: at `at` (clock ms) the VM moves to `state`/`lcm`, then its `hook` runs. */
export interface VmStep {
  at: number;
  state: number;
  lcm: number;
  hook?: StepHook;
}

export interface OneVm extends Owned {
  state: number;
  lcm: number;
  prevState: number;
  prevLcm: number;
  resched: number;
  stime: number;
  etime: number;
  deployId: string;
  cpu: number;
  vcpu: number;
  memoryMb: number;
  /** Attributes that go to TEMPLATE besides CPU/MEMORY/VCPU/DISK/NIC (GRAPHICS, OS, CONTEXT, …). */
  template: Template;
  userTemplate: Template;
  disks: VmDisk[];
  nics: VmNic[];
  templateId: number | null;
  hostId: number | null;
  history: VmHistory[];
  steps: VmStep[];
  /** PENDING VMs: when the scheduler next looks at them (clock ms). */
  schedAt: number | null;
  /** Capacity currently held on `hostId` (freed on stop/undeploy/terminate). */
  holdsCapacity: boolean;
  /** `one.vm.lock`: level 1 USE, 2 MANAGE, 3 ADMIN blocks operations at or above it. */
  lock: { level: number; owner: number; time: number } | null;
  /** TEMPLATE/TM_MAD_SYSTEM: the system datastore's TM_MAD, set at the first deploy (check_tm_mad_disks). */
  tmMadSystem?: string;
  /**
   * The TM_MAD_SYSTEM oned put into AUTOMATIC_DS_REQUIREMENTS when it last recomputed them for a
   * deployed VM (migrate, release, resume from STOPPED/UNDEPLOYED, resched); absent: not since deploy.
   */
  requirementsTmMad?: string;
  /** System snapshots (absent until the first `one.vm.snapshotcreate`). */
  snapshots?: VmSnapshot[];
  nextSnapshot?: number;
  /** `one.vm.schedadd` (SCHED_ACTIONS; absent until the first). */
  schedActions?: VmSchedAction[];
  /** `one.vm.exec` (absent until the first). */
  exec?: VmExec;
  /** `one.vm.backup` (absent until the first). */
  backups?: VmBackups;
}

export interface OneSecGroup extends Owned {
  /** DESCRIPTION, RULE=[PROTOCOL, RULE_TYPE, RANGE, IP, SIZE, NETWORK_ID, …]. */
  template: Template;
}

export interface OneVmGroupRole {
  id: number;
  name: string;
  /** NONE, AFFINED or ANTI_AFFINED; "" when the role was given none (NONE, no POLICY element). */
  policy: string;
  hostAffined: string;
  hostAntiAffined: string;
}

export interface OneVmGroup extends Owned {
  roles: OneVmGroupRole[];
  template: Template;
  lock: { level: number; owner: number; time: number } | null;
}

/** An ACL rule as oned stores it: four 64-bit masks (AclRule.h). */
export interface OneAcl {
  id: number;
  user: bigint;
  resource: bigint;
  rights: bigint;
  zone: bigint;
}

/** Delays (ms on the emulator clock) of the lifecycle, roughly what a small KVM cloud shows. */
export interface OneTimings {
  /** Scheduler interval: a PENDING VM is placed this long after it was submitted (and retried as often). */
  schedule: number;
  prolog: number;
  boot: number;
  shutdown: number;
  epilog: number;
  save: number;
  /** LOCKED → READY after `one.image.allocate`. */
  imageCopy: number;
  /** HOTPLUG states: disk/NIC attach and detach, snapshots. */
  hotplug: number;
  /** BACKUP / BACKUP_POWEROFF and RESTORE. */
  backup: number;
  /** A `one.vm.exec` command runs this long (QEMU_GA_EXEC STATUS EXECUTING → DONE). */
  exec: number;
  /** A host from `one.host.allocate` stays INIT this long, until its first monitoring (→ MONITORED). */
  monitor: number;
}

export const defaultTimings: OneTimings = {
  schedule: 5000,
  prolog: 3000,
  boot: 2000,
  shutdown: 2000,
  epilog: 1000,
  save: 2000,
  imageCopy: 2000,
  hotplug: 1000,
  backup: 3000,
  exec: 1000,
  monitor: 3000,
};

export type OpenNebulaEvent =
  | { type: "image-created"; image: OneImage }
  | { type: "image-deleted"; image: OneImage }
  /** An image's snapshot list changed (`one.image.snapshotdelete` / `snapshotflatten` done). */
  | { type: "image-snapshots"; image: OneImage }
  | { type: "vm-state"; vm: OneVm; state: number; lcm: number }
  | { type: "host-state"; host: OneHost; state: number }
  /** A disk snapshot taken, deleted or reverted to (Ceph: `one-<image>-<vm>-<disk>@<snapshot id>`). */
  | {
      type: "disk-snapshot";
      action: "create" | "delete" | "revert";
      vm: OneVm;
      disk: VmDisk;
      snapshot: VmDiskSnapshot;
    };

export interface HostSpec {
  name: string;
  /** Hardware threads (each is 100 CPU units). Default 16. */
  threads?: number;
  memoryGb?: number;
  cluster?: string;
}

export interface OpenNebulaStateOptions {
  clock?: EmulatorClock;
  /** What `one.system.version` answers. Default "7.4.0". */
  version?: string;
  timings?: Partial<OneTimings>;
  /** oneadmin's password. Default "opennebula". */
  adminPassword?: string;
  /** Hosts of the default cluster. Default: the reference topology (node01..03, 16 threads, 36/47/49 GB). */
  hosts?: HostSpec[];
  /** Start with no hosts, datastores, images, networks or templates (users and groups only). */
  empty?: boolean;
  /** `API_LIST_ORDER`: pools newest first ("DESC", oned's default) or "ASC". */
  listOrder?: "DESC" | "ASC";
  /** The DB backend: "sqlite" refuses the `one.vmpool.info` JSON query with INTERNAL, as oned does. */
  sqlBackend?: "mysql" | "sqlite";
}

export interface OpenNebulaState {
  readonly clock: EmulatorClock;
  readonly version: string;
  readonly timings: OneTimings;
  readonly listOrder: "DESC" | "ASC";
  readonly sqlBackend: "mysql" | "sqlite";
  users: Map<number, OneUser>;
  groups: Map<number, OneGroup>;
  clusters: Map<number, OneCluster>;
  hosts: Map<number, OneHost>;
  datastores: Map<number, OneDatastore>;
  images: Map<number, OneImage>;
  vnets: Map<number, OneVnet>;
  templates: Map<number, OneTemplate>;
  vms: Map<number, OneVm>;
  secgroups: Map<number, OneSecGroup>;
  vmgroups: Map<number, OneVmGroup>;
  acls: Map<number, OneAcl>;
  /** Records of `one.vmpool.calculateshowback` (absent until the first run). */
  showback?: OneShowback[];
  /** Next object id per pool (secgroup/vmgroup/acl may be missing in a state restored from an older snapshot). */
  nextId: Record<
    "user" | "group" | "cluster" | "host" | "datastore" | "image" | "vnet" | "template" | "vm",
    number
  > &
    Partial<Record<"secgroup" | "vmgroup" | "acl" | "schedAction", number>>;
  /** Pending VM transitions in time order. */
  agenda: Agenda;
  /** What the VMs' step hooks and timers do (runtime behaviour, not data: a snapshot leaves it). */
  readonly lifecycle: VmLifecycleHooks;
  lockedImages: Set<OneImage>;
  /**
   * Injected faults. `invalidUtf8Vms`: VMs whose body holds bytes that are not UTF-8 (docs/reference/opennebula/ISSUES.md #5):
   * any response that would carry them fails at the XML-RPC layer, as xmlrpc-c refuses to send it.
   */
  faults: { invalidUtf8Vms: Set<number> };
  /** Subscribes to state changes (for the World); returns the unsubscribe function. */
  subscribe(listener: (event: OpenNebulaEvent) => void): () => void;
  emit(event: OpenNebulaEvent): void;
}

/** oned's bootstrap ACL rules (AclManager): what every user may create and use. */
const DEFAULT_ACLS = [
  "@1 VM+NET+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VMGROUP+BACKUPJOB/* CREATE *",
  "* ZONE/* USE *",
  "* MARKETPLACE+MARKETPLACEAPP/* USE *",
].map(parseAcl);

export const DEFAULT_PERMISSIONS: Permissions = [1, 1, 0, 0, 0, 0, 0, 0, 0];

export function nowSeconds(state: OpenNebulaState): number {
  return Math.floor(state.clock.now() / 1000);
}

/**
 * Creates an OpenNebula state with the VM `lifecycle` given: users/groups always; the reference
 * topology unless `empty`. opennebula/create-state.ts's createOpenNebulaState gives the emulator's.
 */
export function newOpenNebulaState(
  lifecycle: VmLifecycleHooks,
  options: OpenNebulaStateOptions = {},
): OpenNebulaState {
  const listeners = new Set<(event: OpenNebulaEvent) => void>();
  const state: OpenNebulaState = {
    clock: options.clock ?? systemClock,
    version: options.version ?? "7.4.0",
    timings: { ...defaultTimings, ...options.timings },
    listOrder: options.listOrder ?? "DESC",
    sqlBackend: options.sqlBackend ?? "mysql",
    users: new Map(),
    groups: new Map(),
    clusters: new Map(),
    hosts: new Map(),
    datastores: new Map(),
    images: new Map(),
    vnets: new Map(),
    templates: new Map(),
    vms: new Map(),
    secgroups: new Map(),
    vmgroups: new Map(),
    acls: new Map(),
    nextId: {
      user: 2,
      group: 100, // GroupPool reserves the IDs below 100 for system groups
      // ClusterPool: IDs below 100 are system clusters (0 "default"); new ones start at 100.
      cluster: 100,
      host: 0,
      datastore: 0,
      image: 0,
      vnet: 0,
      template: 0,
      vm: 0,
      secgroup: 1,
      vmgroup: 0,
      acl: 0,
    },
    agenda: createAgenda(),
    lifecycle,
    lockedImages: new Set(),
    faults: { invalidUtf8Vms: new Set() },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
  };
  state.groups.set(0, { id: 0, name: "oneadmin", template: [], admins: [] });
  state.groups.set(1, { id: 1, name: "users", template: [], admins: [] });
  const user = (id: number, name: string, password: string, authDriver: string): OneUser => ({
    id,
    name,
    password,
    gid: 0,
    groups: [0],
    enabled: true,
    authDriver,
    template: [["TOKEN_PASSWORD", "0123456789abcdef0123456789abcdef01234567"]],
    tokens: [],
  });
  // oned's bootstrap: security group 0 "default" (all traffic) and the default ACL rules.
  state.secgroups.set(0, {
    id: 0,
    name: "default",
    uid: 0,
    gid: 0,
    permissions: [1, 1, 0, 1, 0, 0, 0, 0, 0],
    template: [
      [
        "DESCRIPTION",
        "The default security group is added to every network. Use it to add default filter rules for your networks. You may remove this security group from any network by updating its properties.",
      ],
      ["RULE", { PROTOCOL: "ALL", RULE_TYPE: "OUTBOUND" }],
      ["RULE", { PROTOCOL: "ALL", RULE_TYPE: "INBOUND" }],
    ],
  });
  for (const rule of DEFAULT_ACLS) {
    const id = state.nextId.acl!;
    state.nextId.acl = id + 1;
    state.acls.set(id, { id, ...rule });
  }
  state.users.set(0, user(0, "oneadmin", options.adminPassword ?? "opennebula", "core"));
  state.users.set(1, user(1, "serveradmin", "serveradmin-secret", "server_cipher"));
  state.clusters.set(0, {
    id: 0,
    name: "default",
    template: [
      ["RESERVED_CPU", ""],
      ["RESERVED_MEM", ""],
    ],
  });
  if (options.empty) return state;
  const specs = options.hosts ?? [
    { name: "node01", threads: 16, memoryGb: 36 },
    { name: "node02", threads: 16, memoryGb: 47 },
    { name: "node03", threads: 16, memoryGb: 49 },
  ];
  for (const spec of specs) addHost(state, spec);
  const admin = { uid: 0, gid: 0, permissions: [1, 1, 0, 0, 0, 0, 0, 0, 0] as Permissions };
  addDatastore(state, { ...admin, name: "system", type: 1, dsMad: "-", tmMad: "ceph", diskType: 3 });
  addDatastore(state, { ...admin, name: "ceph_images", type: 0, dsMad: "ceph", tmMad: "ceph", diskType: 3 });
  addDatastore(state, { ...admin, name: "files", type: 2, dsMad: "fs", tmMad: "ssh", diskType: 0 });
  const image: OneImage = {
    ...admin,
    permissions: [1, 1, 0, 1, 0, 0, 0, 0, 0],
    id: state.nextId.image++,
    name: "ubuntu-24.04",
    type: 0,
    persistent: false,
    sizeMb: 3584,
    state: 1,
    prevState: 1,
    datastoreId: 1,
    regtime: nowSeconds(state),
    path: "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img",
    source: "one/one-0",
    format: "raw",
    vms: new Set(),
    readyAt: null,
    template: [["DEV_PREFIX", "vd"]],
  };
  state.images.set(image.id, image);
  const lan: OneVnet = {
    ...admin,
    permissions: [1, 1, 0, 1, 0, 0, 0, 0, 0],
    id: state.nextId.vnet++,
    name: "lan",
    clusterIds: [0],
    bridge: "br0",
    vnMad: "bridge",
    state: 1,
    ars: [],
    template: [
      ["DNS", "192.168.10.1"],
      ["GATEWAY", "192.168.10.1"],
      ["NETWORK_ADDRESS", "192.168.10.0"],
      ["NETWORK_MASK", "255.255.255.0"],
    ],
  };
  lan.ars.push(makeAddressRange(0, { TYPE: "IP4", IP: "192.168.10.100", SIZE: "100" }));
  state.vnets.set(lan.id, lan);
  state.templates.set(0, {
    ...admin,
    permissions: [1, 1, 0, 1, 0, 0, 0, 0, 0],
    id: state.nextId.template++,
    name: "ubuntu-small",
    regtime: nowSeconds(state),
    template: [
      ["CPU", "1"],
      ["VCPU", "2"],
      ["MEMORY", "2048"],
      ["DISK", { IMAGE_ID: "0" }],
      ["NIC", { NETWORK_ID: "0" }],
      ["GRAPHICS", { LISTEN: "0.0.0.0", TYPE: "VNC" }],
      ["CONTEXT", { NETWORK: "YES", SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]" }],
      ["OS", { ARCH: "x86_64" }],
    ],
  });
  return state;
}

/** libvirt's CPU models a Westmere host runs (`virsh cpu-models` filtered by the host's CPU). */
const WESTMERE_MODELS =
  "486 pentium pentium2 pentium3 pentiumpro coreduo n270 core2duo qemu32 kvm32 cpu64-rhel5 kvm64 qemu64 Conroe Penryn Nehalem Westmere";
/** The CPU flags libvirt reports beyond the Westmere model's (`virsh capabilities`). */
const WESTMERE_FEATURES =
  "vme,ds,acpi,ss,ht,tm,pbe,dtes64,monitor,ds_cpl,vmx,smx,est,tm2,xtpr,pdcm,dca,pdpe1gb,rdtscp,invtsc";

export function addHost(state: OpenNebulaState, spec: HostSpec): OneHost {
  let clusterId = 0;
  if (spec.cluster !== undefined) {
    const found = [...state.clusters.values()].find((c) => c.name === spec.cluster);
    if (found) clusterId = found.id;
    else {
      clusterId = state.nextId.cluster++;
      state.clusters.set(clusterId, { id: clusterId, name: spec.cluster, template: [] });
    }
  }
  const host: OneHost = {
    id: state.nextId.host++,
    name: spec.name,
    imMad: "kvm",
    vmMad: "kvm",
    clusterId,
    state: 2,
    prevState: 2,
    totalCpu: (spec.threads ?? 16) * 100,
    totalMemKb: (spec.memoryGb ?? 32) * 1024 * 1024,
    adminStatus: 0,
    reachable: true,
    usedCpu: 0,
    usedMemKb: 0,
    vmIds: new Set(),
    template: [
      ["ARCH", "x86_64"],
      ["CPUSPEED", "2400"],
      ["HOSTNAME", spec.name],
      ["HYPERVISOR", "kvm"],
      // Host::Host: oned's own attributes of every host (the drivers, empty reservations)
      ["IM_MAD", "kvm"],
      // what the KVM probes (kvm-probes.d/host/system: cpu_features.sh, machines_models.rb,
      // memory_encryption.rb) report for this Westmere Xeon
      ["KVM_CPU_FEATURES", WESTMERE_FEATURES],
      ["KVM_CPU_MODELS", WESTMERE_MODELS],
      ["MEMORY_ENCRYPTION", "NONE"],
      ["MODELNAME", "Intel(R) Xeon(R) CPU E5620 @ 2.40GHz"],
      ["RESERVED_CPU", ""],
      ["RESERVED_MEM", ""],
      ["VM_MAD", "kvm"],
    ],
  };
  state.hosts.set(host.id, host);
  return host;
}

export function addDatastore(
  state: OpenNebulaState,
  spec: Pick<
    OneDatastore,
    "name" | "type" | "dsMad" | "tmMad" | "diskType" | "uid" | "gid" | "permissions"
  > & {
    totalMb?: number;
  },
): OneDatastore {
  const ds: OneDatastore = {
    ...spec,
    id: state.nextId.datastore++,
    clusterIds: [0],
    totalMb: spec.totalMb ?? 3_000_000,
    state: 0,
    template: [
      ["DISK_TYPE", ["FILE", "CD_ROM", "BLOCK", "RBD"][spec.diskType] ?? "FILE"],
      ["DS_MAD", spec.dsMad],
      ["TM_MAD", spec.tmMad],
      ["TYPE", ["IMAGE_DS", "SYSTEM_DS", "FILE_DS", "BACKUP_DS"][spec.type] ?? "IMAGE_DS"],
    ],
  };
  if (spec.diskType === 3) ds.template.push(["POOL_NAME", "one"], ["CEPH_USER", "libvirt"]);
  applyTmMad(ds.template, ds.type, ds.tmMad);
  applyDefaultDirs(ds.template);
  state.datastores.set(ds.id, ds);
  return ds;
}

export function ipToNumber(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function numberToIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function numberToMac(n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return hex.match(/../g)!.join(":");
}

/** Builds an address range from an `AR=[…]` vector; throws a message string when it is invalid. */
export function makeAddressRange(id: number, ar: Record<string, string>): AddressRange {
  const type = (ar.TYPE ?? "").toUpperCase();
  if (!["IP4", "ETHER", "IP6", "IP6_STATIC", "IP4_6", "IP4_6_STATIC"].includes(type)) {
    throw new Error(`Unknown or missing TYPE for Address Range`);
  }
  const size = Number(ar.SIZE);
  // AddressRange::from_vattr only needs SIZE to read as a number: an empty range (0) is accepted
  if (!Number.isInteger(size) || size < 0) throw new Error("Wrong SIZE for address range");
  let ip: number | null = null;
  if (type === "IP4" || type === "IP4_6" || type === "IP4_6_STATIC") {
    ip = ipToNumber(ar.IP ?? "");
    if (ip === null) throw new Error("Wrong IP address format in address range");
    if (ip + size - 1 > 0xffffffff) throw new Error("Address range exceeds the IPv4 space");
  }
  const mac = ip !== null ? 0x020000000000 + ip : 0x020000000000 + id * 0x10000;
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(ar))
    if (!["TYPE", "SIZE", "IP", "MAC", "AR_ID"].includes(k)) extra[k] = v;
  return { id, type, ip, mac, size, leases: new Map(), next: 0, extra };
}
