import type { Transport } from "@homelab-kit/core";
import { createIloClient, RedfishError } from "@homelab-kit/ilo";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD, setup } from "./helpers.js";

let ctx: ReturnType<typeof setup>;
afterEach(async () => {
  await ctx?.client.close();
});

describe.each(["ilo4", "ilo5"] as const)("Redfish backend against the %s emulator", (generation) => {
  it("detects Redfish from /xmldata", async () => {
    ctx = setup(generation);
    expect(await ctx.client.protocol()).toBe("redfish");
  });

  it("powers off and on with 'already' states and PoweringOn on the clock", async () => {
    ctx = setup(generation);
    const { client, clock, state } = ctx;
    expect(await client.power.off()).toEqual({ changed: true });
    expect(await client.power.get()).toBe("Off");
    expect(await client.power.off()).toEqual({ changed: false, message: "Host power is already OFF." });
    expect((await client.power.on()).changed).toBe(true);
    expect(await client.power.get()).toBe("PoweringOn");
    expect((await client.power.on()).changed).toBe(false);
    clock.advance(state.timings.powerOnMs);
    expect(await client.power.get()).toBe("On");
    expect((await client.power.press()).changed).toBe(true);
    expect(await client.power.get()).toBe("PoweringOff");
    clock.advance(state.timings.gracefulOffMs);
    expect(await client.power.get()).toBe("Off");
  });

  it("refuses a reset while off with InvalidOperationForSystemState, as real iLO does", async () => {
    ctx = setup(generation);
    await ctx.client.power.hold();
    const err = (await ctx.client.power.warmReset().catch((e: unknown) => e)) as RedfishError;
    expect(err).toBeInstanceOf(RedfishError);
    expect(err.status).toBe(400);
    expect(err.has("InvalidOperationForSystemState")).toBe(true);
    expect(err.messages[0]?.args).toEqual(["Power is off"]);
    // The OEM cold boot powers an off host on (iLO 5's SystemReset ColdBoot; iLO 4 has it as Oem.Hp).
    expect((await ctx.client.power.coldReset()).changed).toBe(true);
    ctx.clock.advance(ctx.state.timings.powerOnMs);
    expect(await ctx.client.power.get()).toBe("On");
  });

  it("sets one-time and continuous boot with If-Match and reads them back", async () => {
    ctx = setup(generation);
    await ctx.client.boot.setOneTime("pxe");
    expect(await ctx.client.boot.getOneTime()).toBe("pxe");
    expect(ctx.state.boot.override).toMatchObject({ target: "Pxe", enabled: "Once" });
    await ctx.client.boot.setPersistent("hdd");
    expect(await ctx.client.boot.getPersistent()).toEqual(["hdd"]);
    await ctx.client.boot.setOneTime("none");
    expect(await ctx.client.boot.getOneTime()).toBe("none");
  });

  it("inserts and ejects virtual media (standard action on iLO 5, PATCH on iLO 4) with read-back", async () => {
    ctx = setup(generation);
    const url = "http://10.0.0.1/debian.iso";
    await ctx.client.virtualMedia.insert("cd", url, { bootOnNextReset: true });
    expect(await ctx.client.virtualMedia.status("cd")).toEqual({
      device: "cd",
      inserted: true,
      image: url,
      writeProtected: true,
      bootOnNextReset: true,
    });
    expect(ctx.state.virtualMedia.cd.bootOption).toBe("BOOT_ONCE");
    await ctx.client.virtualMedia.eject("cd");
    expect(await ctx.client.virtualMedia.status("cd")).toMatchObject({ inserted: false, image: null });
    const err = (await ctx.client.virtualMedia.eject("cd").catch((e: unknown) => e)) as RedfishError;
    expect(err.has("NoVirtualMediaConnectionAvailable")).toBe(true);
  });

  it("reads health, readings, firmware and product", async () => {
    ctx = setup(generation);
    const health = await ctx.client.health();
    expect(health.overall).toBe("ok");
    expect(health.temperatures.length).toBeGreaterThan(0);
    expect(health.powerSupplies).toHaveLength(2);
    ctx.state.sensors.powerSupplies[1]!.health = "Warning";
    expect((await ctx.client.health()).overall).toBe("warning");
    expect((await ctx.client.power.readings()).presentWatts).toBe(108);
    const fw = await ctx.client.firmware();
    expect(fw.managementProcessor).toBe(generation === "ilo4" ? "iLO 4" : "iLO 5");
    expect(fw.version).toBe(ctx.state.identity.firmwareVersion);
    expect((await ctx.client.product()).productName).toBe(ctx.state.identity.productName);
  });

  it("controls the UID light and manages users", async () => {
    ctx = setup(generation);
    await ctx.client.uid.set(true);
    expect(await ctx.client.uid.get()).toBe(true);
    await ctx.client.users.add({ login: "ops", password: "0ps-password" });
    expect((await ctx.client.users.list()).map((u) => u.login)).toEqual(["Administrator", "ops"]);
    await ctx.client.users.setPassword("ops", "another-pw1");
    expect(ctx.state.users.get("ops")?.password).toBe("another-pw1");
    await ctx.client.users.remove("ops");
    expect(ctx.state.users.has("ops")).toBe(false);
  });

  it("uses one session, logs it out on close, and logs in again after the idle timeout", async () => {
    ctx = setup(generation);
    await ctx.client.power.get();
    await ctx.client.product();
    expect(ctx.state.sessions.size).toBe(1);
    ctx.clock.advance(ctx.state.sessionIdleTimeoutMs + 1);
    expect(await ctx.client.power.get()).toBe("On");
    expect(ctx.state.sessions.size).toBe(1);
    await ctx.client.close();
    expect(ctx.state.sessions.size).toBe(0);
  });

  it("releases the session after errors and aborts too", async () => {
    ctx = setup(generation);
    await ctx.client.power.hold();
    await expect(ctx.client.power.warmReset()).rejects.toBeInstanceOf(RedfishError);
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(ctx.client.power.get({ signal: controller.signal })).rejects.toBe(reason);
    expect(ctx.state.sessions.size).toBe(1);
    await ctx.client.close();
    expect(ctx.state.sessions.size).toBe(0);
  });

  it("retries a PATCH once when the ETag went stale between GET and PATCH", async () => {
    ctx = setup(generation);
    let patches = 0;
    const basic = `Basic ${Buffer.from(`Administrator:${PASSWORD}`).toString("base64")}`;
    const racing: Transport = async (req) => {
      if (req.method === "PATCH" && patches++ === 0) {
        // Someone else writes the same resource between our GET and our PATCH.
        await ctx.transport({
          method: "PATCH",
          url: "https://ilo.test/redfish/v1/Systems/1/",
          headers: { authorization: basic, "content-type": "application/json" },
          body: '{"IndicatorLED":"Lit"}',
        });
      }
      return ctx.transport(req);
    };
    const client = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: PASSWORD,
      transport: racing,
    });
    await client.boot.setOneTime("cd");
    await client.close();
    expect(patches).toBe(2);
    expect(ctx.state.boot.override).toMatchObject({ target: "Cd", enabled: "Once" });
    expect(ctx.state.uid).toBe("On");
  });

  it("rejects a wrong password with a RedfishError that does not contain it", async () => {
    ctx = setup(generation);
    const bad = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: "not-the-pw&<",
      transport: ctx.transport,
    });
    const err = (await bad.power.get().catch((e: unknown) => e)) as RedfishError;
    await bad.close();
    expect(err).toBeInstanceOf(RedfishError);
    expect(err.status).toBe(401);
    expect(err.has("UnauthorizedLoginAttempt")).toBe(true);
    expect(JSON.stringify(err) + String(err.stack)).not.toContain("not-the-pw&<");
  });

  it("reports the session limit as SessionLimitExceeded, and basic auth needs no session", async () => {
    ctx = setup(generation);
    ctx.state.maxSessions = 1;
    await ctx.client.power.get();
    const second = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: PASSWORD,
      transport: ctx.transport,
    });
    const err = (await second.power.get().catch((e: unknown) => e)) as RedfishError;
    await second.close();
    expect(err.has("SessionLimitExceeded")).toBe(true);
    const basic = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: PASSWORD,
      transport: ctx.transport,
      redfishAuth: "basic",
    });
    expect(await basic.power.get()).toBe("On");
    await basic.close();
    expect(ctx.state.sessions.size).toBe(1);
  });
});

