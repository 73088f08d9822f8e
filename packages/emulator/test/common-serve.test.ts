import { createHash } from "node:crypto";
import { Agent } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RouteError, type RouteTable, route, type ServedRoutes, serve } from "../src/index.js";
import { fetchRaw } from "./common-http-client.js";

const servers: ServedRoutes[] = [];
async function start(routes: RouteTable, options?: Parameters<typeof serve>[1]): Promise<ServedRoutes> {
  const served = await serve(routes, options);
  servers.push(served);
  return served;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((served) => served.close()));
});

const pools: RouteTable = [
  route("GET", "/api/pool", () => ({ body: [{ pool_name: "rbd" }] })),
  route("GET", "/api/pool/:name", (req) => ({ body: { pool_name: req.params.name, query: req.query } })),
  route("POST", "/api/pool", (req) => ({
    status: 201,
    body: { created: req.json<{ pool: string }>().pool },
  })),
  route("GET", "/boom", () => {
    throw new Error("handler exploded");
  }),
  route("GET", "/bad-header", () => ({ headers: { "x-broken": "line\nbreak" }, body: "never" })),
  route("GET", "/teapot", () => {
    throw new RouteError(418, "short and stout");
  }),
];

/** Sends raw bytes, then gives the server `waitMs` to answer; resolves with what came back (never rejects). */
function probe(port: number, bytes: Buffer, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    const socket = connect(port, "127.0.0.1", () => socket.end(bytes));
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** A small seeded PRNG (mulberry32) so the fuzz cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends raw bytes on a fresh TCP connection and returns everything the server sent back before closing. */
function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
}

