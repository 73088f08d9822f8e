/**
 * Cross-API consistency through the public clients: iLO power decides what Ceph (and Kubernetes
 * node records) see. Every mutating request is followed by the world's invariant check.
 */
import { useEmulator } from "@homelab-kit/emulator/world";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientsFor } from "./world-helpers.js";

const emu = useEmulator({ beforeEach, afterEach });
const POST_MS = 30_000;
const POWER_ON_MS = 2_000;

async function powerOnAll() {
  const { ceph, ilo } = clientsFor(emu());
  for (const host of ["node1", "node2", "node3"]) {
    expect(await ilo(host).power.on()).toMatchObject({ changed: true });
  }
  return { ceph, ilo };
}

describe("World: iLO power drives Ceph", () => {
  it("starts switched off: every OSD down, Ceph not healthy", async () => {
    const { ceph, ilo } = clientsFor(emu());
    expect(await ilo("node2").power.get()).toBe("Off");
    const health = await ceph.health.minimal();
    expect(health.health.status).not.toBe("HEALTH_OK");
    expect(health.osd_map.osds.every((o) => o.up === 0)).toBe(true);
  });

  it("comes up only after POST: OSDs up and HEALTH_OK once every host finished POST", async () => {
    const { ceph, ilo } = await powerOnAll();
    emu().clock.advance(POWER_ON_MS);
    expect(await ilo("node1").power.get()).toBe("On");
    // electrically on, still in POST: the OSDs are not up yet
    let health = await ceph.health.minimal();
    expect(health.osd_map.osds.some((o) => o.up === 1)).toBe(false);
    emu().clock.advance(POST_MS);
    health = await ceph.health.minimal();
    expect(health.osd_map.osds.map((o) => o.up)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(health.health.status).toBe("HEALTH_OK");
  });

  it("powering a host off through iLO takes its OSDs down: HEALTH_WARN with OSD_DOWN; back on, it recovers after POST", async () => {
    const { ceph, ilo } = await powerOnAll();
    emu().clock.advance(POWER_ON_MS + POST_MS);
    expect((await ceph.health.minimal()).health.status).toBe("HEALTH_OK");

    expect(await ilo("node2").power.off()).toMatchObject({ changed: true });
    const down = await ceph.health.full();
    expect(down.health.status).toBe("HEALTH_WARN");
    const codes = down.health.checks.map((c) => c.type);
    expect(codes).toContain("OSD_DOWN");
    const osds = await ceph.osds.list();
    const node2 = osds.filter((o) => o.host.name === "node2");
    expect(node2).toHaveLength(2);
    expect(node2.every((o) => o.up === 0)).toBe(true);
    expect(osds.filter((o) => o.host.name !== "node2").every((o) => o.up === 1)).toBe(true);

    await ilo("node2").power.on();
    emu().clock.advance(POWER_ON_MS + POST_MS - 1);
    expect((await ceph.health.minimal()).health.status).toBe("HEALTH_WARN");
    emu().clock.advance(1);
    expect((await ceph.health.minimal()).health.status).toBe("HEALTH_OK");
  });

  it("a host whose power-on fails stays down for Ceph", async () => {
    emu().world.host("node3").ilo.faults.powerOnFails = true;
    const { ceph } = await powerOnAll();
    emu().clock.advance(POWER_ON_MS + POST_MS);
    const osds = await ceph.osds.list();
    expect(osds.filter((o) => o.host.name === "node3").map((o) => o.up)).toEqual([0, 0]);
    expect((await ceph.health.minimal()).health.status).toBe("HEALTH_WARN");
  });

  it("Kubernetes node records follow their host", async () => {
    const world = emu().world;
    const node = world.addKubernetesNode({ name: "k8s-1", vm: "k8s-1", host: "node1", roles: ["worker"] });
    expect(node.ready).toBe(false);
    const { ilo } = await powerOnAll();
    emu().clock.advance(POWER_ON_MS + POST_MS);
    await ilo("node1").power.get();
    expect(world.kubernetes.nodes.get("k8s-1")?.ready).toBe(true);
    await ilo("node1").power.off();
    expect(world.kubernetes.nodes.get("k8s-1")?.ready).toBe(false);
  });

  it("tells listeners (the OpenNebula adapter) when a host goes up or down, at emulated times", async () => {
    const events: Array<{ host: string; up: boolean; at: number }> = [];
    emu().world.onHostChange((e) => events.push(e));
    const start = emu().clock.now();
    const { ilo } = await powerOnAll();
    emu().clock.advance(POWER_ON_MS + POST_MS);
    await ilo("node1").power.off();
    expect(events.map((e) => `${e.host}:${e.up}`)).toEqual([
      "node1:true",
      "node2:true",
      "node3:true",
      "node1:false",
    ]);
    expect(events[0]?.at).toBe(start + POWER_ON_MS + POST_MS);
  });

  it("checks invariants: a state broken behind the world's back is reported", () => {
    const world = emu().world;
    const osd = world.ceph?.osds.get(0);
    if (osd === undefined) throw new Error("no OSD 0");
    osd.running = true; // node1 is off: an OSD cannot run there
    expect(() => emu().world.sync()).not.toThrow();
    return import("@homelab-kit/emulator/world").then(({ checkInvariants }) => {
      expect(checkInvariants(world)).toEqual(["OSD 0 runs on node1, which is down"]);
      osd.running = false;
    });
  });
});
