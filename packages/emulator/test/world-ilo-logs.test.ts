/**
 * The iLO logs follow the World: power through iLO or the button, resets, a host that never comes
 * on or hangs in POST (world faults), a drive that fails and is replaced (the drive-fails world
 * fault), an iLO reset, logins and failed logins; a snapshot keeps them. Read through the public
 * iLO client over RIBCL (iLO 3) and Redfish (iLO 4, iLO 5).
 */
import { createEmulator, manualClock, restoreWorld, snapshotWorld } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./world-helpers.js";

const HOSTS = [
  ["node3", "ilo3"],
  ["node4", "ilo4"],
  ["node5", "ilo5"],
] as const;

function world() {
  const emulator = createEmulator({
    clock: manualClock(Date.UTC(2026, 0, 1)),
    topology: {
      name: "logs",
      hosts: HOSTS.map(([name, generation]) => ({
        name,
        memoryGiB: 32,
        power: "off",
        ilo: { generation, users: [{ login: "Administrator", password: "emulator-pw" }] },
        ceph: { osds: 1 },
      })),
    },
  });
  const { ilo } = clientsFor(emulator);
  return { emulator, ilo, advance: (ms: number) => emulator.clock.advance(ms) };
}

const messages = (entries: Array<{ message: string }>) => entries.map((e) => e.message);

describe.each(HOSTS)("%s (%s)", (host, generation) => {
  it("power on, POST, the button and a reset are in the iLO Event Log, in order and in time", async () => {
    const { ilo, advance, emulator } = world();
    const client = ilo(host);
    const start = emulator.clock.now();
    await client.power.on();
    advance(60_000);
    await client.power.press(); // graceful shutdown
    advance(60_000);
    expect(await client.power.get()).toBe("Off");
    await client.power.press(); // on again
    advance(60_000);
    await client.power.warmReset();
    const iel = (await client.logs.iel()).filter((e) => !/login|logout/.test(e.message));
    expect(messages(iel)).toEqual(["Server power restored.", "Server power removed.", "Server reset."]);
    const restored = iel[0]!;
    // The first power-on (2 s after the command) and the second were consolidated into one entry
    // (iLO 4's Redfish entries carry no Count); RIBCL dates to the minute.
    if (generation !== "ilo4") expect(restored.count).toBe(2);
    const on = start + 2_000;
    expect(Date.parse(restored.created!)).toBe(generation === "ilo3" ? on - (on % 60_000) : on);
    expect(iel[2]?.severity).toBe("caution");
    await client.close();
  });

  it("a host that fails to power on logs no power restored; one that hangs in POST logs no POST", async () => {
    const { ilo, advance, emulator } = world();
    const client = ilo(host);
    const fault = emulator.faults.addWorld({ kind: "power-on-fails", host });
    await client.power.on();
    advance(60_000);
    expect(messages(await client.logs.iel())).not.toContain("Server power restored.");
    emulator.faults.remove(fault.id);
    emulator.faults.addWorld({ kind: "post-hangs", host });
    emulator.faults.addWorld({ kind: "drive-fails", host, bay: "1" });
    await client.power.on();
    advance(600_000);
    expect(messages(await client.logs.iel())).toContain("Server power restored.");
    // POST never ended: the ROM wrote no POST error although a drive is failed.
    expect(messages(await client.logs.iml()).some((m) => m.startsWith("POST Error"))).toBe(false);
    await client.close();
  });

  it("a failed drive: Critical in health and the IML; replaced (fault cleared): Repaired; POST reports it meanwhile", async () => {
    const { ilo, advance, emulator } = world();
    const client = ilo(host);
    await client.power.on();
    advance(60_000);
    const fault = emulator.faults.addWorld({ kind: "drive-fails", host, bay: "2" });
    expect((await client.health()).drives.map((d) => d.status)).toEqual(["ok", "critical"]);
    await client.power.warmReset();
    advance(60_000);
    const iml = await client.logs.iml();
    expect(iml.map((e) => [e.message, e.severity])).toEqual([
      ["Internal Storage Enclosure Device Failure (Bay 2, Box 1, Port 1I, Slot 0)", "critical"],
      ["POST Error: 1787-Slot 0 Drive Array Operating in Interim Recovery Mode", "caution"],
    ]);
    emulator.faults.remove(fault.id);
    expect((await client.health()).drives.map((d) => d.status)).toEqual(["ok", "ok"]);
    const repaired = (await client.logs.iml())[0]!;
    expect(repaired.severity).toBe(generation === "ilo4" ? "informational" : "repaired");
    await client.close();
  });

  it("logins, failed logins and an iLO reset are in the iLO Event Log; the reset ends Redfish sessions", async () => {
    const { ilo, emulator } = world();
    const endpoint = emulator.ilo.get(host)!;
    const intruder = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: "wrong-password",
      transport: endpoint.transport(),
    });
    await expect(intruder.power.get()).rejects.toThrow();
    const client = ilo(host);
    const via = generation === "ilo3" ? "XML" : "Browser";
    const iel = messages(await client.logs.iel());
    expect(iel).toContain(`${via} login failure from: 127.0.0.1(DNS name not found).`);
    expect(iel).toContain(`${via} login: Administrator - 127.0.0.1(DNS name not found).`);
    const state = emulator.world.host(host).ilo;
    if (generation !== "ilo3") expect(state.sessions.size).toBe(1);
    const { resetIlo } = await import("@homelab-kit/emulator/ilo");
    resetIlo(state, "Administrator");
    expect(state.sessions.size).toBe(0);
    // The client logs in again transparently (its session expired with the reset).
    expect(messages(await client.logs.iel())).toContain("iLO reset by: Administrator.");
    await client.close();
    await intruder.close();
  });
});

it("a snapshot keeps both logs; the restored world goes on numbering events", async () => {
  const a = world();
  const client = a.ilo("node5");
  await client.power.on();
  a.advance(60_000);
  await client.logs.clearIml();
  const before = await client.logs.iel();
  const snapshot = JSON.parse(JSON.stringify(snapshotWorld(a.emulator.world)));
  const b = world();
  restoreWorld(b.emulator.world, snapshot);
  const restored = b.ilo("node5");
  const after = await restored.logs.iel();
  expect(messages(after).slice(0, before.length)).toEqual(messages(before));
  expect(messages(await restored.logs.iml())).toEqual(["IML Cleared (iLO 5 user: Administrator)"]);
  const last = Math.max(...after.map((e) => e.eventNumber ?? 0));
  await restored.power.warmReset();
  const reset = (await restored.logs.iel()).find((e) => e.message === "Server reset.");
  expect(reset?.eventNumber).toBeGreaterThan(last);
  await client.close();
  await restored.close();
});

it("refuses a drive-fails fault for a bay the host does not have", () => {
  const { emulator } = world();
  expect(() => emulator.faults.addWorld({ kind: "drive-fails", host: "node3", bay: "9" })).toThrow(
    /no drive in bay "9" of host "node3" \(1, 2\)/,
  );
});
