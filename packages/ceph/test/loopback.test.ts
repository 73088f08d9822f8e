import { isNetworkError } from "@homelab-kit/core";
import { createCephEmulator } from "@homelab-kit/emulator/ceph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CephApiError, createCephClient } from "../src/index.js";
import { ADMIN } from "./helpers.js";

describe("ceph client over loopback HTTP (undiciTransport → serve)", () => {
  const emulator = createCephEmulator();
  let server: Awaited<ReturnType<typeof emulator.listen>>;
  beforeAll(async () => {
    server = await emulator.listen();
  });
  afterAll(async () => {
    await server.close();
  });

  it("runs a pool + image lifecycle with the default transport", async () => {
    const ceph = createCephClient({ baseUrl: server.url, ...ADMIN });
    try {
      expect((await ceph.health.minimal()).health.status).toBe("HEALTH_OK");
      await ceph.pools.create({
        pool: "k8s",
        pool_type: "replicated",
        pg_num: 8,
        application_metadata: ["rbd"],
      });
      await ceph.rbd.images.create({ name: "pvc-1", pool_name: "k8s", size: 2 ** 30 });
      await ceph.rbd.snapshots.create({ pool: "k8s", image: "pvc-1" }, "s1");
      const list = await ceph.rbd.images.list({ pool: "k8s" });
      expect(list.total).toBe(1);
      expect(list.images[0]?.snapshots.map((s) => s.name)).toEqual(["s1"]);
      const error = await ceph.rbd.images.get({ pool: "k8s", image: "nope" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CephApiError);
      expect(error).toMatchObject({ status: 404, detail: "Image not found" });
      await ceph.pools.delete("k8s");
      await ceph.auth.logout();
    } finally {
      await ceph.close();
    }
  });

  it("speaks HTTPS to a dashboard with a self-signed certificate when given its CA (verification on)", async () => {
    const tls = await emulator.listen({ tls: "self-signed" });
    try {
      const trusted = createCephClient({ baseUrl: tls.url, ...ADMIN, tls: { ca: tls.ca } });
      expect((await trusted.health.minimal()).health.status).toBe("HEALTH_OK");
      await trusted.close();
      const untrusted = createCephClient({ baseUrl: tls.url, ...ADMIN });
      const error = await untrusted.health.minimal().catch((e: unknown) => e);
      expect(isNetworkError(error)).toBe(true);
      await untrusted.close();
    } finally {
      await tls.close();
    }
  });
});
