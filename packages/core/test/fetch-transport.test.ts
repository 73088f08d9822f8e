import { afterEach, describe, expect, test } from "vitest";
import {
  type FetchLike,
  fetchTransport,
  InvalidRequestError,
  NetworkError,
  request,
  TimeoutError,
} from "../src/index.js";
import { rejection, waitUntil } from "./helpers/async.js";
import { closedPort, startServer, type TestServer, text } from "./helpers/server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("fetchTransport", () => {
  test("uses globalThis.fetch: method, headers, body, status, set-cookie kept apart", async () => {
    server = await startServer((req, res, body) => {
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.writeHead(202, { "content-type": "text/plain", "x-method": req.method ?? "" });
      res.end(`${body.toString()}|${req.headers["x-custom"]}|${req.headers.authorization}`);
    });
    const transport = fetchTransport();
    const url = server.url.replace("http://", "http://admin:pw@");
    const response = await transport({
      method: "PUT",
      url: `${url}/a`,
      headers: { "x-custom": "1" },
      body: "hello",
    });
    expect(response.status).toBe(202);
    expect(response.headers["x-method"]).toBe("PUT");
    expect(response.headers["set-cookie"]).toBe("a=1\nb=2");
    expect(text(response.body)).toBe(`hello|1|Basic ${Buffer.from("admin:pw").toString("base64")}`);
  });

  test("does not follow redirects: the client sees the 3xx", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(302, { location: "/elsewhere" });
      res.end();
    });
    const response = await fetchTransport()({ method: "GET", url: server.url, headers: {} });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/elsewhere");
  });

  test("an injected fetch is used instead of the global one", async () => {
    const calls: string[] = [];
    const fake: FetchLike = async (input, init) => {
      calls.push(`${init.method} ${input}`);
      return new Response("injected", { status: 200 });
    };
    const response = await fetchTransport(fake)({
      method: "GET",
      url: "http://emulator.invalid/x",
      headers: {},
    });
    expect(text(response.body)).toBe("injected");
    expect(calls).toEqual(["GET http://emulator.invalid/x"]);
  });

  test("connection refused → NetworkError with the system error as cause", async () => {
    const port = await closedPort();
    const error = await rejection(
      fetchTransport()({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} }),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("ECONNREFUSED");
    expect((error as NetworkError).cause).toBeInstanceOf(Error);
  });

  test("connection reset → NetworkError", async () => {
    server = await startServer((req) => req.socket.resetAndDestroy());
    const error = await rejection(fetchTransport()({ method: "GET", url: server.url, headers: {} }));
    expect(error).toBeInstanceOf(NetworkError);
  });

  test("abort → the caller's exact reason", async () => {
    server = await startServer(() => {});
    const controller = new AbortController();
    const reason = new Error("mine");
    setTimeout(() => controller.abort(reason), 30);
    const error = await rejection(
      fetchTransport()({ method: "GET", url: server.url, headers: {}, signal: controller.signal }),
    );
    expect(error).toBe(reason);
  });

  test("with request(): the total deadline → TimeoutError", async () => {
    server = await startServer(() => {});
    const error = await rejection(
      request(fetchTransport(), { method: "GET", url: server.url, headers: {} }, { timeout: 60 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });

  test("with request(): the deadline aborts the fetch itself, the server sees the connection go", async () => {
    let closed = false;
    server = await startServer((req) => req.socket.on("close", () => (closed = true)));
    const error = await rejection(
      request(fetchTransport(), { method: "GET", url: server.url, headers: {} }, { timeout: 60 }),
    );
    expect(error).toMatchObject({ name: "TimeoutError", phase: "total", timeout: 60 });
    await waitUntil(() => closed, 2000);
  });

  test("headersTimeout → TimeoutError phase headers, and the fetch is aborted", async () => {
    let closed = false;
    server = await startServer((req) => req.socket.on("close", () => (closed = true)));
    const error = await rejection(
      fetchTransport(undefined, { headersTimeout: 50 })({ method: "GET", url: server.url, headers: {} }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeout: 50 });
    await waitUntil(() => closed, 2000);
  });

  test("headersTimeout stops once the headers are in: a slow body is not cut by it", async () => {
    // An injected fetch makes the order certain: headers at once, the body well after the deadline;
    // a timer left running would have aborted the signal the body read checks.
    let signal: AbortSignal | undefined;
    const slowBody: FetchLike = async (_input, init) => {
      signal = init.signal;
      return {
        status: 200,
        headers: new Headers(),
        arrayBuffer: async () => {
          await new Promise((r) => setTimeout(r, 120));
          signal?.throwIfAborted();
          return new TextEncoder().encode("ab").buffer as ArrayBuffer;
        },
      };
    };
    const response = await fetchTransport(slowBody, { headersTimeout: 30 })({
      method: "GET",
      url: "http://emulator.invalid/",
      headers: {},
    });
    expect(text(response.body)).toBe("ab");
    expect(signal?.aborted).toBe(false);
  });

  test("headersTimeout: the caller's abort still wins with its own reason", async () => {
    server = await startServer(() => {});
    const controller = new AbortController();
    const reason = new Error("mine");
    setTimeout(() => controller.abort(reason), 20);
    const error = await rejection(
      fetchTransport(undefined, { headersTimeout: 5000 })({
        method: "GET",
        url: server.url,
        headers: {},
        signal: controller.signal,
      }),
    );
    expect(error).toBe(reason);
  });

  test("bad input → InvalidRequestError", async () => {
    expect(() => fetchTransport(undefined, { headersTimeout: -1 })).toThrow(InvalidRequestError);
    const t = fetchTransport();
    expect(await rejection(t({ method: "GET", url: "nope", headers: {} }))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(await rejection(t({ method: "GET", url: "file:///etc/passwd", headers: {} }))).toBeInstanceOf(
      InvalidRequestError,
    );
  });
});
