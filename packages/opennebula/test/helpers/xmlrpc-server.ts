/**
 * A real loopback XML-RPC server for the client's tests (node:http, no mocks).
 *
 * Requests are decoded with the `xmlrpc` npm package (the reference implementation), not with
 * our codec, and responses are written by hand in xmlrpc-c's layout, so a bug in our codec cannot
 * hide itself on both sides.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";

const require = createRequire(import.meta.url);
const Deserializer = require("xmlrpc/lib/deserializer.js") as new () => {
  deserializeMethodCall(
    stream: Readable,
    cb: (error: unknown, method: string, params: unknown[]) => void,
  ): void;
};

export interface ReceivedCall {
  method: string;
  params: unknown[];
  headers: IncomingMessage["headers"];
}

/** What a handler answers: an XML body (200), or a custom status/body, or a socket-level action. */
export type Reply =
  | string
  | Buffer
  | { status?: number; headers?: Record<string, string>; body: string | Buffer }
  | { action: "reset" | "hang" };

export type Handler = (call: ReceivedCall, index: number) => Reply | Promise<Reply>;

export interface TestServer {
  url: string;
  calls: ReceivedCall[];
  /** Replace the handler. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startXmlRpcServer(handler: Handler): Promise<TestServer> {
  let current = handler;
  const calls: ReceivedCall[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      new Deserializer().deserializeMethodCall(
        Readable.from([Buffer.concat(chunks)]),
        (error, method, params) => {
          if (error) {
            res.writeHead(400).end(String(error));
            return;
          }
          const call = { method, params, headers: req.headers };
          calls.push(call);
          Promise.resolve(current(call, calls.length - 1)).then(
            (reply) => send(res, reply),
            (e: unknown) => res.writeHead(500).end(String(e)),
          );
        },
      );
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    calls,
    handle(next) {
      current = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (typeof reply === "string" || Buffer.isBuffer(reply)) {
    res.writeHead(200, { "content-type": "text/xml", server: "Xmlrpc-c_Abyss/1.59.3" }).end(reply);
  } else if ("action" in reply) {
    if (reply.action === "reset") res.socket?.resetAndDestroy();
    // "hang": never answer
  } else {
    res.writeHead(reply.status ?? 200, { "content-type": "text/xml", ...reply.headers }).end(reply.body);
  }
}

// ----- responses in xmlrpc-c's layout -----------------------------------------------------------

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n';

/** Escapes text as xmlrpc-c does for <string>: & < > and CR. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#x0d;" })[c]!);
}

export function stringValue(text: string): string {
  return `<value><string>${xmlEscape(text)}</string></value>`;
}

/** `[true, value, 0]`; `valueXml` is a whole `<value>…</value>`. */
export function success(valueXml: string): string {
  return (
    `${HEAD}<params>\r\n<param><value><array><data>\r\n<value><boolean>1</boolean></value>\r\n` +
    `${valueXml}\r\n<value><i4>0</i4></value>\r\n</data></array></value></param>\r\n</params>\r\n</methodResponse>\r\n`
  );
}

/** `[false, message, code, resp_id, replication_idx]`; `legacy` gives the 4-element ≤5.8 form. */
export function failure(message: string, code: number, objectId = -1, legacy = false): string {
  return (
    `${HEAD}<params>\r\n<param><value><array><data>\r\n<value><boolean>0</boolean></value>\r\n` +
    `${stringValue(message)}\r\n<value><i4>${code}</i4></value>\r\n<value><i4>${objectId}</i4></value>\r\n` +
    (legacy ? "" : "<value><i8>0</i8></value>\r\n") +
    "</data></array></value></param>\r\n</params>\r\n</methodResponse>\r\n"
  );
}

export function fault(code: number, message: string): string {
  return (
    `${HEAD}<fault>\r\n<value><struct>\r\n<member><name>faultCode</name>\r\n<value><i4>${code}</i4></value></member>\r\n` +
    `<member><name>faultString</name>\r\n<value><string>${xmlEscape(message)}</string></value></member>\r\n` +
    "</struct></value>\r\n</fault>\r\n</methodResponse>\r\n"
  );
}
