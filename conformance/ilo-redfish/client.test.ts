/**
 * Our Redfish client, through its public API (`createIloClient`), against Redfish servers we did
 * not write (started by .ci/suites/ilo-redfish.sh):
 * - sushy-tools (OpenStack's Redfish emulator) with its fake driver: DMTF-style links without
 *   trailing slashes, UUID ids, virtual media under the system, no Power resource, no
 *   AccountService, no sessions (HTTP Basic auth only), power changes that take 1–11 s;
 * - DMTF's Redfish-Mockup-Server serving its own `public-rackmount1` mockup (DMTF's reference
 *   rack server: no trailing slashes, virtual media without actions, fans in RPM);
 * - the same server serving the real iLO 5 1.45 dump in docs/reference/ilo/samples/redfish/
 *   (iLO's trailing slashes, action targets the mockup server checks to the letter, a linked
 *   SmartStorage tree that is not in the dump).
 * The mockups are static: actions are accepted (204) without changing anything, PATCH and POST to
 * a collection are merged into memory, so those are what is read back. Where a server lacks a
 * resource the client must answer a typed error (core's error classes), never crash.
 */
import { createServer, type Server } from "node:http";
import { createIloClient, type IloClient, type IloClientOptions } from "@homelab-kit/ilo";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { redfishFailure } from "../../packages/ilo/test/helpers.js";
import { type RedfishServer, redfishServers } from "./servers.js";

const servers = redfishServers();
const clients: IloClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function client(server: RedfishServer, options: Partial<IloClientOptions> = {}): IloClient {
  const created = createIloClient({
    baseUrl: server.url,
    username: server.username ?? "Administrator",
    password: server.password ?? "mockups-take-any-password",
    protocol: "redfish",
    defaults: { timeout: 20_000 },
    ...options,
  });
  clients.push(created);
  return created;
}

const failure = redfishFailure;

