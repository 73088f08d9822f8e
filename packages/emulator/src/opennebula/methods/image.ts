/**
 * `one.image.*` and `one.imagepool.info`: images and their states (LOCKED while copied, READY,
 * USED), ownership and locks, type changes, clones, image snapshots and backup restores.
 */
import { ErrorCode, failures, OneFailure } from "../errors.js";
import { completeImageOp } from "../image-ops.js";
import {
  DEFAULT_PERMISSIONS,
  nowSeconds,
  type OneDatastore,
  type OneImage,
  type OpenNebulaState,
  type Owned,
  type VmDiskSnapshot,
} from "../state.js";
import { getAttr, renderTemplate, setAttr, type Template } from "../template.js";
import { DEFAULT_DEVICE_PREFIX } from "../tm-mad-conf.js";
import { cel, el, ids } from "../xml.js";
import {
  applyChmod,
  authorize,
  bool,
  type Ctx,
  int,
  lookup,
  type MethodDef,
  type Operation,
  ownerXml,
  permissionsXml,
  poolFilter,
  range,
  str,
} from "./context.js";
import { parseOrActionError, parseOrInternalError, renameMethod, updateMethod } from "./edit.js";
import { checkLock, lockMethods, lockXml } from "./lock.js";
import { chmodOperation, chownNamed } from "./owned.js";
import { backupImageXml } from "./vm-backup.js";

const IMAGE_TYPES = ["OS", "CDROM", "DATABLOCK", "KERNEL", "RAMDISK", "CONTEXT", "BACKUP", "FILESYSTEM"];
const IMAGE_STATES = [
  "INIT",
  "READY",
  "USED",
  "DISABLED",
  "LOCKED",
  "ERROR",
  "CLONE",
  "DELETE",
  "USED_PERS",
  "LOCKED_USED",
  "LOCKED_USED_PERS",
];

/**
 * The snapshot tree an image shows: while a VM holds a persistent image, its disk's (oned keeps
 * them in sync, ImageManager::set_image_snapshots); otherwise the image's own.
 */
function imageSnapshots(
  state: OpenNebulaState,
  image: OneImage,
): { snaps: VmDiskSnapshot[]; next: number; active: number } {
  if (image.persistent) {
    for (const vmId of image.vms) {
      const disk = state.vms.get(vmId)?.disks.find((d) => d.imageId === image.id);
      if (disk?.snapshots !== undefined)
        return { snaps: disk.snapshots, next: disk.nextSnapshot ?? 0, active: disk.active ?? -1 };
    }
  }
  return { snaps: image.snapshots ?? [], next: image.nextSnapshot ?? 0, active: image.activeSnapshot ?? -1 };
}

/** IMAGE/SNAPSHOTS (image.xsd): the snapshot tree, the active one marked. */
function snapshotsXml(state: OpenNebulaState, image: OneImage): string {
  const { snaps, next, active } = imageSnapshots(state, image);
  const body = snaps
    .map((sn) => {
      const children = snaps.filter((c) => c.parent === sn.id).map((c) => c.id);
      return `<SNAPSHOT>${children.length > 0 ? `<CHILDREN>${children.join(",")}</CHILDREN>` : ""}${active === sn.id ? "<ACTIVE>YES</ACTIVE>" : ""}<DATE>${sn.date}</DATE><ID>${sn.id}</ID>${el("NAME", sn.name)}<PARENT>${sn.parent}</PARENT><SIZE>${sn.sizeMb}</SIZE></SNAPSHOT>`;
    })
    .join("");
  return `<SNAPSHOTS><ALLOW_ORPHANS><![CDATA[NO]]></ALLOW_ORPHANS><CURRENT_BASE>-1</CURRENT_BASE><NEXT_SNAPSHOT>${next}</NEXT_SNAPSHOT>${body}</SNAPSHOTS>`;
}

