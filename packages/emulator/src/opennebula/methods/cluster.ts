/**
 * `one.cluster.*` and `one.clusterpool.info`: clusters group hosts, datastores and networks; 7.0's
 * OneDRS optimization plan (`optimize` / `planexecute` / `plandelete`).
 */
import { failures } from "../errors.js";
import {
  type OneCluster,
  type OneHost,
  type OnePlan,
  type OneVm,
  type OpenNebulaState,
  PlanState,
} from "../state.js";
import { renderTemplate } from "../template.js";
import { migrateVm } from "../vm-migrate-resize.js";
import { isRunning, VmState } from "../vm-states.js";
import { el, ids } from "../xml.js";
import { bool, type Ctx, int, lookup, type MethodDef, requireAdmin, str } from "./context.js";
import { renameMethod, updateMethod } from "./edit.js";

/** `<CLUSTER>`; `withPlan`: `one.cluster.info` adds the plan (oned's `load_plan`), the pool does not. */
export function clusterXml(state: OpenNebulaState, c: OneCluster, withPlan = false): string {
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const hosts = sorted([...state.hosts.values()].filter((h) => h.clusterId === c.id).map((h) => h.id));
  const dss = sorted(
    [...state.datastores.values()].filter((d) => d.clusterIds.includes(c.id)).map((d) => d.id),
  );
  const vnets = sorted([...state.vnets.values()].filter((v) => v.clusterIds.includes(c.id)).map((v) => v.id));
  const plan = withPlan ? planXml(c) : "";
  return `<CLUSTER><ID>${c.id}</ID>${el("NAME", c.name)}${ids("HOSTS", hosts)}${ids("DATASTORES", dss)}${ids("VNETS", vnets)}${renderTemplate("TEMPLATE", c.template)}${plan}</CLUSTER>`;
}

/** oned's `Plan::to_xml`, or nothing while the cluster has no plan (state NONE). */
function planXml(c: OneCluster): string {
  const p = c.plan;
  if (!p || p.state === PlanState.NONE) return "";
  const actions = p.actions
    .map(
      (a) =>
        `<ACTION><ID>${a.id}</ID><VM_ID>${a.vmId}</VM_ID><STATE>${a.state}</STATE>${el("OPERATION", a.operation)}<HOST_ID>${a.hostId}</HOST_ID><DS_ID>${a.dsId}</DS_ID><TIMESTAMP>${a.timestamp}</TIMESTAMP></ACTION>`,
    )
    .join("");
  return `<PLAN><ID>${c.id}</ID><STATE>${p.state}</STATE>${actions}</PLAN>`;
}

/** Looks the cluster up (NO_EXISTS), then `op` on CLUSTER is oneadmin's group's only. */
function getCluster(ctx: Ctx, id: number, op: string): OneCluster {
  const cluster = lookup(ctx.state.clusters, id, "cluster");
  requireAdmin(ctx, op, "CLUSTER", cluster.id);
  return cluster;
}

/** A VM OneDRS may move: RUNNING on a host of the cluster. */
function movable(vm: OneVm, hostIds: Set<number>): boolean {
  return isRunning(vm) && vm.hostId !== null && hostIds.has(vm.hostId);
}

/**
 * The emulator's OneDRS rule: among the cluster's monitored, enabled hosts, move one RUNNING VM
 * from the host with the highest allocated CPU share to the one with the lowest, choosing the VM
 * that leaves the two closest, provided it fits (CPU and memory) and narrows the gap. One action
 * per plan (cluster.xsd's PLAN holds one ACTION); `optimize` again after executing it.
 */
function optimizeAction(state: OpenNebulaState, c: OneCluster) {
  const hosts = [...state.hosts.values()].filter(
    (h) => h.clusterId === c.id && h.state === 2 && h.adminStatus === 0 && h.reachable,
  );
  if (hosts.length < 2) return null;
  const load = (h: OneHost, dCpu = 0) => (h.usedCpu + dCpu) / h.totalCpu;
  const byLoad = [...hosts].sort((a, b) => load(b) - load(a) || a.id - b.id);
  const src = byLoad[0]!;
  const dst = byLoad.at(-1)!;
  const gap = load(src) - load(dst);
  let best: { vm: OneVm; gap: number } | null = null;
  for (const vm of state.vms.values()) {
    if (!movable(vm, new Set([src.id]))) continue;
    const cpu = Math.round(vm.cpu * 100);
    if (dst.usedCpu + cpu > dst.totalCpu || dst.usedMemKb + vm.memoryMb * 1024 > dst.totalMemKb) continue;
    const after = Math.abs(load(src, -cpu) - load(dst, cpu));
    if (after < gap && (best === null || after < best.gap || (after === best.gap && vm.id < best.vm.id)))
      best = { vm, gap: after };
  }
  if (!best) return null;
  return {
    id: 0,
    vmId: best.vm.id,
    state: PlanState.READY,
    operation: "migrate",
    hostId: dst.id,
    dsId: best.vm.history.at(-1)?.dsId ?? 0,
    timestamp: 0,
  };
}

