/** OSDs: list, get, mark in/out/down/lost, scrub, reweight, flags, settings, safe-to-destroy. */
import type { Route } from "../../common/route-table.js";
import { cephRoute, dashboardError, internalError, reply, required } from "../http.js";
import type { CephState, OsdState } from "../state.js";
import { osdJson, osdMetadata, osdmapOsd } from "../views.js";

/** An OSD marked down by hand while its daemon runs comes back up after this long (as Ceph does). */
export const OSD_REBOOT_MS = 6_000;

export function osdOf(state: CephState, id: string | undefined): OsdState {
  const osd = /^\d+$/.test(id ?? "") ? state.osds.get(Number(id)) : undefined;
  // Pacific looks the id up in the osdmap without a check: a KeyError, so a generic 500.
  if (osd === undefined) throw internalError();
  return osd;
}

export function osdRoutes(state: CephState): Route[] {
  const osd = { scope: "osd" } as const;
  return [
    cephRoute(state, { method: "GET", path: "/api/osd", version: "1.0", ...osd }, () =>
      reply(
        200,
        [...state.osds.values()].map((o) => osdJson(state, o)),
      ),
    ),
    cephRoute(state, { method: "GET", path: "/api/osd/flags", version: "1.0", ...osd }, () =>
      reply(200, [...state.flags].sort()),
    ),
    cephRoute(
      state,
      { method: "PUT", path: "/api/osd/flags", version: "1.0", ...osd, permission: "update" },
      ({ body }) => {
        const flags = required<unknown>(body, "flags");
        if (!Array.isArray(flags) || flags.some((f) => typeof f !== "string")) throw internalError();
        state.flags.clear();
        for (const flag of flags as string[]) state.flags.add(flag);
        return reply(200, [...state.flags].sort());
      },
    ),
    cephRoute(state, { method: "GET", path: "/api/osd/settings", version: "0.1", ...osd }, ({ version }) =>
      reply(200, { nearfull_ratio: 0.8500000238418579, full_ratio: 0.949999988079071 }, version),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/osd/safe_to_destroy", version: "1.0", ...osd },
      ({ request }) => {
        const ids = (request.query.ids ?? "").split(",").filter(Boolean).map(Number);
        const known = ids.filter((id) => state.osds.has(id));
        const active = known.filter((id) => state.osdUp(state.osds.get(id)!) || state.osds.get(id)!.in);
        const safe = known.filter((id) => !active.includes(id));
        return reply(200, {
          safe_to_destroy: safe,
          active,
          missing_stats: [],
          stored_pgs: [],
          is_safe_to_destroy: safe.length === ids.length && ids.length > 0,
        });
      },
    ),
    cephRoute(state, { method: "GET", path: "/api/osd/:svc_id", version: "1.0", ...osd }, ({ request }) => {
      const found = osdOf(state, request.params.svc_id);
      return reply(200, {
        osd_map: { ...osdmapOsd(state, found), id: found.id },
        osd_metadata: osdMetadata(found),
        operational_status: "unmanaged",
      });
    }),
    cephRoute(
      state,
      { method: "PUT", path: "/api/osd/:svc_id/mark", version: "1.0", ...osd, permission: "update" },
      ({ request, body }) => {
        const found = osdOf(state, request.params.svc_id);
        const action = required<string>(body, "action");
        if (action === "in") found.in = true;
        else if (action === "out") found.in = false;
        else if (action === "down") {
          if (found.running) found.downUntil = state.now() + OSD_REBOOT_MS;
        } else if (action === "lost") {
          if (state.osdUp(found)) {
            throw dashboardError(`[errno -16] osd.${found.id} is not down`, "16", "osd");
          }
        } else throw internalError();
        return reply(200, null);
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/osd/:svc_id/scrub", version: "1.0", ...osd, permission: "update" },
      ({ request }) => {
        osdOf(state, request.params.svc_id);
        return reply(200, null);
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/osd/:svc_id/reweight", version: "1.0", ...osd, permission: "update" },
      ({ request, body }) => {
        osdOf(state, request.params.svc_id);
        const weight = Number(required(body, "weight"));
        if (!(weight >= 0 && weight <= 1))
          throw dashboardError("[errno -22] weight must be in the range [0..1]", "22", "osd");
        return reply(201, null);
      },
    ),
  ];
}