/** IMAGE (image.xsd); PREV_STATE is the current state, as ImagePool::update stores it (set_prev_state before every write). */
export function imageXml(state: OpenNebulaState, image: OneImage): string {
  const ds = state.datastores.get(image.datastoreId);
  const op = image.pendingOp;
  const clones = [...(image.clones ?? [])].sort((a, b) => a - b);
  return `<IMAGE>${ownerXml(state, image)}${lockXml(image.lock)}${permissionsXml(image.permissions)}<TYPE>${image.type}</TYPE><DISK_TYPE>${ds?.diskType ?? 0}</DISK_TYPE><PERSISTENT>${image.persistent ? 1 : 0}</PERSISTENT><REGTIME>${image.regtime}</REGTIME><MODTIME>${image.regtime}</MODTIME>${cel("SOURCE", image.source)}${cel("PATH", image.path)}${cel("FORMAT", image.format)}${cel("FS", "")}<SIZE>${image.sizeMb}</SIZE><STATE>${image.state}</STATE><PREV_STATE>${image.state}</PREV_STATE><RUNNING_VMS>${image.vms.size}</RUNNING_VMS><CLONING_OPS>${clones.length}</CLONING_OPS><CLONING_ID>${op?.kind === "clone" ? op.target : -1}</CLONING_ID><TARGET_SNAPSHOT>${op !== undefined && op.kind !== "clone" ? op.target : -1}</TARGET_SNAPSHOT><DATASTORE_ID>${image.datastoreId}</DATASTORE_ID>${el("DATASTORE", ds?.name ?? "")}${ids(
    "VMS",
    [...image.vms].sort((a, b) => a - b),
  )}${ids("CLONES", clones)}<APP_CLONES/>${renderTemplate("TEMPLATE", image.template)}${snapshotsXml(state, image)}${backupImageXml(image)}</IMAGE>`;
}

/** Looks the image up, authorizes `op` and checks its lock (`lock = false`: info, lock, unlock). */
function getImage(ctx: Ctx, id: number, op: Operation, lock = true): OneImage {
  const image = lookup(ctx.state.images, id, "image");
  authorize(ctx, image, op, "IMAGE");
  if (lock) checkLock(ctx, image, op, "IMAGE");
  return image;
}

/** oned's `ImagePool::allocate` name rule: unique among the owner's images. */
export function checkImageName(state: OpenNebulaState, uid: number, name: string): void {
  if (name.trim() === "") throw failures.allocate("image", "Invalid NAME, it cannot be empty");
  const taken = [...state.images.values()].find((i) => i.name === name && i.uid === uid);
  if (taken) throw failures.allocate("image", `NAME is already taken by IMAGE ${taken.id}.`);
}

/**
 * A new image of `owner` in `ds`, LOCKED for `timings.imageCopy` while the driver copies it
 * (`op`: what ends with the copy); announced to the World (`image-created`).
 */
export function addImage(
  state: OpenNebulaState,
  owner: Pick<Owned, "uid" | "gid">,
  ds: OneDatastore,
  spec: Pick<OneImage, "name" | "type" | "persistent" | "sizeMb" | "path" | "format" | "template"> & {
    op?: OneImage["pendingOp"];
  },
): OneImage {
  const id = state.nextId.image++;
  applyDevPrefix(spec.type, spec.template);
  const image: OneImage = {
    id,
    name: spec.name,
    uid: owner.uid,
    gid: owner.gid,
    permissions: [...DEFAULT_PERMISSIONS],
    type: spec.type,
    persistent: spec.persistent,
    sizeMb: spec.sizeMb,
    state: 4,
    prevState: 4,
    datastoreId: ds.id,
    regtime: nowSeconds(state),
    path: spec.path,
    source:
      ds.dsMad === "ceph"
        ? `${getAttr(ds.template, "POOL_NAME") ?? "one"}/one-${id}`
        : `/var/lib/one/datastores/${ds.id}/${id}`,
    format: spec.format,
    vms: new Set(),
    readyAt: state.clock.now() + state.timings.imageCopy,
    template: spec.template,
    ...(spec.op === undefined ? {} : { pendingOp: spec.op }),
  };
  state.images.set(id, image);
  state.lockedImages.add(image);
  state.emit({ type: "image-created", image });
  return image;
}

/**
 * Image::insert's DEV_PREFIX: an OS or DATABLOCK image given none gets DEFAULT_DEVICE_PREFIX, the
 * other types (CDROM, KERNEL, RAMDISK, CONTEXT, BACKUP) lose it.
 */
function applyDevPrefix(type: number, template: Template): void {
  const at = template.findIndex(([k]) => k === "DEV_PREFIX");
  if (type === 0 || type === 2) {
    if (at < 0 || template[at]![1] === "") setAttr(template, "DEV_PREFIX", DEFAULT_DEVICE_PREFIX);
  } else if (at >= 0) template.splice(at, 1);
}

