import { readFileSync } from "node:fs";
import { InvalidRequestError, type Transport } from "@homelab-kit/core";
import { createIloClient, parseRibclAnswer, RibclError } from "@homelab-kit/ilo";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD, setup } from "./helpers.js";

const samples = new URL("../../../docs/reference/ilo/samples/ribcl/ilo3-1.82-bl460c-g7/", import.meta.url);
let ctx: ReturnType<typeof setup>;
afterEach(async () => {
  await ctx?.client.close();
});

describe("RIBCL backend against the iLO 3 emulator", () => {
  it("detects iLO 3 from /xmldata and speaks RIBCL", async () => {
    ctx = setup("ilo3");
    expect(await ctx.client.protocol()).toBe("ribcl");
  });

  it("powers off and on, reports 'already' states, and follows the POST delay on the clock", async () => {
    ctx = setup("ilo3");
    const { client, clock, state } = ctx;
    expect(await client.power.get()).toBe("On");
    expect(await client.power.off()).toEqual({ changed: true, message: undefined });
    expect(await client.power.get()).toBe("Off");
    expect(await client.power.off()).toEqual({ changed: false, message: "Host power is already OFF." });
    expect((await client.power.on()).changed).toBe(true);
    expect(await client.power.get()).toBe("Off");
    clock.advance(state.timings.powerOnMs);
    expect(await client.power.get()).toBe("On");
    expect(await client.power.on()).toEqual({ changed: false, message: "Host power is already ON." });
    expect((await client.power.hold()).changed).toBe(true);
    expect(await client.power.get()).toBe("Off");
  });

  it("sets and reads back one-time and persistent boot", async () => {
    ctx = setup("ilo3");
    await ctx.client.boot.setOneTime("cd");
    expect(await ctx.client.boot.getOneTime()).toBe("cd");
    await ctx.client.boot.setOneTime("none");
    expect(await ctx.client.boot.getOneTime()).toBe("none");
    await ctx.client.boot.setPersistent("pxe");
    expect((await ctx.client.boot.getPersistent())[0]).toBe("pxe");
  });

  it("inserts and ejects virtual media with read-back", async () => {
    ctx = setup("ilo3");
    const url = "http://10.0.0.1/images/debian 12&netinst.iso";
    await ctx.client.virtualMedia.insert("cd", url, { bootOnNextReset: true });
    expect(await ctx.client.virtualMedia.status("cd")).toEqual({
      device: "cd",
      inserted: true,
      image: url,
      writeProtected: true,
      bootOnNextReset: true,
    });
    expect(ctx.state.virtualMedia.cd.image).toBe(url);
    await ctx.client.virtualMedia.eject("cd");
    expect((await ctx.client.virtualMedia.status("cd")).inserted).toBe(false);
    const err = await ctx.client.virtualMedia.eject("cd").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RibclError);
    expect((err as RibclError).status).toBe(0x35);
  });

  it("reads health, readings, firmware, product and follows a failed fan", async () => {
    ctx = setup("ilo3");
    const health = await ctx.client.health();
    expect(health.overall).toBe("ok");
    expect(health.temperatures.map((t) => t.name)).toContain("01-Inlet Ambient");
    expect(health.fans).toHaveLength(6);
    expect(health.powerSupplies.every((p) => p.status === "ok")).toBe(true);
    expect(health.drives).toHaveLength(2);
    ctx.state.sensors.fans[0]!.health = "Critical";
    expect((await ctx.client.health()).overall).toBe("critical");
    expect((await ctx.client.power.readings()).presentWatts).toBe(108);
    expect(await ctx.client.firmware()).toMatchObject({ version: "1.82", managementProcessor: "iLO 3" });
    expect(await ctx.client.product()).toMatchObject({
      productName: "ProLiant DL360 G7",
      serialNumber: "CZJ1020ABC",
    });
  });

  it("controls the UID light and manages users", async () => {
    ctx = setup("ilo3");
    await ctx.client.uid.set(true);
    expect(await ctx.client.uid.get()).toBe(true);
    await ctx.client.users.add({ login: "ops", password: "0ps-password", name: "Ops" });
    expect(await ctx.client.users.list()).toEqual([
      { login: "Administrator", name: "Administrator", admin: true },
      { login: "ops", name: "Ops", admin: false },
    ]);
    await ctx.client.users.setPassword("ops", "another-pw1");
    expect(ctx.state.users.get("ops")?.password).toBe("another-pw1");
    const short = await ctx.client.users.add({ login: "x", password: "short" }).catch((e: unknown) => e);
    expect(short).toMatchObject({ status: 0x0004, code: "RIBCL_ERROR" });
    await ctx.client.users.remove("ops");
    expect(ctx.state.users.has("ops")).toBe(false);
  });

  it("turns a wrong password into RIBCL_LOGIN_FAILED without leaking the password", async () => {
    ctx = setup("ilo3");
    const bad = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: "wrong&<secret",
      transport: ctx.transport,
    });
    const err = (await bad.power.get().catch((e: unknown) => e)) as RibclError;
    await bad.close();
    expect(err).toBeInstanceOf(RibclError);
    expect(err.code).toBe("RIBCL_LOGIN_FAILED");
    expect(JSON.stringify(err) + String(err.stack)).not.toContain("wrong&<secret");
    expect(String(err.stack)).not.toContain(PASSWORD);
  });

  it("reads recorded iLO 3 1.82 answers (several documents, payload in one of them)", async () => {
    const recorded = (name: string) => readFileSync(new URL(`responses/${name}.xml`, samples), "latin1");
    const transport: Transport = async (req) => {
      const body = String(req.body);
      const name = /<(GET_[A-Z_]+)/.exec(body.slice(body.indexOf("MODE=")))?.[1]?.toLowerCase();
      return { status: 200, headers: {}, body: new TextEncoder().encode(recorded(name ?? "")) };
    };
    const client = createIloClient({
      baseUrl: "https://ilo.test",
      username: "u",
      password: "p",
      transport,
      protocol: "ribcl",
    });
    expect(await client.power.get()).toBe("On");
    expect(await client.firmware()).toEqual({
      version: "1.82",
      date: "Jan 15 2015",
      managementProcessor: "iLO 3",
      license: "iLO 3 Advanced",
    });
    expect(await client.boot.getOneTime()).toBe("none");
    expect(await client.boot.getPersistent()).toEqual(["cd", "floppy", "usb", "hdd", "pxe"]);
    const health = await client.health();
    expect(health.temperatures.find((t) => t.name === "02-CPU 1")?.celsius).toBe(40);
    expect(health.fans[0]).toMatchObject({ name: "Virtual Fan", percent: 29, status: "ok" });
    expect(health.drives.filter((d) => d.status === "ok")).toHaveLength(2);
    expect(health.drives.filter((d) => d.status === "absent")).toHaveLength(2);
    expect(await client.power.readings()).toEqual({
      presentWatts: 108,
      averageWatts: 106,
      maximumWatts: 157,
      minimumWatts: 106,
    });
    expect((await client.virtualMedia.status("cd")).inserted).toBe(false);
    await client.close();
  });

  it("parses constructed error answers into typed errors", () => {
    const read = (name: string) => readFileSync(new URL(`constructed/${name}`, samples), "latin1");
    expect(() => parseRibclAnswer(read("login-failed.response.xml"))).toThrow(
      expect.objectContaining({ code: "RIBCL_LOGIN_FAILED", status: 0x5f }),
    );
    expect(() => parseRibclAnswer(read("syntax-error.response.xml"))).toThrow(
      expect.objectContaining({ code: "RIBCL_NOT_SUPPORTED" }),
    );
    expect(() => parseRibclAnswer(read("feature-not-supported.response.xml"))).toThrow(
      expect.objectContaining({ code: "RIBCL_NOT_SUPPORTED", status: 0x3c }),
    );
    expect(parseRibclAnswer(read("set_host_power-already-on.response.xml")).messages).toEqual([
      "Host power is already ON.",
    ]);
    expect(() => parseRibclAnswer("<html>not RIBCL</html>")).toThrow(
      expect.objectContaining({ code: expect.any(String) }),
    );
  });
});

