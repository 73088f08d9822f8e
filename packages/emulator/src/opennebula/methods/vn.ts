/** `one.vn.*` and `one.vnpool.info`: virtual networks, address ranges, leases and reservations. */
import { failures, OneFailure } from "../errors.js";
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
import { getAttr, getVectors, renderTemplate, setAttr, type Template } from "../template.js";
import { cel, el, ids } from "../xml.js";
import {
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
import { renameMethod, updateMethod } from "./edit.js";
import { checkLock, lockBlocks, lockMethods, lockXml } from "./lock.js";
import { chownNamed, getOwned, type OwnedKind, ownedMethods } from "./owned.js";
import { parseOrActionError, parseOrAllocateError } from "./vm.js";

/** VirtualNetwork::state_to_str. */
const VN_STATES = ["INIT", "READY", "LOCK_CREATE", "LOCK_DELETE", "DONE", "ERROR", "UPDATE_FAILURE"];

function usedLeases(vnet: OneVnet): number {
  return vnet.ars.reduce((n, ar) => n + ar.leases.size, 0);
}

function arXml(ar: AddressRange, full: boolean): string {
  const extra = Object.keys(ar.extra)
    .filter((k) => ["GLOBAL_PREFIX", "ULA_PREFIX"].includes(k))
    .map((k) => cel(k, ar.extra[k]!))
    .join("");
  const ip = ar.ip === null ? "" : cel("IP", numberToIp(ar.ip));
  const parent = ar.parentArId === undefined ? "" : cel("PARENT_NETWORK_AR_ID", String(ar.parentArId));
  let xml = `<AR>${cel("AR_ID", String(ar.id))}${extra.startsWith("<GLOBAL") ? extra : ""}${ip}${cel("MAC", numberToMac(ar.mac))}<NEXT_INDEX>${nextIndex(ar)}</NEXT_INDEX>${parent}${cel("SHARED", "NO")}<SIZE>${ar.size}</SIZE>${cel("TYPE", ar.type)}`;
  if (!full) return `${xml}</AR>`;
  xml += cel("MAC_END", numberToMac(ar.mac + ar.size - 1));
  if (ar.ip !== null) xml += cel("IP_END", numberToIp(ar.ip + ar.size - 1));
  xml += cel("USED_LEASES", String(ar.leases.size));
  const leases = [...ar.leases.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(
      ([index, l]) =>
        `<LEASE>${ar.ip === null ? "" : cel("IP", numberToIp(ar.ip + index))}${cel("MAC", numberToMac(ar.mac + index))}${l.vnet === undefined ? `<VM>${l.vm}</VM>` : `<VNET>${l.vnet}</VNET>`}</LEASE>`,
    )
    .join("");
  return `${xml}${leases === "" ? "<LEASES/>" : `<LEASES>${leases}</LEASES>`}</AR>`;
}

function nextIndex(ar: AddressRange): number {
  return ar.next;
}

export function vnetXml(state: OpenNebulaState, vnet: OneVnet, full = true): string {
  const ars = vnet.ars.map((ar) => arXml(ar, full)).join("");
  return `<VNET>${ownerXml(state, vnet)}${lockXml(vnet.lock)}${permissionsXml(vnet.permissions)}${ids("CLUSTERS", vnet.clusterIds)}${el("BRIDGE", vnet.bridge)}${el("BRIDGE_TYPE", "linux")}<STATE>${vnet.state}</STATE><PREV_STATE>${vnet.prevState ?? vnet.state}</PREV_STATE>${el("PARENT_NETWORK_ID", vnet.parentId === undefined ? "" : String(vnet.parentId))}${el("TEMPLATE_ID", "")}${el("VN_MAD", vnet.vnMad)}${el("PHYDEV", "")}${el("VLAN_ID", "")}${el("OUTER_VLAN_ID", "")}${el("VLAN_ID_AUTOMATIC", "0")}${el("OUTER_VLAN_ID_AUTOMATIC", "0")}<USED_LEASES>${usedLeases(vnet)}</USED_LEASES><VROUTERS/><UPDATED_VMS/><OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/>${renderTemplate("TEMPLATE", vnet.template)}${ars === "" ? "<AR_POOL/>" : `<AR_POOL>${ars}</AR_POOL>`}</VNET>`;
}

/** Looks the network up (NO_EXISTS), authorizes `op` on NET and refuses it when locked (not for info/lock/unlock). */
function getVnet(ctx: Ctx, id: number, op: Operation, lockCheck = true): OneVnet {
  const vnet = lookup(ctx.state.vnets, id, "virtual network");
  authorize(ctx, vnet, op, "NET");
  if (lockCheck) checkLock(ctx, vnet, op, "NET");
  return vnet;
}

const vnetKind: OwnedKind<OneVnet> = {
  prefix: "one.vn",
  obj: "virtual network",
  authName: "NET",
  map: (s) => s.vnets,
  xml: (s, v) => vnetXml(s, v),
  poolRoot: "VNET_POOL",
  locked: lockBlocks,
};

/**
 * update_ar's template parse errors are INTERNAL in oned 7.4 (`VirtualNetworkAPI::authorize`, which
 * add_ar/hold/release share; those still answer ACTION here, as before).
 */
function parseOrInternal(text: string): Template {
  try {
    return parseOrActionError(text);
  } catch (e) {
    if (e instanceof OneFailure) throw failures.internal(e.message);
    throw e;
  }
}

/**
 * `rm_ar` / `free_ar` (`VirtualNetworkAPI::rm_ar`): removes the range (INTERNAL when it does not
 * exist or, without `force`, has leases) and, for a reservation, gives its addresses back to the
 * parent network's range.
 */
function removeRange(state: OpenNebulaState, vnet: OneVnet, arId: number, force: boolean): void {
  const at = vnet.ars.findIndex((ar) => ar.id === arId);
  const ar = vnet.ars[at];
  if (!ar) throw failures.internal("Address Range does not exist");
  if (!force && ar.leases.size > 0) throw failures.internal("Address Range has leases in use");
  vnet.ars.splice(at, 1);
  if (vnet.parentId !== undefined && ar.parentArId !== undefined) freeParentLeases(state, vnet, ar);
}

/** Frees the parent network's leases a reservation range held (`free_addr_by_range`). */
function freeParentLeases(state: OpenNebulaState, vnet: OneVnet, ar: AddressRange): void {
  const parentAr = state.vnets.get(vnet.parentId ?? -1)?.ars.find((a) => a.id === ar.parentArId);
  if (!parentAr) return;
  const first = ar.mac - parentAr.mac;
  for (let i = first; i < first + ar.size; i++) {
    if (parentAr.leases.get(i)?.vnet === vnet.id) parentAr.leases.delete(i);
  }
}

/** The first index of `size` contiguous free addresses of `ar` (from `start` when given), or -1. */
function freeBlock(ar: AddressRange, size: number, start?: number): number {
  const fits = (from: number) => {
    if (from < 0 || from + size > ar.size) return false;
    for (let i = from; i < from + size; i++) if (ar.leases.has(i)) return false;
    return true;
  };
  if (start !== undefined) return fits(start) ? start : -1;
  let run = 0;
  for (let i = 0; i < ar.size; i++) {
    run = ar.leases.has(i) ? 0 : run + 1;
    if (run === size) return i - size + 1;
  }
  return -1;
}

function parseMac(mac: string): number | null {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) return null;
  return Number.parseInt(mac.replace(/:/g, ""), 16);
}

/** An integer attribute as oned's `Template::get(name, int&)` reads it, or null. */
function intAttr(t: Template, name: string): number | null {
  const v = getAttr(t, name);
  if (v === undefined || !/^\s*-?\d+/.test(v)) return null;
  return Number.parseInt(v, 10);
}

/**
 * `one.vn.reserve(id, template)` (`VirtualNetworkAPI::reserve`): SIZE addresses of network `id`
 * into a new network NAME (a copy of the parent's template, owned by the caller, in the parent's
 * clusters, PARENT_NETWORK_ID = id) or into the existing reservation NETWORK_ID; from range AR_ID
 * (optionally from IP or MAC on) or the first range with a free contiguous block. The parent keeps
 * the addresses as leases of the reservation (`<VNET>`).
 */
function reserve(ctx: Ctx, id: number, text: string): number {
  const tmpl = parseOrActionError(text);
  const size = intAttr(tmpl, "SIZE");
  if (size === null || size <= 0) throw failures.action("Reservation SIZE must be a greater than 0");
  const rid = intAttr(tmpl, "NETWORK_ID");
  let target: OneVnet | undefined;
  if (rid !== null) {
    if (rid < 0) throw failures.action("NETWORK_ID must be equal or greater than 0");
    if (rid === id) throw failures.action("Cannot add a reservation from the same network");
    target = lookup(ctx.state.vnets, rid, "virtual network");
    if (target.parentId === undefined)
      throw failures.action("Cannot add reservations to a non-reservation VNET");
    if (target.parentId !== id) {
      throw failures.action(
        `New reservations for virtual network ${rid} have to be from network ${target.parentId}`,
      );
    }
  }
  const name = getAttr(tmpl, "NAME") ?? "";
  if (name === "" && target === undefined) throw failures.action("NAME for reservation has to be set");
  const arId = intAttr(tmpl, "AR_ID");
  if (arId !== null && arId < 0) throw failures.action("AR_ID must be equal or greater than 0");
  const ip = getAttr(tmpl, "IP") ?? "";
  const mac = getAttr(tmpl, "MAC") ?? "";
  const ip6 = getAttr(tmpl, "IP6") ?? "";
  if (arId === null && (ip !== "" || mac !== "" || ip6 !== ""))
    throw failures.action("AR_ID must be specified for IP/MAC based reservations");
  const parent = lookup(ctx.state.vnets, id, "virtual network");
  if (parent.parentId !== undefined) throw failures.action("Cannot reserve addresses from a reserved VNET");
  authorize(ctx, parent, "USE", "NET");
  checkLock(ctx, parent, "USE", "NET");
  if (target) {
    authorize(ctx, target, "MANAGE", "NET");
    checkLock(ctx, target, "MANAGE", "NET");
  } else {
    const taken = [...ctx.state.vnets.values()].find((v) => v.uid === ctx.user.id && v.name === name);
    if (taken) throw failures.internal(`NAME is already taken by NET ${taken.id}.`);
  }
  // oned allocates the new network first and drops it when the addresses are not there: its ID is used up.
  const newId = target ? -1 : ctx.state.nextId.vnet++;
  // The block: from AR_ID (at IP/MAC when given) or from the first range that has one.
  let from: { ar: AddressRange; first: number } | null = null;
  if (arId === null) {
    for (const ar of parent.ars) {
      const first = freeBlock(ar, size);
      if (first >= 0) {
        from = { ar, first };
        break;
      }
    }
    if (!from) throw failures.action("Not enough free addresses in an address range");
  } else {
    const ar = parent.ars.find((a) => a.id === arId);
    let start: number | undefined;
    if (ar && ip !== "") {
      const n = ipToNumber(ip);
      start = n === null || ar.ip === null ? -1 : n - ar.ip;
    } else if (ar && mac !== "") {
      const n = parseMac(mac);
      start = n === null ? -1 : n - ar.mac;
    } else if (ar && ip6 !== "") start = -1; // IPv6 ranges are not modelled
    const first = ar ? freeBlock(ar, size, start) : -1;
    if (!ar || first < 0) {
      throw failures.action(`Not enough free addresses in address range ${arId}, or it does not exist`);
    }
    from = { ar, first };
  }
  const reservation: OneVnet = target ?? {
    id: newId,
    name,
    uid: ctx.user.id,
    gid: ctx.user.gid,
    permissions: [...DEFAULT_PERMISSIONS],
    clusterIds: [...parent.clusterIds],
    bridge: parent.bridge,
    vnMad: parent.vnMad,
    state: 1,
    ars: [],
    template: parent.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
    parentId: parent.id,
  };
  const { ar, first } = from;
  const newAr: AddressRange = {
    id: reservation.ars.reduce((m, a) => Math.max(m, a.id + 1), 0),
    type: ar.type,
    ip: ar.ip === null ? null : ar.ip + first,
    mac: ar.mac + first,
    size,
    leases: new Map(),
    next: 0,
    extra: { ...ar.extra },
    parentArId: ar.id,
  };
  for (let i = first; i < first + size; i++) ar.leases.set(i, { vm: -1, vnet: reservation.id });
  reservation.ars.push(newAr);
  if (!target) ctx.state.vnets.set(reservation.id, reservation);
  return reservation.id;
}

/**
 * `one.vn.update_ar(id, "AR=[AR_ID=…, …]")` (`AddressRange::update_attributes`): TYPE, IP and MAC
 * stay; SIZE may change unless the range is a reservation or a lease would fall outside it; the
 * other attributes replace the range's. Failures are INTERNAL, as in oned.
 */
function updateRange(vnet: OneVnet, text: string): void {
  const vup = getVectors(parseOrInternal(text), "AR")[0];
  if (!vup) throw failures.internal("Wrong AR definition. AR vector attribute is missing.");
  if (vup.AR_ID === undefined || !/^\s*\d+/.test(vup.AR_ID))
    throw failures.internal("AR/AR_ID attribute is missing.");
  const arId = Number.parseInt(vup.AR_ID, 10);
  const ar = vnet.ars.find((a) => a.id === arId);
  if (!ar) throw failures.internal(`Address Range with ID ${arId} was not found.`);
  let size = ar.size;
  if (vup.SIZE !== undefined && vup.SIZE !== "") {
    if (!/^\s*\d+/.test(vup.SIZE))
      throw failures.internal("Unable to read the SIZE attribute, it must be number >= 0");
    size = Number.parseInt(vup.SIZE, 10);
    if (ar.parentArId !== undefined && size !== ar.size)
      throw failures.internal("The SIZE of a reservation cannot be changed.");
    if ([...ar.leases.keys()].some((i) => i >= size)) {
      throw failures.internal(
        "New SIZE cannot be applied. There are used leases that would fall outside the range.",
      );
    }
  }
  const fixed = ["AR_ID", "TYPE", "IP", "MAC", "SIZE", "ALLOCATED", "USED_LEASES", "LEASES"];
  const derived = ["PARENT_NETWORK_AR_ID", "MAC_END", "IP_END", "IP6_END", "IP6_ULA", "IP6_ULA_END"];
  const ipv6 = ["IP6", "IP4_6", "IP4_6_STATIC", "IP6_STATIC"].includes(ar.type);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(vup)) {
    if (fixed.includes(k) || derived.includes(k) || k === "IP6_GLOBAL" || k === "IP6_GLOBAL_END") continue;
    if (!ipv6 && (k === "GLOBAL_PREFIX" || k === "ULA_PREFIX")) continue;
    extra[k] = v;
  }
  ar.size = size;
  ar.extra = extra;
  if (ar.next >= size) ar.next = 0;
}

