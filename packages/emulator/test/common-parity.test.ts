import { HttpError, InvalidRequestError, isApiError, NetworkError } from "@homelab-kit/core";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RouteError,
  type RouteResponse,
  type RouteTable,
  route,
  routesTransport,
  type ServedRoutes,
  serve,
} from "../src/index.js";
import { toMswHandlers } from "../src/msw/index.js";
import { fetchRaw } from "./common-http-client.js";

/** One table exercising every response shape; the three front ends must agree on all of it. */
const table: RouteTable = [
  route("GET", "/api/pool/:name", (req) => ({
    headers: { "x-pool": req.params.name ?? "" },
    body: { pool_name: req.params.name, query: req.query, accept: req.headers.accept ?? null },
  })),
  route("POST", "/api/echo", (req) => ({
    status: 201,
    body: { got: req.json(), type: req.headers["content-type"] },
  })),
  route("GET", "/text", () => ({ body: "plain words" })),
  route("GET", "/bytes", () => ({ body: new Uint8Array([0, 1, 2, 250]) })),
  route("GET", "/stream", () => ({
    body: (async function* () {
      for (let i = 0; i < 5; i++) yield new TextEncoder().encode(`part${i};`);
    })(),
  })),
  route("GET", "/reason", () => ({ status: 202, statusText: "Accepted Later", body: { ok: true } })),
  route("POST", "/ribcl", () => ({
    raw: 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<RIBCL VERSION="2.23"><NAME>café</NAME></RIBCL>',
  })),
  route("GET", "/stream-fails", () => ({
    body: (async function* () {
      yield new TextEncoder().encode("first part;");
      throw new Error("disk on fire");
    })(),
  })),
  route("GET", "/cookies", () => ({ headers: { "set-cookie": ["a=1", "b=2"] }, body: "c" })),
  route("GET", "/boom", () => {
    throw new TypeError("kaputt");
  }),
  route("DELETE", "/api/pool/:name", () => {
    throw new RouteError(409, "pool in use");
  }),
  route("GET", "/files/*", (req) => ({ body: { rest: req.params["*"] } })),
  route("GET", "/reset", () => ({ fault: "reset" })),
  route("ALL", "/any", (req) => ({ body: { method: req.method } })),
  route("GET", "/invalid/nothing", () => undefined as unknown as RouteResponse),
  route("GET", "/invalid/status", async () => ({ status: 999 })),
  route("GET", "/invalid/header", () => ({ headers: { "x-bad": "a\r\nInjected: yes" }, body: "x" })),
  route("GET", "/invalid/route-error", () => {
    throw new RouteError(42, "not a status");
  }),
];

interface Answer {
  status: number;
  contentType: string | undefined;
  /** `content-length: N` or `transfer-encoding: chunked`: how the body was delimited. */
  framing: string | undefined;
  body: string;
}

function framingOf(get: (name: string) => string | null | undefined): string | undefined {
  const length = get("content-length");
  if (length !== null && length !== undefined) return `content-length: ${length}`;
  const encoding = get("transfer-encoding");
  return encoding === null || encoding === undefined ? undefined : `transfer-encoding: ${encoding}`;
}

const cases: Array<{
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}> = [
  {
    name: "params, query, headers",
    method: "GET",
    path: "/api/pool/rbd?size=3&tag=a&tag=b",
    headers: { accept: "application/json" },
  },
  {
    name: "JSON request body",
    method: "POST",
    path: "/api/echo",
    body: '{"a":[1,2]}',
    headers: { "content-type": "application/json" },
  },
  { name: "text body", method: "GET", path: "/text" },
  { name: "bytes body", method: "GET", path: "/bytes" },
  { name: "streamed body", method: "GET", path: "/stream" },
  { name: "status and reason", method: "GET", path: "/reason" },
  { name: "raw response", method: "POST", path: "/ribcl", body: "<RIBCL/>" },
  { name: "handler throws → 500", method: "GET", path: "/boom" },
  { name: "RouteError → its status", method: "DELETE", path: "/api/pool/rbd" },
  { name: "unknown path → 404", method: "GET", path: "/nothing/here" },
  { name: "wrong method → 405", method: "PUT", path: "/text" },
  { name: "invalid JSON → 400", method: "POST", path: "/api/echo", body: "{" },
  { name: "wildcard", method: "GET", path: "/files/a/b/c.txt" },
  { name: "handler returns nothing → 500", method: "GET", path: "/invalid/nothing" },
  { name: "status out of range → 500", method: "GET", path: "/invalid/status" },
  { name: "header with CRLF → 500, no injection", method: "GET", path: "/invalid/header" },
  { name: "RouteError with a bad status → 500", method: "GET", path: "/invalid/route-error" },
  { name: "HEAD on a GET route", method: "HEAD", path: "/text" },
  { name: "ALL route, PATCH", method: "PATCH", path: "/any" },
  { name: "ALL route, GET", method: "GET", path: "/any" },
];