/** Puts a READY image in LOCKED while the driver works on snapshot `target`. */
function startSnapshotOp(
  state: OpenNebulaState,
  image: OneImage,
  kind: "delete" | "revert" | "flatten",
  target: number,
): void {
  image.pendingOp = { kind: `snapshot-${kind}`, target };
  image.prevState = image.state;
  image.state = 4;
  image.readyAt = state.clock.now() + state.timings.imageCopy;
  state.lockedImages.add(image);
}

/** The checks every image snapshot call makes (ImageManager): OS/DATABLOCK, READY, snapshot exists. */
function snapshotOf(image: OneImage, snapId: number, verb: string): void {
  if (image.type !== 0 && image.type !== 2)
    throw failures.action(
      "IMAGES of type KERNEL, RAMDISK, BACKUP and CONTEXT does not have snapshots.",
      image.id,
    );
  if (image.state !== 1)
    throw failures.action(`Cannot ${verb} in state ${IMAGE_STATES[image.state]}`, image.id);
  if (!(image.snapshots ?? []).some((s) => s.id === snapId))
    throw failures.action("Snapshot does not exist", image.id);
}

/** `one.image.snapshot<kind>(id, snap_id)`: MANAGE, the common checks, `refuse`'s own, then LOCKED while it runs. */
function imageSnapshotMethod(
  kind: "delete" | "revert" | "flatten",
  verb: string,
  refuse?: (image: OneImage, snapId: number) => void,
): MethodDef {
  return {
    params: [int(), int()],
    run(ctx, [id, snapId]) {
      const image = getImage(ctx, id as number, "MANAGE");
      snapshotOf(image, snapId as number, verb);
      refuse?.(image, snapId as number);
      startSnapshotOp(ctx.state, image, kind, snapId as number);
      return image.id;
    },
  };
}

/** What a restore builds from the VM a backup image belongs to: one image per disk, then a VM template. */
function restoreBackup(ctx: Ctx, backup: OneImage, target: OneDatastore, opts: Template): string {
  const state = ctx.state;
  const vm = state.vms.get(backupVmId(backup));
  if (vm === undefined || vm.disks.length === 0)
    throw failures.action("Backup does not contain any disks or missing vm.xml", backup.id);
  const backupId = backup.source.split("/").filter(Boolean).at(-1) ?? String(backup.id);
  const base = getAttr(opts, "NAME") ?? `${vm.id}-${backupId}`;
  const diskOpt = getAttr(opts, "DISK_ID");
  const noIp = getAttr(opts, "NO_IP")?.toUpperCase() === "YES";
  const noNic = getAttr(opts, "NO_NIC")?.toUpperCase() === "YES";
  const source = state.datastores.get(backup.datastoreId);
  const restored = new Map<number, number>();
  const inBackup = backupDiskIds(state, backup);
  for (const disk of vm.disks) {
    if (!inBackup.includes(disk.diskId)) continue;
    if (diskOpt !== undefined && String(disk.diskId) !== diskOpt) continue;
    const name = `${base}-disk-${disk.diskId}`;
    const taken = [...state.images.values()].find((i) => i.name === name && i.uid === ctx.user.id);
    if (taken) {
      const done = [...restored.values()];
      throw failures.action(
        `Error restoring disk image: [one.image.allocate] Error allocating a new image. NAME is already taken by IMAGE ${taken.id}.${done.length > 0 ? ` The following images were restored: ${done.join(" ")}` : ""}`,
        backup.id,
      );
    }
    const image = addImage(state, { uid: ctx.user.id, gid: ctx.user.gid }, target, {
      name,
      type: disk.diskId === 0 ? 0 : 2,
      persistent: false,
      sizeMb: Number(disk.attrs.SIZE ?? backup.sizeMb) || backup.sizeMb,
      path: `${source?.dsMad ?? "rsync"}://${backup.datastoreId}/${backupId}/disk.${disk.diskId}`,
      format: "raw",
      template: [["FROM_BACKUP_DS", String(backup.datastoreId)]],
    });
    restored.set(disk.diskId, image.id);
  }
  const imageIds = [...restored.values()];
  if (diskOpt !== undefined) return `-1 ${imageIds.join(" ")}`;
  const DROPPED = new Set([
    "DISK",
    "NIC",
    "NIC_ALIAS",
    "AUTOMATIC_REQUIREMENTS",
    "AUTOMATIC_DS_REQUIREMENTS",
    "AUTOMATIC_NIC_REQUIREMENTS",
    "VMID",
    "TEMPLATE_ID",
    "TM_MAD_SYSTEM",
    "SECURITY_GROUP_RULE",
    "ERROR",
    "CPU",
    "VCPU",
    "MEMORY",
  ]);
  const tmpl: Template = [
    ["CPU", String(vm.cpu)],
    ["MEMORY", String(vm.memoryMb)],
    ["VCPU", String(vm.vcpu)],
    ...vm.template
      .filter(([k]) => !DROPPED.has(k))
      .map(([k, v]): Template[number] => [k, typeof v === "string" ? v : { ...v }]),
    ...vm.disks
      .filter((d) => restored.has(d.diskId))
      .map((d): Template[number] => ["DISK", { IMAGE_ID: String(restored.get(d.diskId)) }]),
  ];
  if (!noNic) {
    for (const nic of vm.nics) {
      const v: Record<string, string> = { NETWORK_ID: String(nic.networkId) };
      if (!noIp && nic.ip !== null) v.IP = nic.ip;
      tmpl.push(["NIC", v]);
    }
  }
  const clash = [...state.templates.values()].find((t) => t.uid === ctx.user.id && t.name === base);
  if (clash)
    throw failures.action(
      `Error creating VM template: [one.template.allocate] NAME is already taken by TEMPLATE ${clash.id}. The following images were restored: ${imageIds.join(" ")}`,
      backup.id,
    );
  const tid = state.nextId.template++;
  state.templates.set(tid, {
    id: tid,
    name: base,
    uid: ctx.user.id,
    gid: ctx.user.gid,
    permissions: [...DEFAULT_PERMISSIONS],
    regtime: nowSeconds(state),
    template: tmpl,
  });
  return `${tid} ${imageIds.join(" ")}`;
}