const RECOVER_NAMES = ["recover failure", "recover success", "recover delete", "recover retry"];

/**
 * `one.vn.recover(id, op)` (`VirtualNetworkAPI::recover`), op 0 failure / 1 success / 2 delete /
 * 3 retry over the 7.x states; a state the operation does not apply to is INTERNAL.
 */
function recover(ctx: Ctx, vnet: OneVnet, op: number): void {
  const st = vnet.state;
  const to = (next: number) => {
    vnet.prevState = st;
    vnet.state = next;
  };
  const setError = (msg: string | null) => {
    vnet.template = vnet.template.filter(([k]) => k !== "ERROR");
    if (msg !== null) setAttr(vnet.template, "ERROR", msg);
  };
  const drop = () => {
    for (const ar of vnet.ars) if (ar.parentArId !== undefined) freeParentLeases(ctx.state, vnet, ar);
    ctx.state.vnets.delete(vnet.id);
  };
  const [INIT, READY, LOCK_CREATE, LOCK_DELETE, , ERROR, UPDATE_FAILURE] = [0, 1, 2, 3, 4, 5, 6];
  if (op === 0 && [INIT, LOCK_CREATE, LOCK_DELETE].includes(st)) {
    to(ERROR);
    setError("Failure forced by user");
  } else if (op === 1 && [INIT, LOCK_CREATE, ERROR, UPDATE_FAILURE].includes(st)) {
    setError(null);
    to(READY);
  } else if (op === 1 && st === LOCK_DELETE) {
    drop();
  } else if (op === 2 && [INIT, LOCK_CREATE, LOCK_DELETE, ERROR].includes(st)) {
    drop();
  } else if (op === 3 && st === UPDATE_FAILURE) {
    to(READY);
  } else {
    throw failures.internal(
      `Could not perform '${RECOVER_NAMES[op]}' on VN ${vnet.id}, wrong state ${VN_STATES[st] ?? st}.`,
    );
  }
}

