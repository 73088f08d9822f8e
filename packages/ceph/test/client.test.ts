import { isHttpError } from "@homelab-kit/core";
import { describe, expect, it } from "vitest";
import { CephApiError, HealthMinimal, jwtExpiry, Pool, RbdImage } from "../src/index.js";
import { harness } from "./helpers.js";

describe("ceph client against the emulator (in-process)", () => {
  it("logs in once, sends the versioned Accept and reads health", async () => {
    const { ceph, calls } = harness();
    const health = await ceph.health.minimal();
    expect(HealthMinimal.parse(health).health.status).toBe("HEALTH_OK");
    await ceph.summary.get();
    expect(calls).toEqual(["POST /api/auth", "GET /api/health/minimal", "GET /api/summary"]);
    expect(jwtExpiry(ceph.auth.token!)).toBeGreaterThan(Date.now() / 1000);
  });

  it("lists OSDs per host, monitors and hosts", async () => {
    const { ceph } = harness({
      hosts: [
        { name: "dl360-1", osds: 2 },
        { name: "dl360-2", osds: 1, mon: true },
      ],
    });
    const osds = await ceph.osds.list();
    expect(osds.map((o) => [o.id, o.host.name, o.up])).toEqual([
      [0, "dl360-1", 1],
      [1, "dl360-1", 1],
      [2, "dl360-2", 1],
    ]);
    const hosts = await ceph.hosts.list();
    expect(hosts.map((h) => h.hostname)).toEqual(["dl360-1", "dl360-2"]);
    expect((await ceph.hosts.get("dl360-2")).services.map((s) => s.type)).toEqual(["mon", "osd"]);
    const mons = await ceph.monitors.get();
    expect(mons.in_quorum.map((m) => m.name)).toEqual(["a", "b"]);
    expect((await ceph.osds.get(2)).osd_metadata.hostname).toBe("dl360-2");
  });

  it("creates, updates and deletes a pool", async () => {
    const { ceph } = harness();
    await ceph.pools.create({
      pool: "vms",
      pool_type: "replicated",
      pg_num: 16,
      application_metadata: ["rbd"],
    });
    await ceph.pools.setQuota("vms", { maxBytes: 10 * 2 ** 30, maxObjects: 1000 });
    await ceph.pools.setCompression("vms", { mode: "aggressive", algorithm: "zstd" });
    await ceph.pools.setPgAutoscale("vms", "off", 32);
    const pool = Pool.parse(await ceph.pools.get("vms"));
    expect(pool).toMatchObject({
      pool_name: "vms",
      pg_num: 32,
      pg_autoscale_mode: "off",
      quota_max_bytes: 10 * 2 ** 30,
      quota_max_objects: 1000,
      application_metadata: ["rbd"],
      options: { compression_mode: "aggressive", compression_algorithm: "zstd" },
    });
    const names = await ceph.pools.list({ attrs: ["pool_name"] });
    expect(names).toEqual([
      { pool_name: "device_health_metrics" },
      { pool_name: "rbd" },
      { pool_name: "vms" },
    ]);
    await ceph.pools.delete("vms");
    const missing = await ceph.pools.get("vms").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CephApiError);
    expect(missing).toMatchObject({ status: 404, detail: "The path 'No such pool' was not found." });
  });

  it("runs the RBD lifecycle: image, resize, snapshot, protect, clone, flatten, copy, trash", async () => {
    const { ceph } = harness();
    const img = { pool: "rbd", image: "disk0" };
    await ceph.rbd.images.create({ name: "disk0", pool_name: "rbd", size: 2 ** 30 });
    await ceph.rbd.images.resize(img, 2 * 2 ** 30);
    await ceph.rbd.snapshots.create(img, "base");
    await ceph.rbd.snapshots.protect(img, "base");
    await ceph.rbd.snapshots.clone(img, "base", { child_pool_name: "rbd", child_image_name: "vm1" });
    const clone = RbdImage.parse(await ceph.rbd.images.get({ pool: "rbd", image: "vm1" }));
    expect(clone.parent).toMatchObject({ pool_name: "rbd", image_name: "disk0", snap_name: "base" });
    const parent = await ceph.rbd.images.get(img);
    expect(parent.size).toBe(2 * 2 ** 30);
    expect(parent.snapshots[0]).toMatchObject({
      name: "base",
      is_protected: true,
      children: [{ image_name: "vm1" }],
    });

    const busy = await ceph.rbd.snapshots.unprotect(img, "base").catch((e: unknown) => e);
    expect(busy).toMatchObject({
      status: 400,
      code: "16",
      component: "rbd",
      task: { name: "rbd/snap/edit" },
    });

    await ceph.rbd.images.flatten({ pool: "rbd", image: "vm1" });
    expect((await ceph.rbd.images.get({ pool: "rbd", image: "vm1" })).parent).toBeNull();
    await ceph.rbd.snapshots.unprotect(img, "base");
    await ceph.rbd.snapshots.rename(img, "base", "gold");
    await ceph.rbd.snapshots.rollback(img, "gold");
    await ceph.rbd.snapshots.delete(img, "gold");
    await ceph.rbd.images.copy(img, { dest_pool_name: "rbd", dest_image_name: "disk0-copy" });

    const listed = await ceph.rbd.images.list({ pool: "rbd", limit: 10 });
    expect(listed.total).toBe(3);
    expect(listed.images.map((i) => i.name)).toEqual(["disk0", "disk0-copy", "vm1"]);

    await ceph.rbd.images.moveToTrash({ pool: "rbd", image: "disk0-copy" });
    const trash = await ceph.rbd.trash.list();
    expect(trash.map((t) => t.name)).toEqual(["disk0-copy"]);
    await ceph.rbd.trash.restore({ pool: "rbd", id: trash[0]!.id }, "restored");
    await ceph.rbd.images.delete({ pool: "rbd", image: "restored" });
    await ceph.rbd.images.delete({ pool: "rbd", image: "vm1" });
    await ceph.rbd.images.delete(img);
    expect((await ceph.rbd.images.list()).total).toBe(0);
  });

  it("iterates every image page by page", async () => {
    const { ceph, calls } = harness();
    for (let i = 0; i < 12; i++) {
      await ceph.rbd.images.create({
        name: `img-${String(i).padStart(2, "0")}`,
        pool_name: "rbd",
        size: 2 ** 20,
      });
    }
    const names: string[] = [];
    for await (const image of ceph.rbd.images.iterate({ pageSize: 5 })) names.push(image.name);
    expect(names).toHaveLength(12);
    expect(names[11]).toBe("img-11");
    expect(calls.filter((c) => c.startsWith("GET /api/block/image?"))).toHaveLength(3);
  });

  it("raises typed errors with the dashboard's detail, code, component and task", async () => {
    const { ceph } = harness();
    await ceph.rbd.images.create({ name: "dup", pool_name: "rbd", size: 2 ** 20 });
    const dup = await ceph.rbd.images
      .create({ name: "dup", pool_name: "rbd", size: 2 ** 20 })
      .catch((e) => e);
    expect(dup).toBeInstanceOf(CephApiError);
    expect(isHttpError(dup)).toBe(true);
    expect(dup).toMatchObject({
      status: 400,
      code: "17",
      cephCode: "17",
      component: "rbd",
      detail: "[errno 17] RBD image already exists (error creating image)",
      task: { name: "rbd/create", metadata: { pool_name: "rbd", image_name: "dup" } },
    });
    const badType = await ceph.pools
      .create({ pool: "x", pool_type: "triple" as "replicated" })
      .catch((e) => e);
    expect(badType).toMatchObject({ status: 400, code: "22", component: "pool" });
    const noPool = await ceph.rbd.images
      .create({ name: "x", pool_name: "no-such-pool", size: 2 ** 20 })
      .catch((e) => e);
    expect(noPool).toMatchObject({ status: 400, code: "2", component: "pool" });
    const missing = await ceph.rbd.images.delete({ pool: "rbd", image: "nope" }).catch((e) => e);
    expect(missing).toMatchObject({ status: 404, cephCode: 404, code: "404", task: { name: "rbd/delete" } });
    const osd = await ceph.osds.get(99).catch((e) => e);
    expect(osd).toMatchObject({ status: 500, code: "HTTP_ERROR" });
    expect(osd.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(ceph.rbd.images.create({ name: "zero", pool_name: "rbd", size: 0 })).rejects.toThrow(
      RangeError,
    );
  });

  it("turns a 415 into an error naming both API versions", async () => {
    const { ceph } = harness({}, { apiVersions: { "GET /api/block/image": "1.0" } });
    const error = await ceph.rbd.images.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CephApiError);
    expect(error).toMatchObject({
      status: 415,
      code: "UNSUPPORTED_API_VERSION",
      serverVersion: "2.0",
      requestedVersion: "1.0",
    });
    expect((error as Error).message).toContain("v2.0");
    expect((error as Error).message).toContain("v1.0");
  });

  it("sets and reads OSD flags, marks OSDs out and in", async () => {
    const { ceph } = harness();
    const flags = await ceph.osds.flags();
    expect(await ceph.osds.setFlags([...flags, "noout"])).toContain("noout");
    const warn = await ceph.health.minimal();
    expect(warn.health.checks.map((c) => c.type)).toEqual(["OSDMAP_FLAGS"]);
    await ceph.osds.setFlags(flags);
    await ceph.osds.mark(0, "out");
    expect((await ceph.osds.list())[0]).toMatchObject({ in: 0, weight: 0 });
    await ceph.osds.mark(0, "in");
    expect((await ceph.osds.safeToDestroy([0])).is_safe_to_destroy).toBe(false);
    await ceph.osds.scrub(0, true);
    expect((await ceph.osds.settings()).nearfull_ratio).toBeCloseTo(0.85);
  });

  it("reads EC profiles, CRUSH rules, mgr modules and cluster configuration", async () => {
    const { ceph } = harness();
    expect((await ceph.erasureCodeProfiles.list()).map((p) => p.name)).toEqual(["default"]);
    await ceph.erasureCodeProfiles.create({ name: "k4m2", k: 4, m: 2 });
    expect(await ceph.erasureCodeProfiles.get("k4m2")).toMatchObject({ k: 4, m: 2 });
    expect((await ceph.crushRules.list())[0]?.rule_name).toBe("replicated_rule");
    await ceph.mgrModules.enable("prometheus");
    expect((await ceph.mgrModules.list()).find((m) => m.name === "prometheus")?.enabled).toBe(true);
    await ceph.config.set("mon_max_pg_per_osd", "global", 300);
    expect((await ceph.config.get("mon_max_pg_per_osd")).value).toEqual([
      { section: "global", value: "300" },
    ]);
    await ceph.config.delete("mon_max_pg_per_osd", "global");
    expect((await ceph.config.get("mon_max_pg_per_osd")).value).toBeUndefined();
    await expect(ceph.config.get("no_such_option")).rejects.toMatchObject({ status: 404 });
  });
});
