import { z } from "zod";

/** A dashboard task as /api/task and /api/summary list it. */
export const Task = z.looseObject({
  name: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  begin_time: z.string().nullish(),
  end_time: z.string().nullish(),
  duration: z.number().nullish(),
  progress: z.number().nullish(),
  success: z.boolean().nullish(),
  ret_value: z.unknown().optional(),
  exception: z.unknown().optional(),
});
export type Task = z.infer<typeof Task>;

/** `GET /api/task`. mgr `progress/…` events also appear (without `end_time`). */
export const TaskList = z.looseObject({
  executing_tasks: z.array(Task),
  finished_tasks: z.array(Task),
});
export type TaskList = z.infer<typeof TaskList>;

/** The body of a 202: the task to wait for. */
export const TaskRef = z.looseObject({
  name: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
export type TaskRef = z.infer<typeof TaskRef>;
