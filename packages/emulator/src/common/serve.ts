import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpServer, STATUS_CODES } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { browserGuard } from "./browser-guard.js";
import {
  checkHead,
  DEFAULT_BODY_LIMIT,
  invoke,
  isPromiseLike,
  payloadTooLarge,
  type RequestHead,
  resolve,
} from "./dispatch.js";
import {
  collectBody,
  framingHeader,
  hasHeader,
  type NormalizedResponse,
  normalizeResponse,
} from "./response.js";
import type { RouteResponse, RouteTable } from "./route-table.js";
import { compileRoutes } from "./router.js";
import { generateSelfSignedCertificate, type TlsCredentials } from "./tls.js";

export interface ServeOptions {
  /** Interface to bind; loopback unless told otherwise. Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port chosen by the system (read it from `url`). */
  port?: number;
  /** HTTPS: `"self-signed"` generates a certificate for localhost/127.0.0.1/::1; or bring your own. */
  tls?: "self-signed" | TlsCredentials;
  /** Largest request body in bytes (a route may set its own); larger → 413. Default 1 MiB. */
  bodyLimit?: number;
  /** How long an idle keep-alive connection stays open, in ms. Default 5000. */
  keepAliveTimeout?: number;
  /** Called with exceptions thrown by handlers (answered 500) and by the server itself. Never with secrets from us. */
  onError?: (error: unknown) => void;
  /**
   * Accept requests a web page could forge (default false: a `Host` that is not an IP address or
   * localhost, a non-loopback `Origin`, and bodies with a form type or not of the route's
   * `bodyType` are refused with 403/415; see `browser-guard.ts`).
   */
  allowBrowserRequests?: boolean;
  /** Host names (besides IP addresses and localhost) clients may use in `Host`, e.g. `"ilo-node1.lab"`. */
  allowedHosts?: readonly string[];
}

export interface ServedRoutes {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  port: number;
  /** With `tls`: the PEM clients must trust (`ca` option of undici/node:https/core's undiciTransport). */
  ca: string | undefined;
  /** The underlying node:http(s) server, for advanced use (events, connection counts). */
  server: Server;
  /** Stops listening and destroys open connections. Idempotent. */
  close(): Promise<void>;
}

const EMPTY_BODY: Uint8Array = new Uint8Array(0);

/**
 * Serves a route table on node:http(s) behind find-my-way. Never crashes on bad input:
 * malformed HTTP gets 400 (431 for oversized headers) and the connection is closed, an unknown
 * path 404, a wrong method 405 (with `Allow`), a body over the limit 413, a throwing handler 500.
 */
export async function serve(routes: RouteTable, options: ServeOptions = {}): Promise<ServedRoutes> {
  const compiled = compileRoutes(routes);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const onError = options.onError;
  const guard =
    options.allowBrowserRequests === true
      ? undefined
      : {
          boundHost: (options.host ?? "127.0.0.1").replace(/^\[|\]$/g, ""),
          allowedHosts: (options.allowedHosts ?? []).map((h) => h.toLowerCase()),
        };
  const credentials = options.tls === "self-signed" ? await generateSelfSignedCertificate() : options.tls;

  const fail = (req: IncomingMessage, error: unknown): void => {
    // A client that goes away mid-request is not a server error.
    if (!(req.destroyed && (error as { code?: string }).code === "ECONNRESET")) onError?.(error);
    req.socket.destroy();
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const pending = handle(req, res);
      if (pending !== undefined) pending.catch((error: unknown) => fail(req, error));
    } catch (error) {
      fail(req, error);
    }
  };

  /** Synchronous for a body-less request to a synchronous handler; a promise otherwise. */
  function handle(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    const head: RequestHead = {
      method: req.method ?? "GET",
      target: req.url ?? "/",
      headers: flattenHeaders(req.headers),
      connection: req.socket,
    };
    const resolution = resolve(compiled, head);
    if (resolution.kind === "answer") return write(req, res, resolution.response, onError);
    const { route, params } = resolution;
    const declared = req.headers["content-length"];
    const bodyless = declared === undefined && req.headers["transfer-encoding"] === undefined;
    if (guard !== undefined) {
      const refusal = browserGuard(head.headers, route.bodyType, !bodyless && declared !== "0", guard);
      if (refusal !== undefined)
        return bodyless ? write(req, res, refusal, onError) : answerUnread(req, res, refusal, onError);
    }
    const early = checkHead(route, params, head, onError);
    if (early !== undefined)
      return bodyless ? write(req, res, early, onError) : answerUnread(req, res, early, onError);
    const signal = (): AbortSignal => abortSignalFor(req, res);
    if (bodyless) {
      const response = invoke(route, params, head, EMPTY_BODY, signal, onError);
      return isPromiseLike(response)
        ? response.then((answer) => write(req, res, answer, onError))
        : write(req, res, response, onError);
    }
    const limit = route.bodyLimit ?? bodyLimit;
    if (Number(declared) > limit) return answerUnread(req, res, payloadTooLarge(limit), onError);
    return readBody(req, limit).then(async (body) => {
      if (body === undefined) return answerUnread(req, res, payloadTooLarge(limit), onError);
      return write(req, res, await invoke(route, params, head, body, signal, onError), onError);
    });
  }

  const server: Server =
    credentials === undefined
      ? createHttpServer(listener)
      : createHttpsServer({ key: credentials.key, cert: credentials.cert }, listener);
  server.keepAliveTimeout = options.keepAliveTimeout ?? 5000;
  server.on("clientError", answerClientError);

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });
  server.on("error", (error) => onError?.(error));

  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("serve(): server has no TCP address");
  const hostForUrl =
    address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `${credentials === undefined ? "http" : "https"}://${hostForUrl}:${address.port}`,
    port: address.port,
    ca: credentials === undefined ? undefined : (credentials.ca ?? credentials.cert),
    server,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** node gives set-cookie as an array; everything else is already one lower-case string. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const cookies = headers["set-cookie"];
  if (cookies === undefined) return headers as Record<string, string>;
  return { ...(headers as Record<string, string>), "set-cookie": cookies.join("\n") };
}

