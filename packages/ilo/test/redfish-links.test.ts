/**
 * The Redfish client reaches every resource through links the server gives (redfish/navigator.ts):
 * each request it sends goes to `/redfish/v1/` or to a URL some earlier answer named
 * (`@odata.id`, an action `target`, `Members@odata.nextLink`, a session `Location`). Checked
 * against the emulator as served (iLO's trailing slashes) and with every link rewritten the way
 * other services write them (no trailing slash, other letter case): a client that appended
 * `Thermal/` to a chassis URL would send a path nobody gave it.
 */
import type { Transport, TransportResponse } from "@homelab-kit/core";
import type { IloClient } from "@homelab-kit/ilo";
import { afterEach, describe, expect, it } from "vitest";
import { redfishClientOver, redfishFailure, setup } from "./helpers.js";

type Rewrite = (link: string) => string;
const asServed: Rewrite = (link) => link;
/** DMTF mockup style, and a case iLO's own links mix: no trailing slash, upper-case collections. */
const dmtfStyle: Rewrite = (link) =>
  link.replace(/\/(#.*)?$/, "$1").replace(/\/(Systems|Managers|Chassis)\b/gi, (m) => m.toUpperCase());

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Rewrites every link in a JSON body (`@odata.id`, `target`, `…@odata.nextLink`), collecting them. */
function rewriteLinks(value: unknown, rewrite: Rewrite, seen: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteLinks(v, rewrite, seen));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (
      typeof v === "string" &&
      (key === "@odata.id" || key === "target" || key.endsWith("@odata.nextLink"))
    ) {
      const link = rewrite(v);
      seen.add(link.split("#")[0] ?? link);
      out[key] = link;
    } else out[key] = rewriteLinks(v, rewrite, seen);
  }
  return out;
}

/** A transport over the emulator that rewrites links and records requests to paths never given. */
function linkCheckingTransport(inner: Transport, rewrite: Rewrite) {
  const given = new Set<string>(["/redfish/v1/"]);
  const strays: string[] = [];
  const transport: Transport = async (req) => {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/redfish") && !given.has(url.pathname))
      strays.push(`${req.method} ${url.pathname}`);
    const res: TransportResponse = await inner(req);
    const headers = { ...res.headers };
    if (headers.location !== undefined) {
      const location = rewrite(new URL(headers.location, url).pathname);
      given.add(location);
      headers.location = location;
    }
    const type = headers["content-type"] ?? "";
    if (!type.includes("json") || res.body.length === 0) return { ...res, headers };
    const body = rewriteLinks(JSON.parse(decoder.decode(res.body)), rewrite, given);
    const bytes = encoder.encode(JSON.stringify(body));
    return { ...res, headers: { ...headers, "content-length": String(bytes.length) }, body: bytes };
  };
  return { transport, strays };
}

async function everyOperation(client: IloClient, advance: (ms: number) => void) {
  expect(await client.power.get()).toBe("On");
  expect((await client.power.off()).changed).toBe(true);
  expect((await client.power.on()).changed).toBe(true);
  advance(60_000);
  expect(await client.power.get()).toBe("On");
  await client.power.press();
  advance(60_000);
  await client.power.coldReset();
  advance(60_000);
  await client.power.warmReset();
  await client.power.hold();
  await client.power.on();
  advance(60_000);
  expect((await client.power.readings()).presentWatts).toBeGreaterThan(0);
  await client.boot.setOneTime("cd");
  expect(await client.boot.getOneTime()).toBe("cd");
  await client.boot.setPersistent("hdd");
  expect(await client.boot.getPersistent()).toEqual(["hdd"]);
  await client.virtualMedia.insert("cd", "http://10.0.0.1/a.iso", { bootOnNextReset: true });
  expect(await client.virtualMedia.status("cd")).toMatchObject({
    inserted: true,
    image: "http://10.0.0.1/a.iso",
  });
  await client.virtualMedia.eject("cd");
  expect((await client.virtualMedia.status("floppy")).inserted).toBe(false);
  const health = await client.health();
  expect(health.temperatures.length).toBeGreaterThan(0);
  expect(health.fans.length).toBeGreaterThan(0);
  expect(health.powerSupplies.length).toBeGreaterThan(0);
  expect(health.drives.length).toBeGreaterThan(0);
  expect((await client.firmware()).managementProcessor).toMatch(/^iLO [45]$/);
  expect((await client.product()).productName).toMatch(/ProLiant/);
  await client.uid.set(true);
  expect(await client.uid.get()).toBe(true);
  await client.users.add({ login: "links", password: "links-pw-1" });
  await client.users.setPassword("links", "links-pw-2");
  expect((await client.users.list()).map((u) => u.login)).toContain("links");
  await client.users.remove("links");
  expect((await client.logs.iel()).map((e) => e.message)).toContain("Server reset.");
  await client.logs.clearIml();
  expect((await client.logs.iml()).map((e) => e.message)).toEqual([
    expect.stringMatching(/^IML Cleared \(iLO [45] user: Administrator\)$/),
  ]);
  await client.logs.clearIel();
  expect((await client.firmware.inventory()).map((c) => c.name)).toContain("System ROM");
}

let closeMe: IloClient | undefined;
afterEach(async () => {
  await closeMe?.close();
  closeMe = undefined;
});

