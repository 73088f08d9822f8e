/**
 * oned.conf's transfer-driver table (TM_MAD_CONF) and what oned copies from it, as OpenNebula 7.4
 * ships it (share/etc/oned.conf of release-7.4.0, Apache-2.0; the values, not the file): a
 * datastore's template takes its driver's entry (Datastore::set_tm_mad), and a VM disk takes the
 * image datastore's targets and the inherited attributes (Datastore::disk_attribute,
 * INHERIT_DATASTORE_ATTR). Checked against real oned by conformance/opennebula-oned.
 */
import type { Template } from "./template.js";

export interface TmMadConf {
  LN_TARGET: string;
  CLONE_TARGET: string;
  SHARED: "YES" | "NO";
  DS_MIGRATE?: "YES" | "NO";
  DS_LIVE_MIGRATE?: "YES" | "NO";
  DS_MIGRATE_SNAP?: "YES" | "NO";
  DRIVER?: string;
  DISK_TYPE?: string;
  ALLOW_ORPHANS?: string;
  PERSISTENT_SNAPSHOTS?: "YES" | "NO";
  /** The system-datastore modes an image datastore of this driver also serves, with their targets. */
  TM_MAD_SYSTEM?: string;
  LN_TARGET_SSH?: string;
  CLONE_TARGET_SSH?: string;
  DISK_TYPE_SSH?: string;
}

const NO_MIGRATE = { DS_MIGRATE: "NO", DS_LIVE_MIGRATE: "NO", DS_MIGRATE_SNAP: "NO" } as const;
const MIGRATE = { DS_MIGRATE: "YES", DS_LIVE_MIGRATE: "YES", DS_MIGRATE_SNAP: "YES" } as const;
const SSH_MODE = {
  TM_MAD_SYSTEM: "ssh",
  LN_TARGET_SSH: "SYSTEM",
  CLONE_TARGET_SSH: "SYSTEM",
  DISK_TYPE_SSH: "FILE",
} as const;

/** The storage arrays' drivers (netapp, purefa): raw block devices cloned in the array. */
const SAN_BLOCK = {
  LN_TARGET: "NONE",
  CLONE_TARGET: "SELF",
  SHARED: "YES",
  DRIVER: "raw",
  DISK_TYPE: "BLOCK",
  ...NO_MIGRATE,
} as const;

/** TM_MAD_CONF of oned.conf 7.4, by NAME. */
export const TM_MAD_CONF: Readonly<Record<string, TmMadConf>> = {
  dummy: { LN_TARGET: "NONE", CLONE_TARGET: "SYSTEM", SHARED: "YES", ...MIGRATE },
  shared: {
    LN_TARGET: "NONE",
    CLONE_TARGET: "SYSTEM",
    SHARED: "YES",
    ...SSH_MODE,
    ALLOW_ORPHANS: "FORMAT",
    ...MIGRATE,
  },
  lvm: {
    LN_TARGET: "NONE",
    CLONE_TARGET: "SELF",
    SHARED: "YES",
    DRIVER: "raw",
    DISK_TYPE: "BLOCK",
    ALLOW_ORPHANS: "YES",
    DS_MIGRATE: "YES",
    DS_LIVE_MIGRATE: "NO",
    DS_MIGRATE_SNAP: "NO",
  },
  fs_lvm: {
    LN_TARGET: "SYSTEM",
    CLONE_TARGET: "SYSTEM",
    SHARED: "YES",
    DRIVER: "raw",
    DISK_TYPE: "BLOCK",
    DS_MIGRATE: "YES",
    DS_LIVE_MIGRATE: "NO",
    DS_MIGRATE_SNAP: "NO",
  },
  fs_lvm_ssh: {
    LN_TARGET: "SYSTEM",
    CLONE_TARGET: "SYSTEM",
    SHARED: "YES",
    DRIVER: "raw",
    DISK_TYPE: "BLOCK",
    PERSISTENT_SNAPSHOTS: "NO",
    ALLOW_ORPHANS: "YES",
    DS_MIGRATE: "YES",
    DS_LIVE_MIGRATE: "YES",
    DS_MIGRATE_SNAP: "NO",
  },
  qcow2: {
    LN_TARGET: "NONE",
    CLONE_TARGET: "SYSTEM",
    SHARED: "YES",
    ...SSH_MODE,
    DRIVER: "qcow2",
    ALLOW_ORPHANS: "FORMAT",
    ...MIGRATE,
  },
  ssh: { LN_TARGET: "SYSTEM", CLONE_TARGET: "SYSTEM", SHARED: "NO", ALLOW_ORPHANS: "YES", ...MIGRATE },
  local: { LN_TARGET: "SYSTEM", CLONE_TARGET: "SYSTEM", SHARED: "NO", ALLOW_ORPHANS: "FORMAT", ...MIGRATE },
  ceph: {
    LN_TARGET: "NONE",
    CLONE_TARGET: "SELF",
    SHARED: "YES",
    DRIVER: "raw",
    ALLOW_ORPHANS: "mixed",
    ...SSH_MODE,
    ...NO_MIGRATE,
  },
  iscsi_libvirt: { LN_TARGET: "NONE", CLONE_TARGET: "SELF", SHARED: "YES", DRIVER: "raw", ...NO_MIGRATE },
  dev: { LN_TARGET: "NONE", CLONE_TARGET: "NONE", SHARED: "YES", DRIVER: "raw", ...NO_MIGRATE },
  netapp: { ...SAN_BLOCK, ALLOW_ORPHANS: "LINEAR" },
  purefa: { ...SAN_BLOCK, ALLOW_ORPHANS: "YES" },
  virtiofs: {
    LN_TARGET: "NONE",
    CLONE_TARGET: "NONE",
    SHARED: "YES",
    DRIVER: "virtiofs",
    DISK_TYPE: "filesystem",
    ...NO_MIGRATE,
  },
};