let served: ServedRoutes;
const mswOrigin = "http://emulator.test";
const mswServer = setupServer(...toMswHandlers(table, { baseUrl: mswOrigin }));

beforeAll(async () => {
  served = await serve(table);
  mswServer.listen({ onUnhandledRequest: "bypass" });
});
afterAll(async () => {
  mswServer.close();
  await served.close();
});

async function viaSocket(c: (typeof cases)[number]): Promise<Answer> {
  const res = await fetchRaw(`${served.url}${c.path}`, {
    method: c.method,
    ...(c.headers === undefined ? {} : { headers: c.headers }),
    ...(c.body === undefined ? {} : { body: c.body }),
  });
  return {
    status: res.status,
    contentType: res.headers["content-type"],
    framing: framingOf((name) => res.headers[name] as string | undefined),
    body: res.text,
  };
}

const transport = routesTransport(table);
async function viaTransport(c: (typeof cases)[number]): Promise<Answer> {
  const res = await transport({
    method: c.method,
    url: `http://in-process.test${c.path}`,
    headers: c.headers ?? {},
    body: c.body,
  });
  return {
    status: res.status,
    contentType: res.headers["content-type"],
    framing: framingOf((name) => res.headers[name]),
    body: new TextDecoder().decode(res.body),
  };
}

async function viaMsw(c: (typeof cases)[number]): Promise<Answer> {
  const init: RequestInit = { method: c.method };
  if (c.headers !== undefined) init.headers = c.headers;
  if (c.body !== undefined) init.body = c.body;
  const res = await fetch(`${mswOrigin}${c.path}`, init);
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? undefined,
    framing: framingOf((name) => res.headers.get(name)),
    body: await res.text(),
  };
}

describe("one table, three front ends", () => {
  for (const c of cases) {
    it(`${c.name}: routesTransport and msw answer as serve() does`, async () => {
      const expected = await viaSocket(c);
      expect(expected.status).toBeGreaterThanOrEqual(200);
      expect(await viaTransport(c)).toEqual(expected);
      expect(await viaMsw(c)).toEqual(expected);
    });
  }

  it("the answers are the expected ones (not merely equal to each other)", async () => {
    const pool = await viaTransport(cases[0] as (typeof cases)[number]);
    expect(JSON.parse(pool.body)).toEqual({
      pool_name: "rbd",
      query: { size: "3", tag: "b" },
      accept: "application/json",
    });
    expect(await viaTransport({ name: "", method: "GET", path: "/stream" })).toMatchObject({
      body: "part0;part1;part2;part3;part4;",
    });
    expect(await viaTransport({ name: "", method: "HEAD", path: "/text" })).toEqual({
      status: 200,
      contentType: "text/plain; charset=utf-8",
      framing: "content-length: 11",
      body: "",
    });
    expect((await viaTransport({ name: "", method: "GET", path: "/stream" })).framing).toBe(
      "transfer-encoding: chunked",
    );
    expect(JSON.parse((await viaSocket({ name: "", method: "PATCH", path: "/any" })).body)).toEqual({
      method: "PATCH",
    });
    expect(await viaMsw({ name: "", method: "POST", path: "/ribcl" })).toEqual({
      status: 200,
      contentType: "text/xml",
      framing: undefined,
      body: '<RIBCL VERSION="2.23"><NAME>café</NAME></RIBCL>',
    });
  });
});

