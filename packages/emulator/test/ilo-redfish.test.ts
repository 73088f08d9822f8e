import {
  createIloEmulator,
  manualClock,
  onPowerChange,
  type PowerChangeEvent,
} from "@homelab-kit/emulator/ilo";
import { describe, expect, it } from "vitest";

function setup(generation: "ilo3" | "ilo4" | "ilo5" = "ilo5") {
  const clock = manualClock(0);
  const emulator = createIloEmulator({
    generation,
    clock,
    users: [
      { login: "Administrator", password: "pw" },
      {
        login: "other",
        password: "pw2",
        privileges: {
          admin: false,
          remoteConsole: false,
          resetServer: false,
          virtualMedia: false,
          configIlo: false,
        },
      },
    ],
  });
  const t = emulator.transport();
  const call = async (
    method: string,
    path: string,
    opts: { body?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await t({
      method,
      url: `https://ilo.test${path}`,
      headers: opts.headers ?? {},
      body: opts.body,
    });
    const text = new TextDecoder().decode(res.body);
    const isJson = res.headers["content-type"]?.startsWith("application/json");
    return { status: res.status, headers: res.headers, json: isJson && text ? JSON.parse(text) : undefined };
  };
  const login = async (user = "Administrator", password = "pw") => {
    const res = await call("POST", "/redfish/v1/SessionService/Sessions/", {
      body: JSON.stringify({ UserName: user, Password: password }),
      headers: { "content-type": "application/json" },
    });
    return { token: res.headers["x-auth-token"]!, location: res.headers.location!, res };
  };
  return { clock, emulator, state: emulator.state, call, login };
}

const messageIds = (json: { error?: { "@Message.ExtendedInfo"?: Array<{ MessageId: string }> } }) =>
  json.error?.["@Message.ExtendedInfo"]?.map((m) => m.MessageId) ?? [];

describe("iLO Redfish emulator", () => {
  it("serves the root without auth and everything else only with a session or Basic", async () => {
    const { call, login } = setup();
    const root = await call("GET", "/redfish/v1/");
    expect(root.status).toBe(200);
    expect(root.json.Oem.Hpe.Manager[0].ManagerType).toBe("iLO 5");
    const anon = await call("GET", "/redfish/v1/Systems/1/");
    expect(anon.status).toBe(401);
    expect(messageIds(anon.json)).toEqual(["Base.1.0.NoValidSession"]);
    const { token, location, res } = await login();
    expect(res.status).toBe(201);
    expect(location).toMatch(
      /^https:\/\/ilo\.test\/redfish\/v1\/SessionService\/Sessions\/administrator[0-9a-f]+\/$/,
    );
    const basic = `Basic ${Buffer.from("Administrator:pw").toString("base64")}`;
    expect((await call("GET", "/redfish/v1/Systems/1/", { headers: { authorization: basic } })).status).toBe(
      200,
    );
    expect((await call("GET", "/redfish/v1/Systems/1/", { headers: { "x-auth-token": token } })).status).toBe(
      200,
    );
  });

  it("matches paths case-insensitively with or without the trailing slash", async () => {
    const { call, login } = setup();
    const { token } = await login();
    for (const path of ["/redfish/v1/Systems/1/", "/redfish/v1/systems/1", "/redfish/v1/SYSTEMS/1/"]) {
      const res = await call("GET", path, { headers: { "x-auth-token": token } });
      expect(res.status).toBe(200);
      expect(res.json["@odata.id"]).toBe("/redfish/v1/Systems/1/");
    }
    const missing = await call("GET", "/redfish/v1/Systems/2/", { headers: { "x-auth-token": token } });
    expect(missing.status).toBe(404);
    expect(messageIds(missing.json)).toEqual(["Base.1.0.ResourceMissingAtURI"]);
  });

  it("rejects expired and foreign session tokens; a user cannot log out another's session", async () => {
    const { call, login, clock, state } = setup();
    const admin = await login();
    const other = await login("other", "pw2");
    const foreign = await call("GET", "/redfish/v1/Systems/1/", {
      headers: { "x-auth-token": "deadbeef".repeat(4) },
    });
    expect(foreign.status).toBe(401);
    const path = new URL(admin.location).pathname;
    const steal = await call("DELETE", path, { headers: { "x-auth-token": other.token } });
    expect(steal.status).toBe(403);
    clock.advance(state.sessionIdleTimeoutMs);
    const expired = await call("GET", "/redfish/v1/Systems/1/", { headers: { "x-auth-token": admin.token } });
    expect(expired.status).toBe(401);
    expect(state.sessions.size).toBe(0);
  });

  it("limits concurrent sessions with SessionLimitExceeded", async () => {
    const { login, state } = setup();
    state.maxSessions = 2;
    await login();
    await login();
    const third = await login();
    expect(third.res.status).toBe(403);
    expect(messageIds(third.res.json)).toEqual(["Base.1.0.SessionLimitExceeded"]);
    const wrong = await login("Administrator", "nope");
    expect(wrong.res.status).toBe(401);
    expect(messageIds(wrong.res.json)).toEqual(["iLO.2.8.UnauthorizedLoginAttempt"]);
  });

  it("answers bad JSON, unknown properties, wrong types and unknown reset types precisely", async () => {
    const { call, login } = setup();
    const { token } = await login();
    const h = { "x-auth-token": token, "content-type": "application/json" };
    const bad = await call("PATCH", "/redfish/v1/Systems/1/", { headers: h, body: "{not json" });
    expect([bad.status, messageIds(bad.json)]).toEqual([400, ["Base.1.0.MalformedJSON"]]);
    const unknown = await call("PATCH", "/redfish/v1/Systems/1/", { headers: h, body: '{"Nope":1}' });
    expect([unknown.status, messageIds(unknown.json)]).toEqual([
      400,
      ["iLO.2.8.PropertyNotWritableOrUnknown"],
    ]);
    const target = await call("PATCH", "/redfish/v1/Systems/1/", {
      headers: h,
      body: '{"Boot":{"BootSourceOverrideTarget":"Tape"}}',
    });
    expect([target.status, messageIds(target.json)]).toEqual([400, ["Base.1.0.PropertyValueNotInList"]]);
    const reset = "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/";
    const graceful = await call("POST", reset, { headers: h, body: '{"ResetType":"GracefulShutdown"}' });
    expect([graceful.status, messageIds(graceful.json)]).toEqual([
      400,
      ["iLO.2.8.ActionParameterValueNotInList"],
    ]);
    const missing = await call("POST", reset, { headers: h, body: "{}" });
    expect(messageIds(missing.json)).toEqual(["Base.1.0.ActionParameterMissing"]);
    const array = await call("POST", reset, { headers: h, body: "[1,2]" });
    expect(array.status).toBe(400);
    const method = await call("DELETE", "/redfish/v1/Systems/1/", { headers: h });
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe("GET, HEAD, PATCH");
  });

  it("budgets bodies: a login over 4 KiB, nested JSON and long numbers are MalformedJSON; 64 KiB is the limit", async () => {
    const { call, login } = setup();
    const json = { "content-type": "application/json" };
    const padded = JSON.stringify({ UserName: "Administrator", Password: "pw", Oem: "x".repeat(5_000) });
    const big = await call("POST", "/redfish/v1/SessionService/Sessions/", { body: padded, headers: json });
    expect(big.status).toBe(400);
    expect(messageIds(big.json)).toEqual(["Base.1.0.MalformedJSON"]);
    const { token } = await login();
    const auth = { ...json, "x-auth-token": token };
    for (const body of [`${"[".repeat(100)}${"]".repeat(100)}`, `{"IndicatorLED": ${"1".repeat(1_000)}}`]) {
      const res = await call("PATCH", "/redfish/v1/Systems/1/", { body, headers: auth });
      expect(res.status).toBe(400);
      expect(messageIds(res.json)).toEqual(["Base.1.0.MalformedJSON"]);
    }
    const huge = await call("PATCH", "/redfish/v1/Systems/1/", { body: "x".repeat(70_000), headers: auth });
    expect(huge.status).toBe(413);
    // An echoed path is cut short.
    const missing = await call("GET", `/redfish/v1/${"p".repeat(5_000)}`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.json).length).toBeLessThan(2_000);
  });

  it("refuses a PATCH with a stale If-Match (412) and accepts the current ETag", async () => {
    const { call, login } = setup();
    const { token } = await login();
    const h = { "x-auth-token": token, "content-type": "application/json" };
    const first = await call("GET", "/redfish/v1/Systems/1/", { headers: h });
    const etag = first.headers.etag!;
    expect(first.json["@odata.etag"]).toBe(etag);
    const body = '{"Boot":{"BootSourceOverrideTarget":"Cd","BootSourceOverrideEnabled":"Once"}}';
    expect(
      (await call("PATCH", "/redfish/v1/Systems/1/", { headers: { ...h, "if-match": etag }, body })).status,
    ).toBe(200);
    const stale = await call("PATCH", "/redfish/v1/Systems/1/", {
      headers: { ...h, "if-match": etag },
      body: '{"IndicatorLED":"Lit"}',
    });
    expect([stale.status, messageIds(stale.json)]).toEqual([412, ["Base.1.4.PreconditionFailed"]]);
  });

  it("refuses a reset while off with iLO 4's legacy error shape, and checks privileges", async () => {
    const { call, login, state } = setup("ilo4");
    state.power.on = false;
    const { token } = await login();
    const res = await call("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/", {
      headers: { "x-auth-token": token },
      body: '{"ResetType":"ForceRestart"}',
    });
    expect(res.status).toBe(400);
    expect(res.json.Messages).toEqual([
      { MessageID: "iLO.0.10.InvalidOperationForSystemState", MessageArgs: ["Power is off"] },
    ]);
    expect(res.json.error.code).toBe("iLO.0.10.ExtendedInfo");
    const other = await login("other", "pw2");
    const denied = await call("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/", {
      headers: { "x-auth-token": other.token },
      body: '{"ResetType":"On"}',
    });
    expect([denied.status, denied.json.Messages[0].MessageID]).toEqual([
      403,
      "Base.0.10.InsufficientPrivilege",
    ]);
  });

  it("changes power on the emulator clock and tells listeners (for a shared World)", async () => {
    const { call, login, clock, state } = setup();
    const events: PowerChangeEvent[] = [];
    onPowerChange(state, (e) => events.push(e));
    const { token } = await login();
    const h = { "x-auth-token": token };
    await call("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/", {
      headers: h,
      body: '{"ResetType":"ForceOff"}',
    });
    expect(events).toEqual([{ host: "node1", from: "On", to: "Off", at: 0 }]);
    await call("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/", {
      headers: h,
      body: '{"ResetType":"On"}',
    });
    expect((await call("GET", "/redfish/v1/Systems/1/", { headers: h })).json.PowerState).toBe("PoweringOn");
    clock.advance(state.timings.powerOnMs);
    const on = await call("GET", "/redfish/v1/Systems/1/", { headers: h });
    expect([on.json.PowerState, on.json.Oem.Hpe.PostState]).toEqual(["On", "InPost"]);
    clock.advance(state.timings.postMs);
    expect((await call("GET", "/redfish/v1/Systems/1/", { headers: h })).json.Oem.Hpe.PostState).toBe(
      "FinishedPost",
    );
    expect(events.map((e) => e.to)).toEqual(["Off", "On"]);
  });

  it("uses Oem.Hp and no standard media actions on iLO 4, Oem.Hpe and both on iLO 5", async () => {
    for (const generation of ["ilo4", "ilo5"] as const) {
      const { call, login } = setup(generation);
      const { token } = await login();
      const vm = (
        await call("GET", "/redfish/v1/Managers/1/VirtualMedia/2/", { headers: { "x-auth-token": token } })
      ).json;
      const key = generation === "ilo4" ? "Hp" : "Hpe";
      expect(Object.keys(vm.Oem)).toEqual([key]);
      expect(vm.Actions === undefined).toBe(generation === "ilo4");
      expect(Object.keys(vm.Oem[key].Actions)).toContain(`#${key}iLOVirtualMedia.InsertVirtualMedia`);
    }
  });

  it("serves the drives as SmartStorage (Oem.Hp/Oem.Hpe link) and, on iLO 5, as DMTF Storage too", async () => {
    for (const generation of ["ilo4", "ilo5"] as const) {
      const { call, login, state } = setup(generation);
      const { token } = await login();
      const get = (path: string) => call("GET", path, { headers: { "x-auth-token": token } });
      const key = generation === "ilo4" ? "Hp" : "Hpe";
      const sys = (await get("/redfish/v1/Systems/1/")).json;
      const smart = sys.Oem[key].Links.SmartStorage["@odata.id"];
      expect(smart).toBe("/redfish/v1/Systems/1/SmartStorage/");
      expect((await get(smart)).json["@odata.type"]).toMatch(new RegExp(`^#${key}SmartStorage\\.`));
      const controllers = (await get(`${smart}ArrayControllers/`)).json.Members;
      expect(controllers).toHaveLength(1);
      const controller = (await get(controllers[0]["@odata.id"])).json;
      const disks = (await get(controller.Links.PhysicalDrives["@odata.id"])).json.Members;
      expect(disks).toHaveLength(state.sensors.drives.length);
      state.sensors.drives[1]!.health = "Critical";
      const disk = (await get(disks[1]["@odata.id"])).json;
      expect(disk).toMatchObject({
        Location: "1I:1:2",
        LocationFormat: "ControllerPort:Box:Bay",
        Model: "EG0300FBVFL",
        CapacityGB: 300,
        CapacityMiB: 286102,
        RotationalSpeedRpm: 10_000,
        Status: { Health: "Critical", State: "Enabled" },
      });
      expect((await get(`${smart}ArrayControllers/0/DiskDrives/9/`)).status).toBe(404);
      expect((await get(`${smart}ArrayControllers/0/DiskDrives/x/`)).status).toBe(404);
      expect(sys.Storage === undefined).toBe(generation === "ilo4");
      if (generation === "ilo5") {
        const storages = (await get(sys.Storage["@odata.id"])).json.Members;
        const storage = (await get(storages[0]["@odata.id"])).json;
        expect(storage.Status.HealthRollup).toBe("Critical");
        const drive = (await get(storage.Drives[1]["@odata.id"])).json;
        expect(drive.PhysicalLocation.PartLocation).toMatchObject({
          LocationType: "Bay",
          LocationOrdinalValue: 2,
        });
        expect(drive.Status.Health).toBe("Critical");
      } else {
        expect((await get("/redfish/v1/Systems/1/Storage/")).status).toBe(404);
      }
    }
  });

  it("answers 404 for /redfish on iLO 3, as the real one has no REST API", async () => {
    const { call } = setup("ilo3");
    expect((await call("GET", "/redfish/v1/")).status).toBe(404);
    expect((await call("GET", "/rest/v1/")).status).toBe(404);
  });

  it("what DMTF's protocol validator checks: OData documents, 405 on the root, 304, challenge, describedby, Roles", async () => {
    const { call, login } = setup("ilo5");
    const metadata = await call("GET", "/redfish/v1/$metadata");
    expect(metadata.status).toBe(200);
    expect(metadata.headers["content-type"]).toMatch(/^application\/xml/);
    const odata = await call("GET", "/redfish/v1/odata");
    expect(odata.json.value.map((v: { name: string }) => v.name)).toContain("UpdateService");
    const challenge = await call("GET", "/redfish/v1/Systems/");
    expect(challenge.status).toBe(401);
    expect(challenge.headers["www-authenticate"]).toBe('Basic realm="iLO"');
    const { token } = await login();
    const auth = { "x-auth-token": token };
    const root = await call("POST", "/redfish/v1/", { headers: auth, body: "{}" });
    expect([root.status, root.headers.allow]).toEqual([405, "GET, HEAD"]);
    expect((await call("GET", "/redfish/v1/")).headers.allow).toBe("GET, HEAD");
    const system = await call("GET", "/redfish/v1/Systems/1/", { headers: auth });
    expect(system.headers.link).toBe("</redfish/v1/SchemaStore/en/ComputerSystem.json/>; rel=describedby");
    const again = await call("GET", "/redfish/v1/Systems/1/", {
      headers: { ...auth, "if-none-match": system.headers.etag! },
    });
    expect([again.status, again.json]).toEqual([304, undefined]);
    const roles = await call("GET", "/redfish/v1/AccountService/Roles/", { headers: auth });
    expect(roles.json.Members.map((m: { "@odata.id": string }) => m["@odata.id"])).toEqual([
      "/redfish/v1/AccountService/Roles/Administrator/",
      "/redfish/v1/AccountService/Roles/Operator/",
      "/redfish/v1/AccountService/Roles/ReadOnly/",
    ]);
    const readOnly = await call("GET", "/redfish/v1/AccountService/Roles/ReadOnly/", { headers: auth });
    expect(readOnly.json).toMatchObject({ Id: "ReadOnly", RoleId: "ReadOnly", IsPredefined: true });
    // RoleId is writable; a PATCH of annotations only is NoOperation.
    const patch = (body: object) =>
      call("PATCH", "/redfish/v1/AccountService/Accounts/2/", {
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await patch({ RoleId: "Operator" })).status).toBe(200);
    const other = await call("GET", "/redfish/v1/AccountService/Accounts/2/", { headers: auth });
    expect(other.json.RoleId).toBe("Operator");
    const noop = await patch({ "@odata.id": "/redfish/v1/AccountService/Accounts/2/" });
    expect([noop.status, messageIds(noop.json)]).toEqual([400, ["Base.1.0.NoOperation"]]);
    const bad = await patch({ RoleId: "Emperor" });
    expect(messageIds(bad.json)).toEqual(["Base.1.0.PropertyValueNotInList"]);
    // A session through the collection's Members URI.
    const viaMembers = await call("POST", "/redfish/v1/SessionService/Sessions/Members", {
      body: JSON.stringify({ UserName: "Administrator", Password: "pw" }),
      headers: { "content-type": "application/json" },
    });
    expect(viaMembers.status).toBe(201);
  });

  it("log services: entries follow the server, ClearLog needs Configure iLO, unknown entries 404", async () => {
    const { call, login } = setup("ilo5");
    const { token } = await login();
    const auth = { "x-auth-token": token };
    await call("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/", {
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ ResetType: "ForceRestart" }),
    });
    const entries = await call("GET", "/redfish/v1/Managers/1/LogServices/IEL/Entries/", { headers: auth });
    const last = entries.json.Members.at(-1)["@odata.id"] as string;
    const entry = await call("GET", last, { headers: auth });
    expect(entry.json).toMatchObject({
      Message: "Server reset.",
      Severity: "Warning",
      EntryType: "Oem",
      OemRecordFormat: "Hpe-iLOEventLog",
      Oem: { Hpe: { Class: 35, Count: 1, Repaired: false } },
    });
    expect(
      (await call("GET", "/redfish/v1/Managers/1/LogServices/IEL/Entries/999/", { headers: auth })).status,
    ).toBe(404);
    expect(
      (await call("GET", "/redfish/v1/Managers/1/LogServices/IEL/Entries/x/", { headers: auth })).status,
    ).toBe(404);
    const other = await login("other", "pw2");
    const refused = await call("POST", "/redfish/v1/Systems/1/LogServices/IML/Actions/LogService.ClearLog/", {
      headers: { "x-auth-token": other.token, "content-type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(403);
    const malformed = await call(
      "POST",
      "/redfish/v1/Systems/1/LogServices/IML/Actions/LogService.ClearLog/",
      {
        headers: { ...auth, "content-type": "application/json" },
        body: "{not json",
      },
    );
    expect(messageIds(malformed.json)).toEqual(["Base.1.0.MalformedJSON"]);
    const inventory = await call("GET", "/redfish/v1/UpdateService/FirmwareInventory/", { headers: auth });
    // iLO 5, System ROM, its backup, power controller, Smart Array, NIC, two drives
    expect(inventory.json["Members@odata.count"]).toBe(8);
    expect(
      (await call("GET", "/redfish/v1/UpdateService/FirmwareInventory/99/", { headers: auth })).status,
    ).toBe(404);
  });
});