const owned = ownedMethods(vnetKind);

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

/**
 * The user template oned keeps for a new network: the given attributes (less NAME and the ARs,
 * which go to AR_POOL) with the driver's network attributes it sets (VirtualNetwork::parse_…):
 * BRIDGE, BRIDGE_TYPE, PHYDEV, VLAN_ID, OUTER_VLAN_ID, VN_MAD and SECURITY_GROUPS (0, the default
 * group, always first), as real oned 7.4 answers (conformance/opennebula-oned).
 */
function vnetTemplate(tmpl: Template, bridge: string, vnMad: string): Template {
  const out = tmpl.filter(([k]) => !["NAME", "AR"].includes(k));
  const set = (k: string, v: string) => {
    if (getAttr(out, k) === undefined) setAttr(out, k, v);
  };
  set("BRIDGE", bridge);
  set("BRIDGE_TYPE", "linux");
  set("PHYDEV", "");
  set("VLAN_ID", "");
  set("OUTER_VLAN_ID", "");
  set("VN_MAD", vnMad);
  const groups = (getAttr(out, "SECURITY_GROUPS") ?? "")
    .split(",")
    .filter((g) => g.trim() !== "" && g.trim() !== "0");
  setAttr(out, "SECURITY_GROUPS", ["0", ...groups.map((g) => g.trim())].join(","));
  return out;
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
  // AddressRangePool::hold_by_ip fails on every range: INTERNAL, no object ID (oned 7.4)
  throw failures.internal("Address is not part of the address range or in use.");
}

