/**
 * A VM's disks: a DISK vector bound to its image (Image::disk_attribute, Datastore::disk_attribute),
 * volatile disks, target assignment, and the image's USED / READY state as VMs take and release it.
 */
import type { OneDatastore, OneImage, OpenNebulaState, VmDisk } from "./state.js";
import { getAttr } from "./template.js";
import { DEFAULT_DEVICE_PREFIX, INHERIT_DATASTORE_ATTR, TM_MAD_CONF } from "./tm-mad-conf.js";

/** A DISK vector bound to its image (or a volatile disk); throws `fail(msg)` for a missing or busy image. */
export function buildDisk(
  state: OpenNebulaState,
  d: Record<string, string>,
  diskId: number,
  fail: (msg: string) => Error,
  /** The VM's TM_MAD_SYSTEM once deployed (a disk attached then carries it). */
  tmMadSystem?: string,
): { disk: VmDisk; image: OneImage | undefined } {
  let image: OneImage | undefined;
  const base: Record<string, string> = { ...d };
  if (tmMadSystem !== undefined) base.TM_MAD_SYSTEM = tmMadSystem;
  else delete base.TM_MAD_SYSTEM;
  if (d.IMAGE_ID !== undefined) image = state.images.get(Number(d.IMAGE_ID));
  else if (d.IMAGE !== undefined) image = [...state.images.values()].find((i) => i.name === d.IMAGE);
  else
    return {
      disk: {
        diskId,
        imageId: null,
        attrs: {
          ...base,
          TYPE: d.TYPE ?? "fs",
          SIZE: d.SIZE ?? "1024",
          DEV_PREFIX: d.DEV_PREFIX ?? DEFAULT_DEVICE_PREFIX,
          DISK_ID: String(diskId),
        },
      },
      image: undefined,
    };
  if (!image) throw fail(`Error getting image [${d.IMAGE_ID ?? d.IMAGE}].`);
  if (![1, 2].includes(image.state) || (image.persistent && image.vms.size > 0)) {
    throw fail(
      `Cannot use image [${image.id}] in state ${["INIT", "READY", "USED", "DISABLED", "LOCKED", "ERROR"][image.state] ?? image.state}.`,
    );
  }
  const ds = state.datastores.get(image.datastoreId);
  const cdrom = image.type === 1;
  const immutable = getAttr(image.template, "PERSISTENT_TYPE")?.toUpperCase() === "IMMUTABLE";
  const format = image.format.toLowerCase();
  // Image::disk_attribute
  const attrs: Record<string, string> = {
    ...base,
    ...(cdrom
      ? {}
      : { DEV_PREFIX: d.DEV_PREFIX ?? getAttr(image.template, "DEV_PREFIX") ?? DEFAULT_DEVICE_PREFIX }),
    DISK_ID: String(diskId),
    IMAGE: image.name,
    IMAGE_ID: String(image.id),
    SOURCE: image.source,
    ORIGINAL_SIZE: String(image.sizeMb),
    SIZE: d.SIZE ?? String(image.sizeMb),
    DISK_SNAPSHOT_TOTAL_SIZE: String((image.snapshots ?? []).reduce((n, sn) => n + sn.sizeMb, 0)),
    ...(format === "" ? {} : { DRIVER: format, FORMAT: format }),
    IMAGE_STATE: String(image.persistent ? 8 : 2),
    ...(cdrom || immutable
      ? { SAVE: "NO", CLONE: "NO", READONLY: "YES" }
      : {
          READONLY:
            d.READONLY ?? (getAttr(image.template, "READONLY")?.toUpperCase() === "YES" ? "YES" : "NO"),
          ...(image.persistent
            ? { PERSISTENT: "YES", CLONE: "NO", SAVE: "YES" }
            : { CLONE: "YES", SAVE: "NO" }),
        }),
    TYPE: ds?.diskType === 3 ? (cdrom ? "RBD_CDROM" : "RBD") : cdrom ? "CDROM" : "FILE",
  };
  const imageTarget = getAttr(image.template, "TARGET");
  if (d.TARGET === undefined && imageTarget !== undefined) attrs.TARGET = imageTarget;
  if (ds !== undefined) Object.assign(attrs, datastoreDiskAttributes(ds, attrs));
  return { image, disk: { diskId, imageId: image.id, attrs } };
}

