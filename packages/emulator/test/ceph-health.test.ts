import { createCephState, healthChecks, healthStatus } from "@homelab-kit/emulator/ceph";
import { describe, expect, it } from "vitest";

const GiB = 1024 ** 3;

function topology() {
  return createCephState({
    hosts: [
      { name: "dl360-1", osds: 2, osdBytes: 100 * GiB },
      { name: "dl360-2", osds: 2, osdBytes: 100 * GiB, mon: true },
      { name: "dl360-3", osds: 2, osdBytes: 100 * GiB, mon: true },
    ],
  });
}

const types = (state: ReturnType<typeof createCephState>) => healthChecks(state).map((c) => c.type);

describe("ceph emulator: health derived from state", () => {
  it("is HEALTH_OK on a fresh 3-host cluster with size-3 pools", () => {
    const state = topology();
    expect([...state.pools.values()].map((p) => p.size)).toEqual([3, 3]);
    expect(healthStatus(healthChecks(state))).toBe("HEALTH_OK");
  });

  it("a host powered off takes its OSDs and mon down: OSD_DOWN, OSD_HOST_DOWN, MON_DOWN, PG_DEGRADED", () => {
    const state = topology();
    state.setHostUp("dl360-2", false);
    const checks = healthChecks(state);
    expect(checks.map((c) => c.type)).toEqual(["OSD_DOWN", "OSD_HOST_DOWN", "MON_DOWN", "PG_DEGRADED"]);
    expect(checks[0]?.summary.message).toBe("2 osds down");
    expect(checks[0]?.detail.map((d) => d.message)).toEqual([
      "osd.2 (root=default,host=dl360-2) is down",
      "osd.3 (root=default,host=dl360-2) is down",
    ]);
    expect(checks[2]?.summary.message).toBe("1/3 mons down, quorum a,c");
    expect(healthStatus(checks)).toBe("HEALTH_WARN");
    state.setHostUp("dl360-2", true);
    expect(types(state)).toEqual([]);
  });

  it("two hosts down leave size-3/min-2 pools inactive: PG_AVAILABILITY", () => {
    const state = topology();
    state.setHostUp("dl360-1", false);
    state.setHostUp("dl360-3", false);
    expect(types(state)).toContain("PG_AVAILABILITY");
  });

  it("every OSD down: OSD_ROOT_DOWN, and PGs stale in their last state (as a real single-OSD cluster)", () => {
    const state = createCephState({ hosts: [{ name: "vm", osds: 1 }] });
    state.setOsdRunning(0, false);
    const checks = healthChecks(state);
    expect(checks.map((c) => c.type)).toEqual([
      "OSD_DOWN",
      "OSD_HOST_DOWN",
      "OSD_ROOT_DOWN",
      "PG_AVAILABILITY",
    ]);
    expect(checks[2]?.summary.message).toBe("1 root (1 osds) down");
    expect(checks[2]?.detail).toEqual([{ message: "root default (1 osds) is down" }]);
    expect(checks[3]?.summary.message).toBe("Reduced data availability: 9 pgs stale");
    state.setOsdRunning(0, true);
    expect(types(state)).toEqual([]);
  });

  it("a size-1 pool raises POOL_NO_REDUNDANCY, flags raise OSDMAP_FLAGS", () => {
    const state = topology();
    state.createPool({ name: "scratch", size: 1 });
    state.flags.add("noout");
    expect(types(state)).toEqual(["OSDMAP_FLAGS", "POOL_NO_REDUNDANCY"]);
  });

  it("OSD utilisation follows what the images hold: OSD_NEARFULL, then OSD_FULL (HEALTH_ERR)", () => {
    const state = createCephState({ hosts: [{ name: "n1", osds: 1, osdBytes: 10 * GiB }] });
    const pool = state.pools.get("rbd")!;
    expect(pool.size).toBe(1);
    state.images.set("rbd//big", {
      id: "abc",
      pool: "rbd",
      namespace: null,
      name: "big",
      size: 20 * GiB,
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
    state.writeImage("rbd", "big", 8.5 * GiB);
    expect(types(state)).toEqual(["OSD_NEARFULL"]);
    state.writeImage("rbd", "big", 1 * GiB);
    expect(types(state)).toEqual(["OSD_FULL"]);
    expect(healthStatus(healthChecks(state))).toBe("HEALTH_ERR");
  });

  it("an OSD marked down by hand comes back up while its daemon runs", () => {
    let now = 1_000_000;
    const state = createCephState({ now: () => now });
    const osd = state.osds.get(0)!;
    osd.downUntil = now + 6_000;
    expect(types(state)).toContain("OSD_DOWN");
    now += 6_000;
    expect(types(state)).toEqual([]);
  });
});