/**
 * `one.image.clone` (ImageAPI::clone, ImageManager::can_clone_image): a copy of an
 * OS/CDROM/DATABLOCK image without snapshots, the caller's, LOCKED while copied, in `dsId` (-1: the
 * source's) of the same DS_MAD, as persistent as the source, which is USED (CLONE if persistent)
 * meanwhile.
 */
export function cloneImage(ctx: Ctx, id: number, name: string, dsArg: number): OneImage {
  const source = lookup(ctx.state.images, id, "image");
  if (![0, 1, 2].includes(source.type))
    throw failures.action(`${IMAGE_TYPES[source.type]} images cannot be cloned.`);
  if ((source.snapshots?.length ?? 0) > 0) throw failures.action("Cannot clone images with snapshots");
  const dsId = dsArg === -1 ? source.datastoreId : dsArg;
  const ds = lookup(ctx.state.datastores, dsId, "datastore");
  if (ds.type !== 0) throw failures.action("Clone only supported for IMAGE_DS Datastores");
  const origin = ctx.state.datastores.get(source.datastoreId);
  if (dsId !== source.datastoreId) {
    if (origin === undefined) throw failures.noExists("datastore", source.datastoreId);
    if (origin.type !== 0) throw failures.action("Clone only supported for IMAGE_DS Datastores");
    if (origin.dsMad !== ds.dsMad) throw failures.action("Clone only supported to same DS_MAD Datastores");
  }
  authorize(ctx, source, "USE", "IMAGE");
  checkLock(ctx, source, "USE", "IMAGE");
  authorize(ctx, ds, "USE", "DATASTORE");
  if (origin !== undefined && origin !== ds) authorize(ctx, origin, "USE", "DATASTORE");
  checkImageName(ctx.state, ctx.user.id, name);
  if (![1, 2, 6].includes(source.state))
    throw failures.allocate("image", `Cannot clone image in state: ${IMAGE_STATES[source.state]}`);
  const clone = addImage(ctx.state, { uid: ctx.user.id, gid: ctx.user.gid }, ds, {
    name,
    type: source.type,
    persistent: source.persistent,
    sizeMb: source.sizeMb,
    path: source.source,
    format: source.format,
    template: source.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
    op: { kind: "clone", target: source.id },
  });
  source.clones = [...(source.clones ?? []), clone.id];
  if (source.state === 1) {
    source.prevState = 1;
    source.state = source.persistent ? 6 : 2;
  }
  return clone;
}

