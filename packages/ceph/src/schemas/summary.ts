import { z } from "zod";
import { Task } from "./task.js";

/** `GET /api/summary`. */
export const Summary = z.looseObject({
  health_status: z.string(),
  mgr_id: z.string(),
  mgr_host: z.string(),
  have_mon_connection: z.boolean(),
  executing_tasks: z.array(Task),
  finished_tasks: z.array(Task),
  version: z.string(),
  rbd_mirroring: z.looseObject({ warnings: z.number(), errors: z.number() }),
});
export type Summary = z.infer<typeof Summary>;

/** `GET /api/cluster` (v0.1): `INSTALLED` or `POST_INSTALLED`. */
export const ClusterStatus = z.looseObject({ status: z.string() });
export type ClusterStatus = z.infer<typeof ClusterStatus>;
