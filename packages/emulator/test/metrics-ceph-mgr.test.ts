/**
 * The ceph-mgr `prometheus` module exposition against the real one recorded from Ceph 16.2.15
 * (docs/reference/ceph/prometheus/, state described in docs/reference/ceph/NOTES.md): an emulated
 * cluster in the same state (one host `vm`, osd.0 of 10 GiB, pools device_health_metrics and rbd
 * with 32 PGs, image rbd/img1, rbd_stats_pools=rbd) answers the same families (names, TYPE, HELP,
 * label names) with values consistent with that state, through a healthy cluster, a flag set and
 * cleared, the OSD down and back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CephState, createCephState } from "@homelab-kit/emulator/ceph";
import {
  createCephMgrExporter,
  type ParsedFamily,
  parseExposition,
  pythonFloat,
  sampleValue,
} from "@homelab-kit/emulator/metrics";
import { describe, expect, it } from "vitest";
import { rootDir } from "../../../vitest.shared.js";

const REC = join(rootDir, "docs/reference/ceph/prometheus");
const recorded = (name: string) => parseExposition(readFileSync(join(REC, `${name}.prom`), "utf8"));
const GiB = 1024 ** 3;

/** The recorded cluster's state, built in the emulator. */
function recordedCluster(): CephState {
  const state = createCephState({
    hosts: [{ name: "vm", osds: 1, osdBytes: 10 * GiB }],
    pools: [
      {
        name: "device_health_metrics",
        pgNum: 1,
        applications: ["mgr_devicehealth"],
        options: { pg_num_max: 32, pg_num_min: 1 },
      },
      { name: "rbd", pgNum: 32, applications: ["rbd"] },
    ],
  });
  state.images.set("rbd//img1", {
    id: "1234abcd",
    pool: "rbd",
    namespace: null,
    name: "img1",
    size: GiB,
    objSize: 4 * 1024 * 1024,
    features: ["layering"],
    createdAt: 0,
    stripeUnit: 4 * 1024 * 1024,
    stripeCount: 1,
    dataPool: null,
    usedBytes: 0,
    parent: undefined,
    snapshots: [],
  });
  state.enabledModules.add("prometheus");
  state.config.set("mgr/prometheus/rbd_stats_pools", [{ section: "mgr", value: "rbd" }]);
  state.config.set("osd_memory_target", [{ section: "osd", value: "1073741824" }]);
  return state;
}

const labelNames = (f: ParsedFamily) => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))];
const series = (families: Map<string, ParsedFamily>, name: string) =>
  (families.get(name)?.samples ?? []).map((s) => `${JSON.stringify(s.labels)} ${s.value}`).sort();

