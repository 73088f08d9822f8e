/** `one.host.*` and `one.hostpool.info`: hosts with their capacity (HOST_SHARE) and VMs. */
import { aclAllows } from "../acl.js";
import { ErrorCode, failures, OneFailure } from "../errors.js";
import { hostShare } from "../host-capacity.js";
import { addHost, type OneHost, type OpenNebulaState } from "../state.js";
import { getAttr, renderTemplate, setAttr } from "../template.js";
import { el, ids } from "../xml.js";
import { bool, type Ctx, int, lookup, type MethodDef, requireAdmin, str } from "./context.js";
import { renameMethod, updateMethod } from "./edit.js";
import { monitorTimes } from "./vm.js";

export function hostXml(state: OpenNebulaState, host: OneHost): string {
  const share = hostShare(state, host);
  const cluster = state.clusters.get(host.clusterId)?.name ?? "";
  const vms = [...state.vms.values()]
    .filter((vm) => vm.hostId === host.id && vm.holdsCapacity)
    .map((vm) => vm.id);
  const diskMb = 500_000;
  const ts = Math.floor(state.clock.now() / 1000);
  const monitoring = host.state === 2 ? hostMonitoringRecord(state, host, ts) : "<MONITORING/>";
  return `<HOST><ID>${host.id}</ID>${el("NAME", host.name)}<STATE>${host.state}</STATE><PREV_STATE>${host.prevState}</PREV_STATE>${el("IM_MAD", host.imMad)}${el("VM_MAD", host.vmMad)}<CLUSTER_ID>${host.clusterId}</CLUSTER_ID>${el("CLUSTER", cluster)}<HOST_SHARE><MEM_USAGE>${share.memKb}</MEM_USAGE><CPU_USAGE>${share.cpu}</CPU_USAGE><TOTAL_MEM>${host.totalMemKb}</TOTAL_MEM><TOTAL_CPU>${host.totalCpu}</TOTAL_CPU><MAX_MEM>${host.totalMemKb}</MAX_MEM><MAX_CPU>${host.totalCpu}</MAX_CPU><RUNNING_VMS>${share.vms}</RUNNING_VMS><VMS_THREAD>1</VMS_THREAD><DATASTORES><DISK_USAGE>0</DISK_USAGE><FREE_DISK>${diskMb}</FREE_DISK><MAX_DISK>${diskMb}</MAX_DISK><USED_DISK>0</USED_DISK></DATASTORES><PCI_DEVICES/><NUMA_NODES/></HOST_SHARE>${ids("VMS", vms)}${renderTemplate("TEMPLATE", host.template)}${monitoring}</HOST>`;
}

/** One host MONITORING record (host.xsd): capacity as the host's share stands, at `ts` (seconds). */
function hostMonitoringRecord(state: OpenNebulaState, host: OneHost, ts: number): string {
  const share = hostShare(state, host);
  return `<MONITORING><TIMESTAMP>${ts}</TIMESTAMP><ID>${host.id}</ID><CAPACITY><FREE_CPU>${host.totalCpu - share.cpu}</FREE_CPU><FREE_MEMORY>${host.totalMemKb - share.memKb}</FREE_MEMORY><USED_CPU>${share.cpu}</USED_CPU><USED_MEMORY>${share.memKb}</USED_MEMORY></CAPACITY><SYSTEM><NETRX>0</NETRX><NETTX>0</NETTX></SYSTEM></MONITORING>`;
}

/**
 * `one.host.monitoring`: MONITORING_DATA with the host's records (host.xsd MONITORING) of the
 * last intervals while MONITORED; the emulator keeps no past capacity, so each record carries
 * the current share. Empty for a host in INIT, ERROR, DISABLED or OFFLINE.
 */
export function hostMonitoringXml(state: OpenNebulaState, host: OneHost): string {
  if (host.state !== 2) return "<MONITORING_DATA></MONITORING_DATA>";
  const now = Math.floor(state.clock.now() / 1000);
  const records = monitorTimes([[0, now]]).map((ts) => hostMonitoringRecord(state, host, ts));
  return `<MONITORING_DATA>${records.join("")}</MONITORING_DATA>`;
}

const STATUS_STATE = [2, 4, 8] as const;

/**
 * INIT → MONITORED for hosts whose first monitoring is due (oned: the monitor probes' first report
 * after `one.host.allocate`; about 10 s with the dummy IM driver). Runs before every call.
 */
export function monitorNewHosts(state: OpenNebulaState): void {
  const now = state.clock.now();
  for (const host of state.hosts.values()) {
    if (host.firstMonitorAt === undefined || host.firstMonitorAt > now) continue;
    host.firstMonitorAt = undefined;
    if (host.state !== 0) continue; // disabled or offline meanwhile: the status call decided
    // oned's monitoring update leaves PREV_STATE at the state it sets
    host.state = host.reachable ? 2 : 3;
    host.prevState = host.state;
    state.emit({ type: "host-state", host, state: host.state });
  }
}

/** Host edits need ADMIN on HOST (oned's default ACLs). */
/** Hosts have no owner bits: outside oneadmin's group an ACL rule must give USE (oned's defaults give none). */
function mayUse(ctx: Ctx, host: OneHost): boolean {
  return ctx.admin || aclAllows(ctx.state.acls.values(), ctx.user, "HOST", "USE", host);
}

