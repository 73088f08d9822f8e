import { type AddressInfo, createServer, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  CERT_FINGERPRINT_MISMATCH,
  InvalidRequestError,
  isNetworkError,
  NetworkError,
  ResponseTooLargeError,
  request,
  TimeoutError,
  type UndiciTransport,
  undiciTransport,
} from "../src/index.js";
import { rejection, waitUntil } from "./helpers/async.js";
import { type KeyPair, makeCa, makeLeaf } from "./helpers/certs.js";
import { closedPort, startServer, type TestServer, text } from "./helpers/server.js";

let server: TestServer | undefined;
let transport: UndiciTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

describe("undiciTransport over http", () => {
  test("sends method, headers and body; returns status, lower-case headers and bytes", async () => {
    server = await startServer((req, res, body) => {
      res.setHeader("X-Echo-Method", req.method ?? "");
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ got: body.toString(), header: req.headers["x-custom"] }));
    });
    transport = undiciTransport();
    const response = await transport({
      method: "POST",
      url: `${server.url}/things?x=1`,
      headers: { "X-Custom": "yes", "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(response.headers["x-echo-method"]).toBe("POST");
    expect(response.headers["set-cookie"]).toBe("a=1\nb=2");
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(text(response.body))).toEqual({ got: '{"a":1}', header: "yes" });
    expect(server.requests[0]?.url).toBe("/things?x=1");
  });

  test("keeps connections alive: sequential requests reuse their sockets", async () => {
    server = await startServer((_req, res) => res.end("ok"));
    transport = undiciTransport();
    for (let i = 0; i < 20; i++) {
      const response = await transport({ method: "GET", url: `${server.url}/${i}`, headers: {} });
      expect(text(response.body)).toBe("ok");
    }
    expect(server.requests).toHaveLength(20);
    // undici may open a second socket while the first response completes (raw undici does the
    // same); after that every request reuses one.
    expect(server.sockets.size).toBeLessThanOrEqual(2);
  });

  test("`connections` limits the sockets per origin", async () => {
    const pending: Array<() => void> = [];
    server = await startServer((_req, res) => pending.push(() => res.end("ok")));
    transport = undiciTransport({ connections: 2 });
    const t = transport;
    const url = server.url;
    const all = Promise.all(Array.from({ length: 6 }, () => t({ method: "GET", url, headers: {} })));
    await waitUntil(() => pending.length >= 2);
    // Give a third socket time to appear if the limit did not hold.
    await new Promise((r) => setTimeout(r, 100));
    expect(pending).toHaveLength(2);
    const release = setInterval(() => {
      for (const done of pending.splice(0)) done();
    }, 10);
    await all;
    clearInterval(release);
    expect(server.sockets.size).toBe(2);
  });

  test("URL user-info becomes Basic authorization and leaves the URL", async () => {
    server = await startServer((req, res) => res.end(req.headers.authorization ?? "none"));
    transport = undiciTransport();
    const url = server.url.replace("http://", "http://admin:p%40ss@");
    const response = await transport({ method: "GET", url, headers: {} });
    expect(text(response.body)).toBe(`Basic ${Buffer.from("admin:p@ss").toString("base64")}`);
  });

  test("connection refused → NetworkError with the system error as cause", async () => {
    transport = undiciTransport();
    const port = await closedPort();
    const error = await rejection(
      transport({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} }),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(isNetworkError(error)).toBe(true);
    const e = error as NetworkError;
    expect(e.code).toBe("ECONNREFUSED");
    expect((e.cause as { code?: string }).code).toBe("ECONNREFUSED");
    expect(e.url).toBe(`http://127.0.0.1:${port}/`);
    expect(e.method).toBe("GET");
  });

  test("connection reset mid-response → NetworkError with the cause", async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    });
    transport = undiciTransport();
    const error = await rejection(transport({ method: "GET", url: server.url, headers: {} }));
    expect(error).toBeInstanceOf(NetworkError);
    const e = error as NetworkError;
    expect(e.cause).toBeInstanceOf(Error);
    expect(["ECONNRESET", "UND_ERR_SOCKET"]).toContain(e.code);
  });

  test("connection closed before any response → NetworkError", async () => {
    server = await startServer((req) => req.socket.destroy());
    transport = undiciTransport();
    const error = await rejection(transport({ method: "GET", url: server.url, headers: {} }));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toBeInstanceOf(Error);
  });

  test("headers timeout → TimeoutError phase headers", async () => {
    server = await startServer(() => {});
    transport = undiciTransport({ headersTimeout: 100 });
    const started = performance.now();
    const error = await rejection(transport({ method: "GET", url: server.url, headers: {} }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeout: 100, code: "TIMEOUT" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  test("connect timeout (a TLS handshake that never completes) → TimeoutError phase connect, retried", async () => {
    const silent = createServer(() => {});
    const accepted: Socket[] = [];
    silent.on("connection", (socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    transport = undiciTransport({ connectTimeout: 100 });
    try {
      const error = await rejection(
        transport({ method: "GET", url: `https://127.0.0.1:${port}/`, headers: {} }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ phase: "connect", timeout: 100 });
      const retried = await rejection(
        request(
          transport,
          { method: "GET", url: `https://127.0.0.1:${port}/`, headers: {} },
          { retry: { limit: 1, backoffBase: 1 } },
        ),
      );
      expect(retried).toMatchObject({ phase: "connect", attempts: 2 });
      expect(accepted).toHaveLength(3);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("body timeout → TimeoutError phase body", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first chunk");
    });
    transport = undiciTransport({ bodyTimeout: 100 });
    const error = await rejection(transport({ method: "GET", url: server.url, headers: {} }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "body", timeout: 100 });
  });

  test("abort before headers → the caller's exact reason", async () => {
    server = await startServer(() => {});
    transport = undiciTransport();
    const reason = new Error("caller gave up");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 30);
    const error = await rejection(
      transport({ method: "GET", url: server.url, headers: {}, signal: controller.signal }),
    );
    expect(error).toBe(reason);
  });

  test("abort during the body → the caller's exact reason, even a non-Error", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write("some");
    });
    transport = undiciTransport();
    const controller = new AbortController();
    const reason = { why: "shutdown" };
    const pending = transport({ method: "GET", url: server.url, headers: {}, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(pending)).toBe(reason);
  });

  test("already-aborted signal → its reason, nothing sent", async () => {
    server = await startServer((_req, res) => res.end());
    transport = undiciTransport();
    const signal = AbortSignal.abort("stop");
    expect(await rejection(transport({ method: "GET", url: server.url, headers: {}, signal }))).toBe("stop");
    expect(server.requests).toHaveLength(0);
  });

  test("bad input: invalid URL, other schemes, bad header, bad options → InvalidRequestError", async () => {
    transport = undiciTransport();
    const t = transport;
    const invalid = await rejection(t({ method: "GET", url: "not a url user:hunter2@", headers: {} }));
    expect(invalid).toBeInstanceOf(InvalidRequestError);
    expect((invalid as InvalidRequestError).message).not.toContain("hunter2");
    expect(await rejection(t({ method: "GET", url: "ftp://127.0.0.1/", headers: {} }))).toBeInstanceOf(
      InvalidRequestError,
    );
    const port = await closedPort();
    const badHeader = await rejection(
      t({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: { "x-bad": "a\r\nInjected: 1" } }),
    );
    expect(badHeader).toBeInstanceOf(InvalidRequestError);
    expect(() => undiciTransport({ connections: 0 })).toThrow(InvalidRequestError);
    expect(() => undiciTransport({ headersTimeout: -1 })).toThrow(InvalidRequestError);
    expect(() => undiciTransport({ tls: { fingerprint: "zz" } })).toThrow(/64 hex digits/);
    expect(() => undiciTransport({ maxResponseBytes: -1 })).toThrow(InvalidRequestError);
    expect(() => undiciTransport({ maxResponseBytes: 1.5 })).toThrow(InvalidRequestError);
    // @ts-expect-error: not a TLS version
    expect(() => undiciTransport({ tls: { minVersion: "SSLv3" } })).toThrow(/TLSv1, TLSv1.1/);
  });

  test("maxResponseBytes: a body at the limit passes, a larger one → ResponseTooLargeError", async () => {
    server = await startServer((req, res) => {
      const size = Number(req.url?.slice(1));
      // Chunked on purpose: no content-length to check up front, the limit is counted as bytes arrive.
      res.write(Buffer.alloc(Math.floor(size / 2), 0x61));
      res.end(Buffer.alloc(size - Math.floor(size / 2), 0x61));
    });
    transport = undiciTransport({ maxResponseBytes: 64 * 1024 });
    const ok = await transport({ method: "GET", url: `${server.url}/${64 * 1024}`, headers: {} });
    expect(ok.body.byteLength).toBe(64 * 1024);
    const error = await rejection(
      request(transport, { method: "GET", url: `${server.url}/${64 * 1024 + 1}`, headers: {} }, { retry: 2 }),
    );
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ code: "RESPONSE_TOO_LARGE", limit: 64 * 1024, attempts: 1 });
    expect((error as ResponseTooLargeError).message).toContain("larger than 65536 bytes");
    // The connection was dropped, not the transport: the next call works.
    const again = await transport({ method: "GET", url: `${server.url}/10`, headers: {} });
    expect(text(again.body)).toBe("a".repeat(10));
  });

  test("close() ends the agent: later requests fail with a typed error", async () => {
    server = await startServer((_req, res) => res.end("ok"));
    const t = undiciTransport();
    await t({ method: "GET", url: server.url, headers: {} });
    await t.close();
    const error = await rejection(t({ method: "GET", url: server.url, headers: {} }));
    expect(isNetworkError(error)).toBe(true);
  });
});

