import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { TaskList } from "../schemas/task.js";

export const taskEndpoints = {
  list: { method: "GET", path: "/api/task", version: "1.0", response: TaskList },
} as const satisfies Record<string, Endpoint>;

export function tasksResource({ call }: CallContext) {
  return {
    /** `GET /api/task[?name=]`: running and finished dashboard tasks (and mgr progress events). */
    list: (filter: { name?: string } = {}, options?: CephCallOptions) =>
      call(taskEndpoints.list, { query: { name: filter.name } }, options),
  };
}
