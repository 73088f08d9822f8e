import { describe, expect, test } from "vitest";
import { TimeoutError, waitFor } from "../src/index.js";
import { rejection } from "./helpers/async.js";

describe("waitFor", () => {
  test("polls until the predicate holds and returns that value", async () => {
    const states = ["PENDING", "PROLOG", "BOOT", "RUNNING", "never reached"];
    const seen: number[] = [];
    const value = await waitFor(
      ({ attempt }) => {
        seen.push(attempt);
        return states[attempt - 1];
      },
      (state) => state === "RUNNING",
      { interval: 5 },
    );
    expect(value).toBe("RUNNING");
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  test("waits with backoff between polls", async () => {
    const times: number[] = [];
    await waitFor(
      () => times.push(performance.now()),
      (n) => n >= 4,
      { interval: { initial: 20, factor: 10, max: 60 } },
    );
    // Uncapped, the waits would be 20, 200, 2000 ms; capped at 60 they are 20, 60, 60.
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(58);
    expect(gaps[2]).toBeGreaterThanOrEqual(58);
    expect(gaps[2]).toBeLessThan(1500);
  });

  test("TimeoutError at the deadline, naming the operation", async () => {
    const error = await rejection(
      waitFor(
        () => "BOOT",
        (s) => s === "RUNNING",
        { interval: 10, timeout: 80, description: "VM 42 to be RUNNING" },
      ),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "total", timeout: 80 });
    expect((error as Error).message).toBe("Timed out after 80 ms waiting for VM 42 to be RUNNING");
  });

  test("the deadline also ends a poll that hangs, and the poll's signal aborts", async () => {
    let pollSignal: AbortSignal | undefined;
    const error = await rejection(
      waitFor(
        ({ signal }) => {
          pollSignal = signal;
          return new Promise<string>(() => {});
        },
        () => true,
        { timeout: 50 },
      ),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(pollSignal?.aborted).toBe(true);
  });

  test("a caller's abort → the caller's exact reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    setTimeout(() => controller.abort(reason), 30);
    const error = await rejection(
      waitFor(
        () => 1,
        () => false,
        { interval: 5, signal: controller.signal },
      ),
    );
    expect(error).toBe(reason);
  });

  test("an error thrown by poll ends the wait with that error", async () => {
    const boom = new Error("host gone");
    const error = await rejection(
      waitFor(
        () => {
          throw boom;
        },
        () => true,
      ),
    );
    expect(error).toBe(boom);
  });

  test("bad input is rejected clearly", async () => {
    expect(await rejection(waitFor(null as never, () => true))).toBeInstanceOf(TypeError);
    expect(
      await rejection(
        waitFor(
          () => 1,
          () => true,
          { interval: -1 },
        ),
      ),
    ).toBeInstanceOf(RangeError);
    expect(
      await rejection(
        waitFor(
          () => 1,
          () => true,
          { timeout: Number.NaN },
        ),
      ),
    ).toBeInstanceOf(RangeError);
  });
});
