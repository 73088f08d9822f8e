/**
 * Dashboard tasks (`@Task` endpoints). An operation that takes longer than the dashboard's 2 s
 * wait answers 202 `{name, metadata}` and finishes later on the state's clock; a faster one
 * answers at once. Either way it is listed by `/api/task` (newest first) with its outcome.
 */
import { clipText } from "../common/dispatch.js";
import type { RouteResponse } from "../common/route-table.js";
import { CephFailure, reply } from "./replies.js";
import type { CephState, TaskRecord } from "./state.js";

/** The dashboard waits this long for a task before answering 202. */
export const TASK_WAIT_MS = 2_000;

export interface TaskSpec {
  name: string;
  metadata: Record<string, unknown>;
}

function finish(state: CephState, task: TaskRecord, run: () => unknown): CephFailure | undefined {
  try {
    task.retValue = run() ?? null;
    task.success = true;
    task.exception = null;
    return undefined;
  } catch (error) {
    task.success = false;
    task.exception = error instanceof CephFailure ? error.exception : { detail: String(error) };
    task.retValue = null;
    if (error instanceof CephFailure) return error;
    throw error;
  } finally {
    state.finishedTasks.unshift(task);
    if (state.finishedTasks.length > 200) state.finishedTasks.length = 200;
  }
}

/**
 * Runs `run` as the task `spec`: at once (answering `ok`, or the CephFailure it throws) when its
 * duration is within the 2 s wait, else later (answering 202).
 */
export function runTask(
  state: CephState,
  spec: TaskSpec,
  run: () => unknown,
  ok: () => RouteResponse,
): RouteResponse {
  // Metadata repeats request fields (an image name): answers and the task list keep them bounded.
  for (const [key, value] of Object.entries(spec.metadata))
    if (typeof value === "string") spec.metadata[key] = clipText(value);
  const duration = state.taskDurations[spec.name] ?? 0;
  const begin = state.now();
  const task: TaskRecord = {
    name: spec.name,
    metadata: spec.metadata,
    begin,
    end: begin + duration,
    success: undefined,
    exception: null,
    retValue: null,
    run: undefined,
  };
  if (duration <= TASK_WAIT_MS) {
    const failure = finish(state, task, run);
    if (failure !== undefined) throw failure;
    return ok();
  }
  task.run = run;
  state.executingTasks.unshift(task);
  return reply(202, { name: spec.name, metadata: spec.metadata });
}

/** Finishes every task whose time has come (called before each request is handled). */
export function settleTasks(state: CephState): void {
  if (state.executingTasks.length === 0) return;
  const now = state.now();
  const due = state.executingTasks.filter((t) => t.end <= now).sort((a, b) => a.end - b.end);
  if (due.length === 0) return;
  state.executingTasks = state.executingTasks.filter((t) => t.end > now);
  for (const task of due) {
    try {
      finish(state, task, task.run ?? (() => null));
    } catch {
      // finish() already recorded the failure
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** A task as /api/task and /api/summary show it. */
export function taskJson(state: CephState, task: TaskRecord): Record<string, unknown> {
  const running = task.success === undefined;
  const duration = Math.max(task.end - task.begin, 1);
  return {
    name: task.name,
    metadata: task.metadata,
    begin_time: iso(task.begin),
    ...(running ? {} : { end_time: iso(task.end) }),
    duration: (running ? state.now() - task.begin : task.end - task.begin) / 1000,
    progress: running
      ? Math.min(99, Math.floor(((state.now() - task.begin) / duration) * 100))
      : task.success
        ? 100
        : 0,
    success: running ? null : task.success,
    ret_value: running ? null : task.retValue,
    exception: running ? null : task.exception,
  };
}
