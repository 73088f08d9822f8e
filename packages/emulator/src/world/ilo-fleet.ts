/**
 * Every BMC on its own port, without one HTTPS server per BMC: a large topology (1,000 hosts)
 * would otherwise compile 1,000 routers and parse 1,000 TLS contexts. One `serve()` per iLO
 * generation holds a table whose handlers pick the BMC by the connection: the local port the
 * client connected to (`RouteRequest.local`), never the `Host` header, which clients send as they
 * like (python-hpilo sends `Host: localhost`, others a name or an address without the port, some
 * none at all). Each BMC port is a plain TCP listener that hands its connections to that server.
 */
import { createServer, type Server } from "node:net";
import { type Route, RouteError } from "../common/route-table.js";
import { type ServedRoutes, type ServeOptions, serve } from "../common/serve.js";

export interface FleetMember {
  host: string;
  /** Grouping key: members of a group must have route tables of the same shape (same generation). */
  group: string;
  routes: Route[];
}

export interface ServedFleet {
  urls: Map<string, string>;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/** Serves each member on its own port (`portFor(index)`, 0 for a free one) behind one server per group. */
export async function serveFleet(
  members: FleetMember[],
  options: ServeOptions & { host: string; portFor: (index: number) => number },
): Promise<ServedFleet> {
  const served: ServedRoutes[] = [];
  const listeners: Server[] = [];
  const urls = new Map<string, string>();
  const close = async () => {
    await Promise.all(listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    await Promise.all(served.map((s) => s.close()));
  };
  try {
    const groups = new Map<string, Array<{ member: FleetMember; index: number }>>();
    members.forEach((member, index) => {
      const list = groups.get(member.group) ?? [];
      list.push({ member, index });
      groups.set(member.group, list);
    });
    for (const list of groups.values()) {
      const byPort = new Map<number, Route[]>();
      const shape = list[0]?.member.routes ?? [];
      const table: Route[] = shape.map((r, i) => ({
        ...r,
        handler: (request) => {
          const port = request.local?.port;
          const handler = port === undefined ? undefined : byPort.get(port)?.[i]?.handler;
          // Only a request that did not come through one of our listeners (none does) lands here.
          if (handler === undefined)
            throw new RouteError(421, `no BMC behind local port ${port ?? "(none)"}`);
          return handler(request);
        },
      }));
      const server = await serve(table, options);
      served.push(server);
      const scheme = server.url.slice(0, server.url.indexOf("://"));
      for (const { member, index } of list) {
        const listener = createServer((socket) => server.server.emit("connection", socket));
        listeners.push(listener);
        const port = await listen(listener, options.host, options.portFor(index));
        byPort.set(port, member.routes);
        const hostForUrl = options.host.includes(":") ? `[${options.host}]` : options.host;
        urls.set(member.host, `${scheme}://${hostForUrl}:${port}`);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { urls, close };
}
