import { z } from "zod";

export const HealthStatus = z.string(); // HEALTH_OK | HEALTH_WARN | HEALTH_ERR (kept open)

export const HealthCheck = z.looseObject({
  severity: z.string(),
  summary: z.looseObject({ message: z.string(), count: z.number().optional() }),
  detail: z.array(z.looseObject({ message: z.string() })),
  muted: z.boolean().optional(),
  /** The check's code: OSD_DOWN, PG_DEGRADED, OSDMAP_FLAGS, POOL_NO_REDUNDANCY … */
  type: z.string(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

export const Health = z.looseObject({
  status: HealthStatus,
  checks: z.array(HealthCheck),
  mutes: z.array(z.unknown()),
});
export type Health = z.infer<typeof Health>;

const PgInfo = z.looseObject({
  object_stats: z.looseObject({
    num_objects: z.number(),
    num_object_copies: z.number(),
    num_objects_degraded: z.number(),
    num_objects_misplaced: z.number(),
    num_objects_unfound: z.number(),
  }),
  statuses: z.record(z.string(), z.number()),
  pgs_per_osd: z.number(),
});

const DfStats = z.looseObject({
  total_bytes: z.number(),
  total_avail_bytes: z.number(),
  total_used_raw_bytes: z.number(),
});

/** `GET /api/health/minimal`: what the dashboard's landing page needs. */
export const HealthMinimal = z.looseObject({
  health: Health,
  mon_status: z.looseObject({
    monmap: z.looseObject({ mons: z.array(z.unknown()) }),
    quorum: z.array(z.number()),
  }),
  osd_map: z.looseObject({
    osds: z.array(z.looseObject({ in: z.number(), up: z.number(), state: z.array(z.string()) })),
  }),
  scrub_status: z.string(),
  pg_info: PgInfo,
  mgr_map: z.looseObject({ active_name: z.string(), standbys: z.array(z.unknown()) }),
  pools: z.array(z.unknown()),
  df: z.looseObject({ stats: DfStats }),
  client_perf: z.record(z.string(), z.number()),
  hosts: z.number(),
  rgw: z.number(),
  iscsi_daemons: z.looseObject({ up: z.number(), down: z.number() }),
});
export type HealthMinimal = z.infer<typeof HealthMinimal>;

/** `GET /api/health/full`: the same keys with the whole maps (mon_status, osd_map, mgr_map, df.pools …). */
export const HealthFull = z.looseObject({
  health: Health,
  mon_status: z.looseObject({ name: z.string(), quorum: z.array(z.number()), monmap: z.looseObject({}) }),
  osd_map: z.looseObject({ epoch: z.number(), osds: z.array(z.looseObject({ osd: z.number() })) }),
  mgr_map: z.looseObject({ active_name: z.string() }),
  pg_info: PgInfo,
  pools: z.array(z.looseObject({ pool: z.number(), pool_name: z.string() })),
  df: z.looseObject({ stats: DfStats, pools: z.array(z.looseObject({ name: z.string(), id: z.number() })) }),
  hosts: z.number(),
});
export type HealthFull = z.infer<typeof HealthFull>;