export const vnMethods: Record<string, MethodDef> = {
  "one.vn.allocate": {
    params: [str(), int()],
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
        template: vnetTemplate(tmpl, bridge, vnMad),
      };
      addRanges(vnet, getVectors(tmpl, "AR"), (msg) => failures.allocate("virtual network", msg));
      ctx.state.nextId.vnet++;
      ctx.state.vnets.set(vnet.id, vnet);
      return vnet.id;
    },
  },
  "one.vn.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => vnetXml(ctx.state, getVnet(ctx, id as number, "USE", false)),
  },
  "one.vn.delete": {
    params: [int()],
    run(ctx, [id]) {
      const vnet = getVnet(ctx, id as number, "MANAGE");
      // oned's get_used(): VM leases, leases on hold and addresses reserved by other networks
      if (vnet.ars.some((ar) => ar.leases.size > 0)) {
        throw failures.action(
          "Cannot delete virtual network. Can not remove a virtual network with leases in use",
          vnet.id,
        );
      }
      for (const ar of vnet.ars) if (ar.parentArId !== undefined) freeParentLeases(ctx.state, vnet, ar);
      ctx.state.vnets.delete(vnet.id);
      return vnet.id;
    },
  },
  "one.vn.update": updateMethod((ctx, id) => getVnet(ctx, id, "MANAGE"), "template"),
  "one.vn.rename": renameMethod((ctx, id) => getVnet(ctx, id, "MANAGE"), {
    obj: "virtual network",
    taken: (ctx, o, name) => [...ctx.state.vnets.values()].find((v) => v.uid === o.uid && v.name === name),
  }),
  "one.vn.chmod": owned["one.vn.chmod"]!,
  "one.vn.chown": {
    params: [int(), int(), int()],
    run(ctx, [id, uid, gid]) {
      const vnet = getOwned(ctx, vnetKind, id as number, "MANAGE");
      chownNamed(ctx, vnet, ctx.state.vnets, "virtual network", uid as number, gid as number);
      return vnet.id;
    },
  },
  ...lockMethods("one.vn", (ctx, id) => getVnet(ctx, id, "MANAGE", false)),
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
      removeRange(ctx.state, vnet, arId as number, force as boolean);
      return vnet.id;
    },
  },
  "one.vn.free_ar": {
    params: [int(), int()],
    run(ctx, [id, arId]) {
      const vnet = getVnet(ctx, id as number, "MANAGE");
      removeRange(ctx.state, vnet, arId as number, false);
      return vnet.id;
    },
  },
  "one.vn.update_ar": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const vnet = getVnet(ctx, id as number, "MANAGE");
      updateRange(vnet, text as string);
      return vnet.id;
    },
  },
  "one.vn.reserve": {
    params: [int(), str()],
    run: (ctx, [id, text]) => reserve(ctx, id as number, text as string),
  },
  "one.vn.recover": {
    params: [int(), int()],
    run(ctx, [id, op]) {
      if ((op as number) < 0 || (op as number) > 3) throw failures.action("Wrong recovery operation code");
      const vnet = getVnet(ctx, id as number, "MANAGE");
      recover(ctx, vnet, op as number);
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
      const lease = ar.leases.get(index);
      if (lease?.vm !== -1 || lease.vnet !== undefined)
        throw failures.action("Address is not on hold", vnet.id);
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