describe("ceph-mgr prometheus module: emulator vs the recorded Pacific 16.2.15 exposition", () => {
  it("has the same families, in the same order, with the same TYPE, HELP and label names", () => {
    const real = recorded("healthy");
    const ours = parseExposition(createCephMgrExporter(recordedCluster()).text());
    expect([...ours.keys()]).toEqual([...real.keys()]);
    for (const [name, family] of real) {
      const mine = ours.get(name)!;
      expect({ name, type: mine.type }).toEqual({ name, type: family.type });
      // the real module repeats ceph_pool_objects_repaired's HELP with " Count" per pool (a bug): first one kept
      expect({ name, help: mine.help }).toEqual({ name, help: family.help });
      expect({ name, labels: labelNames(mine) }).toEqual({ name, labels: labelNames(family) });
      expect({ name, samples: mine.samples.length }).toEqual({ name, samples: family.samples.length });
    }
  });

  it("answers the state's values where the recording's state and the model agree", () => {
    const real = recorded("healthy");
    const ours = parseExposition(createCephMgrExporter(recordedCluster()).text());
    for (const name of [
      "ceph_health_status",
      "ceph_mon_quorum_status",
      "ceph_mon_metadata",
      "ceph_mgr_metadata",
      "ceph_mgr_status",
      "ceph_mgr_module_status",
      "ceph_mgr_module_can_run",
      "ceph_osd_metadata",
      "ceph_pool_metadata",
      "ceph_pg_total",
      "ceph_pg_active",
      "ceph_pg_clean",
      "ceph_pg_stale",
      "ceph_pg_degraded",
      "ceph_osd_up",
      "ceph_osd_in",
      "ceph_osd_weight",
      "ceph_osd_flag_noout",
      "ceph_osd_flag_noscrub",
      "ceph_cluster_total_bytes",
      "ceph_daemon_health_metrics",
      "ceph_osd_stat_bytes",
      "ceph_osd_numpg",
      "ceph_bluefs_db_total_bytes",
      "ceph_bluestore_pricache_target_bytes",
      "ceph_prioritycache_target_bytes",
      "ceph_rbd_write_ops",
      "ceph_pool_quota_bytes",
      "ceph_pool_objects_repaired",
    ]) {
      expect({ name, series: series(ours, name) }).toEqual({ name, series: series(real, name) });
    }
    // usage: the model counts what the images hold (nothing written) on top of BlueStore's overhead
    const used = sampleValue(ours, "ceph_cluster_total_used_bytes")!;
    expect(Math.abs(used - sampleValue(real, "ceph_cluster_total_used_bytes")!)).toBeLessThan(5 * 1024 ** 2);
    expect(sampleValue(ours, "ceph_pool_max_avail", { pool_id: "2" })).toBe(
      Math.floor(10 * GiB * 0.95 - sampleValue(ours, "ceph_osd_stat_bytes_used", { ceph_daemon: "osd.0" })!),
    );
  });

  it("a flag raises OSDMAP_FLAGS; once cleared, the check stays listed at 0 (the module's health history)", () => {
    const state = recordedCluster();
    const exporter = createCephMgrExporter(state);
    state.flags.add("noscrub");
    const flagged = parseExposition(exporter.text());
    const real = recorded("noscrub");
    for (const name of ["ceph_health_status", "ceph_health_detail", "ceph_osd_flag_noscrub"])
      expect({ name, series: series(flagged, name) }).toEqual({ name, series: series(real, name) });
    state.flags.delete("noscrub");
    const cleared = parseExposition(exporter.text());
    expect(series(cleared, "ceph_health_detail")).toEqual([
      `{"name":"OSDMAP_FLAGS","severity":"HEALTH_WARN"} 0`,
    ]);
    expect(sampleValue(cleared, "ceph_health_status")).toBe(0);
  });

  it("the OSD of a stopped host reads ceph_osd_up 0, its PGs stale, and the same checks as the real cluster", () => {
    const state = recordedCluster();
    const exporter = createCephMgrExporter(state);
    state.flags.add("noscrub");
    exporter.text();
    state.flags.delete("noscrub");
    state.setHostUp("vm", false);
    const down = parseExposition(exporter.text());
    const real = recorded("osd-down");
    for (const name of [
      "ceph_health_status",
      "ceph_health_detail",
      "ceph_osd_up",
      "ceph_osd_in",
      "ceph_pg_active",
      "ceph_pg_clean",
      "ceph_pg_stale",
      "ceph_pg_undersized",
      "ceph_cluster_total_bytes",
      "ceph_osd_stat_bytes",
    ]) {
      expect({ name, series: series(down, name) }).toEqual({ name, series: series(real, name) });
    }
    state.setHostUp("vm", true);
    const back = parseExposition(exporter.text());
    const recovered = recorded("recovered");
    for (const name of ["ceph_health_status", "ceph_health_detail", "ceph_osd_up"])
      expect({ name, series: series(back, name) }).toEqual({ name, series: series(recovered, name) });
  });

  it("prints like the module: a leading blank line, one HELP per family, Python floats", () => {
    const text = createCephMgrExporter(recordedCluster()).text();
    expect(
      text.startsWith(
        "\n# HELP ceph_health_status Cluster health status\n# TYPE ceph_health_status untyped\n",
      ),
    ).toBe(true);
    expect(text).toContain("\nceph_cluster_total_bytes 10737418240.0\n");
    expect(text.match(/# HELP ceph_pool_objects_repaired /g)).toHaveLength(1);
    expect([0, 1, 10737418240, 4.138952931498352e-7, 1e16, 0.5, -2].map(pythonFloat)).toEqual([
      "0.0",
      "1.0",
      "10737418240.0",
      "4.138952931498352e-07",
      "1e+16",
      "0.5",
      "-2.0",
    ]);
  });

  it("counts the time its own collection takes per method, as the module does", () => {
    const exporter = createCephMgrExporter(recordedCluster());
    exporter.text();
    const second = parseExposition(exporter.text());
    expect(
      sampleValue(second, "ceph_prometheus_collect_duration_seconds_count", { method: "get_health" }),
    ).toBe(1);
    expect(
      sampleValue(second, "ceph_prometheus_collect_duration_seconds_sum", { method: "get_health" }),
    ).toBeGreaterThan(0);
  });

  it("exports no ceph_rbd_* series without rbd_stats_pools (the module's default)", () => {
    const state = recordedCluster();
    state.config.delete("mgr/prometheus/rbd_stats_pools");
    const families = parseExposition(createCephMgrExporter(state).text());
    expect(families.get("ceph_rbd_write_ops")?.samples).toEqual([]);
    const all = parseExposition(createCephMgrExporter(state, { rbdStatsPools: "*" }).text());
    expect(series(all, "ceph_rbd_read_ops")).toEqual([`{"pool":"rbd","namespace":"","image":"img1"} 0`]);
  });
});
