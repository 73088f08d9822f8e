/** `one.image.*` and `one.imagepool.info`: images and their states (LOCKED while copied, READY, USED). */
import { failures } from "../errors.js";
import {
  DEFAULT_PERMISSIONS,
  nowSeconds,
  type OneDatastore,
  type OneImage,
  type OpenNebulaState,
} from "../state.js";
import { getAttr, renderTemplate } from "../template.js";
import { cel, el, ids } from "../xml.js";
import {
  applyChmod,
  authorize,
  bool,
  type Ctx,
  int,
  lookup,
  type MethodDef,
  ownerXml,
  permissionsXml,
  poolFilter,
  range,
  str,
} from "./context.js";
import { renameMethod, updateMethod } from "./edit.js";
import { parseOrAllocateError } from "./vm.js";

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

export function imageXml(state: OpenNebulaState, image: OneImage): string {
  const ds = state.datastores.get(image.datastoreId);
  return `<IMAGE>${ownerXml(state, image)}${permissionsXml(image.permissions)}<TYPE>${image.type}</TYPE><DISK_TYPE>${ds?.diskType ?? 0}</DISK_TYPE><PERSISTENT>${image.persistent ? 1 : 0}</PERSISTENT><REGTIME>${image.regtime}</REGTIME><MODTIME>${image.regtime}</MODTIME>${cel("SOURCE", image.source)}${cel("PATH", image.path)}${cel("FORMAT", image.format)}${cel("FS", "")}<SIZE>${image.sizeMb}</SIZE><STATE>${image.state}</STATE><PREV_STATE>${image.prevState}</PREV_STATE><RUNNING_VMS>${image.vms.size}</RUNNING_VMS><CLONING_OPS>0</CLONING_OPS><CLONING_ID>-1</CLONING_ID><TARGET_SNAPSHOT>-1</TARGET_SNAPSHOT><DATASTORE_ID>${image.datastoreId}</DATASTORE_ID>${el("DATASTORE", ds?.name ?? "")}${ids(
    "VMS",
    [...image.vms].sort((a, b) => a - b),
  )}<CLONES/><APP_CLONES/>${renderTemplate("TEMPLATE", image.template)}<SNAPSHOTS><ALLOW_ORPHANS><![CDATA[NO]]></ALLOW_ORPHANS><CURRENT_BASE>-1</CURRENT_BASE><NEXT_SNAPSHOT>0</NEXT_SNAPSHOT></SNAPSHOTS><BACKUP_INCREMENTS/></IMAGE>`;
}

/**
 * Registers a new image in `ds`, LOCKED while the datastore copies it (`timings.imageCopy`), then
 * READY; its SOURCE is named as the datastore driver names it. Used by `one.image.allocate` and
 * `one.vm.disksaveas`.
 */
export function addImage(
  state: OpenNebulaState,
  ds: OneDatastore,
  spec: Pick<
    OneImage,
    "name" | "uid" | "gid" | "type" | "persistent" | "sizeMb" | "path" | "format" | "template"
  >,
): OneImage {
  const id = state.nextId.image++;
  const image: OneImage = {
    ...spec,
    id,
    permissions: [...DEFAULT_PERMISSIONS],
    state: 4,
    prevState: 4,
    datastoreId: ds.id,
    regtime: nowSeconds(state),
    source:
      ds.dsMad === "ceph"
        ? `${getAttr(ds.template, "POOL_NAME") ?? "one"}/one-${id}`
        : `/var/lib/one/datastores/${ds.id}/${id}`,
    vms: new Set(),
    readyAt: state.clock.now() + state.timings.imageCopy,
  };
  state.images.set(id, image);
  state.lockedImages.add(image);
  state.emit({ type: "image-created", image });
  return image;
}

function getImage(ctx: Ctx, id: number, op: "USE" | "MANAGE" | "ADMIN"): OneImage {
  const image = lookup(ctx.state.images, id, "image");
  authorize(ctx, image, op, "IMAGE");
  return image;
}