describe("protocol selection", () => {
  it("can be forced without detection, and iLO 3 has no Redfish", async () => {
    ctx = setup("ilo3", { protocol: "redfish" });
    const err = (await ctx.client.power.get().catch((e: unknown) => e)) as RedfishError;
    expect(err).toBeInstanceOf(RedfishError);
    expect(err.status).toBe(404);
  });

  it("does not cache a failed detection", async () => {
    ctx = setup("ilo5");
    let failures = 1;
    const flaky: Transport = async (req) => {
      if (req.url.includes("/xmldata") && failures-- > 0) throw new Error("connection refused");
      return ctx.transport(req);
    };
    const client = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: PASSWORD,
      transport: flaky,
    });
    await expect(client.power.get()).rejects.toThrow("connection refused");
    expect(await client.power.get()).toBe("On");
    await client.close();
    await expect(client.power.get()).rejects.toMatchObject({ name: "InvalidRequestError" });
  });

  it("a generation hint skips /xmldata", async () => {
    ctx = setup("ilo5", { generation: "ilo5" });
    let xmldata = 0;
    const counting: Transport = async (req) => {
      if (req.url.includes("/xmldata")) xmldata++;
      return ctx.transport(req);
    };
    const client = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: PASSWORD,
      transport: counting,
      generation: "ilo5",
    });
    expect(await client.protocol()).toBe("redfish");
    expect(await client.power.get()).toBe("On");
    await client.close();
    expect(xmldata).toBe(0);
  });
});

