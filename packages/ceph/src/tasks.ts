/**
 * Waiting for dashboard tasks. A task endpoint that takes longer than ~2 s (pool create/edit,
 * RBD operations) answers 202 `{name, metadata}`; the task then shows in `GET /api/task?name=`
 * under `executing_tasks` (with `progress`) and, once done, under `finished_tasks` with
 * `success`, `ret_value` and `exception`. Several finished tasks can share a name and metadata
 * (the same operation run twice): the newest one is ours.
 */
import { waitFor } from "@homelab-kit/core";
import type { CallContext, TaskWaitOptions } from "./context.js";
import { taskEndpoints } from "./endpoints/task.js";
import { CephTaskError, type CephTaskRef } from "./errors.js";
import type { Task } from "./schemas/task.js";

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function newest(tasks: Task[]): Task | undefined {
  let found: Task | undefined;
  for (const task of tasks) {
    if (found === undefined || String(task.begin_time ?? "") > String(found.begin_time ?? "")) found = task;
  }
  return found;
}

export interface WaitForTaskOptions extends TaskWaitOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Polls `/api/task?name=` (core's `waitFor`) until the task is finished. Resolves with its
 * `ret_value`; rejects with `CephTaskError` (its exception text) when it failed, `TimeoutError` when
 * `timeout` passes, or the caller's abort reason.
 */
export async function waitForTask(
  context: CallContext,
  ref: CephTaskRef,
  options: WaitForTaskOptions = {},
): Promise<unknown> {
  const key = canonical(ref.metadata);
  const same = (task: Task) => task.name === ref.name && canonical(task.metadata) === key;
  const done = await waitFor(
    async ({ signal }) => {
      const list = await context.call(taskEndpoints.list, { query: { name: ref.name } }, { signal });
      const running = list.executing_tasks.find(same);
      if (running !== undefined) {
        options.onProgress?.({ name: ref.name, metadata: ref.metadata, progress: running.progress ?? 0 });
        return undefined;
      }
      // Not listed at all yet (or any more): keep polling until the deadline.
      return newest(list.finished_tasks.filter(same));
    },
    (task) => task !== undefined,
    {
      timeout: options.timeout ?? 120_000,
      interval: { initial: options.interval ?? 250, factor: 1.5, max: 2_000 },
      signal: options.signal,
      description: `Ceph task ${ref.name} ${JSON.stringify(ref.metadata)}`,
    },
  );
  if (done!.success === false) throw new CephTaskError({ task: ref, exception: done!.exception });
  return done!.ret_value;
}