describe("tolerant RIBCL parsing (firmware bugs python-hpilo works around)", () => {
  const doc = (payload: string, open = '<RIBCL VERSION="2.22">') =>
    `<?xml version="1.0"?>\r\n${open}\n<RESPONSE\n    STATUS="0x0000"\n    MESSAGE='No error'\n     />\n${payload}\n</RIBCL>\n`;

  it("repairs unescaped quotes, \\x01 bytes and a self-closed RIBCL element", () => {
    const quoted = parseRibclAnswer(doc('<SERVER_NAME VALUE="rack "A" node" />'));
    expect(quoted.payload.SERVER_NAME?.[0]?.attrs.VALUE).toBe('rack "A" node');
    const binary = parseRibclAnswer(doc('<GET_UID_STATUS UID="OFF\u0001"/>'));
    expect(binary.payload.GET_UID_STATUS?.[0]?.attrs.UID).toBe("OFF");
    const selfClosed = parseRibclAnswer(doc('<GET_HOST_POWER HOST_POWER="ON"/>', '<RIBCL VERSION="2.22"/>'));
    expect(selfClosed.payload.GET_HOST_POWER?.[0]?.attrs.HOST_POWER).toBe("ON");
  });

  it("gives up with a ResponseValidationError on XML it cannot repair", () => {
    expect(() => parseRibclAnswer(doc("<A><B></A>"))).toThrow(
      expect.objectContaining({ name: "ResponseValidationError" }),
    );
  });
});

