import { createServer, type Server } from "node:net";

/**
 * `count` distinct free TCP ports on 127.0.0.1. The listeners are held open until all are taken so
 * the ports differ; another process could still grab one before our components bind it (the
 * component then exits with "address already in use" and `startCluster` says so).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no TCP address");
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
