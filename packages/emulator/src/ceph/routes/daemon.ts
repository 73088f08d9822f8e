/**
 * Daemon data the emulator only sketches: an OSD's perf histogram (a recorded idle OSD's), its
 * perf counters (derived from the state) and the cluster/audit log (health transitions).
 */
import type { Route } from "../../common/route-table.js";
import { OSD_HISTOGRAM } from "../fixtures.js";
import { health } from "../health.js";
import { cephRoute, reply } from "../http.js";
import type { CephState } from "../state.js";
import { osdmapTime } from "../views.js";
import { osdOf } from "./osd.js";

export function daemonRoutes(state: CephState): Route[] {
  return [
    cephRoute(
      state,
      { method: "GET", path: "/api/osd/:svc_id/histogram", version: "1.0", scope: "osd" },
      ({ request }) => {
        osdOf(state, request.params.svc_id);
        return reply(200, structuredClone(OSD_HISTOGRAM));
      },
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/perf_counters/osd/:service_id", version: "1.0", scope: "osd" },
      ({ request }) => {
        const osd = osdOf(state, request.params.service_id);
        const used = state.osdUsedBytes(osd);
        const counter = (name: string, description: string, value: number, unit: string) => ({
          name,
          description,
          value,
          unit,
        });
        return reply(200, {
          service: { type: "osd", id: String(osd.id) },
          counters: [
            counter("osd.op_r", "Client read operations", 0, "/s"),
            counter("osd.op_w", "Client write operations", 0, "/s"),
            counter("osd.stat_bytes", "OSD size", osd.bytes, ""),
            counter("osd.stat_bytes_used", "Used space", used, ""),
            counter("osd.stat_bytes_avail", "Available space", osd.bytes - used, ""),
          ],
        });
      },
    ),
    cephRoute(state, { method: "GET", path: "/api/logs/all", version: "1.0", scope: "log" }, () => {
      const { status, checks } = health(state);
      const entry = (seq: number, channel: string, priority: string, message: string) => ({
        name: "mon.a",
        rank: "mon.0",
        addrs: {
          addrvec: [
            { type: "v2", addr: "127.0.0.1:13300", nonce: 0 },
            { type: "v1", addr: "127.0.0.1:16789", nonce: 0 },
          ],
        },
        stamp: osdmapTime(state.now()),
        seq,
        channel,
        priority,
        message,
      });
      const clog = [
        entry(
          1,
          "cluster",
          "[INF]",
          status === "HEALTH_OK"
            ? "overall HEALTH_OK"
            : `Health check failed: ${checks[0]?.summary.message} (${checks[0]?.type})`,
        ),
      ];
      return reply(200, {
        clog,
        audit_log: [
          entry(
            2,
            "audit",
            "[INF]",
            "from='mgr.x' entity='mgr.x' cmd=[{\"prefix\": \"osd dump\"}]: dispatch",
          ),
        ],
      });
    }),
  ];
}
