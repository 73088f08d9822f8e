import { z } from "zod";

/** `GET /api/erasure_code_profile` entries (values are strings or numbers as Ceph stores them). */
export const ErasureCodeProfile = z.looseObject({
  name: z.string(),
  plugin: z.string(),
  k: z.union([z.number(), z.string()]),
  m: z.union([z.number(), z.string()]),
  technique: z.string().optional(),
});
export type ErasureCodeProfile = z.infer<typeof ErasureCodeProfile>;

export const CrushRule = z.looseObject({
  rule_id: z.number(),
  rule_name: z.string(),
  type: z.number(),
  min_size: z.number().optional(),
  max_size: z.number().optional(),
  steps: z.array(z.looseObject({ op: z.string() })),
});
export type CrushRule = z.infer<typeof CrushRule>;

export const MgrModule = z.looseObject({
  name: z.string(),
  enabled: z.boolean(),
  always_on: z.boolean(),
  options: z.record(z.string(), z.looseObject({ name: z.string(), type: z.string() })),
});
export type MgrModule = z.infer<typeof MgrModule>;

/** A configuration option of `GET /api/cluster_conf` with its values per section. */
export const ConfigOption = z.looseObject({
  name: z.string(),
  type: z.string(),
  level: z.string(),
  desc: z.string(),
  default: z.unknown(),
  value: z.array(z.looseObject({ section: z.string(), value: z.unknown() })).optional(),
  can_update_at_runtime: z.boolean().optional(),
});
export type ConfigOption = z.infer<typeof ConfigOption>;