/**
 * Datastore::disk_attribute: what a disk takes from its datastore (the image's, or the system
 * datastore for a volatile disk): DATASTORE, DATASTORE_ID, TM_MAD, CLUSTER_ID, the datastore's
 * CLONE_TARGET / LN_TARGET and the INHERIT_DATASTORE_ATTR attributes the disk does not have; a
 * volatile disk also its DISK_TYPE and DRIVER / FORMAT (raw unless the driver names one).
 */
function datastoreDiskAttributes(ds: OneDatastore, disk: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {
    DATASTORE: ds.name,
    DATASTORE_ID: String(ds.id),
    TM_MAD: ds.tmMad,
    CLUSTER_ID: ds.clusterIds.join(","),
  };
  for (const name of ["CLONE_TARGET", "LN_TARGET"]) {
    const value = getAttr(ds.template, name);
    if (value !== undefined && value !== "" && disk[name] === undefined) out[name] = value;
  }
  for (const name of INHERIT_DATASTORE_ATTR) {
    const value = getAttr(ds.template, name);
    if (value !== undefined && value !== "" && (disk[name] ?? "") === "") out[name] = value;
  }
  if (disk.IMAGE_ID === undefined) {
    const type = (disk.TYPE ?? "").toUpperCase();
    if ((disk.DISK_TYPE ?? "") === "" && out.DISK_TYPE === undefined)
      out.DISK_TYPE = ["FILE", "CD_ROM", "BLOCK", "RBD"][ds.diskType] ?? "FILE";
    if (type !== "CDROM") {
      const driver = TM_MAD_CONF[ds.tmMad]?.DRIVER ?? getAttr(ds.template, "DRIVER") ?? "";
      const chosen = type === "FS" ? driver || disk.FORMAT || "raw" : "raw";
      out.DRIVER = chosen;
      out.FORMAT = type === "FS" && driver === "" && disk.FORMAT ? disk.FORMAT : chosen;
    }
  }
  return out;
}

/**
 * VirtualMachineDisks::volatile_info (at deploy, and for a disk attached to a deployed VM): the
 * VM's volatile disks take the system datastore's attributes.
 */
export function volatileDiskInfo(state: OpenNebulaState, disks: VmDisk[], systemDsId: number): void {
  const ds = state.datastores.get(systemDsId);
  if (ds === undefined) return;
  for (const disk of disks)
    if (disk.imageId === null) disk.attrs = { ...disk.attrs, ...datastoreDiskAttributes(ds, disk.attrs) };
}

/**
 * VirtualMachineDisks::assign_disk_targets: each disk without a TARGET gets the first free one of
 * its DEV_PREFIX (`vda`, `sda`…), the CONTEXT disk's `hda` included.
 */
export function assignDiskTargets(disks: VmDisk[], used: Set<string> = new Set()): void {
  for (const disk of disks) if (disk.attrs.TARGET !== undefined) used.add(disk.attrs.TARGET);
  for (const disk of disks) {
    if (disk.attrs.TARGET !== undefined) continue;
    const prefix = disk.attrs.DEV_PREFIX ?? DEFAULT_DEVICE_PREFIX;
    let i = 0;
    while (used.has(`${prefix}${String.fromCharCode(97 + i)}`)) i++;
    disk.attrs.TARGET = `${prefix}${String.fromCharCode(97 + i)}`;
    used.add(disk.attrs.TARGET);
  }
}

/** Marks an image as used by a VM (READY → USED / USED_PERS). */
export function useImage(image: OneImage, vmId: number): void {
  image.vms.add(vmId);
  if (image.state === 1) {
    image.prevState = 1;
    image.state = image.persistent ? 8 : 2;
  }
}

/** Gives an image back (USED → READY once no VM holds it). */
export function releaseImage(image: OneImage, vmId: number): void {
  image.vms.delete(vmId);
  if (image.vms.size === 0 && (image.clones?.length ?? 0) === 0 && (image.state === 2 || image.state === 8)) {
    image.prevState = image.state;
    image.state = 1;
  }
}
