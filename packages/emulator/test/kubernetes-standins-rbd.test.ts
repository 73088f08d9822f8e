import { createCephClient } from "@homelab-kit/ceph";
import { createCephEmulator } from "@homelab-kit/emulator/ceph";
import {
  deleteRbdVolume,
  expandRbdVolume,
  formatQuantity,
  ProvisionError,
  parseQuantity,
  provisionRbdVolume,
  roundOffBytes,
  volumeHandle,
} from "@homelab-kit/emulator/kubernetes";
import { describe, expect, it } from "vitest";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe("Ceph CSI sizes and handles", () => {
  it("parses Kubernetes quantities", () => {
    expect(parseQuantity("10Gi")).toBe(10 * GiB);
    expect(parseQuantity("1.5Gi")).toBe(1.5 * GiB);
    expect(parseQuantity("500M")).toBe(500e6);
    expect(parseQuantity("1e9")).toBe(1e9);
    expect(parseQuantity("1073741824")).toBe(GiB);
    expect(() => parseQuantity("ten gigs")).toThrow(RangeError);
  });

  it("rounds as ceph-csi does: MiB below 1 GiB, GiB from there", () => {
    expect(roundOffBytes(1)).toBe(MiB);
    expect(roundOffBytes(1.1 * MiB)).toBe(2 * MiB);
    expect(roundOffBytes(500e6)).toBe(477 * MiB);
    expect(roundOffBytes(GiB)).toBe(GiB);
    expect(roundOffBytes(1500 * MiB)).toBe(2 * GiB);
    expect(formatQuantity(2 * GiB)).toBe("2Gi");
    expect(formatQuantity(477 * MiB)).toBe("477Mi");
    expect(formatQuantity(1000)).toBe("1000");
  });

  it("builds ceph-csi volume handles", () => {
    const clusterId = "3c1c4c6e-6b2a-4d0f-9a43-2f1c5b8a9e01";
    expect(volumeHandle(clusterId, 2, "8a1f0d2e-0000-4000-8000-000000000001")).toBe(
      `0001-0024-${clusterId}-0000000000000002-8a1f0d2e-0000-4000-8000-000000000001`,
    );
  });
});

describe("RBD volumes in the emulated Ceph", () => {
  const setup = () => {
    const ceph = createCephEmulator();
    const client = createCephClient({
      baseUrl: "https://ceph.test",
      username: "admin",
      password: "Adm1n-Passw0rd!",
      transport: ceph.transport(),
    });
    const request = (
      parameters: Record<string, string>,
      extra: Partial<Parameters<typeof provisionRbdVolume>[1]> = {},
    ) => ({
      clusterId: ceph.state.fsid,
      parameters: { clusterID: ceph.state.fsid, pool: "rbd", ...parameters },
      bytes: 1500 * MiB,
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      ...extra,
    });
    return { ceph, client, request };
  };

  it("creates csi-vol-<uuid> with the rounded size, visible through the Ceph API, and deletes it", async () => {
    const { ceph, client, request } = setup();
    const volume = provisionRbdVolume(ceph.state, request({ imageFeatures: "layering,exclusive-lock" }));
    expect(volume.image.name).toMatch(
      /^csi-vol-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(volume.capacityBytes).toBe(2 * GiB);
    expect(volume.handle).toContain(ceph.state.fsid);
    expect(volume.handle.endsWith(volume.image.name.slice("csi-vol-".length))).toBe(true);
    const image = await client.rbd.images.get({ pool: "rbd", image: volume.image.name });
    expect(image.size).toBe(2 * GiB);
    expect(image.features_name).toEqual(["exclusive-lock", "layering"]);
    // Expansion rounds as creation does and never shrinks.
    expect(expandRbdVolume(ceph.state, volume.attributes, 2.5 * GiB)).toBe(3 * GiB);
    expect(expandRbdVolume(ceph.state, volume.attributes, GiB)).toBe(3 * GiB);
    expect((await client.rbd.images.get({ pool: "rbd", image: volume.image.name })).size).toBe(3 * GiB);
    expect(deleteRbdVolume(ceph.state, volume.attributes)).toBe(true);
    expect(() => expandRbdVolume(ceph.state, volume.attributes, 4 * GiB)).toThrow(ProvisionError);
    expect(deleteRbdVolume(ceph.state, volume.attributes)).toBe(false); // idempotent
    const gone = await client.rbd.images
      .get({ pool: "rbd", image: volume.image.name })
      .catch((e: unknown) => e);
    expect((gone as { status?: number }).status).toBe(404);
  });

  it("refuses what ceph-csi refuses, creating nothing", () => {
    const { ceph, request } = setup();
    const attempt = (r: ReturnType<typeof request>) => {
      try {
        provisionRbdVolume(ceph.state, r);
      } catch (error) {
        return error as ProvisionError;
      }
      throw new Error("provisioned");
    };
    const noPool = attempt(request({ pool: "missing" }));
    expect(noPool).toBeInstanceOf(ProvisionError);
    expect(noPool.message).toBe(
      "rpc error: code = NotFound desc = pool not found: pool (missing) not found in Ceph cluster",
    );
    expect(attempt(request({ clusterID: "other" })).message).toContain(
      "failed to fetch monitor list using clusterID (other)",
    );
    expect(attempt(request({}, { accessModes: ["ReadWriteMany"] })).message).toContain(
      "multi node access modes are only supported on rbd `block` type volumes",
    );
    expect(ceph.state.images.size).toBe(0);
    // Block volumes may be shared.
    expect(
      provisionRbdVolume(ceph.state, request({}, { accessModes: ["ReadWriteMany"], volumeMode: "Block" }))
        .image.pool,
    ).toBe("rbd");
  });
});