describe("secrets and unexpected answers", () => {
  it("redacts the LOGIN password even when a broken proxy echoes the script back in an error", async () => {
    const echo: Transport = async (req) => ({
      status: 500,
      headers: { "content-type": "text/plain" },
      body: new TextEncoder().encode(String(req.body)),
    });
    const client = createIloClient({
      baseUrl: "https://ilo.test",
      username: "u",
      password: "Pa55&<word",
      transport: echo,
      protocol: "ribcl",
    });
    const err = await client.power.get().catch((e: unknown) => e);
    await client.close();
    expect(err).toMatchObject({ name: "HttpError", status: 500 });
    const dump = JSON.stringify(err) + String((err as Error).stack);
    expect(dump).toContain("GET_HOST_POWER_STATUS");
    expect(dump).not.toContain("Pa55");
  });

  it("rejects Redfish bodies of the wrong shape with ResponseValidationError", async () => {
    const odd: Transport = async (req) => {
      const path = new URL(req.url).pathname;
      const body =
        req.method === "POST"
          ? {}
          : path === "/redfish/v1/"
            ? {
                Systems: { "@odata.id": "/redfish/v1/Systems/" },
                Links: { Sessions: { "@odata.id": "/redfish/v1/SessionService/Sessions/" } },
              }
            : path === "/redfish/v1/Systems/"
              ? { Members: [{ "@odata.id": "/redfish/v1/Systems/1/" }] }
              : { PowerState: 42 };
      const headers: Record<string, string> =
        req.method === "POST"
          ? { "x-auth-token": "t0k3n-abc", location: "/redfish/v1/SessionService/Sessions/1/" }
          : {};
      return {
        status: req.method === "POST" ? 201 : 200,
        headers,
        body: new TextEncoder().encode(JSON.stringify(body)),
      };
    };
    const client = createIloClient({
      baseUrl: "https://ilo.test",
      username: "u",
      password: "p",
      transport: odd,
      protocol: "redfish",
    });
    const err = await client.power.get().catch((e: unknown) => e);
    await client.close();
    expect(err).toMatchObject({ name: "ResponseValidationError" });
  });
});

describe("createIloClient options", () => {
  it("refuses a password with a lone surrogate with a typed error, not a bare URIError", () => {
    const create = () =>
      createIloClient({ baseUrl: "https://127.0.0.1:1", username: "Administrator", password: "pw\uD83D" });
    expect(create).toThrow(InvalidRequestError);
    expect(create).toThrow(/password is not well-formed Unicode: a lone surrogate at index 2/);
  });
});
