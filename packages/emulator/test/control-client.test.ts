/** `createControlClient()` against a served emulator: every call, and its errors (core's, token redacted). */
import { HttpError, NetworkError } from "@homelab-kit/core";
import { createControlClient } from "@homelab-kit/emulator/testcontainers";
import { createEmulator } from "@homelab-kit/emulator/world";
import { describe, expect, it } from "vitest";

const TOKEN = "control-client-token-0123";

describe("createControlClient", () => {
  it("reads health, adds/lists/removes/clears faults, advances the clock, snapshots and restores", async () => {
    const emulator = createEmulator({ controlToken: TOKEN });
    const { control } = await emulator.listen();
    const client = createControlClient({ url: `${control.url}/`, token: TOKEN });
    try {
      const health = await client.health();
      expect(health).toMatchObject({ status: "running", topology: "reference", faults: 0 });
      expect(health.hosts.map((h) => h.name)).toEqual(["node1", "node2", "node3"]);

      const rule = await client.faults.add({ api: "ceph", status: 503 });
      const world = await client.faults.add({ kind: "post-hangs", host: "node2" });
      expect((await client.faults.list()).map((f) => f.id)).toEqual([rule.id, world.id]);
      await client.faults.remove(rule.id);
      expect(await client.faults.list()).toHaveLength(1);
      await client.faults.clear();
      expect(await client.faults.list()).toEqual([]);

      const before = emulator.clock.now();
      expect((await client.clock.advance(60_000)).ms).toBe(before + 60_000);

      const snapshot = await client.state.snapshot();
      expect(snapshot).toMatchObject({ now: before + 60_000, topology: { name: "reference" } });
      await client.state.restore(snapshot);
      expect((await client.state.snapshot()).hosts).toEqual(snapshot.hosts);
    } finally {
      await client.close();
      await emulator.close();
    }
  });

  it("refusals are core's HttpError with the emulator's reason, and the token never shows", async () => {
    const emulator = createEmulator({ controlToken: TOKEN });
    const { control } = await emulator.listen();
    const wrong = createControlClient({ url: control.url, token: "not-the-token-000000" });
    const client = createControlClient({ url: control.url, token: TOKEN });
    try {
      const denied = await wrong.faults.list().catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(HttpError);
      expect(denied).toMatchObject({ status: 401, body: { error: expect.stringMatching(/control token/) } });
      expect(JSON.stringify({ ...(denied as HttpError), message: (denied as Error).message })).not.toContain(
        "not-the-token",
      );
      expect(await wrong.health()).toMatchObject({ status: "running" }); // health is open

      await expect(client.faults.add({ api: "nope" } as never)).rejects.toMatchObject({
        status: 400,
        body: { error: "invalid fault rule" },
      });
      await expect(client.faults.add({ kind: "post-hangs", host: "node9" })).rejects.toMatchObject({
        status: 400,
      });
      await expect(client.faults.remove(12345)).rejects.toMatchObject({ status: 404 });
      await expect(client.clock.advance(-1)).rejects.toMatchObject({ status: 400 });
      await expect(client.state.restore({ format: "nope" } as never)).rejects.toMatchObject({ status: 400 });
    } finally {
      await Promise.all([wrong.close(), client.close()]);
      await emulator.close();
    }
    const gone = createControlClient({ url: control.url, token: TOKEN, defaults: { timeout: 2_000 } });
    await expect(gone.health()).rejects.toBeInstanceOf(NetworkError);
    await gone.close();
  });
});