export const imageMethods: Record<string, MethodDef> = {
  "one.image.allocate": {
    params: [str(), int(), bool(false)],
    run(ctx, [text, dsId]) {
      const tmpl = parseOrAllocateError(text as string, "image");
      const ds = lookup(ctx.state.datastores, dsId as number, "datastore");
      authorize(ctx, ds, "USE", "DATASTORE");
      if (ds.type === 1)
        throw failures.allocate("image", "New images cannot be allocated in a system datastore.");
      const name = getAttr(tmpl, "NAME");
      if (!name) throw failures.allocate("image", "No NAME in template.");
      if ([...ctx.state.images.values()].some((i) => i.name === name && i.uid === ctx.user.id)) {
        throw failures.allocate(
          "image",
          `NAME is already taken by IMAGE ${[...ctx.state.images.values()].find((i) => i.name === name)!.id}.`,
        );
      }
      const typeName = (getAttr(tmpl, "TYPE") ?? "OS").toUpperCase();
      const type = IMAGE_TYPES.indexOf(typeName);
      if (type < 0) throw failures.allocate("image", `Unknown type ${typeName}`);
      const path = getAttr(tmpl, "PATH") ?? "";
      const sizeText = getAttr(tmpl, "SIZE");
      if (path === "" && sizeText === undefined) {
        throw failures.allocate("image", "Either SIZE or PATH are mandatory to create an image.");
      }
      const size = sizeText === undefined ? 2048 : Number(sizeText);
      if (!Number.isInteger(size) || size <= 0)
        throw failures.allocate("image", "SIZE must be a positive integer (MB).");
      return addImage(ctx.state, ds, {
        name,
        uid: ctx.user.id,
        gid: ctx.user.gid,
        type,
        persistent: (getAttr(tmpl, "PERSISTENT") ?? "NO").toUpperCase() === "YES",
        sizeMb: size,
        path,
        format: getAttr(tmpl, "FORMAT") ?? "raw",
        template: tmpl.filter(([k]) => !["NAME", "TYPE", "PATH", "SIZE", "PERSISTENT", "FORMAT"].includes(k)),
      }).id;
    },
  },
  "one.image.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => imageXml(ctx.state, getImage(ctx, id as number, "USE")),
  },
  "one.image.delete": {
    params: [int(), bool(false)],
    run(ctx, [id, force]) {
      const image = getImage(ctx, id as number, "MANAGE");
      if (image.vms.size > 0 && !force) {
        throw failures.action(
          `Cannot delete image in state ${IMAGE_STATES[image.state]}, it is used by VMs`,
          image.id,
        );
      }
      ctx.state.images.delete(image.id);
      ctx.state.lockedImages.delete(image);
      ctx.state.emit({ type: "image-deleted", image });
      return image.id;
    },
  },
  "one.image.update": updateMethod((ctx, id) => getImage(ctx, id, "MANAGE"), "template"),
  "one.image.rename": renameMethod((ctx, id) => getImage(ctx, id, "MANAGE")),
  "one.image.chmod": {
    params: [int(), int(), int(), int(), int(), int(), int(), int(), int(), int()],
    run(ctx, [id, ...rest]) {
      const image = getImage(ctx, id as number, "MANAGE");
      applyChmod(image, rest as number[]);
      return image.id;
    },
  },
  "one.image.persistent": {
    params: [int(), bool()],
    run(ctx, [id, persistent]) {
      const image = getImage(ctx, id as number, "MANAGE");
      if (image.vms.size > 0)
        throw failures.action("Cannot change persistent state of an image in use", image.id);
      image.persistent = persistent as boolean;
      return image.id;
    },
  },
  "one.image.enable": {
    params: [int(), bool()],
    run(ctx, [id, enable]) {
      const image = getImage(ctx, id as number, "MANAGE");
      if (enable ? image.state !== 3 : image.state !== 1) {
        throw failures.action(
          `Image cannot be ${enable ? "enabled" : "disabled"} in state ${IMAGE_STATES[image.state]}`,
          image.id,
        );
      }
      image.prevState = image.state;
      image.state = enable ? 1 : 3;
      return image.id;
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
