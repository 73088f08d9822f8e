import { isTimeoutError } from "@homelab-kit/core";
import { describe, expect, it } from "vitest";
import { CephTaskError } from "../src/index.js";
import { harness } from "./helpers.js";

/** A clock the test moves: tasks finish when it has advanced far enough. */
function clock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

describe("ceph tasks (202 → /api/task)", () => {
  it("waits for a slow pool create, reporting progress", async () => {
    const time = clock();
    const { ceph, calls } = harness({ now: time.now, taskDurations: { "pool/create": 6_000 } });
    const progress: number[] = [];
    await ceph.pools.create(
      { pool: "slow", pool_type: "replicated", pg_num: 8 },
      {
        task: {
          interval: 1,
          onProgress: (p) => {
            progress.push(p.progress);
            time.advance(2_500);
          },
        },
      },
    );
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((p) => p >= 0 && p < 100)).toBe(true);
    expect(calls.filter((c) => c === "GET /api/task?name=pool%2Fcreate").length).toBe(progress.length + 1);
    expect((await ceph.pools.get("slow")).pool_name).toBe("slow");
  });

  it("raises the exception text of a failed task", async () => {
    const time = clock();
    const { ceph } = harness({ now: time.now, taskDurations: { "pool/create": 3_000 } });
    const error = await ceph.pools
      .create(
        { pool: "single", pool_type: "replicated", size: 1, pg_num: 8 },
        { task: { interval: 1, onProgress: () => time.advance(5_000) } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CephTaskError);
    expect(error).toMatchObject({ task: { name: "pool/create", metadata: { pool_name: "single" } } });
    expect((error as CephTaskError).detail).toContain("--yes-i-really-mean-it");
  });

  it("gives up after the task timeout", async () => {
    const { ceph } = harness({ taskDurations: { "rbd/create": 3_600_000 } });
    const error = await ceph.rbd.images
      .create({ name: "big", pool_name: "rbd", size: 2 ** 40 }, { task: { timeout: 50, interval: 10 } })
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as Error).message).toContain("rbd/create");
  });

  it("passes a caller's abort through untouched while waiting", async () => {
    const { ceph } = harness({ taskDurations: { "rbd/create": 3_600_000 } });
    const controller = new AbortController();
    const reason = new Error("stop");
    setTimeout(() => controller.abort(reason), 30);
    const error = await ceph.rbd.images
      .create(
        { name: "big", pool_name: "rbd", size: 2 ** 30 },
        { signal: controller.signal, task: { interval: 5 } },
      )
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
  });
});
