/** `GET /api/task[?name=]`: executing and finished dashboard tasks, newest first. */
import type { Route } from "../../common/route-table.js";
import { cephRoute, reply } from "../http.js";
import type { CephState, TaskRecord } from "../state.js";
import { taskJson } from "../tasks.js";

export function taskRoutes(state: CephState): Route[] {
  return [
    cephRoute(state, { method: "GET", path: "/api/task", version: "1.0" }, ({ request }) => {
      const name = request.query.name;
      const keep = (t: TaskRecord) => name === undefined || t.name === name;
      return reply(200, {
        executing_tasks: state.executingTasks.filter(keep).map((t) => {
          const { name, metadata, begin_time, progress } = taskJson(state, t);
          return { name, metadata, begin_time, progress };
        }),
        finished_tasks: state.finishedTasks.filter(keep).map((t) => taskJson(state, t)),
      });
    }),
  ];
}
