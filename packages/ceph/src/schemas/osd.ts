import { z } from "zod";

/** One entry of `GET /api/osd`: the osdmap entry merged with stats, CRUSH tree node and host. */
export const Osd = z.looseObject({
  osd: z.number(),
  id: z.number(),
  up: z.number(),
  in: z.number(),
  weight: z.number(),
  state: z.array(z.string()),
  uuid: z.string().optional(),
  tree: z.looseObject({
    name: z.string(),
    status: z.string().optional(),
    device_class: z.string().optional(),
  }),
  host: z.looseObject({ name: z.string(), id: z.number() }),
  osd_stats: z.looseObject({ kb: z.number(), kb_used: z.number(), kb_avail: z.number() }).optional(),
  stats: z.looseObject({ stat_bytes: z.number(), stat_bytes_used: z.number(), numpg: z.number() }).optional(),
  operational_status: z.string().optional(),
});
export type Osd = z.infer<typeof Osd>;

/** `GET /api/osd/{id}`. */
export const OsdDetail = z.looseObject({
  osd_map: z.looseObject({ osd: z.number(), up: z.number(), in: z.number(), state: z.array(z.string()) }),
  osd_metadata: z.looseObject({ hostname: z.string() }),
  operational_status: z.string().optional(),
});
export type OsdDetail = z.infer<typeof OsdDetail>;

/** `GET /api/osd/flags` and `PUT /api/osd/flags`: the cluster-wide osdmap flags. */
export const OsdFlags = z.array(z.string());
export type OsdFlags = z.infer<typeof OsdFlags>;

/** `GET /api/osd/settings` (v0.1). */
export const OsdSettings = z.looseObject({ nearfull_ratio: z.number(), full_ratio: z.number() });
export type OsdSettings = z.infer<typeof OsdSettings>;

/** `GET /api/osd/safe_to_destroy?ids=`. */
export const SafeToDestroy = z.looseObject({
  safe_to_destroy: z.array(z.number()),
  active: z.array(z.number()),
  missing_stats: z.array(z.number()),
  stored_pgs: z.array(z.number()),
  is_safe_to_destroy: z.boolean(),
});
export type SafeToDestroy = z.infer<typeof SafeToDestroy>;

export type OsdMarkAction = "in" | "out" | "down" | "lost";
