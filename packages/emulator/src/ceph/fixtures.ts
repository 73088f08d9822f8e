/**
 * The shapes real Ceph 16.2.15 answers with, as recorded (`fixtures/*.json`, written by
 * `scripts/ceph/gen-emulator-templates.py`; `fixtures/README.md` says which call each one comes
 * from). tsup bundles them into `dist`, so the published package never reads a file at runtime.
 *
 * The types name the parts the emulator reads; everything else is copied through as recorded. The
 * values are shared: read-only here, and callers copy them (`structuredClone`, spread) before they
 * change anything.
 */
import clusterConf from "./fixtures/cluster-conf.json" with { type: "json" };
import crushRules from "./fixtures/crush-rules.json" with { type: "json" };
import dfPoolStats from "./fixtures/df-pool-stats.json" with { type: "json" };
import dfStats from "./fixtures/df-stats.json" with { type: "json" };
import ecProfiles from "./fixtures/ec-profiles.json" with { type: "json" };
import featureToggles from "./fixtures/feature-toggles.json" with { type: "json" };
import fsMap from "./fixtures/fs-map.json" with { type: "json" };
import host from "./fixtures/host.json" with { type: "json" };
import mgrMap from "./fixtures/mgr-map.json" with { type: "json" };
import mgrModules from "./fixtures/mgr-modules.json" with { type: "json" };
import monInQuorum from "./fixtures/mon-in-quorum.json" with { type: "json" };
import monStatus from "./fixtures/mon-status.json" with { type: "json" };
import osdHistogram from "./fixtures/osd-histogram.json" with { type: "json" };
import osdListEntry from "./fixtures/osd-list-entry.json" with { type: "json" };
import osdMap from "./fixtures/osd-map.json" with { type: "json" };
import osdMetadata from "./fixtures/osd-metadata.json" with { type: "json" };
import osdmapOsd from "./fixtures/osdmap-osd.json" with { type: "json" };
import osdmapPool from "./fixtures/osdmap-pool.json" with { type: "json" };
import rbdConfiguration from "./fixtures/rbd-configuration.json" with { type: "json" };
import roles from "./fixtures/roles.json" with { type: "json" };
import settings from "./fixtures/settings.json" with { type: "json" };

/** A recorded JSON object the emulator copies whole, without reading its fields. */
export interface Recorded {
  readonly [key: string]: unknown;
}

/** An entry of `GET /api/osd`; the emulator overrides fields inside these four objects. */
export interface OsdListEntry extends Recorded {
  readonly osd_stats: Recorded & { readonly statfs: Recorded };
  readonly tree: Recorded;
  readonly host: Recorded;
  readonly stats: Recorded;
}

/** `mon_status` of `GET /api/monitor`; a copy gets the quorum and `monmap.mons` of the state. */
export interface MonStatus {
  monmap: Recorded;
  [key: string]: unknown;
}

/** `mgr_map` of `GET /api/health/full`; `services` is the base the enabled modules' URLs join. */
export interface MgrMap extends Recorded {
  readonly services: Readonly<Record<string, string>>;
}

/** A dashboard role: a login's permissions are the union of its roles' scopes. */
export interface Role extends Recorded {
  readonly name: string;
  readonly scopes_permissions: Readonly<Record<string, readonly string[]>>;
}

/** An entry of a list the emulator looks up by name (mgr modules, config options). */
export interface Named extends Recorded {
  readonly name: string;
}

/** A CRUSH rule of `GET /api/crush_rule`. */
export interface CrushRule extends Recorded {
  readonly rule_name: string;
}

/** `osd_map.pools[0]` of `GET /api/health/full`. */
export const OSDMAP_POOL: Recorded = osdmapPool;
/** `osd_map.osds[0]` of `GET /api/health/full`. */
export const OSDMAP_OSD: Recorded = osdmapOsd;
/** `osd_map` of `GET /api/health/full` without its pools and OSDs. */
export const OSD_MAP: Recorded = osdMap;
export const OSD_LIST_ENTRY: OsdListEntry = osdListEntry;
/** `osd_metadata` of `GET /api/osd/0`. */
export const OSD_METADATA: Recorded = osdMetadata;
export const MON_STATUS: Readonly<MonStatus> = monStatus;
/** `in_quorum[0]` of `GET /api/monitor` (its `stats` are live session counts). */
export const MON_IN_QUORUM: Recorded & { readonly stats: Recorded } = monInQuorum;
export const FS_MAP: Recorded = fsMap;
export const MGR_MAP: MgrMap = mgrMap;
/** `df.stats` of `GET /api/health/full`. */
export const DF_STATS: Recorded = dfStats;
/** `df.pools[0].stats` of `GET /api/health/full`: every field a number. */
export const DF_POOL_STATS: Readonly<Record<string, number>> = dfPoolStats;
/** `GET /api/pool/{name}/configuration`: shared by every answer, never copied (bench/ceph). */
export const RBD_CONFIGURATION: readonly Recorded[] = rbdConfiguration;
/** `GET /api/mgr/module`, the modules the emulator knows. */
export const MGR_MODULES: readonly Named[] = mgrModules;
/** `GET /api/cluster_conf`, the options the emulator knows. */
export const CLUSTER_CONF: readonly Named[] = clusterConf;
export const CRUSH_RULES: readonly CrushRule[] = crushRules;
export const EC_PROFILES: readonly Recorded[] = ecProfiles;
export const FEATURE_TOGGLES: Readonly<Record<string, boolean>> = featureToggles;
export const SETTINGS: readonly Recorded[] = settings;
/** An entry of `GET /api/host`. */
export const HOST: Recorded = host;
/**
 * `GET /api/role`. Asserted, not just annotated: the type TypeScript infers for the JSON array marks
 * the scopes one role lacks and another has `?: undefined`, which no index signature of string
 * lists accepts (a missing scope is absent, never undefined).
 */
export const ROLES: readonly Role[] = roles as readonly Role[];
/** `GET /api/osd/0/histogram` of an idle OSD. */
export const OSD_HISTOGRAM: Recorded = osdHistogram;
