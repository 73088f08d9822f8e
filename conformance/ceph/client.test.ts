/**
 * The client's integration suite against the real Ceph started by scripts/ceph/start.sh:
 * health, OSDs, hosts, the pool and RBD image lifecycle with snapshots and clones, and every
 * error case of the reference samples that a client can produce, as typed errors.
 */

import { CephApiError, CephTaskError, createCephClient } from "@homelab-kit/ceph";
import { isTimeoutError } from "@homelab-kit/core";
import { afterAll, describe, expect, it } from "vitest";
import { realCeph } from "./env.js";

const real = realCeph();
const suffix = Math.random().toString(36).slice(2, 8);
const POOL = `it-pool-${suffix}`;
const ceph = createCephClient({ baseUrl: real.url, username: real.username, password: real.password });

afterAll(async () => {
  for (const pool of [POOL, `${POOL}-one`]) await ceph.pools.delete(pool).catch(() => {});
  await ceph.close();
});

describe("ceph client against real Ceph (Pacific 16.2.15)", () => {
  it("reads health, summary, monitors, OSDs and hosts", async () => {
    const health = await ceph.health.minimal();
    expect(["HEALTH_OK", "HEALTH_WARN"]).toContain(health.health.status);
    const full = await ceph.health.full();
    expect(full.osd_map.osds.length).toBeGreaterThan(0);
    expect((await ceph.summary.get()).version).toContain("pacific");
    expect((await ceph.summary.status()).status).toBe("POST_INSTALLED");
    expect((await ceph.monitors.get()).in_quorum.length).toBe(1);
    const osds = await ceph.osds.list();
    expect(osds[0]).toMatchObject({ id: 0, up: 1, in: 1 });
    const hosts = await ceph.hosts.list();
    expect(hosts[0]?.services.some((s) => s.type === "osd")).toBe(true);
    expect((await ceph.hosts.get(hosts[0]!.hostname)).hostname).toBe(hosts[0]!.hostname);
    expect((await ceph.osds.get(0)).osd_metadata.hostname).toBe(hosts[0]!.hostname);
    expect((await ceph.osds.safeToDestroy([0])).is_safe_to_destroy).toBe(false);
    expect((await ceph.osds.settings()).full_ratio).toBeGreaterThan(0.9);
    expect((await ceph.erasureCodeProfiles.list()).some((p) => p.name === "default")).toBe(true);
    expect((await ceph.crushRules.list())[0]?.rule_name).toBe("replicated_rule");
    expect((await ceph.mgrModules.list()).find((m) => m.name === "dashboard")?.enabled).toBe(true);
    expect((await ceph.config.get("osd_pool_default_size")).name).toBe("osd_pool_default_size");
    expect(await ceph.rbd.images.defaultFeatures()).toContain("layering");
  });

  it("sets and resets an OSD flag, seen in health", async () => {
    const flags = await ceph.osds.flags();
    try {
      expect(await ceph.osds.setFlags([...flags, "noscrub"])).toContain("noscrub");
      const health = await ceph.health.minimal();
      expect(health.health.checks.map((c) => c.type)).toContain("OSDMAP_FLAGS");
    } finally {
      expect(await ceph.osds.setFlags(flags)).toEqual([...flags].sort());
    }
  });

  it("runs the pool lifecycle (create → quota/apps → pg autoscale off → delete)", async () => {
    const progress: number[] = [];
    await ceph.pools.create(
      { pool: POOL, pool_type: "replicated", pg_num: 8, application_metadata: ["rbd"] },
      { task: { onProgress: (p) => progress.push(p.progress) } },
    );
    await ceph.pools.setQuota(POOL, { maxBytes: 10 * 2 ** 30, maxObjects: 100_000 });
    await ceph.pools.setPgAutoscale(POOL, "off", 16);
    const pool = await ceph.pools.get(POOL, {
      attrs: ["pool_name", "quota_max_bytes", "pg_autoscale_mode", "application_metadata"],
    });
    expect(pool).toMatchObject({
      pool_name: POOL,
      quota_max_bytes: 10 * 2 ** 30,
      pg_autoscale_mode: "off",
      application_metadata: ["rbd"],
    });
    // Creating an existing pool is a success on Pacific.
    await ceph.pools.create({ pool: POOL, pool_type: "replicated", pg_num: 8 });
  });

  it("runs the RBD lifecycle with snapshots, a clone, flatten, copy and trash", async () => {
    const img = { pool: POOL, image: "disk" };
    await ceph.rbd.images.create({ name: "disk", pool_name: POOL, size: 2 ** 30 });
    await ceph.rbd.images.resize(img, 2 * 2 ** 30);
    await ceph.rbd.images.resize(img, 1.5 * 2 ** 30);
    expect((await ceph.rbd.images.get(img)).size).toBe(1.5 * 2 ** 30);
    await ceph.rbd.snapshots.create(img, "s1");
    await ceph.rbd.snapshots.protect(img, "s1");
    await ceph.rbd.snapshots.clone(img, "s1", { child_pool_name: POOL, child_image_name: "clone" });
    const clone = await ceph.rbd.images.get({ pool: POOL, image: "clone" });
    expect(clone.parent).toMatchObject({ pool_name: POOL, image_name: "disk", snap_name: "s1" });
    const busy = await ceph.rbd.snapshots.delete(img, "s1").catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(CephApiError);
    expect(busy).toMatchObject({
      status: 400,
      code: "16",
      component: "rbd",
      task: { name: "rbd/snap/delete" },
    });
    await ceph.rbd.images.flatten({ pool: POOL, image: "clone" });
    expect((await ceph.rbd.images.get({ pool: POOL, image: "clone" })).parent).toBeNull();
    await ceph.rbd.images.delete({ pool: POOL, image: "clone" });
    await ceph.rbd.snapshots.unprotect(img, "s1");
    await ceph.rbd.snapshots.rename(img, "s1", "s2");
    await ceph.rbd.snapshots.rollback(img, "s2");
    await ceph.rbd.snapshots.delete(img, "s2");
    await ceph.rbd.images.copy(img, { dest_pool_name: POOL, dest_image_name: "copy" });
    const listed = await ceph.rbd.images.list({ pool: POOL, limit: 10 });
    expect(listed.images.map((i) => i.name).sort()).toEqual(["copy", "disk"]);
    expect(listed.total).toBe(2);
    await ceph.rbd.images.moveToTrash({ pool: POOL, image: "copy" });
    const trashed = (await ceph.rbd.trash.list({ pool: POOL })).find((t) => t.name === "copy");
    expect(trashed).toBeDefined();
    await ceph.rbd.trash.restore({ pool: POOL, id: trashed!.id }, "copy");
    await ceph.rbd.images.delete({ pool: POOL, image: "copy" });
    await ceph.rbd.images.delete(img);
  });

  it("raises the samples' errors as typed errors", async () => {
    const wrong = createCephClient({
      baseUrl: real.url,
      username: real.username,
      password: "wrong-password",
    });
    await expect(wrong.health.minimal()).rejects.toMatchObject({ status: 400, code: "invalid_credentials" });
    await wrong.close();
    const forged = createCephClient({ baseUrl: real.url, token: "not-a-jwt" });
    await expect(forged.health.minimal()).rejects.toMatchObject({ status: 401 });
    await forged.close();
    const newer = createCephClient({
      ...real,
      baseUrl: real.url,
      apiVersions: { "GET /api/health/minimal": "2.0" },
    });
    const version = await newer.health.minimal().catch((e: unknown) => e);
    expect(version).toMatchObject({
      status: 415,
      code: "UNSUPPORTED_API_VERSION",
      serverVersion: "1.0",
      requestedVersion: "2.0",
    });
    await newer.close();

    await expect(ceph.hosts.get("no-such-host")).rejects.toMatchObject({ status: 404 });
    await expect(ceph.osds.get(99)).rejects.toMatchObject({ status: 500 });
    await expect(ceph.config.get("no_such_option")).rejects.toMatchObject({ status: 404 });
    await expect(ceph.pools.get("no-such-pool")).rejects.toMatchObject({
      status: 404,
      detail: "The path 'No such pool' was not found.",
    });
    await expect(ceph.pools.setQuota("no-such-pool", { maxObjects: 1 })).rejects.toMatchObject({
      status: 404,
    });
    await ceph.pools.delete("no-such-pool"); // 204 on Pacific
    await expect(
      ceph.pools.create({ pool: "bad-type", pool_type: "triple" as "replicated", pg_num: 8 }),
    ).rejects.toMatchObject({
      status: 400,
      code: "22",
      component: "pool",
      detail: "[errno -22] unknown pool type 'triple'",
    });
    await expect(ceph.pools.create({ pool: "", pool_type: "replicated", pg_num: 8 })).rejects.toMatchObject({
      status: 400,
      code: "22",
    });
    // size 1: a 400, or a 202 whose task fails (gotcha 3): both are typed, and the pool exists.
    const size1 = await ceph.pools
      .create({ pool: `${POOL}-one`, pool_type: "replicated", pg_num: 8, size: 1 })
      .catch((e: unknown) => e);
    expect(size1 instanceof CephApiError || size1 instanceof CephTaskError).toBe(true);
    expect((size1 as { detail: string }).detail).toContain("--yes-i-really-mean-it");
    await ceph.pools.delete(`${POOL}-one`);

    await ceph.rbd.images.create({ name: "e", pool_name: POOL, size: 2 ** 20 });
    await expect(ceph.rbd.images.create({ name: "e", pool_name: POOL, size: 2 ** 20 })).rejects.toMatchObject(
      {
        status: 400,
        code: "17",
        task: { name: "rbd/create" },
      },
    );
    await expect(
      ceph.rbd.images.create({ name: "x", pool_name: "no-such-pool", size: 2 ** 20 }),
    ).rejects.toMatchObject({
      status: 400,
      code: "2",
      component: "pool",
    });
    await expect(ceph.rbd.images.get({ pool: POOL, image: "nope" })).rejects.toMatchObject({
      status: 404,
      detail: "Image not found",
    });
    await expect(ceph.rbd.images.resize({ pool: POOL, image: "nope" }, 2 ** 30)).rejects.toMatchObject({
      status: 400,
      code: "2",
      task: { name: "rbd/edit" },
    });
    await expect(ceph.rbd.snapshots.create({ pool: POOL, image: "nope" }, "s")).rejects.toMatchObject({
      status: 400,
      task: { name: "rbd/snap/create" },
    });
    await ceph.rbd.images.delete({ pool: POOL, image: "e" });
    await expect(ceph.rbd.images.delete({ pool: POOL, image: "e" })).rejects.toMatchObject({
      status: 404,
      cephCode: 404,
      task: { name: "rbd/delete" },
    });
  });

  it("times out waiting for a task, and logs out (the old token is revoked)", async () => {
    const error = await ceph.tasks
      .wait({ name: "pool/create", metadata: { pool_name: "never-created" } }, { timeout: 300, interval: 50 })
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);

    const session = createCephClient({ baseUrl: real.url, username: real.username, password: real.password });
    await session.auth.login();
    const token = session.auth.token!;
    await session.auth.logout();
    const stale = createCephClient({ baseUrl: real.url, token });
    await expect(stale.health.minimal()).rejects.toMatchObject({ status: 401 });
    await stale.close();
    expect((await session.health.minimal()).health).toBeDefined(); // logs in again by itself
    await session.close();
  });
});