describe("a response stream that fails midway", () => {
  it("cuts the body off on a socket, rejects with NetworkError in-process and a TypeError under msw", async () => {
    await expect(fetchRaw(`${served.url}/stream-fails`)).rejects.toThrow();
    expect((await fetchRaw(`${served.url}/text`)).status).toBe(200);
    const error = await transport({ method: "GET", url: "http://x.test/stream-fails", headers: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("UND_ERR_SOCKET");
    expect(((error as NetworkError).cause as Error).message).toBe("disk on fire");
    await expect(fetch(`${mswOrigin}/stream-fails`)).rejects.toThrow(TypeError);
  });
});

describe("reason phrases", () => {
  it("msw answers carry the same reason phrase as the socket, default or custom", async () => {
    for (const path of ["/text", "/reason", "/nothing/here"]) {
      const socket = await fetchRaw(`${served.url}${path}`);
      const mocked = await fetch(`${mswOrigin}${path}`);
      expect(mocked.statusText).toBe(socket.statusMessage);
    }
    expect((await fetch(`${mswOrigin}/reason`)).statusText).toBe("Accepted Later");
  });
});

describe("routesTransport()", () => {
  it("returns lower-case headers, set-cookie joined with newlines, reason-less plain data", async () => {
    const res = await transport({ method: "GET", url: "http://x.test/cookies", headers: {} });
    expect(res.headers["set-cookie"]).toBe("a=1\nb=2");
    expect(res.body).toBeInstanceOf(Uint8Array);
    const pool = await transport({
      method: "get",
      url: "http://x.test/api/pool/rbd",
      headers: { Accept: "text/plain" },
    });
    expect(pool.headers["x-pool"]).toBe("rbd");
    expect(JSON.parse(new TextDecoder().decode(pool.body)).accept).toBe("text/plain");
  });

  it("treats URLs as core's transports do: user-info becomes Basic auth, bad URLs are InvalidRequestError", async () => {
    const whoami = routesTransport([
      route("GET", "/whoami", (req) => ({ body: req.headers.authorization ?? "none" })),
    ]);
    const res = await whoami({ method: "GET", url: "http://admin:s3cr%40t@x.test/whoami", headers: {} });
    expect(new TextDecoder().decode(res.body)).toBe(
      `Basic ${Buffer.from("admin:s3cr@t").toString("base64")}`,
    );
    for (const url of ["not a url", "ftp://x.test/whoami", "http://admin:canary-s3cret@[broken/whoami"]) {
      const error = await whoami({ method: "GET", url, headers: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(String(error)).not.toContain("canary-s3cret");
      expect(JSON.stringify(error)).not.toContain("canary-s3cret");
    }
  });

  it("injected faults reject with core's NetworkError", async () => {
    const error = await transport({ method: "GET", url: "http://x.test/reset", headers: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(isApiError(error) && error.code).toBe("ECONNRESET");
    expect(error).not.toBeInstanceOf(HttpError);
  });

  it("rejects with the caller's abort reason, untouched, before and during a call", async () => {
    const slow = routesTransport([route("GET", "/slow", () => new Promise(() => {}))]);
    const reason = new Error("caller gave up");
    const before = AbortSignal.abort(reason);
    await expect(
      slow({ method: "GET", url: "http://x.test/slow", headers: {}, signal: before }),
    ).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = slow({
      method: "GET",
      url: "http://x.test/slow",
      headers: {},
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("answers 413 over the body limit, like serve()", async () => {
    const small = routesTransport([route("POST", "/p", (req) => ({ body: req.body.byteLength }))], {
      bodyLimit: 10,
    });
    expect(
      (await small({ method: "POST", url: "http://x.test/p", headers: {}, body: "0123456789" })).status,
    ).toBe(200);
    expect(
      (await small({ method: "POST", url: "http://x.test/p", headers: {}, body: "0123456789A" })).status,
    ).toBe(413);
  });
});

describe("toMswHandlers()", () => {
  it("lets paths the table does not know fall through, and turns faults into network errors", async () => {
    const other = setupServer(...toMswHandlers([route("GET", "/known", () => ({ body: "yes" }))]));
    other.listen({ onUnhandledRequest: "error" });
    try {
      expect(await (await fetch("http://anywhere.test/known")).text()).toBe("yes");
      await expect(fetch("http://anywhere.test/unknown")).rejects.toThrow();
    } finally {
      other.close();
    }
    await expect(fetch(`${mswOrigin}/reset`)).rejects.toThrow(TypeError);
  });
});