describe("power.waitFor", () => {
  it("polls until the host reaches the state, and times out with TimeoutError otherwise", async () => {
    ctx = setup("ilo5");
    await ctx.client.power.off();
    await ctx.client.power.on();
    const waiting = ctx.client.power.waitFor("On", { interval: 5, timeout: 5_000 });
    setTimeout(() => ctx.clock.advance(ctx.state.timings.powerOnMs), 20);
    await expect(waiting).resolves.toBeUndefined();
    expect(await ctx.client.power.get()).toBe("On");
    const never = await ctx.client.power
      .waitFor("Off", { interval: 5, timeout: 50 })
      .catch((e: unknown) => e);
    expect(never).toMatchObject({ name: "TimeoutError" });
  });
});

describe("faults the emulator injects, seen through the client", () => {
  it("a host that fails to power on never reaches On", async () => {
    ctx = setup("ilo5");
    await ctx.client.power.off();
    ctx.state.faults.powerOnFails = true;
    expect((await ctx.client.power.on()).changed).toBe(true);
    ctx.clock.advance(ctx.state.timings.powerOnMs);
    expect(await ctx.client.power.get()).toBe("Off");
    const err = await ctx.client.power.waitFor("On", { interval: 5, timeout: 50 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TimeoutError" });
  });

  it.each(["ilo3", "ilo4", "ilo5"] as const)(
    "an insert that 'succeeds' without attaching shows in the %s read-back",
    async (generation) => {
      ctx = setup(generation);
      ctx.state.faults.unreachableImages = true;
      await ctx.client.virtualMedia.insert("cd", "http://10.0.0.1/gone.iso");
      expect(await ctx.client.virtualMedia.status("cd")).toMatchObject({ inserted: false, image: null });
    },
  );
});