describe("undiciTransport over https", () => {
  let ca: KeyPair;
  let signed: KeyPair;
  let selfSigned: KeyPair;
  beforeAll(async () => {
    ca = await makeCa();
    signed = await makeLeaf(ca);
    selfSigned = await makeLeaf();
  });

  const get = (t: UndiciTransport, url: string) => t({ method: "GET", url, headers: {} });

  test("a certificate from the test CA is accepted with `ca`", async () => {
    server = await startServer((_req, res) => res.end("secure"), { tls: signed });
    transport = undiciTransport({ tls: { ca: ca.cert } });
    expect(text((await get(transport, server.url)).body)).toBe("secure");
  });

  test("`servername` verifies the certificate against another host name", async () => {
    server = await startServer((_req, res) => res.end("secure"), { tls: signed });
    transport = undiciTransport({ tls: { ca: ca.cert, servername: "localhost" } });
    expect(text((await get(transport, server.url)).body)).toBe("secure");
    const wrong = undiciTransport({ tls: { ca: ca.cert, servername: "ilo.example.invalid" } });
    try {
      const error = await rejection(get(wrong, server.url));
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await wrong.close();
    }
  });

  test("a self-signed certificate is rejected by default", async () => {
    server = await startServer((_req, res) => res.end("secure"), { tls: selfSigned });
    transport = undiciTransport();
    const error = await rejection(get(transport, server.url));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(server.requests).toHaveLength(0);
  });

  test("a self-signed certificate is accepted when given as `ca`", async () => {
    server = await startServer((_req, res) => res.end("secure"), { tls: selfSigned });
    transport = undiciTransport({ tls: { ca: selfSigned.cert } });
    expect(text((await get(transport, server.url)).body)).toBe("secure");
  });

  test("a self-signed certificate is accepted with an explicit rejectUnauthorized: false", async () => {
    server = await startServer((_req, res) => res.end("secure"), { tls: selfSigned });
    transport = undiciTransport({ tls: { rejectUnauthorized: false } });
    expect(text((await get(transport, server.url)).body)).toBe("secure");
  });

  test("a CA-signed certificate is rejected without the CA", async () => {
    server = await startServer((_req, res) => res.end("secure"), { tls: signed });
    transport = undiciTransport();
    const error = await rejection(get(transport, server.url));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  test("fingerprint pin: the matching certificate is accepted, in either notation", async () => {
    server = await startServer((_req, res) => res.end("pinned"), { tls: selfSigned });
    transport = undiciTransport({ tls: { fingerprint: selfSigned.fingerprint256 } });
    expect(text((await get(transport, server.url)).body)).toBe("pinned");
    expect(text((await get(transport, `${server.url}/again`)).body)).toBe("pinned");
    const bare = undiciTransport({
      tls: { fingerprint: [selfSigned.fingerprint256.replaceAll(":", "").toLowerCase()] },
    });
    try {
      expect(text((await get(bare, server.url)).body)).toBe("pinned");
    } finally {
      await bare.close();
    }
  });

  test("fingerprint pin: another certificate is rejected before any request is sent", async () => {
    server = await startServer((_req, res) => res.end("pinned"), { tls: selfSigned });
    transport = undiciTransport({ tls: { fingerprint: signed.fingerprint256 } });
    const error = await rejection(get(transport, server.url));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe(CERT_FINGERPRINT_MISMATCH);
    expect(server.requests).toHaveLength(0);
  });

  test("TLS versions: a server capped at TLS 1.2 refuses minVersion TLSv1.3; the default negotiates", async () => {
    server = await startServer((_req, res) => res.end("tls12"), {
      tls: { ...selfSigned, maxVersion: "TLSv1.2" },
    });
    transport = undiciTransport({ tls: { ca: selfSigned.cert, minVersion: "TLSv1.3" } });
    const error = await rejection(get(transport, server.url));
    expect(error).toBeInstanceOf(NetworkError);
    expect(server.requests).toHaveLength(0);
    const negotiated = undiciTransport({ tls: { ca: selfSigned.cert } });
    try {
      expect(text((await get(negotiated, server.url)).body)).toBe("tls12");
    } finally {
      await negotiated.close();
    }
  });

  test("TLS maxVersion and ciphers reach the handshake", async () => {
    server = await startServer((req, res) => res.end((req.socket as TLSSocket).getCipher().name), {
      tls: { ...selfSigned, minVersion: "TLSv1.3" },
    });
    transport = undiciTransport({ tls: { ca: selfSigned.cert, maxVersion: "TLSv1.2" } });
    expect(await rejection(get(transport, server.url))).toBeInstanceOf(NetworkError);
    await server.close();
    // TLS 1.2 with one cipher on the server: a client that offers only another one fails.
    server = await startServer((req, res) => res.end((req.socket as TLSSocket).getCipher().name), {
      tls: { ...selfSigned, maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384" },
    });
    const other = undiciTransport({ tls: { ca: selfSigned.cert, ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" } });
    const same = undiciTransport({ tls: { ca: selfSigned.cert, ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384" } });
    try {
      expect(await rejection(get(other, server.url))).toBeInstanceOf(NetworkError);
      expect(text((await get(same, server.url)).body)).toBe("ECDHE-ECDSA-AES256-GCM-SHA384");
    } finally {
      await other.close();
      await same.close();
    }
  });

  test("fingerprint pin with rejectUnauthorized: true also requires a trusted chain", async () => {
    server = await startServer((_req, res) => res.end("pinned"), { tls: selfSigned });
    transport = undiciTransport({
      tls: { fingerprint: selfSigned.fingerprint256, rejectUnauthorized: true },
    });
    const error = await rejection(get(transport, server.url));
    expect((error as NetworkError).code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });
});