/** GET a Redfish resource directly (to check what the client did, independently of it). */
async function raw(server: RedfishServer, path: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (server.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${server.username}:${server.password}`).toString("base64")}`;
  const res = await fetch(new URL(path, server.url), { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** A session shows in the mockup's Sessions collection while the client is open, and is gone after close(). */
async function loginAndLogout(server: RedfishServer, sessionsPath: string) {
  const sessions = async () => ((await raw(server, sessionsPath)).Members as unknown[]).length;
  const before = await sessions();
  const ilo = client(server);
  expect(await ilo.power.get()).toBe("On");
  expect(await sessions()).toBe(before + 1);
  await ilo.close();
  expect(await sessions()).toBe(before);
}

describe(servers.sushy.name, () => {
  const server = servers.sushy;
  const basic = () => client(server, { redfishAuth: "basic" });
  // sushy-tools downloads the image it is told to insert: serve one on loopback.
  let images: Server;
  let imageUrl = "";
  beforeAll(async () => {
    images = createServer((req, res) => {
      const ok = req.url?.endsWith(".iso") === true;
      res.writeHead(ok ? 200 : 404, {
        "content-type": "application/octet-stream",
        "content-length": ok ? 65536 : 0,
      });
      res.end(ok && req.method !== "HEAD" ? Buffer.alloc(65536) : undefined);
    });
    await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
    const address = images.address();
    imageUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/boot.iso`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => images.close(() => resolve()));
  });

  it("the default session login answers a typed error: the service root links no Sessions", async () => {
    const error = await failure(() => client(server).power.get());
    expect(error.code).toBe("REDFISH_NO_SESSION_SERVICE");
    expect(error.message).toContain('redfishAuth: "basic"');
  });

  it("a wrong password is refused with RedfishError 401, without the password in it", async () => {
    const error = await failure(() =>
      client(server, { redfishAuth: "basic", password: "wrong-Pw&<" }).power.get(),
    );
    expect(error.status).toBe(401);
    expect(JSON.stringify(error) + String(error.stack)).not.toContain("wrong-Pw&<");
  });

  it("powers on and off through the ComputerSystem.Reset target and reads PowerState back", async () => {
    const ilo = basic();
    if ((await ilo.power.get()) !== "Off") {
      await ilo.power.off();
      await ilo.power.waitFor("Off", { timeout: 30_000, interval: 250 });
    }
    expect(await ilo.power.on()).toEqual({ changed: true });
    await ilo.power.waitFor("On", { timeout: 30_000, interval: 250 });
    expect((await ilo.power.on()).changed).toBe(false);
    expect(await ilo.power.off()).toEqual({ changed: true });
    await ilo.power.waitFor("Off", { timeout: 30_000, interval: 250 });
  });

  it("PATCHes the boot override and reads the target back (sushy-tools keeps it Continuous)", async () => {
    const ilo = basic();
    await ilo.boot.setOneTime("cd");
    expect(await ilo.boot.getPersistent()).toEqual(["cd"]);
    await ilo.boot.setPersistent("pxe");
    expect(await ilo.boot.getPersistent()).toEqual(["pxe"]);
  });

  it("sets the indicator LED and reads it back", async () => {
    const ilo = basic();
    await ilo.uid.set(false);
    expect(await ilo.uid.get()).toBe(false);
    await ilo.uid.set(true);
    expect(await ilo.uid.get()).toBe(true);
  });

  it("finds virtual media under the system through the manager's link; inserts, reads, ejects", async () => {
    const ilo = basic();
    await ilo.virtualMedia.insert("cd", imageUrl);
    expect(await ilo.virtualMedia.status("cd")).toMatchObject({
      device: "cd",
      inserted: true,
      image: imageUrl,
    });
    expect((await ilo.virtualMedia.status("floppy")).inserted).toBe(false);
    await ilo.virtualMedia.eject("cd");
    expect(await ilo.virtualMedia.status("cd")).toMatchObject({ inserted: false, image: null });
  });

  it("health: Thermal sensors (fans in RPM, not percent), DMTF Storage drives, no Power resource", async () => {
    const health = await basic().health();
    expect(health.temperatures.map((t) => t.name)).toEqual(["CPU Temp", "Chassis Intake Temp"]);
    expect(health.temperatures[0]).toMatchObject({ celsius: 41, cautionCelsius: 45, status: "ok" });
    expect(health.fans.length).toBeGreaterThan(0);
    expect(health.fans.every((f) => f.percent === undefined && f.status === "ok")).toBe(true);
    expect(health.powerSupplies).toEqual([]);
    expect(health.drives).toEqual([
      { name: "Drive Bay 1", model: "C123", status: "ok" },
      { name: "Drive Bay 2", model: "C123", status: "ok" },
    ]);
    expect(health.overall).toBe("ok");
  });

  it("power readings answer a typed error: the chassis links no Power resource", async () => {
    const error = await failure(() => basic().power.readings());
    expect(error.code).toBe("REDFISH_NO_POWER_METRICS");
    expect(error.status).toBe(404);
  });

  it("reads firmware and product from the manager and system its links name", async () => {
    const ilo = basic();
    expect(await ilo.firmware()).toMatchObject({ version: "1.00", managementProcessor: "Joo Janta 200" });
    const [system] = (await raw(server, "/redfish/v1/Systems")).Members as Array<{ "@odata.id": string }>;
    const uuid = (await raw(server, system?.["@odata.id"] ?? "")).UUID;
    expect((await ilo.product()).uuid).toBe(uuid);
  });

  it("users answer a typed error: the service root links no AccountService", async () => {
    const error = await failure(() => basic().users.list());
    expect(error.code).toBe("REDFISH_NOT_LINKED");
    expect(error.message).toContain("AccountService");
  });
});

describe(servers.rackmount1.name, () => {
  const server = servers.rackmount1;
  it("logs in at Links.Sessions (no trailing slash) and logs out at the Location it got", () =>
    loginAndLogout(server, "/redfish/v1/SessionService/Sessions"));

  it("posts power actions to the ComputerSystem.Reset target the system gives", async () => {
    const ilo = client(server);
    // The mockup accepts an action only at its exact target (else 404); it changes nothing.
    expect(await ilo.power.off()).toEqual({ changed: true });
    expect(await ilo.power.warmReset()).toEqual({ changed: true });
    expect(await ilo.power.press()).toEqual({ changed: true });
  });

  it("PATCHes the boot override and reads it back", async () => {
    const ilo = client(server);
    await ilo.boot.setOneTime("usb");
    expect(await ilo.boot.getOneTime()).toBe("usb");
    await ilo.boot.setPersistent("hdd");
    expect(await ilo.boot.getPersistent()).toEqual(["hdd"]);
  });

  it("sets the indicator LED and reads it back", async () => {
    const ilo = client(server);
    await ilo.uid.set(true);
    expect(await ilo.uid.get()).toBe(true);
    await ilo.uid.set(false);
    expect(await ilo.uid.get()).toBe(false);
  });

  it("finds the system's virtual media (the manager has none); inserts and ejects by PATCH (no actions)", async () => {
    const ilo = client(server);
    expect(await ilo.virtualMedia.status("cd")).toMatchObject({
      inserted: true,
      image: "redfish.dmtf.org/freeImages/freeOS.1.1.iso",
    });
    expect((await ilo.virtualMedia.status("floppy")).image).toBe(
      "https://www.dmtf.org/freeImages/Sardine.img",
    );
    await ilo.virtualMedia.eject("cd");
    expect(await ilo.virtualMedia.status("cd")).toMatchObject({ inserted: false, image: null });
    await ilo.virtualMedia.insert("cd", "http://127.0.0.1:1/debian.iso");
    expect(await ilo.virtualMedia.status("cd")).toMatchObject({
      inserted: true,
      image: "http://127.0.0.1:1/debian.iso",
    });
  });

  it("health: Thermal (fans in RPM), Power supplies, no drives (only SimpleStorage is linked)", async () => {
    const health = await client(server).health();
    expect(health.temperatures.length).toBe(3);
    expect(health.fans.map((f) => [f.name, f.percent])).toEqual([
      ["BaseBoard System Fan", undefined],
      ["BaseBoard System Fan Backup", undefined],
    ]);
    expect(health.powerSupplies.map((p) => p.name)).toEqual(["Power Supply Bay"]);
    expect(health.drives).toEqual([]);
    expect(["ok", "warning", "critical"]).toContain(health.overall);
  });

  it("power readings from the chassis' Power link", async () => {
    expect((await client(server).power.readings()).presentWatts).toBe(344);
  });

  it("firmware, product", async () => {
    const ilo = client(server);
    expect(await ilo.firmware()).toMatchObject({
      version: "1.45.455b66-rev4",
      managementProcessor: "Joo Janta 200",
    });
    expect(await ilo.product()).toMatchObject({ productName: "3500", serialNumber: "437XR1138R2" });
  });

  it("users: list, add (POST to the Accounts collection), remove (DELETE its member)", async () => {
    const ilo = client(server);
    expect((await ilo.users.list()).map((u) => u.login)).toEqual(["Administrator"]);
    await ilo.users.add({ login: "conformance", password: "conformance-pw1", admin: false });
    expect((await ilo.users.list()).map((u) => u.login)).toEqual(["Administrator", "conformance"]);
    await ilo.users.remove("conformance");
    expect((await ilo.users.list()).map((u) => u.login)).toEqual(["Administrator"]);
    const error = await failure(() => ilo.users.remove("nobody"));
    expect(error.code).toBe("REDFISH_NO_SUCH_ACCOUNT");
  });
});

describe(servers.ilo5.name, () => {
  const server = servers.ilo5;
  it("logs in at iLO's Links.Sessions (trailing slash) and logs out at the Location it got", () =>
    loginAndLogout(server, "/redfish/v1/SessionService/Sessions/"));

  it("reads product and firmware as iLO 5 writes them", async () => {
    const ilo = client(server);
    expect((await ilo.product()).productName).toBe("ProLiant BL460c Gen10");
    expect(await ilo.firmware()).toMatchObject({ version: "1.45", managementProcessor: "iLO 5" });
  });

  it("posts the standard reset and virtual media actions to their exact targets", async () => {
    const ilo = client(server);
    expect(await ilo.power.off()).toEqual({ changed: true });
    expect(await ilo.power.warmReset()).toEqual({ changed: true });
    await ilo.virtualMedia.insert("cd", "http://127.0.0.1:1/debian.iso");
    await ilo.virtualMedia.eject("cd");
  });

  it("virtual media status for the CD and the floppy/USB device", async () => {
    const ilo = client(server);
    expect(await ilo.virtualMedia.status("cd")).toMatchObject({ device: "cd", inserted: false, image: null });
    expect(await ilo.virtualMedia.status("floppy")).toMatchObject({ device: "floppy", inserted: false });
  });

  it("health: sensors from Thermal and Power; the linked SmartStorage and Storage trees are not in the dump", async () => {
    const health = await client(server).health();
    expect(health.temperatures.length).toBe(35);
    expect(health.fans.map((f) => [f.name, f.percent, f.status])).toEqual([["Fan 1", 29, "ok"]]);
    expect(health.powerSupplies).toEqual([]); // a blade: its power supplies are the enclosure's
    expect(health.drives).toEqual([]); // 404 on both trees counts as no drives, the sensors still come
  });

  it("power readings", async () => {
    expect((await client(server).power.readings()).presentWatts).toBeGreaterThan(0);
  });

  it("PATCHes the boot override and the UID and reads them back", async () => {
    const ilo = client(server);
    await ilo.boot.setOneTime("pxe");
    expect(await ilo.boot.getOneTime()).toBe("pxe");
    await ilo.uid.set(true);
    expect(await ilo.uid.get()).toBe(true);
  });

  it("accounts the collection lists but the dump lacks answer a typed 404, not a crash", async () => {
    // Accounts lists /1/, /97/ and /4/; only /1/ was dumped.
    const error = await failure(() => client(server).users.list());
    expect(error.status).toBe(404);
    expect(error.message).toContain("/redfish/v1/AccountService/Accounts/97/");
  });
});