describe.each(["ilo4", "ilo5"] as const)(
  "the Redfish client follows the %s emulator's links",
  (generation) => {
    for (const [style, rewrite] of [
      ["as served (trailing slashes)", asServed],
      ["rewritten without trailing slashes, other case", dmtfStyle],
    ] as const) {
      it(`never builds a path: ${style}`, async () => {
        const ctx = setup(generation);
        const { transport, strays } = linkCheckingTransport(ctx.transport, rewrite);
        const client = redfishClientOver(transport);
        closeMe = client;
        await everyOperation(client, (ms) => ctx.clock.advance(ms));
        await client.close();
        expect(ctx.state.sessions.size).toBe(0); // logged out at the Location it was given
        expect(strays).toEqual([]);
      });
    }

    it("reads every page of a collection (Members@odata.nextLink)", async () => {
      const ctx = setup(generation);
      await ctx.client.users.add({ login: "second", password: "second-pw-1" });
      // One member per page: /Accounts/ gives the first and a nextLink to ?page=2, and so on.
      const paging: Transport = async (req) => {
        const url = new URL(req.url);
        const res = await ctx.transport({ ...req, url: `${url.origin}${url.pathname}` });
        if (!/accounts\/?$/i.test(url.pathname) || req.method !== "GET") return res;
        const body = JSON.parse(decoder.decode(res.body)) as { Members: unknown[] };
        const page = Number(url.searchParams.get("page") ?? "1");
        const paged: Record<string, unknown> = { ...body, Members: body.Members.slice(page - 1, page) };
        if (page < body.Members.length) paged["Members@odata.nextLink"] = `${url.pathname}?page=${page + 1}`;
        return { ...res, body: encoder.encode(JSON.stringify(paged)) };
      };
      const client = redfishClientOver(paging);
      closeMe = client;
      expect((await client.users.list()).map((u) => u.login)).toEqual(["Administrator", "second"]);
    });
  },
);

describe("a service that lacks a resource answers a typed error, not a crash", () => {
  /** The iLO 5 emulator with some links taken out of its answers. */
  function without(drop: (path: string, body: Record<string, unknown>) => void) {
    const ctx = setup("ilo5");
    const transport: Transport = async (req) => {
      const res = await ctx.transport(req);
      if (req.method !== "GET" || !(res.headers["content-type"] ?? "").includes("json")) return res;
      const body = JSON.parse(decoder.decode(res.body)) as Record<string, unknown>;
      drop(new URL(req.url).pathname.toLowerCase(), body);
      return { ...res, body: encoder.encode(JSON.stringify(body)) };
    };
    const client = redfishClientOver(transport);
    closeMe = client;
    return { ctx, client };
  }
  const failure = redfishFailure;

  it("no virtual media collection", async () => {
    const { client } = without((path, body) => {
      if (path === "/redfish/v1/managers/1/") delete body.VirtualMedia;
    });
    const error = await failure(() => client.virtualMedia.insert("cd", "http://10.0.0.1/a.iso"));
    expect(error).toMatchObject({ code: "REDFISH_NO_VIRTUAL_MEDIA", status: 404 });
    expect(error.message).toContain("no cd virtual media");
  });

  it("no Power resource: readings fail typed, health reports no power supplies", async () => {
    const { client } = without((path, body) => {
      if (path === "/redfish/v1/chassis/1/") delete body.Power;
    });
    expect(await failure(() => client.power.readings())).toMatchObject({ code: "REDFISH_NO_POWER_METRICS" });
    const health = await client.health();
    expect(health.powerSupplies).toEqual([]);
    expect(health.temperatures.length).toBeGreaterThan(0);
  });

  it("no log services, no ClearLog action, no firmware inventory", async () => {
    const { client } = without((path, body) => {
      if (path === "/redfish/v1/systems/1/") delete body.LogServices;
      if (path === "/redfish/v1/managers/1/logservices/iel/") delete body.Actions;
      if (path === "/redfish/v1/") delete body.UpdateService;
    });
    const iml = await failure(() => client.logs.iml());
    expect(iml).toMatchObject({ code: "REDFISH_NO_LOG_SERVICE", status: 404 });
    expect(iml.message).toContain("Integrated Management Log");
    expect(await failure(() => client.logs.clearIml())).toMatchObject({ code: "REDFISH_NO_LOG_SERVICE" });
    expect((await client.logs.iel()).length).toBeGreaterThan(0);
    expect(await failure(() => client.logs.clearIel())).toMatchObject({ code: "REDFISH_NO_ACTION" });
    expect(await failure(() => client.firmware.inventory())).toMatchObject({
      code: "REDFISH_NO_FIRMWARE_INVENTORY",
    });
    const noIel = without((path, body) => {
      if (path === "/redfish/v1/managers/1/logservices/") body.Members = [];
    });
    expect(await failure(() => noIel.client.logs.iel())).toMatchObject({ code: "REDFISH_NO_LOG_SERVICE" });
  });

  it("no reset action, no account service, no session link", async () => {
    const { client } = without((path, body) => {
      if (path === "/redfish/v1/systems/1/") delete body.Actions;
      if (path === "/redfish/v1/") delete body.AccountService;
    });
    expect(await failure(() => client.power.off())).toMatchObject({ code: "REDFISH_NO_ACTION" });
    expect(await failure(() => client.users.list())).toMatchObject({ code: "REDFISH_NOT_LINKED" });
    const noSessions = without((path, body) => {
      if (path === "/redfish/v1/") delete body.Links;
    });
    const error = await failure(() => noSessions.client.power.get());
    expect(error).toMatchObject({ code: "REDFISH_NO_SESSION_SERVICE" });
    expect(error.message).toContain('redfishAuth: "basic"');
    await noSessions.client.close();
  });

  it("an empty Systems collection", async () => {
    const { client } = without((path, body) => {
      if (path === "/redfish/v1/systems/") body.Members = [];
    });
    expect(await failure(() => client.power.get())).toMatchObject({ code: "REDFISH_EMPTY_COLLECTION" });
  });
});
