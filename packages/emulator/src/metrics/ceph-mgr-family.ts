import type { MetricType } from "./exposition.js";

/**
 * One metric family of the ceph-mgr `prometheus` module as a real Pacific mgr exposes it:
 * name, TYPE, HELP, and who owns the samples — `module` (computed by the module: health, OSD map,
 * PGs, pools, …; with the label names seen on the real cluster, `null` when it had no sample) or
 * `mon` / `osd` (a daemon's perf counter: one sample per daemon, label `ceph_daemon`).
 */
export type CephMgrFamily =
  | readonly [name: string, type: MetricType, help: string, kind: "module", labels: readonly string[] | null]
  | readonly [name: string, type: MetricType, help: string, kind: "mon" | "osd"];