/** The host for info/monitoring: NO_EXISTS, then AUTHORIZATION without USE. */
function usableHost(ctx: Ctx, id: number): OneHost {
  const host = lookup(ctx.state.hosts, id, "host");
  if (!mayUse(ctx, host)) throw failures.authorization(ctx.user.id, "USE", "HOST", host.id);
  return host;
}

/** The hosts a pool call lists (where_filter over the ACLs), by id. */
export function visibleHosts(ctx: Ctx): OneHost[] {
  return [...ctx.state.hosts.values()].filter((h) => mayUse(ctx, h)).sort((a, b) => a.id - b.id);
}

function adminHost(ctx: Ctx, id: number): OneHost {
  const host = lookup(ctx.state.hosts, id, "host");
  requireAdmin(ctx, "ADMIN", "HOST", host.id);
  return host;
}

export const hostMethods: Record<string, MethodDef> = {
  "one.host.allocate": {
    params: [str(), str(), str(), int()],
    run(ctx: Ctx, [name, imMad, vmMad, clusterId]) {
      // HostAllocate authorizes CREATE HOST and ADMIN on the cluster in one request: a regular user
      // is told both (AuthRequest joins the refusals with "; ")
      if (!ctx.admin) {
        const cid = (clusterId as number) === -1 ? 0 : (clusterId as number);
        const refusals = ["Not authorized to perform CREATE HOST"];
        if (ctx.state.clusters.has(cid)) refusals.push(`Not authorized to perform ADMIN CLUSTER [${cid}]`);
        throw new OneFailure(ErrorCode.AUTHORIZATION, `User [${ctx.user.id}] : ${refusals.join("; ")}.`);
      }
      const n = (name as string).trim();
      if (n === "") throw failures.allocate("host", "Invalid NAME, it cannot be empty");
      if ([...ctx.state.hosts.values()].some((h) => h.name === n)) {
        throw failures.allocate(
          "host",
          `NAME is already taken by HOST ${[...ctx.state.hosts.values()].find((h) => h.name === n)!.id}.`,
        );
      }
      const cid = (clusterId as number) === -1 ? 0 : (clusterId as number);
      const cluster = lookup(ctx.state.clusters, cid, "cluster");
      const host = addHost(ctx.state, { name: n });
      host.clusterId = cluster.id;
      host.imMad = imMad as string;
      host.vmMad = vmMad as string;
      setAttr(host.template, "IM_MAD", host.imMad);
      setAttr(host.template, "VM_MAD", host.vmMad);
      host.state = 0;
      host.prevState = 0;
      host.firstMonitorAt = ctx.state.clock.now() + ctx.state.timings.monitor;
      return host.id;
    },
  },
  "one.host.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => hostXml(ctx.state, usableHost(ctx, id as number)),
  },
  "one.host.delete": {
    params: [int()],
    run(ctx, [id]) {
      const host = lookup(ctx.state.hosts, id as number, "host");
      requireAdmin(ctx, "ADMIN", "HOST", host.id);
      if (host.vmIds.size > 0) {
        throw failures.action("Can not remove a host with running VMs", host.id);
      }
      ctx.state.hosts.delete(host.id);
      return host.id;
    },
  },
  "one.host.status": {
    params: [int(), int()],
    run(ctx, [id, status]) {
      const host = lookup(ctx.state.hosts, id as number, "host");
      requireAdmin(ctx, "ADMIN", "HOST", host.id);
      const s = status as number;
      if (s < 0 || s > 2) throw failures.internal("Wrong status code");
      host.adminStatus = s as 0 | 1 | 2;
      // oned 7.4 leaves PREV_STATE at the state it sets (conformance/opennebula-oned)
      host.state = s === 0 ? (host.reachable ? 2 : 3) : STATUS_STATE[s]!;
      host.prevState = host.state;
      ctx.state.emit({ type: "host-state", host, state: host.state });
      return host.id;
    },
  },
  // Host::post_update_template: IM_MAD / VM_MAD given change the drivers; the template keeps them either way
  "one.host.update": updateMethod(adminHost, "template", (_ctx, host, next) => {
    host.imMad = getAttr(next, "IM_MAD") || host.imMad;
    host.vmMad = getAttr(next, "VM_MAD") || host.vmMad;
    setAttr(next, "IM_MAD", host.imMad);
    setAttr(next, "VM_MAD", host.vmMad);
  }),
  // host names are unique in the whole pool (oned 7.4: "host cannot be renamed to … because it collides with host N")
  "one.host.rename": renameMethod(adminHost, {
    obj: "host",
    taken: (ctx, _o, name) => [...ctx.state.hosts.values()].find((h) => h.name === name),
  }),
  "one.host.monitoring": {
    params: [int()],
    run: (ctx, [id]) => hostMonitoringXml(ctx.state, usableHost(ctx, id as number)),
  },
  "one.hostpool.info": {
    params: [],
    run: (ctx) =>
      `<HOST_POOL>${visibleHosts(ctx)
        .map((h) => hostXml(ctx.state, h))
        .join("")}</HOST_POOL>`,
  },
};