/**
 * Brings an applying plan up to date with its VMs (oned's LCM reports each migration's end to the
 * plan manager): an action is DONE once its VM is RUNNING (or back in POWEROFF / SUSPENDED) on
 * the target host, ERROR when the VM is gone or elsewhere; the plan ends (`Plan::check_completed`)
 * when no action is left.
 */
function refreshPlan(state: OpenNebulaState, plan: OnePlan | undefined): void {
  if (!plan || plan.state !== PlanState.APPLYING) return;
  for (const a of plan.actions) {
    if (a.state !== PlanState.APPLYING) continue;
    const vm = state.vms.get(a.vmId);
    if (!vm || vm.state === VmState.DONE || vm.hostId !== a.hostId) a.state = PlanState.ERROR;
    // the migration is over: RUNNING, or back in POWEROFF / SUSPENDED, on the target
    else if (isRunning(vm) || vm.state === VmState.POWEROFF || vm.state === VmState.SUSPENDED)
      a.state = PlanState.DONE;
  }
  if (plan.actions.some((a) => a.state === PlanState.READY || a.state === PlanState.APPLYING)) return;
  plan.state = plan.actions.some((a) => a.state === PlanState.ERROR)
    ? PlanState.ERROR
    : plan.actions.some((a) => a.state === PlanState.TIMEOUT)
      ? PlanState.TIMEOUT
      : PlanState.DONE;
}

/** `Plan::check_completed` and `PlanManager::start_plan`'s refusals. */
const NOT_STARTABLE: Record<number, string> = {
  [PlanState.NONE]: "Plan is not ready",
  [PlanState.APPLYING]: "Plan is already applying",
  [PlanState.DONE]: "Plan is already done",
  [PlanState.ERROR]: "Plan is in error state",
};

/** Starts each READY action (a cold migration, oned.conf's LIVE_RESCHEDS=0 / COLD_MIGRATE_MODE=0). */
function executePlan(state: OpenNebulaState, plan: OnePlan): void {
  plan.state = PlanState.APPLYING;
  for (const a of plan.actions) {
    if (a.state !== PlanState.READY) continue;
    a.timestamp = Math.floor(state.clock.now() / 1000);
    const vm = state.vms.get(a.vmId);
    const host = state.hosts.get(a.hostId);
    try {
      if (!vm || !host) throw new Error("gone");
      migrateVm(state, vm, host, { live: false, enforce: false, type: 0 });
      a.state = PlanState.APPLYING;
    } catch {
      a.state = PlanState.ERROR;
    }
  }
  refreshPlan(state, plan);
}

function membership(kind: "host" | "datastore" | "vnet", add: boolean): MethodDef {
  return {
    params: [int(), int()],
    run(ctx: Ctx, [id, objectId]) {
      requireAdmin(ctx, "ADMIN", "CLUSTER", id as number);
      const cluster = lookup(ctx.state.clusters, id as number, "cluster");
      const oid = objectId as number;
      if (kind === "host") {
        const host = lookup(ctx.state.hosts, oid, "host");
        host.clusterId = add ? cluster.id : 0;
      } else {
        const obj =
          kind === "datastore"
            ? lookup(ctx.state.datastores, oid, "datastore")
            : lookup(ctx.state.vnets, oid, "virtual network");
        obj.clusterIds = add
          ? [...new Set([...obj.clusterIds, cluster.id])].sort((a, b) => a - b)
          : obj.clusterIds.filter((c) => c !== cluster.id);
      }
      return cluster.id;
    },
  };
}

