/** CRUSH rules, erasure-code profiles, mgr modules and the central configuration (`/api/cluster_conf`). */
import type { Route } from "../../common/route-table.js";
import { CLUSTER_CONF, CRUSH_RULES, MGR_MODULES } from "../fixtures.js";
import { cephRoute, dashboardError, notFound, reply, required } from "../http.js";
import type { CephState } from "../state.js";

export function clusterRoutes(state: CephState): Route[] {
  const options = () =>
    CLUSTER_CONF.map((o) => {
      const values = state.config.get(o.name);
      return values === undefined ? structuredClone(o) : { ...structuredClone(o), value: values };
    });
  const modules = () =>
    MGR_MODULES.map((m) => ({
      ...structuredClone(m),
      enabled: state.enabledModules.has(m.name),
    }));
  const known = (name: string) => MGR_MODULES.some((m) => m.name === name);
  return [
    cephRoute(state, { method: "GET", path: "/api/crush_rule", version: "1.0", scope: "pool" }, () =>
      reply(200, structuredClone(CRUSH_RULES)),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/crush_rule/:name", version: "1.0", scope: "pool" },
      ({ request }) => {
        const rule = CRUSH_RULES.find((r) => r.rule_name === request.params.name);
        if (rule === undefined) throw notFound();
        return reply(200, structuredClone(rule));
      },
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/erasure_code_profile", version: "1.0", scope: "pool" },
      () => reply(200, [...state.ecProfiles.values()]),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/erasure_code_profile/:name", version: "1.0", scope: "pool" },
      ({ request }) => {
        const profile = state.ecProfiles.get(request.params.name ?? "");
        if (profile === undefined) throw notFound();
        return reply(200, profile);
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: "/api/erasure_code_profile",
        version: "1.0",
        scope: "pool",
        permission: "create",
      },
      ({ body }) => {
        const name = String(required(body, "name"));
        const profile: Record<string, string | number> = {
          plugin: "jerasure",
          technique: "reed_sol_van",
          k: 2,
          m: 1,
        };
        for (const [key, value] of Object.entries(body)) {
          if (typeof value === "string" || typeof value === "number") profile[key] = value;
        }
        if (Number(profile.k) < 2 || Number(profile.m) < 1) {
          throw dashboardError("[errno -22] k must be >= 2 and m >= 1", "22", "erasure_code_profile");
        }
        state.ecProfiles.set(name, { ...profile, name });
        return reply(201, null);
      },
    ),
    cephRoute(
      state,
      {
        method: "DELETE",
        path: "/api/erasure_code_profile/:name",
        version: "1.0",
        scope: "pool",
        permission: "delete",
      },
      ({ request }) => {
        state.ecProfiles.delete(request.params.name ?? "");
        return reply(204, undefined);
      },
    ),
    cephRoute(state, { method: "GET", path: "/api/mgr/module", version: "1.0", scope: "manager" }, () =>
      reply(200, modules()),
    ),
    ...(["enable", "disable"] as const).map((action) =>
      cephRoute(
        state,
        {
          method: "POST",
          path: `/api/mgr/module/:module_name/${action}`,
          version: "1.0",
          scope: "manager",
          permission: "update",
        },
        ({ request }) => {
          const name = request.params.module_name ?? "";
          if (!known(name)) throw notFound();
          if (action === "enable") state.enabledModules.add(name);
          else state.enabledModules.delete(name);
          return reply(201, null);
        },
      ),
    ),
    cephRoute(state, { method: "GET", path: "/api/cluster_conf", version: "1.0", scope: "config-opt" }, () =>
      reply(200, options()),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/cluster_conf/filter", version: "1.0", scope: "config-opt" },
      ({ request }) => {
        const names = (request.query.names ?? "").split(",");
        return reply(
          200,
          options().filter((o) => names.includes(o.name)),
        );
      },
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/cluster_conf/:name", version: "1.0", scope: "config-opt" },
      ({ request }) => {
        const option = options().find((o) => o.name === request.params.name);
        if (option === undefined) throw notFound();
        return reply(200, option);
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: "/api/cluster_conf",
        version: "1.0",
        scope: "config-opt",
        permission: "create",
      },
      ({ body }) => {
        const name = String(required(body, "name"));
        const values = required<Array<{ section: string; value: unknown }>>(body, "value");
        if (!Array.isArray(values)) throw dashboardError(`Invalid value for ${name}`, "22", "cluster_conf");
        const current = state.config.get(name) ?? [];
        for (const { section, value } of values) {
          const rest = current.filter((v) => v.section !== section);
          rest.push({ section: String(section), value: String(value) });
          current.splice(0, current.length, ...rest);
        }
        state.config.set(name, current);
        return reply(201, null);
      },
    ),
    cephRoute(
      state,
      {
        method: "DELETE",
        path: "/api/cluster_conf/:name",
        version: "1.0",
        scope: "config-opt",
        permission: "delete",
      },
      ({ request }) => {
        const name = request.params.name ?? "";
        const section = request.query.section ?? "";
        const rest = (state.config.get(name) ?? []).filter((v) => v.section !== section);
        if (rest.length === 0) state.config.delete(name);
        else state.config.set(name, rest);
        return reply(204, undefined);
      },
    ),
  ];
}