/**
 * `one.image.delete` (ImageAPI::del_image, ImageManager::delete_image): a LOCKED image needs
 * `force` (and ADMIN); one in use or being cloned is refused; deleting a clone in progress
 * releases its source.
 */
export function deleteImage(ctx: Ctx, id: number, force: boolean): number {
  const found = lookup(ctx.state.images, id, "image");
  if (found.state === 4 && !force)
    throw new OneFailure(
      ErrorCode.INTERNAL,
      "Image locked, use --force flag to remove the image. Force delete may leave some files on Datastore",
      found.id,
    );
  const image = getImage(ctx, found.id, found.state === 4 ? "ADMIN" : "MANAGE");
  // through SharedAPI::delete_object's "Cannot delete image. …"
  const refuse = (why: string) => failures.cannotDelete("image", why);
  if (image.state === 6) throw refuse(`There are ${image.clones?.length ?? 0} active clone operations.`);
  if ([2, 8, 9, 10].includes(image.state) || (image.state === 1 && image.vms.size > 0 && image.type !== 6))
    throw refuse(`There are ${image.vms.size} VMs using it.`);
  if (image.pendingOp?.kind === "clone") completeImageOp(ctx.state, image);
  ctx.state.images.delete(image.id);
  ctx.state.lockedImages.delete(image);
  ctx.state.emit({ type: "image-deleted", image });
  return image.id;
}

/** `one.image.chmod`: nine bits; ADMIN on the image when an *_A bit changes (SharedAPI::chmod). */
export function chmodImage(ctx: Ctx, id: number, bits: number[]): number {
  const current = lookup(ctx.state.images, id, "image");
  const image = getImage(ctx, id, chmodOperation(current.permissions, bits));
  applyChmod(image, bits);
  return image.id;
}

/**
 * ImageManager::stat_image: an image's size in MB from its template (SOURCE or no PATH needs SIZE;
 * a PATH is "copied", SIZE or 2048 MB), INTERNAL `Cannot parse image SIZE: …` otherwise. `typeText`
 * reads as Image::str_to_type does (unknown names as OS).
 */
function statSize(tmpl: Template, typeText: string): number {
  const fail = (why: string) => failures.internal(`Cannot parse image SIZE: ${why}`);
  const sizeText = getAttr(tmpl, "SIZE");
  const size = sizeText !== undefined && /^\s*\d+\s*$/.test(sizeText) ? Number(sizeText) : undefined;
  const wrongSize = "Wrong number or missing SIZE attribute.";
  const source = getAttr(tmpl, "SOURCE") ?? "";
  const path = getAttr(tmpl, "PATH") ?? "";
  if (typeText === "BACKUP") {
    if (sizeText === undefined) throw fail("");
    if (size === undefined) throw fail(sizeText);
    return size;
  }
  if (["CDROM", "KERNEL", "RAMDISK", "CONTEXT"].includes(typeText)) {
    if (source !== "") {
      if (size === undefined) throw fail(wrongSize);
      return size;
    }
    if (path === "") throw fail(`Either PATH or SOURCE are required for ${typeText}`);
    return size ?? 2048;
  }
  if (source !== "" || path === "") {
    if (size === undefined) throw fail(wrongSize);
    return size;
  }
  return size ?? 2048;
}

