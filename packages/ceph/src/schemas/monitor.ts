import { z } from "zod";

const Mon = z.looseObject({ rank: z.number(), name: z.string(), addr: z.string().optional() });

/** `GET /api/monitor`. */
export const MonitorStatus = z.looseObject({
  mon_status: z.looseObject({
    name: z.string(),
    rank: z.number(),
    state: z.string(),
    quorum: z.array(z.number()),
    monmap: z.looseObject({ mons: z.array(Mon) }),
  }),
  in_quorum: z.array(Mon),
  out_quorum: z.array(Mon),
});
export type MonitorStatus = z.infer<typeof MonitorStatus>;
