import type { Transport } from "@homelab-kit/core";
import { createIloEmulator, manualClock } from "@homelab-kit/emulator/ilo";
import { createIloClient, type IloClient } from "@homelab-kit/ilo";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD } from "./helpers.js";

const clients: IloClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** One emulated host, and a client per protocol talking to it (iLO 4 and 5 speak both). */
function host(generation: "ilo4" | "ilo5", wrap: (t: Transport) => Transport = (t) => t) {
  const emulator = createIloEmulator({
    generation,
    clock: manualClock(1_700_000_000_000),
    users: [{ login: "Administrator", password: PASSWORD }],
  });
  const transport = wrap(emulator.transport());
  const client = (protocol: "ribcl" | "redfish") => {
    const c = createIloClient({
      baseUrl: "https://ilo.test",
      username: "Administrator",
      password: PASSWORD,
      protocol,
      transport,
    });
    clients.push(c);
    return c;
  };
  return { state: emulator.state, redfish: client("redfish"), ribcl: client("ribcl") };
}

/** Records the paths of the GETs that pass. */
function logged(paths: string[]) {
  return (transport: Transport): Transport =>
    (req) => {
      if (req.method === "GET") paths.push(new URL(req.url).pathname);
      return transport(req);
    };
}

/** Removes `Oem.Hp(e).Links.SmartStorage` from Systems/1, as iLO 6 (DMTF Storage only) answers. */
const withoutSmartStorage =
  (transport: Transport): Transport =>
  async (req) => {
    const response = await transport(req);
    if (req.method !== "GET" || !/\/redfish\/v1\/Systems\/1\/?$/i.test(new URL(req.url).pathname)) {
      return response;
    }
    const body = JSON.parse(new TextDecoder().decode(response.body));
    for (const oem of Object.values(body.Oem ?? {})) delete (oem as { Links?: object }).Links;
    return { ...response, body: new TextEncoder().encode(JSON.stringify(body)) };
  };

describe.each(["ilo4", "ilo5"] as const)("drive health on %s", (generation) => {
  it("Redfish (SmartStorage) reads the same drives as RIBCL's GET_EMBEDDED_HEALTH", async () => {
    const paths: string[] = [];
    const { redfish, ribcl, state } = host(generation, logged(paths));
    const overRibcl = await ribcl.health();
    const overRedfish = await redfish.health();
    expect(overRibcl.drives).toEqual([
      { name: "Bay 1", model: "EG0300FBVFL", status: "ok" },
      { name: "Bay 2", model: "EG0300FBVFL", status: "ok" },
    ]);
    expect(overRedfish.drives).toEqual(overRibcl.drives);
    expect(overRedfish.overall).toBe(overRibcl.overall);
    expect(paths).toContain("/redfish/v1/Systems/1/SmartStorage/ArrayControllers/0/DiskDrives/1/");
    // SmartStorage answered: the DMTF tree is not read as well.
    expect(paths.some((p) => p.includes("/Storage/"))).toBe(false);

    state.sensors.drives[1]!.health = "Critical";
    state.sensors.drives.push({ bay: "3", model: "EG0600FBDSR", health: "Warning" });
    const failedRibcl = await ribcl.health();
    const failedRedfish = await redfish.health();
    expect(failedRibcl.drives.map((d) => d.status)).toEqual(["ok", "critical", "warning"]);
    expect(failedRedfish.drives).toEqual(failedRibcl.drives);
    expect(failedRedfish.overall).toBe("critical");
    expect(failedRibcl.overall).toBe("critical");
  });
});

describe("drive health without SmartStorage", () => {
  it("iLO 5: falls back to DMTF Storage and still matches RIBCL", async () => {
    const paths: string[] = [];
    const { redfish, ribcl, state } = host("ilo5", (t) => logged(paths)(withoutSmartStorage(t)));
    state.sensors.drives[0]!.health = "Warning";
    const overRedfish = await redfish.health();
    expect(paths.some((p) => /SmartStorage/i.test(p))).toBe(false);
    expect(paths).toContain("/redfish/v1/Systems/1/Storage/DA000000/Drives/0/");
    expect(overRedfish.drives).toEqual((await ribcl.health()).drives);
    expect(overRedfish.drives[0]).toEqual({ name: "Bay 1", model: "EG0300FBVFL", status: "warning" });
    expect(overRedfish.overall).toBe("warning");
  });

  it("iLO 4 with no storage links at all: no drives, no error", async () => {
    const { redfish } = host("ilo4", withoutSmartStorage);
    const health = await redfish.health();
    expect(health.drives).toEqual([]);
    expect(health.overall).toBe("ok");
  });

  it("a linked SmartStorage that answers 404 falls through to DMTF Storage; other errors are thrown", async () => {
    let status = 404;
    const failing =
      (transport: Transport): Transport =>
      async (req) =>
        /SmartStorage/i.test(req.url)
          ? { status, headers: { "content-type": "application/json" }, body: new TextEncoder().encode("{}") }
          : transport(req);
    const { redfish, ribcl } = host("ilo5", failing);
    const health = await redfish.health();
    expect(health.drives).toEqual((await ribcl.health()).drives);
    expect(health.drives).toHaveLength(2);
    status = 500;
    expect(await redfish.health().catch((e: unknown) => e)).toMatchObject({
      name: "RedfishError",
      status: 500,
    });
  });

  it("an empty SmartStorage on iLO 5 falls through to DMTF Storage", async () => {
    const paths: string[] = [];
    const { redfish, state } = host("ilo5", logged(paths));
    state.sensors.drives = [];
    expect((await redfish.health()).drives).toEqual([]);
    const smart = paths.indexOf("/redfish/v1/Systems/1/SmartStorage/ArrayControllers/0/DiskDrives/");
    expect(smart).toBeGreaterThan(-1);
    expect(paths.indexOf("/redfish/v1/Systems/1/Storage/DA000000/")).toBeGreaterThan(smart);
  });
});