export const imageMethods: Record<string, MethodDef> = {
  "one.image.allocate": {
    params: [str(), int(), bool(false)],
    run(ctx, [text, dsId, skipCheck]) {
      // ImageAllocateAPI::allocate, in its order
      const tmpl = parseOrInternalError(text as string);
      const ds = lookup(ctx.state.datastores, dsId as number, "datastore");
      if (ds.type === 1 || ds.type === 3)
        throw failures.allocate("image", "New images can only be allocated in a files or image datastore.");
      const typeText = (getAttr(tmpl, "TYPE") ?? "").toUpperCase() || "OS";
      const sizeMb = statSize(tmpl, typeText);
      const usedMb = [...ctx.state.images.values()]
        .filter((i) => i.datastoreId === ds.id)
        .reduce((sum, i) => sum + i.sizeMb, 0);
      if (!(skipCheck && ctx.admin) && sizeMb > ds.totalMb - usedMb)
        throw failures.action("Not enough space in datastore");
      authorize(ctx, ds, "USE", "DATASTORE");
      const name = getAttr(tmpl, "NAME") ?? "";
      checkImageName(ctx.state, ctx.user.id, name);
      // Image::insert → set_type: `"Unknown type " + type`, a char pointer moved by OS (0)
      const type = IMAGE_TYPES.slice(0, 7).indexOf(typeText);
      if (type < 0) throw failures.allocate("image", "Unknown type ");
      return addImage(ctx.state, { uid: ctx.user.id, gid: ctx.user.gid }, ds, {
        name,
        type,
        persistent: (getAttr(tmpl, "PERSISTENT") ?? "NO").toUpperCase() === "YES",
        sizeMb,
        path: getAttr(tmpl, "PATH") ?? "",
        format: getAttr(tmpl, "FORMAT") ?? "raw",
        template: tmpl.filter(([k]) => !["NAME", "TYPE", "PATH", "SIZE", "PERSISTENT", "FORMAT"].includes(k)),
      }).id;
    },
  },
  "one.image.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => imageXml(ctx.state, getImage(ctx, id as number, "USE", false)),
  },
  "one.image.delete": {
    params: [int(), bool(false)],
    run: (ctx, [id, force]) => deleteImage(ctx, id as number, force as boolean),
  },
  "one.image.update": updateMethod((ctx, id) => getImage(ctx, id, "MANAGE"), "template"),
  "one.image.rename": renameMethod((ctx, id) => getImage(ctx, id, "MANAGE"), {
    obj: "image",
    taken: (ctx, i, name) => [...ctx.state.images.values()].find((x) => x.uid === i.uid && x.name === name),
  }),
  "one.image.chmod": {
    params: [int(), int(), int(), int(), int(), int(), int(), int(), int(), int()],
    run: (ctx, [id, ...bits]) => chmodImage(ctx, id as number, bits as number[]),
  },
  "one.image.chown": {
    params: [int(), int(), int()],
    run(ctx, [id, uid, gid]) {
      const image = getImage(ctx, id as number, "MANAGE");
      chownNamed(ctx, image, ctx.state.images, "image", uid as number, gid as number);
      return image.id;
    },
  },
  ...lockMethods("one.image", (ctx, id) => getImage(ctx, id, "MANAGE", false)),
  "one.image.persistent": {
    params: [int(), bool()],
    run(ctx, [id, persistent]) {
      const image = getImage(ctx, id as number, "MANAGE");
      const flag = persistent as boolean;
      if (flag === image.persistent) return image.id;
      if ([3, 4, 5].includes(image.type))
        throw failures.action("KERNEL, RAMDISK and CONTEXT must be non-persistent", image.id);
      if (image.type === 6) throw failures.action("BACKUP images must be persistent", image.id);
      const fail = (why: string) =>
        failures.internal(`Could not make image ${flag ? "persistent" : "non-persistent"}: ${why}`);
      // Image::persistent
      if ((image.snapshots?.length ?? 0) > 0 && !flag) throw fail("Image has snapshots.");
      if ([2, 6, 8, 9, 10].includes(image.state))
        throw fail(`Image cannot be in state ${IMAGE_STATES[image.state]}.`);
      image.persistent = flag;
      return image.id;
    },
  },
  "one.image.enable": {
    params: [int(), bool()],
    run(ctx, [id, enable]) {
      const image = getImage(ctx, id as number, "MANAGE");
      // ImageManager::enable_image: READY/ERROR ⇄ DISABLED, a no-op when already there
      const fail = (why: string) =>
        failures.internal(`Could not ${enable ? "enable" : "disable"} image: ${why}`);
      if (image.type === 6) throw fail("Backup images cannot be enabled or disabled.");
      const from = enable ? [3, 5] : [1, 5];
      const to = enable ? 1 : 3;
      if (image.state === to) return image.id;
      if (!from.includes(image.state)) throw fail(`Image cannot be in state ${IMAGE_STATES[image.state]}.`);
      image.prevState = image.state;
      image.state = to;
      return image.id;
    },
  },
  "one.image.chtype": {
    params: [int(), str()],
    run(ctx, [id, typeText]) {
      const image = getImage(ctx, id as number, "MANAGE");
      const wanted = (typeText as string).toUpperCase();
      // Image::str_to_type: an unknown name reads as OS
      const itype = Math.max(0, IMAGE_TYPES.slice(0, 7).indexOf(wanted));
      const family = [0, 1, 2].includes(image.type)
        ? [0, 1, 2]
        : [3, 4, 5].includes(image.type)
          ? [3, 4, 5]
          : null;
      if (family === null)
        throw failures.action(`Cannot change type for${IMAGE_TYPES[image.type]} images.`, image.id);
      if (!family.includes(itype))
        throw failures.action(
          "Cannot change image type to an incompatible type for the current datastore.",
          image.id,
        );
      if (wanted !== "OS" && wanted !== "DATABLOCK" && (image.snapshots?.length ?? 0) > 0)
        throw failures.internal("Image with snapshots can be only of type OS or DATABLOCK");
      const next = ["OS", "CDROM", "DATABLOCK", "KERNEL", "RAMDISK", "CONTEXT"].indexOf(wanted);
      // Image::set_type builds its message as `"Unknown type " + type` (a char pointer moved by the type number)
      if (next < 0) throw failures.internal("Unknown type ".slice(image.type));
      image.type = IMAGE_TYPES.indexOf(["OS", "CDROM", "DATABLOCK", "KERNEL", "RAMDISK", "CONTEXT"][next]!);
      return image.id;
    },
  },
  "one.image.clone": {
    params: [int(), str(), int(-1)],
    run: (ctx, [id, name, dsId]) => cloneImage(ctx, id as number, name as string, dsId as number).id,
  },
  "one.image.snapshotdelete": imageSnapshotMethod("delete", "delete snapshot", (image, snapId) => {
    if (image.activeSnapshot === snapId) throw failures.action("Cannot delete the active snapshot", image.id);
    if (image.snapshots!.some((s) => s.parent === snapId))
      throw failures.action("Cannot delete snapshot with children", image.id);
  }),
  "one.image.snapshotrevert": imageSnapshotMethod("revert", "revert to snapshot"),
  "one.image.snapshotflatten": imageSnapshotMethod("flatten", "flatten snapshot"),
  "one.image.restore": {
    params: [int(), int(), str()],
    run(ctx, [id, dsId, text]) {
      const backup = getImage(ctx, id as number, "USE");
      const target =
        (dsId as number) >= 0 ? lookup(ctx.state.datastores, dsId as number, "datastore") : undefined;
      if (target) authorize(ctx, target, "USE", "DATASTORE");
      let opts: Template;
      try {
        opts = parseOrActionError(text as string);
      } catch (e) {
        throw failures.internal((e as Error).message);
      }
      const diskId = Number(getAttr(opts, "DISK_ID") ?? "-1");
      const selected = getAttr(backup.template, "BACKUP_SELECTED_DISKS")?.toUpperCase() === "YES";
      if (selected && !(diskId >= 0))
        throw failures.action("Cannot restore a VM from a selected disk backup");
      if (diskId >= 0 && !backupDiskIds(ctx.state, backup).includes(diskId))
        throw failures.action(`Cannot restore disk ${diskId}, it is not part of the backup`);
      if (backup.type !== 6) throw failures.action("Can only restore images of type BACKUP");
      if (!ctx.state.datastores.has(backup.datastoreId)) throw failures.action("Datastore does not exist");
      if (target === undefined) throw failures.action("Destination datastore does not exist");
      if (target.type !== 0) throw failures.action("Destination can be only an image datastore");
      return restoreBackup(ctx, backup, target, opts);
    },
  },
  "one.imagepool.info": {
    params: [int(), int(), int()],
    run(ctx, [flag, start, end]) {
      const visible = poolFilter(ctx, flag as number);
      const list = range(
        ctx.state,
        [...ctx.state.images.values()].filter(visible),
        start as number,
        end as number,
      );
      return `<IMAGE_POOL>${list.map((i) => imageXml(ctx.state, i)).join("")}</IMAGE_POOL>`;
    },
  },
};

/** The VM a backup image belongs to (`one.vm.backup`'s record, else its VMS). */
function backupVmId(backup: OneImage): number {
  return backup.backup?.vmId ?? [...backup.vms][0] ?? -1;
}

/** BACKUP_DISK_IDS of a backup image: `one.vm.backup`'s record, else every disk of its VM. */
function backupDiskIds(state: OpenNebulaState, backup: OneImage): number[] {
  return backup.backup?.diskIds ?? state.vms.get(backupVmId(backup))?.disks.map((d) => d.diskId) ?? [];
}