describe("serve()", () => {
  it("binds loopback on a free port and answers JSON with params and query", async () => {
    const served = await start(pools);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.ca).toBeUndefined();
    const res = await fetchRaw(`${served.url}/api/pool/rbd%20fast?size=3&size=4&x=%C3%A9`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.text)).toEqual({ pool_name: "rbd fast", query: { size: "4", x: "é" } });
  });

  it("serves 100 concurrent keep-alive clients on 100 reused connections", async () => {
    const served = await start(pools);
    let connections = 0;
    served.server.on("connection", () => {
      connections++;
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) => fetchRaw(`${served.url}/api/pool/p${i}`, { agent })),
        );
        answers.forEach((res, i) => {
          expect(res.status).toBe(200);
          expect(JSON.parse(res.text).pool_name).toBe(`p${i}`);
          expect(res.headers.connection).toBe("keep-alive");
        });
      }
      expect(connections).toBe(100);
    } finally {
      agent.destroy();
    }
  });

  it("answers malformed HTTP with 400 on that connection and keeps serving", async () => {
    const served = await start(pools);
    const garbage = await sendRaw(served.port, "THIS IS NOT HTTP\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage).toContain("connection: close");
    const badHeader = await sendRaw(
      served.port,
      "GET /api/pool HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Without Colon\r\n\r\n",
    );
    expect(badHeader).toMatch(/^HTTP\/1\.1 400 /);
    const huge = await sendRaw(
      served.port,
      `GET /api/pool HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    const ok = await fetchRaw(`${served.url}/api/pool`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual([{ pool_name: "rbd" }]);
  });

  it("survives 300 seeded mutations of valid requests and keeps serving", async () => {
    const served = await start(pools, { bodyLimit: 4096 });
    const random = prng(20261127);
    const base = [
      'POST /api/pool HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"pool":"rbd"}',
      "PUT /api/pool/rbd HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "GET /api/pool/rbd?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    ];
    const inserts = [
      "\r\n",
      ":",
      "\u0000",
      "Content-Length: 99999999\r\n",
      "Content-Length: -1\r\n",
      "Transfer-Encoding: chunked\r\n",
      "zz\r\n",
      "%",
      "?",
      " ",
    ];
    const mutate = (text: string): Buffer => {
      const bytes = [...Buffer.from(text, "latin1")];
      for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
        const at = Math.floor(random() * bytes.length);
        const kind = random();
        if (kind < 0.4) bytes[at] = Math.floor(random() * 256);
        else if (kind < 0.6) bytes.splice(at, 1 + Math.floor(random() * 8));
        else
          bytes.splice(
            at,
            0,
            ...Buffer.from(inserts[Math.floor(random() * inserts.length)] as string, "latin1"),
          );
      }
      return Buffer.from(bytes);
    };
    const statuses = new Map<string, number>();
    for (let batch = 0; batch < 15; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          probe(served.port, mutate(base[(batch + i) % base.length] as string), 300),
        ),
      );
      for (const answer of answers) {
        const status = answer === "" ? "no answer" : (/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? "garbage");
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }
    expect(statuses.get("garbage")).toBeUndefined();
    expect(statuses.get("500")).toBeUndefined();
    expect(statuses.get("400")).toBeGreaterThan(0);
    const ok = await fetchRaw(`${served.url}/api/pool`);
    expect(ok.status).toBe(200);
  });

  it("answers 404 for unknown paths and 405 with Allow for wrong methods", async () => {
    const served = await start(pools);
    const missing = await fetchRaw(`${served.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error: "Not Found", path: "/api/nothing" });
    const wrong = await fetchRaw(`${served.url}/api/pool/rbd`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("GET, HEAD");
  });

  it("turns handler exceptions into 500 JSON without crashing, and RouteError into its status", async () => {
    const errors: unknown[] = [];
    const served = await start(pools, { onError: (error) => errors.push(error) });
    const boom = await fetchRaw(`${served.url}/boom`);
    expect(boom.status).toBe(500);
    expect(JSON.parse(boom.text)).toEqual({
      error: "Internal Server Error",
      name: "Error",
      message: "handler exploded",
    });
    expect(boom.text).not.toContain("at ");
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("handler exploded");
    const teapot = await fetchRaw(`${served.url}/teapot`);
    expect(teapot.status).toBe(418);
    expect(JSON.parse(teapot.text)).toEqual({ error: "short and stout" });
    const badHeader = await fetchRaw(`${served.url}/bad-header`);
    expect(badHeader.status).toBe(500);
    expect(JSON.parse(badHeader.text)).toMatchObject({
      error: "Internal Server Error",
      name: "InvalidResponse",
    });
    const badJson = await fetchRaw(`${served.url}/api/pool`, { method: "POST", body: "{not json" });
    expect(badJson.status).toBe(400);
    expect((await fetchRaw(`${served.url}/api/pool`)).status).toBe(200);
  });

  it("reassembles a chunked request body", async () => {
    const served = await start([
      route("PUT", "/upload", (req) => ({
        body: {
          bytes: req.body.byteLength,
          sha256: createHash("sha256").update(req.body).digest("hex"),
          te: req.headers["transfer-encoding"],
        },
      })),
    ]);
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
    const res = await fetchRaw(`${served.url}/upload`, { method: "PUT", body: chunks });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      bytes: 500_000,
      sha256: createHash("sha256").update(Buffer.concat(chunks)).digest("hex"),
      te: "chunked",
    });
  });

  it("rejects a body over the limit with 413, declared or chunked, and keeps serving", async () => {
    const served = await start(
      [route("POST", "/small", (req) => ({ body: { bytes: req.body.byteLength } }))],
      {
        bodyLimit: 1024,
      },
    );
    const declared = await fetchRaw(`${served.url}/small`, { method: "POST", body: Buffer.alloc(2048) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toEqual({ error: "Payload Too Large", limit: 1024 });
    const chunked = await fetchRaw(`${served.url}/small`, {
      method: "POST",
      body: [Buffer.alloc(600), Buffer.alloc(600)],
    });
    // The server answers 413 as soon as the limit passes and drops the rest: the client sees the answer.
    expect(chunked.status).toBe(413);
    const fits = await fetchRaw(`${served.url}/small`, { method: "POST", body: Buffer.alloc(1024) });
    expect(JSON.parse(fits.text)).toEqual({ bytes: 1024 });
  });

  it("streams a large response with chunked encoding and back-pressure", async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const served = await start([
      route("GET", "/big", () => ({
        body: (async function* () {
          for (let i = 0; i < 512; i++) yield chunk;
        })(),
      })),
    ]);
    const res = await fetchRaw(`${served.url}/big`);
    expect(res.status).toBe(200);
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    expect(res.body.byteLength).toBe(512 * 64 * 1024);
    expect(res.body.every((byte) => byte === 7)).toBe(true);
  });

  it("does not report a client that goes away mid-body as a server error", async () => {
    const errors: unknown[] = [];
    const served = await start([route("POST", "/upload", (req) => ({ body: req.body.byteLength }))], {
      onError: (error) => errors.push(error),
    });
    await new Promise<void>((resolve) => {
      const socket = connect(served.port, "127.0.0.1", () => {
        socket.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\npartial");
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on("close", () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
    expect((await fetchRaw(`${served.url}/upload`, { method: "POST", body: "abc" })).text).toBe("3");
  });

  it("stops the producer and aborts the handler's signal when the client goes away mid-stream", async () => {
    let finished: () => void = () => {};
    const producerStopped = new Promise<void>((resolve) => {
      finished = resolve;
    });
    let aborted = false;
    const served = await start([
      route("GET", "/endless", (req) => ({
        body: (async function* () {
          try {
            for (;;) {
              yield Buffer.alloc(64 * 1024);
              await new Promise((resolve) => setImmediate(resolve));
            }
          } finally {
            aborted = req.signal.aborted;
            finished();
          }
        })(),
      })),
    ]);
    const { request } = await import("node:http");
    await new Promise<void>((resolve) => {
      const req = request(`${served.url}/endless`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => {});
      req.end();
    });
    await producerStopped;
    expect(aborted).toBe(true);
    expect((await fetchRaw(`${served.url}/api/pool`).catch(() => undefined))?.status).toBe(404);
  });

  it("gives raw control of the reason phrase, header case and order, and framing", async () => {
    const served = await start([
      route("GET", "/reason", () => ({ status: 200, statusText: "Everything Fine", body: "ok" })),
      route("GET", "/raw-headers", () => ({
        rawHeaders: [
          ["X-Zeta", "1"],
          ["Content-Type", "text/xml"],
          ["X-Alpha", "2"],
        ],
        body: "<a/>",
      })),
      route("GET", "/close-framed", () => ({ framing: "close", body: "until the end" })),
      route("GET", "/chunked-framed", () => ({ framing: "chunked", body: "in chunks" })),
      route("HEAD", "/head", () => ({ body: "not sent" })),
    ]);
    const reason = await fetchRaw(`${served.url}/reason`);
    expect(reason.statusMessage).toBe("Everything Fine");
    expect(reason.headers["content-type"]).toBe("text/plain; charset=utf-8");

    const raw = await fetchRaw(`${served.url}/raw-headers`);
    const names = raw.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names.slice(0, 3)).toEqual(["X-Zeta", "Content-Type", "X-Alpha"]);
    expect(raw.text).toBe("<a/>");

    const closeFramed = await sendRaw(served.port, "GET /close-framed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(closeFramed).not.toMatch(/content-length|transfer-encoding/i);
    expect(closeFramed).toMatch(/\r\n\r\nuntil the end$/);

    const chunked = await fetchRaw(`${served.url}/chunked-framed`);
    expect(chunked.headers["transfer-encoding"]).toBe("chunked");
    expect(chunked.text).toBe("in chunks");

    const head = await fetchRaw(`${served.url}/head`, { method: "HEAD" });
    expect(head.headers["content-length"]).toBe("8");
    expect(head.body.byteLength).toBe(0);
  });

  it("writes raw bytes verbatim and closes the connection (odd BMC framing)", async () => {
    const served = await start([
      route("POST", "/ribcl", () => ({
        raw: 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<?xml version="1.0"?>\r\n<RIBCL VERSION="2.23"/>\r\n',
      })),
    ]);
    const received = await sendRaw(
      served.port,
      "POST /ribcl HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
    );
    expect(received).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<?xml version="1.0"?>\r\n<RIBCL VERSION="2.23"/>\r\n',
    );
  });

  it("injects faults: reset, close without answer, truncated body", async () => {
    const served = await start([
      route("GET", "/reset", () => ({ fault: "reset" })),
      route("GET", "/close", () => ({ fault: "close" })),
      route("GET", "/truncate", () => ({ fault: "truncate", body: "x".repeat(1000) })),
    ]);
    await expect(fetchRaw(`${served.url}/reset`, { agent: false })).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    await expect(fetchRaw(`${served.url}/close`, { agent: false })).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    await expect(fetchRaw(`${served.url}/truncate`, { agent: false })).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    expect((await fetchRaw(`${served.url}/api/pool`)).status).toBe(404);
  });

  it("rejects a table with clashing routes when built", async () => {
    await expect(
      serve([route("GET", "/a/:x", () => ({})), route("GET", "/a/:x", () => ({}))]),
    ).rejects.toThrow(/invalid route GET \/a\/:x/);
  });

  it("close() is idempotent and frees the port", async () => {
    const served = await serve(pools);
    await Promise.all([served.close(), served.close()]);
    await expect(fetchRaw(`${served.url}/api/pool`, { agent: false })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  it("resets the connection over HTTPS too (a TLS socket cannot be reset itself) and keeps serving", async () => {
    const served = await start(
      [route("GET", "/reset", () => ({ fault: "reset" })), route("GET", "/ok", () => ({ body: "fine" }))],
      { tls: "self-signed" },
    );
    const ca = served.ca as string;
    await expect(fetchRaw(`${served.url}/reset`, { ca, agent: false })).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    expect((await fetchRaw(`${served.url}/ok`, { ca, agent: false })).text).toBe("fine");
  });

  it("answers a route's beforeBody check without reading the body", async () => {
    let handled = 0;
    const served = await start([
      route("PUT", "/guarded", () => ({ status: 204, body: String(++handled) }), {
        bodyLimit: 1 << 30,
        beforeBody: (head) =>
          head.headers.authorization === "Bearer ok"
            ? undefined
            : { status: 401, body: { error: "no token" } },
      }),
    ]);
    // Declares a GiB and sends none of it: the answer comes at once, and the connection closes.
    const unauthorized = await probe(
      served.port,
      Buffer.from(`PUT /guarded HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${1 << 30}\r\n\r\n`),
      5_000,
    );
    // (the connection is cut after a short drain: the probe ends well before its 5 s)
    expect(unauthorized).toMatch(/^HTTP\/1\.1 401 /);
    expect(handled).toBe(0);
    const authorized = await fetchRaw(`${served.url}/guarded`, {
      method: "PUT",
      headers: { authorization: "Bearer ok" },
      body: "x".repeat(1000),
    });
    expect(authorized.status).toBe(204);
    expect(handled).toBe(1);
  });

  it("never echoes more than a bounded part of the request (a 404 for a long path)", async () => {
    const served = await start(pools);
    const res = await fetchRaw(`${served.url}/${"p".repeat(8000)}`);
    expect(res.status).toBe(404);
    expect(res.text.length).toBeLessThan(1200);
    expect(JSON.parse(res.text).path).toMatch(/… \(8001 characters\)$/);
  });
});
