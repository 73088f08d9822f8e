import { describe, expect, test } from "vitest";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  HttpError,
  NetworkError,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDecision,
  TimeoutError,
} from "../src/index.js";

const fixed = (r: number) => ({ ...DEFAULT_RETRY_POLICY, random: () => r });

describe("resolveRetryPolicy", () => {
  test("retries are off unless asked for", () => {
    expect(resolveRetryPolicy(undefined)).toBeUndefined();
    expect(resolveRetryPolicy(false)).toBeUndefined();
    expect(resolveRetryPolicy(0)).toBeUndefined();
    expect(resolveRetryPolicy({ limit: 0 })).toBeUndefined();
  });
  test("true gives limit 2, a number sets the limit, an object overrides fields", () => {
    expect(resolveRetryPolicy(true)?.limit).toBe(2);
    expect(resolveRetryPolicy(5)?.limit).toBe(5);
    const p = resolveRetryPolicy({ backoffBase: 10, methods: ["get"] });
    expect(p?.limit).toBe(2);
    expect(p?.backoffBase).toBe(10);
    expect(p?.methods).toEqual(["GET"]);
  });
  test("bad values are clear errors", () => {
    expect(() => resolveRetryPolicy(-1)).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ backoffBase: Number.NaN })).toThrow(/backoffBase/);
    expect(() => resolveRetryPolicy("yes" as never)).toThrow(TypeError);
  });
});

describe("retryDecision", () => {
  const policy = fixed(0.5);
  test("disabled policy never retries", () => {
    expect(retryDecision(undefined, { attempt: 1, method: "GET", status: 503 })).toEqual({
      retry: false,
      reason: "disabled",
    });
  });
  test.each([408, 429, 500, 502, 503, 504])("retries GET on %i", (status) => {
    expect(retryDecision(policy, { attempt: 1, method: "GET", status }).retry).toBe(true);
  });
  test.each([200, 301, 400, 401, 404, 409, 501])("does not retry %i", (status) => {
    expect(retryDecision(policy, { attempt: 1, method: "GET", status })).toEqual({
      retry: false,
      reason: "not-retryable",
    });
  });
  test.each(["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "get"])("%s is idempotent", (method) => {
    expect(retryDecision(policy, { attempt: 1, method, status: 503 }).retry).toBe(true);
  });
  test.each(["POST", "PATCH"])("%s is never retried unless marked idempotent", (method) => {
    expect(retryDecision(policy, { attempt: 1, method, status: 503 })).toEqual({
      retry: false,
      reason: "not-idempotent",
    });
    expect(retryDecision(policy, { attempt: 1, method, status: 503, idempotent: true }).retry).toBe(true);
  });
  test("a GET explicitly marked non-idempotent is not retried", () => {
    expect(retryDecision(policy, { attempt: 1, method: "GET", status: 503, idempotent: false }).retry).toBe(
      false,
    );
  });
  test("network errors and connect timeouts are retried; other errors are not", () => {
    const net = new NetworkError("refused", { code: "ECONNREFUSED" });
    expect(retryDecision(policy, { attempt: 1, method: "GET", error: net }).retry).toBe(true);
    const connect = new TimeoutError({ timeout: 10, phase: "connect" });
    expect(retryDecision(policy, { attempt: 1, method: "GET", error: connect }).retry).toBe(true);
    const headers = new TimeoutError({ timeout: 10, phase: "headers" });
    expect(retryDecision(policy, { attempt: 1, method: "GET", error: headers }).retry).toBe(false);
    const http = new HttpError({ request: { method: "GET", url: "http://x/" }, response: { status: 503 } });
    expect(retryDecision(policy, { attempt: 1, method: "GET", error: http }).retry).toBe(false);
    expect(retryDecision(policy, { attempt: 1, method: "GET", error: new TypeError("bug") }).retry).toBe(
      false,
    );
  });
  test("the limit counts retries after the first attempt", () => {
    const p = { ...policy, limit: 2 };
    expect(retryDecision(p, { attempt: 1, method: "GET", status: 503 }).retry).toBe(true);
    expect(retryDecision(p, { attempt: 2, method: "GET", status: 503 }).retry).toBe(true);
    expect(retryDecision(p, { attempt: 3, method: "GET", status: 503 })).toEqual({
      retry: false,
      reason: "limit",
    });
  });
  test("exponential backoff with full jitter", () => {
    const p = { ...policy, backoffBase: 100, backoffLimit: 1000 };
    const delays = [1, 2, 3, 4, 5].map((attempt) => {
      const d = retryDecision({ ...p, limit: 10 }, { attempt, method: "GET", status: 500 });
      return d.retry ? d.delay : -1;
    });
    expect(delays).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelay({ ...p, random: () => 0 }, 3)).toBe(0);
    expect(backoffDelay({ ...p, random: () => 0.999 }, 3)).toBe(399);
  });
  test("Retry-After seconds and HTTP-date win over backoff, capped at maxRetryAfter", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const seconds = retryDecision(policy, {
      attempt: 1,
      method: "GET",
      status: 429,
      headers: { "retry-after": "3" },
    });
    expect(seconds).toEqual({ retry: true, delay: 3000 });
    const date = retryDecision(policy, {
      attempt: 1,
      method: "GET",
      status: 503,
      headers: { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" },
      now,
    });
    expect(date).toEqual({ retry: true, delay: 7000 });
    const capped = retryDecision(
      { ...policy, maxRetryAfter: 5000 },
      { attempt: 1, method: "GET", status: 503, headers: { "retry-after": "3600" } },
    );
    expect(capped).toEqual({ retry: true, delay: 5000 });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  test("seconds, dates, past dates and garbage", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
