import { afterEach, describe, expect, test } from "vitest";
import {
  type ApiError,
  HttpError,
  InvalidRequestError,
  isTimeoutError,
  NetworkError,
  request,
  TimeoutError,
  type Transport,
  type UndiciTransport,
  undiciTransport,
} from "../src/index.js";
import { rejection } from "./helpers/async.js";
import { closedPort, startServer, type TestServer, text } from "./helpers/server.js";

let server: TestServer | undefined;
let transport: UndiciTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

/** A server answering with the given statuses in turn (the last one repeats). */
async function statusSequence(statuses: number[], headers: Record<string, string> = {}): Promise<TestServer> {
  let i = 0;
  return startServer((_req, res) => {
    const status = statuses[Math.min(i++, statuses.length - 1)] ?? 200;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify({ status }));
  });
}

const fast = { backoffBase: 5, backoffLimit: 20 };

describe("request()", () => {
  test("returns the response with attempts = 1", async () => {
    server = await statusSequence([200]);
    transport = undiciTransport();
    const response = await request(transport, { method: "GET", url: server.url, headers: {} });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(1);
    expect(JSON.parse(text(response.body))).toEqual({ status: 200 });
  });

  test("maps >= 400 to HttpError by default, with status, body and attempts", async () => {
    server = await statusSequence([404]);
    transport = undiciTransport();
    const error = await rejection(
      request(transport, { method: "GET", url: `${server.url}/nope`, headers: {} }),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 404, method: "GET", body: { status: 404 }, attempts: 1 });
    expect((error as HttpError).url).toBe(`${server.url}/nope`);
  });

  test("httpError: false returns every response; a client mapper throws its own error", async () => {
    server = await statusSequence([409]);
    transport = undiciTransport();
    const req = { method: "DELETE", url: server.url, headers: {} };
    expect((await request(transport, req, { httpError: false })).status).toBe(409);
    class ConflictError extends HttpError {
      static override readonly kind = "ConflictError";
    }
    const error = await rejection(
      request(transport, req, {
        httpError: (response, r) =>
          response.status === 409 ? new ConflictError({ request: r, response }) : undefined,
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as ConflictError).name).toBe("ConflictError");
  });

  test("retries an idempotent request on 503 and counts the attempts", async () => {
    server = await statusSequence([503, 502, 200]);
    transport = undiciTransport();
    const response = await request(
      transport,
      { method: "GET", url: server.url, headers: {} },
      { retry: fast },
    );
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  test("gives up after the limit: the last HttpError carries attempts = limit + 1", async () => {
    server = await statusSequence([500]);
    transport = undiciTransport();
    const error = await rejection(
      request(
        transport,
        { method: "PUT", url: server.url, headers: {}, body: "x" },
        { retry: { ...fast, limit: 3 } },
      ),
    );
    expect(error).toMatchObject({ status: 500, attempts: 4 });
    expect(server.requests).toHaveLength(4);
    expect(server.requests.every((r) => r.body === "x")).toBe(true);
  });

  test("never retries a POST, even with retries on", async () => {
    server = await statusSequence([503, 200]);
    transport = undiciTransport();
    const error = await rejection(
      request(transport, { method: "POST", url: server.url, headers: {} }, { retry: 5 }),
    );
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  test("retries a POST explicitly marked idempotent (XML-RPC *.info)", async () => {
    server = await statusSequence([503, 200]);
    transport = undiciTransport();
    const response = await request(
      transport,
      { method: "POST", url: server.url, headers: {}, body: "<methodCall/>", idempotent: true },
      { retry: fast },
    );
    expect(response.attempts).toBe(2);
  });

  test("retries are off by default", async () => {
    server = await statusSequence([503, 200]);
    transport = undiciTransport();
    const error = await rejection(request(transport, { method: "GET", url: server.url, headers: {} }));
    expect(error).toMatchObject({ status: 503, attempts: 1 });
  });

  test("per-call options override client defaults; retry: false turns a default off", async () => {
    server = await statusSequence([503, 503, 200]);
    transport = undiciTransport();
    const req = { method: "GET", url: server.url, headers: {} };
    const defaults = { retry: { ...fast, limit: 5 } };
    const off = await rejection(request(transport, req, { defaults, retry: false }));
    expect(off).toMatchObject({ attempts: 1 });
    const on = await request(transport, req, { defaults });
    expect(on.attempts).toBe(2);
  });

  test("honours Retry-After (seconds) over the backoff", async () => {
    server = await statusSequence([429, 200], { "retry-after": "1" });
    transport = undiciTransport();
    const started = performance.now();
    const response = await request(
      transport,
      { method: "GET", url: server.url, headers: {} },
      { retry: { backoffBase: 1, backoffLimit: 1 } },
    );
    expect(response.attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  test("does not wait for a Retry-After beyond the total deadline", async () => {
    server = await statusSequence([503, 200], { "retry-after": "30" });
    transport = undiciTransport();
    const started = performance.now();
    const error = await rejection(
      request(transport, { method: "GET", url: server.url, headers: {} }, { retry: true, timeout: 2000 }),
    );
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    // Waiting would take until the 2000 ms deadline.
    expect(performance.now() - started).toBeLessThan(1800);
  });

  test("retries network errors (connection refused) and counts them", async () => {
    transport = undiciTransport();
    const port = await closedPort();
    const error = await rejection(
      request(transport, { method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} }, { retry: fast }),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", attempts: 3 });
  });

  test("total deadline → TimeoutError phase total, distinct from the caller's abort", async () => {
    server = await startServer(() => {});
    transport = undiciTransport();
    const error = await rejection(
      request(transport, { method: "GET", url: server.url, headers: {} }, { timeout: 100 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "total", timeout: 100, attempts: 1 });
  });

  test("the deadline covers retries and backoff", async () => {
    server = await statusSequence([503]);
    transport = undiciTransport();
    const started = performance.now();
    const error = await rejection(
      request(
        transport,
        { method: "GET", url: server.url, headers: {} },
        { timeout: 300, retry: { limit: 1000, backoffBase: 20, backoffLimit: 20, random: () => 1 } },
      ),
    );
    const elapsed = performance.now() - started;
    // Either the deadline fired mid-wait, or the next wait no longer fitted: both end near 300 ms.
    expect(isTimeoutError(error) || (error as HttpError).status === 503).toBe(true);
    expect((error as ApiError).attempts).toBeGreaterThan(2);
    expect(elapsed).toBeLessThan(2000);
  });

  test("a caller's abort during backoff → the caller's exact reason", async () => {
    server = await statusSequence([503]);
    transport = undiciTransport();
    const controller = new AbortController();
    const reason = new Error("user pressed ctrl-c");
    setTimeout(() => controller.abort(reason), 80);
    const error = await rejection(
      request(
        transport,
        { method: "GET", url: server.url, headers: {} },
        {
          signal: controller.signal,
          retry: { limit: 100, backoffBase: 1000, backoffLimit: 1000, random: () => 1 },
        },
      ),
    );
    expect(error).toBe(reason);
    expect((reason as Partial<ApiError>).attempts).toBeUndefined();
  });

  test("a client-default signal aborts too", async () => {
    server = await startServer(() => {});
    transport = undiciTransport();
    const controller = new AbortController();
    setTimeout(() => controller.abort("client closed"), 30);
    const error = await rejection(
      request(
        transport,
        { method: "GET", url: server.url, headers: {} },
        { defaults: { signal: controller.signal } },
      ),
    );
    expect(error).toBe("client closed");
  });

  test("one signal shared by 50 concurrent calls: no listener warning, and it aborts them all", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const held: Array<() => void> = [];
      server = await startServer((_req, res) => held.push(() => res.end("ok")));
      transport = undiciTransport();
      const t = transport;
      const url = server.url;
      const controller = new AbortController();
      const calls = Array.from({ length: 50 }, () =>
        rejection(
          request(t, { method: "GET", url, headers: {} }, { defaults: { signal: controller.signal } }),
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      const reason = new Error("client closed");
      controller.abort(reason);
      const errors = await Promise.all(calls);
      expect(errors.every((e) => e === reason)).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  test("the deadline holds even for a transport that ignores the signal", async () => {
    const stuck: Transport = () => new Promise(() => {});
    const error = await rejection(
      request(stuck, { method: "GET", url: "http://x.invalid/", headers: {} }, { timeout: 50 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });

  test("bad input → InvalidRequestError or RangeError, before anything is sent", async () => {
    transport = undiciTransport();
    const t = transport;
    expect(
      await rejection(request(t, { method: "GE T", url: "http://127.0.0.1/", headers: {} })),
    ).toBeInstanceOf(InvalidRequestError);
    expect(await rejection(request(t, { method: "GET", url: 42 as never, headers: {} }))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(await rejection(request(t, null as never))).toBeInstanceOf(InvalidRequestError);
    expect(await rejection(request(t, { method: "GET", url: "::", headers: {} }))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(
      await rejection(request(t, { method: "GET", url: "http://127.0.0.1/", headers: {} }, { timeout: -5 })),
    ).toBeInstanceOf(RangeError);
    expect(
      await rejection(request(t, { method: "GET", url: "http://127.0.0.1/", headers: {} }, { retry: -1 })),
    ).toBeInstanceOf(RangeError);
  });
});
