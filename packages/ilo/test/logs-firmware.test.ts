/**
 * `logs.iml()`, `logs.iel()`, their clears and `firmware.inventory()` give the same shapes over
 * RIBCL (iLO 3, and iLO 4/5 forced to RIBCL) and Redfish (iLO 4, iLO 5), against the emulator whose
 * logs follow what happens to the server.
 */
import { createIloClient, type IloClient, RibclError } from "@homelab-kit/ilo";
import { describe, expect, it } from "vitest";
import { PASSWORD, redfishFailure, setup } from "./helpers.js";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const cases = [
  ["ilo3", "ribcl"],
  ["ilo4", "ribcl"],
  ["ilo5", "ribcl"],
  ["ilo4", "redfish"],
  ["ilo5", "redfish"],
] as const;

describe.each(cases)("%s over %s", (generation, protocol) => {
  function ctx() {
    const c = setup(generation, { protocol });
    return { ...c, advance: (ms: number) => c.clock.advance(ms) };
  }

  it("the iLO Event Log follows power, resets and logins", async () => {
    const { client, advance } = ctx();
    await client.power.off();
    advance(1_000);
    expect(await client.power.get()).toBe("Off");
    await client.power.on();
    advance(60_000);
    await client.power.warmReset();
    const iel = await client.logs.iel();
    const messages = iel.map((e) => e.message);
    expect(messages).toContain("Server power removed.");
    expect(messages).toContain("Server power restored.");
    expect(messages).toContain("Server reset.");
    const login = protocol === "ribcl" ? /^XML login: Administrator - / : /^Browser login: Administrator - /;
    expect(messages.some((m) => login.test(m))).toBe(true);
    const reset = iel.find((e) => e.message === "Server reset.")!;
    expect(reset.severity).toBe("caution");
    expect(reset.created).toMatch(ISO);
    const restored = iel.find((e) => e.message === "Server power restored.")!;
    expect(restored.severity).toBe("informational");
    expect(iel.map((e) => e.id)).toEqual(iel.map((_, i) => String(i + 1)));
    if (protocol === "ribcl") expect(restored.className).toBe(`iLO ${generation.slice(3)}`);
    if (protocol === "redfish" || generation !== "ilo3") expect(restored.eventClass).toBe(0x23);
    else expect(restored.eventClass).toBeUndefined();
    if (protocol === "redfish") expect(restored.eventNumber).toBeGreaterThan(0);
  });

  it("a failed drive is a Critical IML entry, Repaired once replaced; POST then reports it", async () => {
    const c = ctx();
    c.state.sensors.drives[1]!.health = "Critical";
    await c.client.power.warmReset();
    c.advance(60_000);
    let iml = await c.client.logs.iml();
    const failure = iml.find((e) => e.message.startsWith("Internal Storage Enclosure Device Failure"))!;
    expect(failure).toMatchObject({
      message: "Internal Storage Enclosure Device Failure (Bay 2, Box 1, Port 1I, Slot 0)",
      severity: "critical",
    });
    const post = iml.find((e) => e.message.startsWith("POST Error: 1787"));
    expect(post?.severity).toBe("caution");
    if (protocol === "ribcl") expect(post?.className).toBe("POST Message");
    c.state.sensors.drives[1]!.health = "OK";
    iml = await c.client.logs.iml();
    // iLO 4's Redfish entries have no Repaired flag (HPE "Adapting from iLO 4": added in iLO 5): OK.
    const repaired = generation === "ilo4" && protocol === "redfish" ? "informational" : "repaired";
    expect(iml.find((e) => e.message === failure.message)?.severity).toBe(repaired);
  });

  it("clears both logs; the clear is the first new entry", async () => {
    const { client } = ctx();
    await client.power.warmReset();
    await client.logs.clearIml();
    const iml = await client.logs.iml();
    expect(iml).toHaveLength(1);
    expect(iml[0]).toMatchObject({
      id: "1",
      severity: "informational",
      message: `IML Cleared (iLO ${generation.slice(3)} user: Administrator)`,
    });
    await client.logs.clearIel();
    const iel = await client.logs.iel();
    expect(iel[0]?.message).toBe("Event log cleared.");
    expect(iel.map((e) => e.message)).not.toContain("Server reset.");
  });

  it("repeated events raise the count of their entry", async () => {
    const { client } = ctx();
    for (let i = 0; i < 3; i++) await client.logs.iel(); // RIBCL: a login each; Redfish: one session
    const iel = await client.logs.iel();
    const logins = iel.filter((e) => /login: Administrator/.test(e.message));
    expect(logins).toHaveLength(1);
    if (protocol === "ribcl") expect(logins[0]?.count).toBe(4);
    else if (generation === "ilo5") expect(logins[0]?.count).toBe(1);
  });

  it("lists the firmware inventory with name, version and (over Redfish) updateable", async () => {
    const { client, state } = ctx();
    const inventory = await client.firmware.inventory();
    const names = inventory.map((c) => c.name);
    expect(names.some((n) => /^iLO( 5)?$/.test(n))).toBe(true);
    expect(names.some((n) => /System ROM$/.test(n))).toBe(true);
    const ilo = inventory.find((c) => /^iLO/.test(c.name))!;
    expect(ilo.version).toBe(`${state.identity.firmwareVersion} ${state.identity.firmwareDate}`);
    for (const c of inventory) expect(c.version).not.toBe("");
    if (generation !== "ilo3") {
      expect(names.some((n) => /Smart Array/.test(n))).toBe(true);
      expect(names.some((n) => /Ethernet/.test(n))).toBe(true);
    }
    if (protocol === "ribcl") {
      expect(inventory.every((c) => c.updateable === undefined)).toBe(true);
    } else {
      expect(ilo.updateable).toBe(true);
      expect(ilo.location).toBe("System Board");
    }
    if (generation === "ilo5" && protocol === "redfish") {
      const drives = inventory.filter((c) => c.location?.includes("Bay"));
      expect(drives.map((d) => [d.name, d.version, d.updateable])).toEqual([
        ["EG0300FBVFL", "HPD4", false],
        ["EG0300FBVFL", "HPD4", false],
      ]);
    }
  });
});