/** oned.conf's INHERIT_DATASTORE_ATTR: datastore attributes a VM disk inherits when it has none. */
export const INHERIT_DATASTORE_ATTR = [
  "CEPH_HOST",
  "CEPH_SECRET",
  "CEPH_KEY",
  "CEPH_USER",
  "CEPH_CONF",
  "CEPH_TRASH",
  "POOL_NAME",
  "ISCSI_USER",
  "ISCSI_USAGE",
  "ISCSI_HOST",
  "GLUSTER_HOST",
  "GLUSTER_VOLUME",
  "DISK_TYPE",
  "ALLOW_ORPHANS",
  "QCOW2_STANDALONE",
  "SPARSE",
  "LVM_THIN_ENABLE",
  "PERSISTENT_SNAPSHOTS",
] as const;

/** oned.conf's DEFAULT_DEVICE_PREFIX: the DEV_PREFIX of an image or volatile disk given none. */
export const DEFAULT_DEVICE_PREFIX = "sd";

/** The message of a TM_MAD oned.conf does not define (Datastore::set_tm_mad, INTERNAL). */
export function unknownTmMad(name: string): string | null {
  return TM_MAD_CONF[name] === undefined ? `TM_MAD named "${name}" is not defined in oned.conf` : null;
}

/**
 * Datastore::set_tm_mad: the attributes the datastore's template gets from its driver's entry
 * (`set`) and those it loses (`remove`), by datastore type (0 IMAGE, 1 SYSTEM, 2 FILE, 3 BACKUP:
 * nothing). An unknown driver gives nothing.
 */
export function tmMadAttributes(
  type: number,
  tmMad: string,
): { set: Array<[string, string]>; remove: string[] } {
  const c = TM_MAD_CONF[tmMad];
  if (c === undefined || type === 3) return { set: [], remove: [] };
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  if (type === 1) {
    set.push(
      ["SHARED", c.SHARED],
      ["DS_MIGRATE", c.DS_MIGRATE ?? "YES"],
      ["DS_LIVE_MIGRATE", c.DS_LIVE_MIGRATE ?? "NO"],
      ["DS_MIGRATE_SNAP", c.DS_MIGRATE_SNAP ?? "NO"],
    );
    remove.push("LN_TARGET", "CLONE_TARGET");
  } else {
    if (c.TM_MAD_SYSTEM !== undefined)
      set.push(
        ["TM_MAD_SYSTEM", c.TM_MAD_SYSTEM],
        ["LN_TARGET_SSH", c.LN_TARGET_SSH ?? ""],
        ["CLONE_TARGET_SSH", c.CLONE_TARGET_SSH ?? ""],
        ["DISK_TYPE_SSH", c.DISK_TYPE_SSH ?? ""],
      );
    set.push(["LN_TARGET", c.LN_TARGET], ["CLONE_TARGET", c.CLONE_TARGET]);
    // (a driver's DISK_TYPE is left to the datastore's own DISK_TYPE, which the emulator keeps)
    if (c.DRIVER !== undefined) set.push(["DRIVER", c.DRIVER]);
    remove.push("SHARED");
  }
  set.push(
    ["ALLOW_ORPHANS", c.ALLOW_ORPHANS ?? "NO"],
    ["PERSISTENT_SNAPSHOTS", c.PERSISTENT_SNAPSHOTS ?? "YES"],
  );
  return { set, remove };
}

/** Writes a datastore's transfer-driver attributes into its template (set_tm_mad's replace/remove). */
export function applyTmMad(template: Template, type: number, tmMad: string): void {
  const { set, remove } = tmMadAttributes(type, tmMad);
  for (const name of remove) {
    const i = template.findIndex(([k]) => k === name);
    if (i >= 0) template.splice(i, 1);
  }
  for (const [name, value] of set) {
    const entry = template.find(([k]) => k === name);
    if (entry) entry[1] = value;
    else template.push([name, value]);
  }
}

/**
 * Datastore::insert: a datastore given neither SAFE_DIRS nor RESTRICTED_DIRS gets oned's defaults
 * (`/var/tmp`, `/`).
 */
export function applyDefaultDirs(template: Template): void {
  if (template.some(([k]) => k === "SAFE_DIRS" || k === "RESTRICTED_DIRS")) return;
  template.push(["RESTRICTED_DIRS", "/"], ["SAFE_DIRS", "/var/tmp"]);
}
