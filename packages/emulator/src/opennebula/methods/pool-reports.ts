/**
 * Pool reports: `one.vmpool.{accounting,showback,calculateshowback,monitoring}` and
 * `one.hostpool.monitoring`, over the VMs' history records and the monitoring records
 * `one.vm.monitoring` / `one.host.monitoring` answer (VirtualMachinePool::dump_acct,
 * dump_showback, calculate_showback, dump_monitoring; HostPool::dump_monitoring).
 */
import { ErrorCode, failures, OneFailure } from "../errors.js";
import { floatStr } from "../quotas.js";
import type { OneShowback, OneVm, OpenNebulaState } from "../state.js";
import { getAttr } from "../template.js";
import { el } from "../xml.js";
import { type Ctx, groupName, int, type MethodDef, poolFilter, userName } from "./context.js";
import { hostMonitoringXml, visibleHosts } from "./host.js";
import { historyXml, vmMonitoringXml, vmXml } from "./vm.js";

/** The VMs `flag` selects (PoolSQL::GROUP, -4, is the lowest; below it RPC_API without a period). */
function visibleVms(ctx: Ctx, flag: number): OneVm[] {
  if (flag < -4) throw failures.rpcApi("Incorrect filter_flag");
  const visible = poolFilter(ctx, flag);
  return [...ctx.state.vms.values()].filter(visible).sort((a, b) => a.id - b.id);
}

const nowS = (state: OpenNebulaState) => Math.floor(state.clock.now() / 1000);

/** The `<MONITORING>` records of a MONITORING_DATA document with their TIMESTAMP. */
function records(doc: string): Array<{ ts: number; xml: string }> {
  return (doc.match(/<MONITORING>[\s\S]*?<\/MONITORING>/g) ?? []).map((xml) => ({
    ts: Number(/<TIMESTAMP>(\d+)<\/TIMESTAMP>/.exec(xml)?.[1] ?? 0),
    xml,
  }));
}

/** dump_monitoring's `seconds`: 0 the last record of each object, -1 all, n those of the last n s. */
function pick(recs: Array<{ ts: number; xml: string }>, seconds: number, now: number): string[] {
  if (seconds === 0) return recs.length === 0 ? [] : [recs.at(-1)!.xml];
  if (seconds === -1) return recs.map((r) => r.xml);
  return recs.filter((r) => r.ts > now - seconds).map((r) => r.xml);
}

/** A VM's attribute that oned reads from /VM/TEMPLATE (CPU_COST, …), as a number. */
function vmNumber(vm: OneVm, name: string): number {
  const v = getAttr(vm.template, name) ?? getAttr(vm.userTemplate, name);
  const n = Number(v);
  return v === undefined || !Number.isFinite(n) ? 0 : n;
}

/** sum(/VM/TEMPLATE/DISK/SIZE | DISK_SNAPSHOT_TOTAL_SIZE) in MB. */
function diskMb(vm: OneVm): number {
  return vm.disks.reduce(
    (a, d) => a + (Number(d.attrs.SIZE) || 0) + (Number(d.attrs.DISK_SNAPSHOT_TOTAL_SIZE) || 0),
    0,
  );
}

/** First second of month `m` (1-based, may overflow) of `y`, UTC (oned uses the front end's local time). */
const monthStart = (y: number, m: number) => Math.floor(Date.UTC(y, m - 1, 1) / 1000);

/**
 * VirtualMachinePool::calculate_showback over every VM's history records: monthly slots from the
 * first month (or the earliest STIME) to the end month (or now); each record charges
 * CPU_COST×CPU, MEMORY_COST×MEMORY and DISK_COST×disk MB per hour of STIME…ETIME in each slot
 * (HOURS), and RHOURS counts RSTIME…RETIME. Results replace those of the same VM and month.
 */
function calculateShowback(state: OpenNebulaState, sm: number, sy: number, em: number, ey: number): void {
  const now = nowS(state);
  const all = [...state.vms.values()].flatMap((vm) => vm.history.map((h) => ({ vm, h })));
  let start = now;
  if (sm !== -1 && sy !== -1) start = monthStart(sy, sm);
  else if (all.length > 0) start = Math.min(...all.map(({ h }) => h.stime));
  let end = now;
  if (em !== -1 && ey !== -1) end = Math.min(end, monthStart(ey, em + 1));
  const first = new Date(start * 1000);
  const slots: number[] = [];
  for (let m = first.getUTCMonth() + 1, t = monthStart(first.getUTCFullYear(), m); t < end; ) {
    slots.push(t);
    m++;
    t = monthStart(first.getUTCFullYear(), m);
  }
  slots.push(end);
  const totals = new Map<string, OneShowback>();
  for (const { vm, h } of all) {
    if (!((h.etime > start || h.etime === 0) && h.stime < end)) continue;
    const cpu = vm.cpu;
    const mem = vm.memoryMb;
    const disk = diskMb(vm);
    const costs = {
      cpu: vmNumber(vm, "CPU_COST"),
      mem: vmNumber(vm, "MEMORY_COST"),
      disk: vmNumber(vm, "DISK_COST"),
    };
    for (let i = 0; i + 1 < slots.length; i++) {
      const t = slots[i]!;
      const next = slots[i + 1]!;
      const hoursIn = (st: number, et: number): number | null => {
        if (!((et > t || et === 0) && st !== 0 && st <= next)) return null;
        return ((et === 0 ? next : Math.min(next, et)) - Math.max(t, st)) / 3600;
      };
      const d = new Date(t * 1000);
      const key = `${vm.id}/${t}`;
      const get = () => {
        let r = totals.get(key);
        if (!r) {
          r = {
            vmId: vm.id,
            vmName: vm.name,
            uid: vm.uid,
            gid: vm.gid,
            uname: userName(state, vm.uid),
            gname: groupName(state, vm.gid),
            year: d.getUTCFullYear(),
            month: d.getUTCMonth() + 1,
            cpuCost: 0,
            memoryCost: 0,
            diskCost: 0,
            hours: 0,
            rhours: 0,
          };
          totals.set(key, r);
        }
        return r;
      };
      const hours = hoursIn(h.stime, h.etime);
      if (hours !== null) {
        const r = get();
        r.cpuCost += costs.cpu * cpu * hours;
        r.memoryCost += costs.mem * mem * hours;
        r.diskCost += costs.disk * disk * hours;
        r.hours += hours;
      }
      const running = hoursIn(h.rstime, h.retime);
      if (running !== null) get().rhours += running;
    }
  }
  const kept = (state.showback ?? []).filter(
    (r) => ![...totals.values()].some((n) => n.vmId === r.vmId && n.year === r.year && n.month === r.month),
  );
  state.showback = [...kept, ...totals.values()];
}

