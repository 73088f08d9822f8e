/** Real loopback servers for transport tests (node:http and node:https), closed after each test. */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { SecureContextOptions } from "node:tls";

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface TestServer {
  url: string;
  port: number;
  /** Requests received, in order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }>;
  /** Remote ports of the sockets that were opened (keep-alive shows one). */
  sockets: Set<number>;
  close(): Promise<void>;
}

export async function startServer(
  handler: Handler,
  options: { tls?: { key: string; cert: string } & SecureContextOptions; host?: string } = {},
): Promise<TestServer> {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      server.requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: body.toString(),
      });
      handler(req, res, body);
    });
  };
  const http = options.tls ? createHttpsServer(options.tls, onRequest) : createHttpServer(onRequest);
  const sockets = new Set<Socket>();
  const server: TestServer = {
    url: "",
    port: 0,
    requests: [],
    sockets: new Set(),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        http.close(() => resolve());
      }),
  };
  http.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    server.sockets.add(socket.remotePort ?? 0);
    socket.on("close", () => sockets.delete(socket));
  });
  // https also emits "connection" for the raw TCP socket; track it too so close() never hangs.
  http.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, options.host ?? "127.0.0.1", resolve));
  server.port = (http.address() as AddressInfo).port;
  server.url = `${options.tls ? "https" : "http"}://127.0.0.1:${server.port}`;
  return server;
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export const text = (body: Uint8Array) => Buffer.from(body).toString("utf8");