/**
 * Reads the body, or resolves undefined as soon as it passes `limit` (nothing more is kept). Rejects
 * with an `ECONNRESET` error when the client goes away before the end.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onFailure);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stop();
        chunks.length = 0;
        resolveBody(undefined);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      stop();
      resolveBody(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onFailure = (error: Error): void => {
      stop();
      rejectBody(error);
    };
    const onClose = (): void => {
      stop();
      rejectBody(
        Object.assign(new Error("client went away before the end of the body"), { code: "ECONNRESET" }),
      );
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onFailure);
    req.on("close", onClose);
  });
}

/**
 * At most this much of an unread body is read (and dropped) after an early answer: reading costs a
 * little CPU and no memory, and a client that writes fast only sees the answer if its writes do
 * not fail first (nginx's lingering close does the same for up to 30 s).
 */
const DRAIN_BYTES = 64 * 1024 * 1024;
/** …and for at most this long; then the connection is cut. */
const DRAIN_MS = 2_000;

/**
 * Sends an answer given before the body was read (a refusal, a 413) so that the client sees it. A
 * client still sending its body would lose the answer if the connection were simply closed (a
 * socket closed with unread data makes the kernel send a reset, and a client whose write fails
 * first drops what it had received). So, as RFC 9112 §9.6 describes: the answer goes out with
 * `Connection: close`, the server half-closes, then reads the rest of the body and drops it —
 * nothing is kept — until the client stops, or for at most {@link DRAIN_BYTES} or
 * {@link DRAIN_MS}, when the connection is cut.
 */
function answerUnread(
  req: IncomingMessage,
  res: ServerResponse,
  response: RouteResponse,
  onError?: (error: unknown) => void,
): Promise<void> | undefined {
  const normalized = normalizeResponse(response);
  const body = normalized.body;
  if (
    req.complete ||
    response.raw !== undefined ||
    normalized.fault !== undefined ||
    !(body instanceof Uint8Array || body === undefined)
  )
    return write(req, res, response, onError);
  const socket = req.socket;
  let drained = 0;
  const cut = setTimeout(() => socket.destroy(), DRAIN_MS);
  cut.unref();
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) socket.destroy();
  });
  socket.once("close", () => clearTimeout(cut));
  // Written on the socket, not through `res`: node:http would close the socket at once after a
  // `Connection: close` answer, before the rest of the body is read.
  const bytes = body ?? new Uint8Array(0);
  const lines = [
    `HTTP/1.1 ${normalized.status} ${normalized.statusText ?? STATUS_CODES[normalized.status] ?? ""}`,
  ];
  for (let i = 0; i + 1 < normalized.headers.length; i += 2)
    lines.push(`${normalized.headers[i]}: ${normalized.headers[i + 1]}`);
  lines.push(
    `Date: ${new Date().toUTCString()}`,
    `Content-Length: ${bytes.byteLength}`,
    "Connection: close",
    "",
    "",
  );
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), bytes]));
  return undefined;
}

