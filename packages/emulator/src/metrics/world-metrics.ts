/**
 * The metrics endpoints of a whole World and how `createEmulator().listen()` serves them: the
 * ceph-mgr module on its own port (9283 on a real cluster), one node_exporter port per physical
 * host (9100 on each real host; behind one server, see world/ilo-fleet.ts), and one iLO exporter
 * port for every BMC (`/metrics?host=<host>`).
 */
import type { Route } from "../common/route-table.js";
import type { ServeOptions } from "../common/serve.js";
import { serve } from "../common/serve.js";
import { serveFleet } from "../world/ilo-fleet.js";
import type { World } from "../world/world.js";
import { createCephMgrMetricsRoutes, createIloExporterRoutes, createNodeExporterRoutes } from "./routes.js";

export interface WorldMetrics {
  /** The ceph-mgr `prometheus` module (undefined without Ceph). */
  cephMgr: Route[] | undefined;
  /** node_exporter of each physical host, by host name. */
  node: Map<string, Route[]>;
  /** The iLO exporter of every BMC. */
  ilo: Route[];
}

export interface MetricsEndpoints {
  /** Base URL of the ceph-mgr module (`/metrics` under it). */
  cephMgr: string | undefined;
  /** Base URL of the iLO exporter (`/metrics?host=<host>`). */
  iloExporter: string;
  /** Base URL of each host's node_exporter. */
  node: Array<{ host: string; url: string }>;
}

/** `wrap` puts a table in the World (sync, faults, invariants); `host` is the host it belongs to. */
export function createWorldMetrics(
  world: World,
  wrap: (routes: Route[], host?: string) => Route[],
): WorldMetrics {
  const hosts = [...world.hosts.values()];
  const osdIndex = new Map<number, number>();
  for (const host of world.ceph?.hosts.values() ?? [])
    for (const [i, id] of host.osds.entries()) osdIndex.set(id, i);
  return {
    cephMgr:
      world.ceph === undefined
        ? undefined
        : wrap(
            createCephMgrMetricsRoutes(world.ceph, {
              hostAddress: (name) => world.hosts.get(name)?.ilo.identity.ipAddress ?? "127.0.0.1",
              // the OS is on /dev/sda (the Smart Array logical drive); each OSD on a disk of its own
              osdDevice: (osd) => `/dev/sd${String.fromCharCode(98 + (osdIndex.get(osd.id) ?? 0))}`,
            }),
          ),
    node: new Map(hosts.map((h) => [h.name, wrap(createNodeExporterRoutes(world, h.name), h.name)])),
    ilo: wrap(createIloExporterRoutes(world)),
  };
}

export interface ServedMetrics {
  endpoints: MetricsEndpoints;
  close(): Promise<void>;
}

/**
 * Serves the tables: with `port` 0 every server on a free port; otherwise the ceph-mgr module on
 * `port`, the iLO exporter on `port + 1` and host k's node_exporter on `port + 2 + k`.
 */
export async function serveMetrics(
  metrics: WorldMetrics,
  options: Omit<ServeOptions, "port" | "tls"> & { host: string; port: number },
): Promise<ServedMetrics> {
  const portAt = (offset: number) => (options.port === 0 ? 0 : options.port + offset);
  const { port: _port, ...common } = options;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.all(closers.map((c) => c()));
  };
  try {
    const ceph =
      metrics.cephMgr === undefined
        ? undefined
        : await serve(metrics.cephMgr, { ...common, port: portAt(0) });
    if (ceph !== undefined) closers.push(() => ceph.close());
    const ilo = await serve(metrics.ilo, { ...common, port: portAt(1) });
    closers.push(() => ilo.close());
    const hosts = [...metrics.node.keys()];
    const fleet = await serveFleet(
      hosts.map((host) => ({ host, group: "node", routes: metrics.node.get(host) ?? [] })),
      { ...common, portFor: (k) => portAt(2 + k) },
    );
    closers.push(fleet.close);
    return {
      endpoints: {
        cephMgr: ceph?.url,
        iloExporter: ilo.url,
        node: hosts.map((host) => ({ host, url: fleet.urls.get(host) ?? "" })),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
