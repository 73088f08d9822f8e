/** `one.cluster.*` and `one.clusterpool.info`: clusters group hosts, datastores and networks. */
import { failures } from "../errors.js";
import type { OneCluster, OpenNebulaState } from "../state.js";
import { renderTemplate } from "../template.js";
import { el, ids } from "../xml.js";
import { bool, type Ctx, int, lookup, type MethodDef, requireAdmin, str } from "./context.js";

export function clusterXml(state: OpenNebulaState, c: OneCluster): string {
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const hosts = sorted([...state.hosts.values()].filter((h) => h.clusterId === c.id).map((h) => h.id));
  const dss = sorted(
    [...state.datastores.values()].filter((d) => d.clusterIds.includes(c.id)).map((d) => d.id),
  );
  const vnets = sorted([...state.vnets.values()].filter((v) => v.clusterIds.includes(c.id)).map((v) => v.id));
  return `<CLUSTER><ID>${c.id}</ID>${el("NAME", c.name)}${ids("HOSTS", hosts)}${ids("DATASTORES", dss)}${ids("VNETS", vnets)}${renderTemplate("TEMPLATE", c.template)}</CLUSTER>`;
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
      ctx.state.clusters.set(id, { id, name: n, template: [] });
      return id;
    },
  },
  "one.cluster.info": {
    params: [int(), bool(false)],
    run: (ctx, [id]) => clusterXml(ctx.state, lookup(ctx.state.clusters, id as number, "cluster")),
  },
  "one.cluster.delete": {
    params: [int()],
    run(ctx, [id]) {
      const cluster = lookup(ctx.state.clusters, id as number, "cluster");
      requireAdmin(ctx, "ADMIN", "CLUSTER", cluster.id);
      if ([...ctx.state.hosts.values()].some((h) => h.clusterId === cluster.id)) {
        throw failures.action("Cluster is not empty, it has hosts.", cluster.id);
      }
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