function showbackXml(r: OneShowback): string {
  const cost = (n: number) => floatStr(n);
  return `<SHOWBACK><VMID>${r.vmId}</VMID>${el("VMNAME", r.vmName)}<UID>${r.uid}</UID><GID>${r.gid}</GID>${el("UNAME", r.uname)}${el("GNAME", r.gname)}<YEAR>${r.year}</YEAR><MONTH>${r.month}</MONTH><CPU_COST>${cost(r.cpuCost)}</CPU_COST><MEMORY_COST>${cost(r.memoryCost)}</MEMORY_COST><DISK_COST>${cost(r.diskCost)}</DISK_COST><TOTAL_COST>${cost(r.cpuCost + r.memoryCost + r.diskCost)}</TOTAL_COST><HOURS>${cost(r.hours)}</HOURS><RHOURS>${cost(r.rhours)}</RHOURS></SHOWBACK>`;
}

export const poolReportMethods: Record<string, MethodDef> = {
  "one.vmpool.accounting": {
    params: [int(), int(), int()],
    run(ctx, [flag, start, end]) {
      const s = start as number;
      const e = end as number;
      const out = visibleVms(ctx, flag as number).flatMap((vm) => {
        // The VM as its history record stores it: the body without history records.
        const body = vmXml(ctx.state, { ...vm, history: [] });
        return vm.history
          .filter((h) => (s === -1 || h.etime > s || h.etime === 0) && (e === -1 || h.stime < e))
          .map((h) => historyXml(vm.id, h, body));
      });
      return `<HISTORY_RECORDS>${out.join("")}</HISTORY_RECORDS>`;
    },
  },
  "one.vmpool.monitoring": {
    params: [int(), int(-1)],
    run(ctx, [flag, seconds]) {
      const now = nowS(ctx.state);
      const out = visibleVms(ctx, flag as number).flatMap((vm) =>
        pick(records(vmMonitoringXml(ctx.state, vm)), seconds as number, now),
      );
      return `<MONITORING_DATA>${out.join("")}</MONITORING_DATA>`;
    },
  },
  "one.vmpool.calculateshowback": {
    params: [int(), int(), int(), int()],
    run(ctx, [sm, sy, em, ey]) {
      if (ctx.user.gid !== 0)
        throw new OneFailure(
          ErrorCode.AUTHORIZATION,
          `User [${ctx.user.id}] : Action reserved for group 0 only.`,
        );
      calculateShowback(ctx.state, sm as number, sy as number, em as number, ey as number);
      return " "; // oned answers a single space (an empty string breaks pyone's response parser)
    },
  },
  "one.vmpool.showback": {
    params: [int(), int(), int(), int(), int()],
    run(ctx, [flag, sm, sy, em, ey]) {
      const vms = new Set(visibleVms(ctx, flag as number).map((vm) => vm.id));
      const from =
        (sm as number) !== -1 && (sy as number) !== -1 ? (sy as number) * 12 + (sm as number) : null;
      const to = (em as number) !== -1 && (ey as number) !== -1 ? (ey as number) * 12 + (em as number) : null;
      const list = (ctx.state.showback ?? [])
        .filter((r) => {
          const at = r.year * 12 + r.month;
          return vms.has(r.vmId) && (from === null || at >= from) && (to === null || at <= to);
        })
        .sort((a, b) => a.year - b.year || a.month - b.month || a.vmId - b.vmId);
      return `<SHOWBACK_RECORDS>${list.map(showbackXml).join("")}</SHOWBACK_RECORDS>`;
    },
  },
  "one.hostpool.monitoring": {
    params: [int(-1)],
    run(ctx, [seconds]) {
      // where_filter(ALL) on hosts: without a HOST ACL (oned's defaults give none) a user sees none.
      const now = nowS(ctx.state);
      const out = visibleHosts(ctx).flatMap((h) =>
        pick(records(hostMonitoringXml(ctx.state, h)), seconds as number, now),
      );
      return `<MONITORING_DATA>${out.join("")}</MONITORING_DATA>`;
    },
  },
};
