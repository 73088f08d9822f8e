/** `one.datastore.*` and `one.datastorepool.info`. */
import { failures } from "../errors.js";
import { addDatastore, type OneDatastore, type OpenNebulaState } from "../state.js";
import { getAttr, renderTemplate } from "../template.js";
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

export const datastoreMethods: Record<string, MethodDef> = {
  "one.datastore.allocate": {
    params: [str(), int(-1)],
    run(ctx, [text]) {
      requireAdmin(ctx, "CREATE", "DATASTORE");
      const tmpl = parseOrAllocateError(text as string, "datastore");
      const name = getAttr(tmpl, "NAME");
      if (!name) throw failures.allocate("datastore", "No NAME in template.");
      const type = DS_TYPES.indexOf((getAttr(tmpl, "TYPE") ?? "IMAGE_DS").toUpperCase());
      if (type < 0) throw failures.allocate("datastore", "Invalid DATASTORE TYPE.");
      const dsMad = getAttr(tmpl, "DS_MAD") ?? (type === 1 ? "-" : "");
      if (dsMad === "") throw failures.allocate("datastore", "No DS_MAD in template.");
      const tmMad = getAttr(tmpl, "TM_MAD");
      if (!tmMad) throw failures.allocate("datastore", "No TM_MAD in template.");
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
      // a Ceph datastore keeps the pool it was given (its images live there)
      const poolName = getAttr(tmpl, "POOL_NAME");
      if (poolName !== undefined) {
        const entry = ds.template.find(([k]) => k === "POOL_NAME");
        if (entry) entry[1] = poolName;
        else ds.template.push(["POOL_NAME", poolName]);
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
      const ds = lookup(ctx.state.datastores, id as number, "datastore");
      authorize(ctx, ds, "ADMIN", "DATASTORE");
      if ([...ctx.state.images.values()].some((i) => i.datastoreId === ds.id)) {
        throw failures.action("Datastore is not empty.", ds.id);
      }
      ctx.state.datastores.delete(ds.id);
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
