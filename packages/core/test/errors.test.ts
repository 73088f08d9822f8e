import { describe, expect, test } from "vitest";
import { z } from "zod";
import {
  ApiError,
  HttpError,
  InvalidRequestError,
  isApiError,
  isHttpError,
  isInvalidRequestError,
  isNetworkError,
  isRequestScopedError,
  isResponseValidationError,
  isTimeoutError,
  NetworkError,
  parseResponse,
  RequestScopedError,
  ResponseTooLargeError,
  ResponseValidationError,
  TimeoutError,
} from "../src/index.js";

/** A second, independent copy of the errors module, as a second install of the package would be. */
async function loadSecondCopy(): Promise<typeof import("../src/errors.js")> {
  const specifier = "../src/errors.ts?second-copy";
  return import(/* @vite-ignore */ specifier);
}

describe("hierarchy", () => {
  const http = new HttpError({
    request: { method: "get", url: "http://h/x" },
    response: { status: 503, headers: { "content-type": "text/plain" }, body: "busy" },
  });

  test("every error is an ApiError and an Error, with a name and a code", () => {
    const all = [
      http,
      new NetworkError("refused", {
        cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      }),
      new TimeoutError({ timeout: 5, phase: "headers" }),
      new ResponseValidationError({ issues: [{ path: ["a"], message: "bad" }] }),
      new InvalidRequestError("bad url"),
    ];
    expect(all.map((e) => [e.name, e.code])).toEqual([
      ["HttpError", "HTTP_ERROR"],
      ["NetworkError", "ECONNREFUSED"],
      ["TimeoutError", "TIMEOUT"],
      ["ResponseValidationError", "RESPONSE_VALIDATION"],
      ["InvalidRequestError", "INVALID_REQUEST"],
    ]);
    for (const e of all) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(ApiError);
      expect(isApiError(e)).toBe(true);
      expect(e.stack?.startsWith(`${e.name}: `)).toBe(true);
    }
    expect(isHttpError(all[0])).toBe(true);
    expect(isNetworkError(all[1])).toBe(true);
    expect(isTimeoutError(all[2])).toBe(true);
    expect(isResponseValidationError(all[3])).toBe(true);
    expect(isInvalidRequestError(all[4])).toBe(true);
    expect(isHttpError(all[1])).toBe(false);
    expect(all[1]).not.toBeInstanceOf(HttpError);
    expect(isApiError(new Error("plain"))).toBe(false);
    expect(isApiError(null)).toBe(false);
    expect(isApiError("HttpError")).toBe(false);
  });

  test("HttpError keeps status, method, url, response headers and the decoded body", () => {
    expect(http.message).toBe("HTTP 503 Service Unavailable (GET http://h/x)");
    expect(http).toMatchObject({ status: 503, method: "GET", url: "http://h/x", body: "busy" });
    expect(http.headers).toEqual({ "content-type": "text/plain" });
    const json = new HttpError({
      request: { method: "POST", url: "http://h/" },
      response: {
        status: 400,
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode('{"detail":"no"}'),
      },
    });
    expect(json.body).toEqual({ detail: "no" });
    const empty = new HttpError({
      request: { method: "GET", url: "http://h/" },
      response: { status: 500, body: new Uint8Array() },
    });
    expect(empty.body).toBeUndefined();
  });

  test("a subclass in another package only declares its kind", () => {
    class CephApiError extends HttpError {
      static override readonly kind = "CephApiError";
      readonly detail: string;
      constructor(init: ConstructorParameters<typeof HttpError>[0]) {
        super({ ...init, code: "CEPH_API_ERROR" });
        this.detail = String((this.body as { detail?: string } | undefined)?.detail ?? "");
      }
    }
    const e = new CephApiError({
      request: { method: "GET", url: "https://ceph/api/pool" },
      response: { status: 403, body: '{"detail":"denied","component":"pool"}' },
    });
    expect(e).toBeInstanceOf(CephApiError);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toBeInstanceOf(ApiError);
    expect(isHttpError(e)).toBe(true);
    expect(e.name).toBe("CephApiError");
    expect(e.code).toBe("CEPH_API_ERROR");
    expect(e.detail).toBe("denied");
    expect(http).not.toBeInstanceOf(CephApiError);
  });

  test("a subclass that forgets its kind still works by prototype, and never matches its parent's instances", () => {
    class Sloppy extends NetworkError {}
    const e = new Sloppy("x");
    expect(e).toBeInstanceOf(Sloppy);
    expect(new NetworkError("y")).not.toBeInstanceOf(Sloppy);
  });

  test("instanceof and guards work across copies of the package", async () => {
    const copy = await loadSecondCopy();
    expect(copy.HttpError).not.toBe(HttpError);
    const foreign = new copy.HttpError({
      request: { method: "GET", url: "http://h/" },
      response: { status: 500 },
    });
    expect(Object.getPrototypeOf(foreign)).not.toBe(HttpError.prototype);
    expect(foreign).toBeInstanceOf(HttpError);
    expect(foreign).toBeInstanceOf(ApiError);
    expect(foreign).not.toBeInstanceOf(NetworkError);
    expect(isHttpError(foreign)).toBe(true);
    expect(new TimeoutError({ timeout: 1, phase: "total" })).toBeInstanceOf(copy.TimeoutError);
    expect(copy.isApiError(new InvalidRequestError("x"))).toBe(true);
  });

  test("the request-scoped errors share one base: method (upper case), url (redacted), the suffix", async () => {
    const url = "http://admin:pw@h/x?token=abc";
    const errors = [
      new NetworkError("refused", { method: "get", url }),
      new TimeoutError({ timeout: 5, phase: "headers", method: "get", url }),
      new ResponseValidationError({ issues: [{ message: "bad" }], method: "get", url }),
      new ResponseTooLargeError({ limit: 10, method: "get", url }),
    ];
    const copy = await loadSecondCopy();
    for (const e of errors) {
      expect(e).toBeInstanceOf(RequestScopedError);
      expect(e).toBeInstanceOf(copy.RequestScopedError);
      expect(isRequestScopedError(e)).toBe(true);
      expect(e.method).toBe("GET");
      expect(e.url).not.toContain("pw");
      expect(e.message.endsWith(`(GET ${e.url})`)).toBe(true);
    }
    expect(errors.map((e) => e.name)).toEqual([
      "NetworkError",
      "TimeoutError",
      "ResponseValidationError",
      "ResponseTooLargeError",
    ]);
    expect(http).not.toBeInstanceOf(RequestScopedError);
    expect(new ResponseTooLargeError({ limit: 1, message: "too big" }).message).toBe("too big");
  });

  test("JSON.stringify gives name, code, message and fields", () => {
    const parsed = JSON.parse(JSON.stringify(http));
    expect(parsed).toMatchObject({
      name: "HttpError",
      code: "HTTP_ERROR",
      status: 503,
      message: http.message,
    });
  });
});

describe("parseResponse", () => {
  const Pool = z.object({ name: z.string(), size: z.number() });

  test("returns the parsed value (unknown fields kept by a loose schema)", () => {
    expect(parseResponse(Pool, { name: "rbd", size: 3 })).toEqual({ name: "rbd", size: 3 });
    expect(parseResponse(z.looseObject({ name: z.string() }), { name: "rbd", extra: 1 })).toEqual({
      name: "rbd",
      extra: 1,
    });
  });

  test("throws ResponseValidationError with the zod issues and paths", () => {
    let caught: unknown;
    try {
      parseResponse(z.array(Pool), [{ name: "rbd", size: "3" }, { size: 1 }], {
        method: "get",
        url: "http://h/pools",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const e = caught as ResponseValidationError;
    expect(e.issues.map((i) => i.path)).toEqual([
      [0, "size"],
      [1, "name"],
    ]);
    expect(e.message).toMatch(/^Response did not match the expected schema: \[0\]\.size: .+; \[1\]\.name: /);
    expect(e.message).toContain("(GET http://h/pools)");
    expect(e.url).toBe("http://h/pools");
  });
});