/**
 * Writes an answer; synchronous unless the body is a stream. An answer node refuses to write
 * (say, a header value with a newline) becomes a 500 when nothing was sent yet.
 */
function write(
  req: IncomingMessage,
  res: ServerResponse,
  response: RouteResponse,
  onError?: (error: unknown) => void,
): Promise<void> | undefined {
  try {
    return writeAnswer(req, res, response);
  } catch (error) {
    if (res.headersSent) throw error;
    onError?.(error);
    const message = error instanceof Error ? error.message : String(error);
    return writeAnswer(req, res, {
      status: 500,
      body: { error: "Internal Server Error", name: "InvalidResponse", message },
    });
  }
}

function writeAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  response: RouteResponse,
): Promise<void> | undefined {
  const socket = req.socket;
  if (response.raw !== undefined) {
    socket.end(typeof response.raw === "string" ? Buffer.from(response.raw, "utf8") : response.raw);
    return undefined;
  }
  const normalized = normalizeResponse(response);
  if (normalized.fault === "reset") {
    resetConnection(socket);
    return undefined;
  }
  if (normalized.fault === "close") {
    socket.end();
    return undefined;
  }
  if (normalized.keepAlive === false || normalized.framing === "close") res.shouldKeepAlive = false;
  if (normalized.framing === "close") res.useChunkedEncodingByDefault = false;

  const body = normalized.body;
  if (body === undefined || body instanceof Uint8Array) {
    writeBytes(res, socket, normalized, body);
    return undefined;
  }
  if (normalized.framing === "content-length") {
    return collectBody(body).then((bytes) => writeBytes(res, socket, normalized, bytes));
  }
  res.writeHead(normalized.status, normalized.statusText, normalized.headers);
  return pipeStream(res, body);
}

function writeBytes(
  res: ServerResponse,
  socket: Duplex,
  normalized: NormalizedResponse,
  body: Uint8Array | undefined,
): void {
  const headers = normalized.headers;
  if (normalized.fault === "truncate" && body !== undefined) {
    if (!hasHeader(headers, "content-length")) headers.push("content-length", String(body.byteLength));
    res.writeHead(normalized.status, normalized.statusText, headers);
    res.write(body.subarray(0, body.byteLength >> 1), () => socket.destroy());
    return;
  }
  const framing = framingHeader(normalized, body);
  if (framing !== undefined) headers.push(framing[0], framing[1]);
  res.writeHead(normalized.status, normalized.statusText, headers);
  if (body === undefined) res.end();
  else res.end(body);
}

/**
 * Resets the TCP connection (RST, the client sees ECONNRESET). Over TLS the request's socket is a
 * TLSSocket, which cannot be reset itself: destroy it, then reset the TCP socket under it (in this
 * order: the HTTP server must see the TLS socket close first).
 */
function resetConnection(socket: Duplex): void {
  const tcp = (socket as Duplex & { _parent?: Socket | null })._parent;
  try {
    if (tcp !== undefined && tcp !== null) {
      socket.destroy();
      tcp.resetAndDestroy();
    } else {
      (socket as Socket).resetAndDestroy();
    }
  } catch {
    socket.destroy();
  }
}

/** An AbortSignal that aborts when the client goes away before the answer is finished. */
function abortSignalFor(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const abortUnlessFinished = (): void => {
    if (!res.writableFinished) controller.abort(new Error("client disconnected"));
  };
  if (res.destroyed || req.socket.destroyed) abortUnlessFinished();
  else res.once("close", abortUnlessFinished);
  return controller.signal;
}

/** Writes a stream with back-pressure; stops (and ends the producer) when the client goes away. */
async function pipeStream(res: ServerResponse, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resume) => {
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resume();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

interface ParserError extends Error {
  code?: string;
}

/** Malformed HTTP: answer 400 (431 for oversized headers) on that connection, close it, keep serving. */
function answerClientError(error: ParserError, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const reason = STATUS_CODES[status] ?? "Bad Request";
  const body = JSON.stringify({ error: reason, code: error.code ?? "HPE_INVALID" });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
