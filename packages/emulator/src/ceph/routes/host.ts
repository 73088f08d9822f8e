/** Hosts with the Ceph daemons they run (`/api/host`). */
import type { Route } from "../../common/route-table.js";
import { cephRoute, notFound, reply } from "../http.js";
import type { CephState } from "../state.js";
import { hostJson } from "../views.js";

export function hostRoutes(state: CephState): Route[] {
  return [
    cephRoute(state, { method: "GET", path: "/api/host", version: "1.1", scope: "hosts" }, ({ version }) =>
      reply(
        200,
        [...state.hosts.keys()].map((name) => hostJson(state, name)),
        version,
      ),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/host/:hostname", version: "1.0", scope: "hosts" },
      ({ request }) => {
        const name = request.params.hostname ?? "";
        if (!state.hosts.has(name)) throw notFound();
        return reply(200, hostJson(state, name));
      },
    ),
  ];
}
