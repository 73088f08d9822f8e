/**
 * The metrics endpoints as route tables (served on their own ports by `serveMetrics`, callable
 * in-process like every other table):
 * - the ceph-mgr `prometheus` module: `GET /metrics`, `GET /` (its index page), answered as the
 *   module answers (`text/plain;charset=utf-8`, `Server: Ceph-Prometheus`); serving it enables
 *   the module in the state (`ceph mgr module ls` / `/api/mgr/module` list it as enabled);
 * - node_exporter of one host: `GET /metrics`, `GET /`; while the host is not up (off, or in
 *   POST) every request gets its connection reset — the target is unreachable, Prometheus' `up`
 *   reads 0;
 * - the iLO exporter: `GET /metrics?host=<host>` for the iLO of that host (as
 *   MauveSoftware/ilo_exporter takes its target), `GET /`. It answers while the host is off (the
 *   iLO runs on standby power). No `host`: 400; an unknown one: 404.
 */
import type { CephState } from "../ceph/state.js";
import { type Route, type RouteResponse, route } from "../common/route-table.js";
import type { World } from "../world/world.js";
import { type CephMgrExporterOptions, createCephMgrExporter } from "./ceph-mgr.js";
import { type ExpositionChunk, TEXT_FORMAT } from "./exposition.js";
import { createIloExporter } from "./ilo-exporter.js";
import { createNodeExporter } from "./node-exporter.js";

const HTML = "text/html;charset=utf-8";

/** A scrape's chunks as a streamed body (one chunk answers as it is). */
function body(chunks: ExpositionChunk[]): RouteResponse["body"] {
  if (chunks.length <= 1) return chunks[0] ?? "";
  return (async function* () {
    const encoder = new TextEncoder();
    for (const chunk of chunks) yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
  })();
}

export function createCephMgrMetricsRoutes(state: CephState, options: CephMgrExporterOptions = {}): Route[] {
  const exporter = createCephMgrExporter(state, options);
  state.enabledModules.add("prometheus");
  const headers = { "content-type": "text/plain;charset=utf-8", server: "Ceph-Prometheus" };
  return [
    route("GET", "/", () => ({
      headers: { "content-type": HTML, server: "Ceph-Prometheus" },
      body: `<!DOCTYPE html>
<html>
    <head><title>Ceph Exporter</title></head>
    <body>
        <h1>Ceph Exporter</h1>
        <p><a href='/metrics'>Metrics</a></p>
    </body>
</html>`,
    })),
    route("GET", "/metrics", () => ({ headers, body: body(exporter.collect()) })),
  ];
}

export function createNodeExporterRoutes(world: World, host: string): Route[] {
  const exporter = createNodeExporter(world, host);
  const physical = world.host(host);
  const reachable = (answer: () => RouteResponse): RouteResponse =>
    physical.up ? answer() : { fault: "reset" };
  return [
    route("GET", "/", () =>
      reachable(() => ({
        headers: { "content-type": HTML },
        body: `<html>
			<head><title>Node Exporter</title></head>
			<body>
			<h1>Node Exporter</h1>
			<p><a href="/metrics">Metrics</a></p>
			</body>
			</html>`,
      })),
    ),
    route("GET", "/metrics", () =>
      reachable(() => ({ headers: { "content-type": TEXT_FORMAT }, body: exporter.text() })),
    ),
  ];
}

export function createIloExporterRoutes(world: World): Route[] {
  const exporters = new Map([...world.hosts.values()].map((h) => [h.name, createIloExporter(h.ilo)]));
  const text = (status: number, message: string): RouteResponse => ({
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: `${message}\n`,
  });
  return [
    route("GET", "/", () => ({
      headers: { "content-type": HTML },
      body: `<html><head><title>iLO Exporter</title></head><body><h1>iLO Exporter</h1><p><a href="/metrics?host=${[...exporters.keys()][0] ?? ""}">/metrics?host=…</a></p></body></html>`,
    })),
    route("GET", "/metrics", (request) => {
      const host = request.query.host;
      if (host === undefined || host === "") return text(400, "no host defined");
      const exporter = exporters.get(host);
      if (exporter === undefined) {
        const known = [...exporters.keys()];
        const list =
          known.length > 5 ? `${known.slice(0, 5).join(", ")}, … (${known.length})` : known.join(", ");
        return text(404, `unknown host "${host}" (known: ${list})`);
      }
      world.touch(host);
      world.sync();
      return { headers: { "content-type": TEXT_FORMAT }, body: exporter.text(host) };
    }),
  ];
}
