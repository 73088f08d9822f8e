/** `one.vn.*` and `one.vnpool.info`: virtual networks, address ranges and leases. */
import { failures } from "../errors.js";
import {
  type AddressRange,
  DEFAULT_PERMISSIONS,
  ipToNumber,
  makeAddressRange,
  numberToIp,
  numberToMac,
  type OneVnet,
  type OpenNebulaState,
} from "../state.js";
import { getAttr, getVectors, renderTemplate } from "../template.js";
import { cel, el, ids } from "../xml.js";
import {
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
import { updateMethod } from "./edit.js";
import { parseOrActionError, parseOrAllocateError } from "./vm.js";

function usedLeases(vnet: OneVnet): number {
  return vnet.ars.reduce((n, ar) => n + ar.leases.size, 0);
}

function arXml(ar: AddressRange, full: boolean): string {
  const extra = Object.keys(ar.extra)
    .filter((k) => ["GLOBAL_PREFIX", "ULA_PREFIX"].includes(k))
    .map((k) => cel(k, ar.extra[k]!))
    .join("");
  const ip = ar.ip === null ? "" : cel("IP", numberToIp(ar.ip));
  let xml = `<AR>${cel("AR_ID", String(ar.id))}${extra.startsWith("<GLOBAL") ? extra : ""}${ip}${cel("MAC", numberToMac(ar.mac))}<NEXT_INDEX>${nextIndex(ar)}</NEXT_INDEX><SIZE>${ar.size}</SIZE>${cel("TYPE", ar.type)}`;
  if (!full) return `${xml}</AR>`;
  xml += cel("MAC_END", numberToMac(ar.mac + ar.size - 1));
  if (ar.ip !== null) xml += cel("IP_END", numberToIp(ar.ip + ar.size - 1));
  xml += cel("USED_LEASES", String(ar.leases.size));
  const leases = [...ar.leases.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(
      ([index, l]) =>
        `<LEASE>${ar.ip === null ? "" : cel("IP", numberToIp(ar.ip + index))}${cel("MAC", numberToMac(ar.mac + index))}<VM>${l.vm}</VM></LEASE>`,
    )
    .join("");
  return `${xml}${leases === "" ? "" : `<LEASES>${leases}</LEASES>`}</AR>`;
}

function nextIndex(ar: AddressRange): number {
  return ar.next;
}

export function vnetXml(state: OpenNebulaState, vnet: OneVnet, full = true): string {
  const ars = vnet.ars.map((ar) => arXml(ar, full)).join("");
  return `<VNET>${ownerXml(state, vnet)}${permissionsXml(vnet.permissions)}${ids("CLUSTERS", vnet.clusterIds)}${el("BRIDGE", vnet.bridge)}${el("BRIDGE_TYPE", "linux")}<STATE>${vnet.state}</STATE><PREV_STATE>${vnet.state}</PREV_STATE>${el("PARENT_NETWORK_ID", "")}${el("TEMPLATE_ID", "-1")}${el("VN_MAD", vnet.vnMad)}${el("PHYDEV", "")}${el("VLAN_ID", "")}${el("OUTER_VLAN_ID", "")}${el("VLAN_ID_AUTOMATIC", "0")}${el("OUTER_VLAN_ID_AUTOMATIC", "0")}<USED_LEASES>${usedLeases(vnet)}</USED_LEASES><VROUTERS/><UPDATED_VMS/><OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/>${renderTemplate("TEMPLATE", vnet.template)}${ars === "" ? "<AR_POOL/>" : `<AR_POOL>${ars}</AR_POOL>`}</VNET>`;
}

function getVnet(ctx: Ctx, id: number, op: "USE" | "MANAGE" | "ADMIN"): OneVnet {
  const vnet = lookup(ctx.state.vnets, id, "virtual network");
  authorize(ctx, vnet, op, "NET");
  return vnet;
}

function addRanges(vnet: OneVnet, ars: Record<string, string>[], onError: (msg: string) => Error): void {
  let next = vnet.ars.reduce((m, ar) => Math.max(m, ar.id + 1), 0);
  for (const ar of ars) {
    try {
      vnet.ars.push(makeAddressRange(next++, ar));
    } catch (e) {
      throw onError((e as Error).message);
    }
  }
}

/** `LEASES=[IP="…"]` (or MAC) → the range and index it names. */
function findLease(vnet: OneVnet, text: string): { ar: AddressRange; index: number } {
  const lease = getVectors(parseOrActionError(text), "LEASES")[0];
  if (!lease) throw failures.action("Missing LEASES attribute", vnet.id);
  const ip = lease.IP === undefined ? null : ipToNumber(lease.IP);
  for (const ar of vnet.ars) {
    if (ip !== null && ar.ip !== null && ip >= ar.ip && ip < ar.ip + ar.size)
      return { ar, index: ip - ar.ip };
  }
  throw failures.action(`Address ${lease.IP ?? lease.MAC ?? ""} is not part of any address range`, vnet.id);
}

export const vnMethods: Record<string, MethodDef> = {
  "one.vn.allocate": {
    params: [str(), int(-1)],
    run(ctx, [text, clusterId]) {
      const tmpl = parseOrAllocateError(text as string, "virtual network");
      const name = getAttr(tmpl, "NAME");
      if (!name) throw failures.allocate("virtual network", "No NAME in template.");
      const bridge = getAttr(tmpl, "BRIDGE") ?? `onebr${ctx.state.nextId.vnet}`;
      const vnMad = getAttr(tmpl, "VN_MAD");
      if (!vnMad) throw failures.allocate("virtual network", "VN_MAD is required.");
      const cid = (clusterId as number) === -1 ? 0 : (clusterId as number);
      lookup(ctx.state.clusters, cid, "cluster");
      const vnet: OneVnet = {
        id: ctx.state.nextId.vnet,
        name,
        uid: ctx.user.id,
        gid: ctx.user.gid,
        permissions: [...DEFAULT_PERMISSIONS],
        clusterIds: [cid],
        bridge,
        vnMad,
        state: 1,
        ars: [],
        template: tmpl.filter(([k]) => !["NAME", "AR", "BRIDGE", "VN_MAD"].includes(k)),
      };
      addRanges(vnet, getVectors(tmpl, "AR"), (msg) => failures.allocate("virtual network", msg));
      ctx.state.nextId.vnet++;
      ctx.state.vnets.set(vnet.id, vnet);
      return vnet.id;
    },
  },
  "one.vn.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => vnetXml(ctx.state, getVnet(ctx, id as number, "USE")),
  },
  "one.vn.delete": {
    params: [int()],
    run(ctx, [id]) {
      const vnet = getVnet(ctx, id as number, "MANAGE");
      if (vnet.ars.some((ar) => [...ar.leases.values()].some((l) => l.vm >= 0))) {
        throw failures.action("Can not remove a virtual network with leases in use", vnet.id);
      }
      ctx.state.vnets.delete(vnet.id);
      return vnet.id;
    },
  },
  "one.vn.update": updateMethod((ctx, id) => getVnet(ctx, id, "MANAGE"), "template"),
  "one.vn.add_ar": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vnet = getVnet(ctx, id as number, "ADMIN");
      const ars = getVectors(parseOrActionError(text as string), "AR");
      if (ars.length === 0) throw failures.action("Wrong address range template, missing AR", vnet.id);
      addRanges(vnet, ars, (msg) => failures.action(msg, vnet.id));
      return vnet.id;
    },
  },
  "one.vn.rm_ar": {
    params: [int(), int(), bool(false)],
    run(ctx, [id, arId, force]) {
      const vnet = getVnet(ctx, id as number, "ADMIN");
      const at = vnet.ars.findIndex((ar) => ar.id === arId);
      if (at < 0) throw failures.action(`Address Range ${arId} does not exist`, vnet.id);
      if (vnet.ars[at]!.leases.size > 0 && !force) {
        throw failures.action(`Address Range ${arId} has leases in use`, vnet.id);
      }
      vnet.ars.splice(at, 1);
      return vnet.id;
    },
  },
  "one.vn.hold": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vnet = getVnet(ctx, id as number, "MANAGE");
      const { ar, index } = findLease(vnet, text as string);
      if (ar.leases.has(index)) throw failures.action("Address is already in use", vnet.id);
      ar.leases.set(index, { vm: -1 });
      return vnet.id;
    },
  },
  "one.vn.release": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vnet = getVnet(ctx, id as number, "MANAGE");
      const { ar, index } = findLease(vnet, text as string);
      if (ar.leases.get(index)?.vm !== -1) throw failures.action("Address is not on hold", vnet.id);
      ar.leases.delete(index);
      return vnet.id;
    },
  },
  "one.vnpool.info": {
    params: [int(), int(), int()],
    run(ctx, [flag, start, end]) {
      const visible = poolFilter(ctx, flag as number);
      const list = range(
        ctx.state,
        [...ctx.state.vnets.values()].filter(visible),
        start as number,
        end as number,
      );
      return `<VNET_POOL>${list.map((v) => vnetXml(ctx.state, v, false)).join("")}</VNET_POOL>`;
    },
  },
};
