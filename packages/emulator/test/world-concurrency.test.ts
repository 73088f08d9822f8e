/**
 * 1,000 concurrent mutating requests across the three APIs (through their clients, in-process):
 * no lost update, unique IDs, every invariant holding after each request and at the end.
 */
import { createEmulator } from "@homelab-kit/emulator/world";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./world-helpers.js";

type Op =
  | { api: "ceph"; name: string; size: number }
  | { api: "opennebula"; memory: number }
  | { api: "ilo"; host: "node1" | "node2" | "node3"; on: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    api: fc.constant("ceph" as const),
    name: fc.stringMatching(/^[a-z]{1,6}$/),
    size: fc.integer({ min: 1, max: 1 << 30 }),
  }),
  fc.record({ api: fc.constant("opennebula" as const), memory: fc.integer({ min: 64, max: 512 }) }),
  fc.record({
    api: fc.constant("ilo" as const),
    host: fc.constantFrom("node1" as const, "node2" as const, "node3" as const),
    on: fc.boolean(),
  }),
);

describe("World under concurrent mutations", () => {
  it("1,000 concurrent requests across Ceph, OpenNebula and iLO: no lost update, unique ids, invariants hold", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1000, maxLength: 1000 }), async (ops) => {
        const emulator = createEmulator({ checkInvariants: true });
        const { ceph, ilo } = clientsFor(emulator);
        const one = createOpenNebulaClient({
          url: "http://one.test/RPC2",
          username: "oneadmin",
          password: "opennebula",
          transport: emulator.opennebula?.transport(),
        });
        const ilos = { node1: ilo("node1"), node2: ilo("node2"), node3: ilo("node3") };
        await ceph.auth.login();
        const results = await Promise.allSettled(
          ops.map((o, i) => {
            if (o.api === "ceph")
              return ceph.rbd.images
                .create({ name: `${o.name}-${i}`, pool_name: "rbd", size: o.size })
                .then(() => `${o.name}-${i}`);
            if (o.api === "opennebula")
              return one.vm.allocate(`NAME="vm-${i}"\nCPU="0.1"\nMEMORY="${o.memory}"`, true);
            const client = ilos[o.host];
            return o.on ? client.power.on() : client.power.off();
          }),
        );
        const failed = results.filter((r) => r.status === "rejected");
        expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
        // no lost update: every created image and VM is there, with its own id
        const created = ops.flatMap((o, i) => (o.api === "ceph" ? [`${o.name}-${i}`] : []));
        const images = await ceph.rbd.images.list({ pool: "rbd", limit: 5000 });
        const names = new Set(images.images.map((im) => im.name));
        for (const name of created) expect(names.has(name)).toBe(true);
        const rbdIds = images.images.map((im) => im.id);
        expect(new Set(rbdIds).size).toBe(rbdIds.length);
        const vmIds = results.flatMap((r, i) =>
          ops[i]?.api === "opennebula" && r.status === "fulfilled" ? [r.value] : [],
        );
        expect(new Set(vmIds).size).toBe(vmIds.length);
        let listed = 0;
        for await (const vm of one.vmpool.iterate({ filter: -2 })) if (vm.NAME.startsWith("vm-")) listed++;
        expect(listed).toBe(vmIds.length);
        // the last power command per host wins
        for (const host of ["node1", "node2", "node3"] as const) {
          const last = ops.findLast(
            (o): o is Extract<Op, { api: "ilo" }> => o.api === "ilo" && o.host === host,
          );
          if (last === undefined) continue;
          emulator.clock.advance(60_000);
          expect(await ilos[host].power.get()).toBe(last.on ? "On" : "Off");
        }
        expect(emulator.world.violations).toEqual([]);
        const { checkInvariants } = await import("@homelab-kit/emulator/world");
        expect(checkInvariants(emulator.world)).toEqual([]);
      }),
      { numRuns: 3 },
    );
  }, 120_000);
});
