import { z } from "zod";

/** `{name, value, source}` entries of a pool's or image's RBD configuration. */
export const ConfigurationEntry = z.looseObject({ name: z.string(), value: z.string(), source: z.number() });
export type ConfigurationEntry = z.infer<typeof ConfigurationEntry>;

const Rate = z.looseObject({ latest: z.number(), rate: z.number(), rates: z.array(z.array(z.number())) });

/**
 * A pool as `GET /api/pool` and `GET /api/pool/{name}` return it. Only `pool_name` is always
 * there: `?attrs=` selects the keys, so every other field is optional.
 */
export const Pool = z.looseObject({
  pool_name: z.string(),
  pool: z.number().optional(),
  type: z.string().optional(),
  size: z.number().optional(),
  min_size: z.number().optional(),
  crush_rule: z.string().optional(),
  pg_num: z.number().optional(),
  pg_placement_num: z.number().optional(),
  pg_autoscale_mode: z.string().optional(),
  erasure_code_profile: z.string().optional(),
  quota_max_bytes: z.number().optional(),
  quota_max_objects: z.number().optional(),
  flags_names: z.string().optional(),
  application_metadata: z.array(z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  configuration: z.array(ConfigurationEntry).optional(),
  stats: z.record(z.string(), Rate).optional(),
});
export type Pool = z.infer<typeof Pool>;

export type PoolType = "replicated" | "erasure";
export type CompressionMode = "none" | "passive" | "aggressive" | "force";

/** Settable on create and update (`PUT` sends only what is given). */
export interface PoolSettings {
  application_metadata?: string[];
  pg_num?: number;
  /** `on`, `off` or `warn`. Send `"off"` together with `pg_num` (docs/reference/ceph/NOTES.md gotcha 7). */
  pg_autoscale_mode?: "on" | "off" | "warn";
  quota_max_bytes?: number;
  quota_max_objects?: number;
  compression_mode?: CompressionMode;
  compression_algorithm?: string;
  compression_min_blob_size?: number;
  compression_max_blob_size?: number;
  compression_required_ratio?: number;
  configuration?: Record<string, string | number>;
  [key: string]: unknown;
}

/** `POST /api/pool`. */
export interface PoolCreate extends PoolSettings {
  pool: string;
  pool_type: PoolType;
  /** Replica count. Leave it out to get `osd_pool_default_size` (size 1 fails on Pacific: gotcha 3). */
  size?: number;
  rule_name?: string;
  erasure_code_profile?: string;
}

/** `PUT /api/pool/{name}`. */
export type PoolUpdate = PoolSettings;