export const clusterMethods: Record<string, MethodDef> = {
  "one.cluster.allocate": {
    params: [str()],
    run(ctx, [name]) {
      requireAdmin(ctx, "CREATE", "CLUSTER");
      const n = (name as string).trim();
      if (n === "") throw failures.allocate("cluster", "Invalid NAME, it cannot be empty");
      const taken = [...ctx.state.clusters.values()].find((c) => c.name === n);
      if (taken) throw failures.allocate("cluster", `NAME is already taken by CLUSTER ${taken.id}.`);
      const id = ctx.state.nextId.cluster++;
      // ClusterPool::allocate: RESERVED_CPU and RESERVED_MEM, empty
      ctx.state.clusters.set(id, {
        id,
        name: n,
        template: [
          ["RESERVED_CPU", ""],
          ["RESERVED_MEM", ""],
        ],
      });
      return id;
    },
  },
  "one.cluster.info": {
    params: [int(), bool(false)],
    run(ctx, [id]) {
      const cluster = lookup(ctx.state.clusters, id as number, "cluster");
      refreshPlan(ctx.state, cluster.plan);
      return clusterXml(ctx.state, cluster, true);
    },
  },
  "one.cluster.update": updateMethod((ctx, id) => getCluster(ctx, id, "MANAGE"), "template"),
  "one.cluster.rename": renameMethod((ctx, id) => getCluster(ctx, id, "MANAGE"), {
    obj: "cluster",
    taken: (ctx, _o, name) => [...ctx.state.clusters.values()].find((c) => c.name === name),
  }),
  "one.cluster.optimize": {
    params: [int()],
    run(ctx, [id]) {
      const cluster = getCluster(ctx, id as number, "ADMIN");
      refreshPlan(ctx.state, cluster.plan);
      if (cluster.plan?.state === PlanState.APPLYING)
        throw failures.action(
          "Can't optimize cluster. A previous plan is currently being applied.",
          cluster.id,
        );
      const action = optimizeAction(ctx.state, cluster);
      // oned's PlanManager::add_plan skips a plan with no actions: the previous plan stays.
      if (action) cluster.plan = { state: PlanState.READY, actions: [action] };
      return cluster.id;
    },
  },
  "one.cluster.planexecute": {
    params: [int()],
    run(ctx, [id]) {
      const cluster = getCluster(ctx, id as number, "ADMIN");
      refreshPlan(ctx.state, cluster.plan);
      const plan = cluster.plan ?? { state: PlanState.NONE, actions: [] };
      const refusal = NOT_STARTABLE[plan.state];
      if (refusal !== undefined) throw failures.action(refusal, cluster.id);
      executePlan(ctx.state, plan);
      return cluster.id;
    },
  },
  "one.cluster.plandelete": {
    params: [int()],
    run(ctx, [id]) {
      const cluster = getCluster(ctx, id as number, "ADMIN");
      if (!cluster.plan || cluster.plan.state === PlanState.NONE)
        throw failures.action(`Plan for cluster ${cluster.id} does not exist`, cluster.id);
      cluster.plan = { state: PlanState.NONE, actions: [] };
      return cluster.id;
    },
  },
  "one.cluster.delete": {
    params: [int()],
    run(ctx, [id]) {
      const cluster = lookup(ctx.state.clusters, id as number, "cluster");
      requireAdmin(ctx, "ADMIN", "CLUSTER", cluster.id);
      // ClusterPool::drop and Cluster::check_drop, behind SharedAPI's "Cannot delete cluster. "
      const refuse = (msg: string) => failures.cannotDelete("cluster", msg);
      if (cluster.id < 100) throw refuse("System Clusters (ID < 100) cannot be deleted.");
      const s = ctx.state;
      const counts: Array<[number, string]> = [
        [[...s.hosts.values()].filter((h) => h.clusterId === cluster.id).length, "hosts"],
        [[...s.datastores.values()].filter((d) => d.clusterIds.includes(cluster.id)).length, "datastores"],
        [[...s.vnets.values()].filter((v) => v.clusterIds.includes(cluster.id)).length, "vnets"],
      ];
      for (const [n, what] of counts)
        if (n > 0) throw refuse(`Cluster ${cluster.id} is not empty, it contains ${n} ${what}.`);
      ctx.state.clusters.delete(cluster.id);
      return cluster.id;
    },
  },
  "one.cluster.addhost": membership("host", true),
  "one.cluster.delhost": membership("host", false),
  "one.cluster.adddatastore": membership("datastore", true),
  "one.cluster.deldatastore": membership("datastore", false),
  "one.cluster.addvnet": membership("vnet", true),
  "one.cluster.delvnet": membership("vnet", false),
  "one.clusterpool.info": {
    params: [],
    run: (ctx) =>
      `<CLUSTER_POOL>${[...ctx.state.clusters.values()]
        .sort((a, b) => a.id - b.id)
        .map((c) => clusterXml(ctx.state, c))
        .join("")}</CLUSTER_POOL>`,
  },
};