/** An iLO user without the Configure iLO privilege. */
function addOperator(state: ReturnType<typeof setup>["state"]) {
  state.users.set("operator", {
    id: "9",
    login: "operator",
    name: "operator",
    password: "operator-pw",
    privileges: {
      admin: false,
      remoteConsole: true,
      resetServer: true,
      virtualMedia: true,
      configIlo: false,
    },
  });
}

describe("errors", () => {
  it("RIBCL: clearing needs the Configure iLO privilege (0x0023), and nothing is cleared", async () => {
    const c = setup("ilo3");
    addOperator(c.state);
    const operator: IloClient = createIloClient({
      baseUrl: "https://ilo.test",
      username: "operator",
      password: "operator-pw",
      transport: c.transport,
      generation: "ilo3",
    });
    await c.client.power.warmReset();
    const error = await operator.logs.clearIel().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RibclError);
    expect(error).toMatchObject({ status: 0x23, command: "CLEAR_EVENTLOG" });
    expect((await operator.logs.iel()).map((e) => e.message)).toContain("Server reset.");
  });

  it("Redfish: clearing needs the Configure iLO privilege (403), a failed login is logged", async () => {
    const c = setup("ilo5");
    addOperator(c.state);
    const operator = createIloClient({
      baseUrl: "https://ilo.test",
      username: "operator",
      password: "operator-pw",
      transport: c.transport,
      protocol: "redfish",
    });
    const error = await redfishFailure(() => operator.logs.clearIml());
    expect(error).toMatchObject({ status: 403, code: "REDFISH_InsufficientPrivilege" });
    const intruder = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: `${PASSWORD}x`,
      transport: c.transport,
      protocol: "redfish",
    });
    await redfishFailure(() => intruder.logs.iel());
    const iel = await c.client.logs.iel();
    const failed = iel.find((e) => e.message.startsWith("Browser login failure from: "));
    expect(failed?.severity).toBe("caution");
    expect(JSON.stringify(iel)).not.toContain(PASSWORD);
    await operator.close();
  });
});
