/**
 * `one.datastore.*` and `one.datastorepool.info`: datastores, their owners and permissions,
 * template updates kept consistent with TYPE / DS_MAD / TM_MAD / DISK_TYPE as oned's
 * `Datastore::post_update_template` does, and enable/disable of system datastores.
 */
import { failures } from "../errors.js";
import { addDatastore, type OneDatastore, type OpenNebulaState } from "../state.js";
import { getAttr, renderTemplate, setAttr, type Template } from "../template.js";
import { applyTmMad, unknownTmMad } from "../tm-mad-conf.js";
import { el, ids } from "../xml.js";
import {
  authorize,
  bool,
  int,
  lookup,
  type MethodDef,
  ownerXml,
  permissionsXml,
  poolFilter,
  requireAdmin,
  str,
} from "./context.js";
import { renameMethod, updateMethod } from "./edit.js";
import { type OwnedKind, ownedMethods } from "./owned.js";
import { parseOrAllocateError } from "./vm.js";

export function datastoreXml(state: OpenNebulaState, ds: OneDatastore): string {
  const images = [...state.images.values()].filter((i) => i.datastoreId === ds.id);
  const usedMb = images.reduce((sum, i) => sum + i.sizeMb, 0);
  return `<DATASTORE>${ownerXml(state, ds)}${permissionsXml(ds.permissions)}${el("DS_MAD", ds.dsMad)}${el("TM_MAD", ds.tmMad)}${el("BASE_PATH", `/var/lib/one//datastores/${ds.id}`)}<TYPE>${ds.type}</TYPE><DISK_TYPE>${ds.diskType}</DISK_TYPE><STATE>${ds.state}</STATE>${ids("CLUSTERS", ds.clusterIds)}<TOTAL_MB>${ds.totalMb}</TOTAL_MB><FREE_MB>${ds.totalMb - usedMb}</FREE_MB><USED_MB>${usedMb}</USED_MB>${ids(
    "IMAGES",
    images.map((i) => i.id).sort((a, b) => a - b),
  )}${renderTemplate("TEMPLATE", ds.template)}</DATASTORE>`;
}

const DS_TYPES = ["IMAGE_DS", "SYSTEM_DS", "FILE_DS", "BACKUP_DS"];
/** Image::DiskType names (str_to_disk_type); CDROM is also read as CD_ROM. */
const DISK_TYPES = [
  "FILE",
  "CDROM",
  "BLOCK",
  "RBD",
  "RBD_CDROM",
  "GLUSTER",
  "GLUSTER_CDROM",
  "SHEEPDOG",
  "SHEEPDOG_CDROM",
  "ISCSI",
];
const DISK_TYPE_NAMES = ["FILE", "CD_ROM", "BLOCK", "RBD", ...DISK_TYPES.slice(4)];

/**
 * Datastore::set_ds_disk_type: the disk type a DISK_TYPE name gives a datastore of `type`, or the
 * reason it cannot (FILE_DS and BACKUP_DS are always FILE).
 */
function diskTypeFor(type: number, name: string): number | string {
  const upper = name.toUpperCase();
  const dt = upper === "CD_ROM" ? 1 : DISK_TYPES.indexOf(upper);
  if (type === 2 || type === 3) return 0;
  if (dt < 0) return "Unknown DISK_TYPE in template.";
  if (type === 0 && [1, 4, 6, 8].includes(dt)) return "Invalid DISK_TYPE for an Image Datastore.";
  if (type === 1 && ![0, 2, 3].includes(dt)) return "Invalid DISK_TYPE for a System Datastore.";
  return dt;
}

/**
 * The new template of `one.datastore.update` made consistent with the datastore (oned's
 * `post_update_template`): datastore 0 stays SYSTEM_DS and a BACKUP_DS keeps its type; a given
 * DISK_TYPE must suit the type (INTERNAL `Cannot update template. …`, nothing changed), one left
 * out is dropped from TEMPLATE (the DISK_TYPE element stays); TM_MAD and DS_MAD take the new values
 * or keep the old ones; a system datastore has no DS_MAD. A new POOL_NAME is where the next Ceph
 * images go.
 */
function applyDatastoreTemplate(ds: OneDatastore, next: Template): void {
  const typeText = getAttr(next, "TYPE");
  const wanted = typeText === undefined ? ds.type : Math.max(0, DS_TYPES.indexOf(typeText.toUpperCase()));
  const type = ds.id === 0 ? 1 : ds.type === 3 ? 3 : wanted;
  const diskText = getAttr(next, "DISK_TYPE");
  const disk = diskText === undefined || diskText === "" ? ds.diskType : diskTypeFor(type, diskText);
  if (typeof disk === "string") throw failures.internal(`Cannot update template. ${disk}`);
  ds.type = type;
  setAttr(next, "TYPE", DS_TYPES[type]!);
  const at = next.findIndex(([k]) => k === "DISK_TYPE");
  if (at >= 0) next.splice(at, 1);
  if (diskText !== undefined && diskText !== "") {
    ds.diskType = disk;
    if (type === 0 || type === 1) next.push(["DISK_TYPE", DISK_TYPE_NAMES[disk]!]);
  }
  const tm = getAttr(next, "TM_MAD");
  if (tm && ds.type !== 3) ds.tmMad = tm;
  else setAttr(next, "TM_MAD", ds.tmMad);
  applyTmMad(next, ds.type, ds.tmMad);
  const dsMad = getAttr(next, "DS_MAD");
  if (ds.type === 1) {
    ds.dsMad = "-";
    const i = next.findIndex(([k]) => k === "DS_MAD");
    if (i >= 0) next.splice(i, 1);
  } else if (dsMad) ds.dsMad = dsMad;
  else setAttr(next, "DS_MAD", ds.dsMad);
}

const kind: OwnedKind<OneDatastore> = {
  prefix: "one.datastore",
  obj: "datastore",
  authName: "DATASTORE",
  map: (s) => s.datastores,
  xml: datastoreXml,
  poolRoot: "DATASTORE_POOL",
};
const owned = ownedMethods(kind);
const shared = (name: string): MethodDef => owned[`one.datastore.${name}`]!;

export const datastoreMethods: Record<string, MethodDef> = {
  "one.datastore.allocate": {
    params: [str(), int()],
    run(ctx, [text]) {
      requireAdmin(ctx, "CREATE", "DATASTORE");
      const tmpl = parseOrAllocateError(text as string, "datastore");
      const name = getAttr(tmpl, "NAME");
      if (!name) throw failures.internal("No NAME in template.");
      const taken = [...ctx.state.datastores.values()].find((d) => d.name === name);
      if (taken) throw failures.internal(`NAME is already taken by DATASTORE ${taken.id}.`);
      const type = DS_TYPES.indexOf((getAttr(tmpl, "TYPE") ?? "IMAGE_DS").toUpperCase());
      if (type < 0) throw failures.internal("Invalid DATASTORE TYPE.");
      const dsMad = getAttr(tmpl, "DS_MAD") ?? (type === 1 ? "-" : "");
      if (dsMad === "") throw failures.internal("No DS_MAD in template.");
      const tmMad = getAttr(tmpl, "TM_MAD");
      if (!tmMad) throw failures.internal("No TM_MAD in template.");
      const unknown = type === 3 ? null : unknownTmMad(tmMad);
      if (unknown !== null) throw failures.internal(unknown);
      // DatastorePool: datastores users create start from ID 100
      ctx.state.nextId.datastore = Math.max(ctx.state.nextId.datastore, 100);
      const ds = addDatastore(ctx.state, {
        name,
        type,
        dsMad,
        tmMad,
        diskType: dsMad === "ceph" ? 3 : 0,
        uid: ctx.user.id,
        gid: ctx.user.gid,
        permissions: [1, 1, 0, 1, 0, 0, 0, 0, 0],
      });
      // a Ceph datastore keeps the pool it was given (its images live there); the directories a
      // datastore was given replace oned's defaults
      for (const name of ["POOL_NAME", "SAFE_DIRS", "RESTRICTED_DIRS"]) {
        const value = getAttr(tmpl, name);
        if (value !== undefined) setAttr(ds.template, name, value);
      }
      const dirs = ["SAFE_DIRS", "RESTRICTED_DIRS"].filter((n) => getAttr(tmpl, n) !== undefined);
      if (dirs.length === 1) {
        const other = dirs[0] === "SAFE_DIRS" ? "RESTRICTED_DIRS" : "SAFE_DIRS";
        ds.template.splice(
          ds.template.findIndex(([k]) => k === other),
          1,
        );
      }
      return ds.id;
    },
  },
  "one.datastore.info": {
    params: [int(), bool(false)],
    run(ctx, [id]) {
      const ds = lookup(ctx.state.datastores, id as number, "datastore");
      authorize(ctx, ds, "USE", "DATASTORE");
      return datastoreXml(ctx.state, ds);
    },
  },
  "one.datastore.delete": {
    params: [int()],
    run(ctx, [id]) {
      // SharedAPI::del asks MANAGE on the datastore (AUTHORIZATION `… MANAGE DATASTORE [id]`)
      const ds = lookup(ctx.state.datastores, id as number, "datastore");
      authorize(ctx, ds, "MANAGE", "DATASTORE");
      if ([...ctx.state.images.values()].some((i) => i.datastoreId === ds.id)) {
        throw failures.cannotDelete("datastore", `Datastore ${ds.id} is not empty.`);
      }
      ctx.state.datastores.delete(ds.id);
      return ds.id;
    },
  },
  "one.datastore.rename": renameMethod(
    (ctx, id) => {
      const ds = lookup(ctx.state.datastores, id, "datastore");
      authorize(ctx, ds, "MANAGE", "DATASTORE");
      return ds;
    },
    {
      obj: "datastore",
      taken: (ctx, _ds, name) => [...ctx.state.datastores.values()].find((d) => d.name === name),
    },
  ),
  "one.datastore.chown": shared("chown"),
  "one.datastore.chmod": shared("chmod"),
  "one.datastore.update": updateMethod(
    (ctx, id) => {
      const ds = lookup(ctx.state.datastores, id, "datastore");
      authorize(ctx, ds, "MANAGE", "DATASTORE");
      return ds;
    },
    "template",
    (_ctx, ds, next) => applyDatastoreTemplate(ds, next),
  ),
  "one.datastore.enable": {
    params: [int(), bool()],
    run(ctx, [id, enable]) {
      const ds = lookup(ctx.state.datastores, id as number, "datastore");
      authorize(ctx, ds, "MANAGE", "DATASTORE");
      if (ds.type !== 1) throw failures.internal("Only SYSTEM_DS can be disabled or enabled");
      ds.state = enable ? 0 : 1;
      return ds.id;
    },
  },
  "one.datastorepool.info": {
    params: [],
    run(ctx) {
      const visible = poolFilter(ctx, -2);
      const list = [...ctx.state.datastores.values()].filter(visible).sort((a, b) => a.id - b.id);
      return `<DATASTORE_POOL>${list.map((d) => datastoreXml(ctx.state, d)).join("")}</DATASTORE_POOL>`;
    },
  },
};
