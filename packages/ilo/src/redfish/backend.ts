import type { CallOptions } from "@homelab-kit/core";
import { RedfishError } from "../errors.js";
import type {
  BootDevice,
  DriveStatus,
  HealthStatus,
  IloBackend,
  PowerResult,
  VirtualMediaDevice,
} from "../types.js";
import { worstStatus } from "../types.js";
import { createRedfishHttp, type RedfishHttpOptions } from "./http.js";
import { actionTarget, linkAt, notLinked, oemOf } from "./links.js";
import { createRedfishLogs } from "./logs.js";
import { createRedfishNavigator } from "./navigator.js";
import {
  AccountService,
  Chassis,
  ComputerSystem,
  Drive,
  Manager,
  ManagerAccount,
  Power,
  SmartStorage,
  SmartStorageArrayController,
  SmartStorageDiskDrive,
  Storage,
  Thermal,
  VirtualMedia,
} from "./schemas.js";

const BOOT_TO_REDFISH: Record<BootDevice, string> = {
  none: "None",
  cd: "Cd",
  floppy: "Floppy",
  hdd: "Hdd",
  usb: "Usb",
  pxe: "Pxe",
  "bios-setup": "BiosSetup",
};

function bootFromRedfish(target: string | null | undefined): BootDevice {
  for (const [device, name] of Object.entries(BOOT_TO_REDFISH))
    if (name === target) return device as BootDevice;
  return "none";
}

export function redfishHealth(
  status: { Health?: string | null; State?: string | null } | null | undefined,
): HealthStatus {
  if (status?.State === "Absent") return "absent";
  switch (status?.Health) {
    case "OK":
      return "ok";
    case "Warning":
      return "warning";
    case "Critical":
      return "critical";
    default:
      return "unknown";
  }
}

const oem = oemOf;

function oemKey(body: { Oem?: { Hp?: unknown; Hpe?: unknown } | undefined }): "Hp" | "Hpe" {
  return body.Oem?.Hp !== undefined && body.Oem?.Hpe === undefined ? "Hp" : "Hpe";
}

/** The `@odata.id` of `Oem.Hp(e).Links[name]`, when the iLO links it. */
function oemLink(body: Parameters<typeof oem>[0], name: string): string | undefined {
  return linkAt(oem(body), "Links", name);
}

/** iLO's own virtual media (`Oem.Hp` / `Oem.Hpe` on the resource): PATCH takes `Image` alone. */
function isHpeResource(body: { Oem?: { Hp?: unknown; Hpe?: unknown } | undefined }): boolean {
  return body.Oem?.Hp !== undefined || body.Oem?.Hpe !== undefined;
}

/** Drive names as RIBCL's GET_EMBEDDED_HEALTH gives them (`Bay 3`), whatever the protocol. */
const bayName = (bay: string | number) => `Bay ${bay}`;

/** SmartStorage `Location` "1I:1:3" (ControllerPort:Box:Bay) → `Bay 3`. */
function smartDriveName(d: SmartStorageDiskDrive): string {
  const parts = d.Location?.split(":") ?? [];
  const bay = parts.length === 3 ? parts[2] : undefined;
  return bay ? bayName(bay) : (d.Location ?? d.Name ?? "");
}

/** DMTF `PhysicalLocation.PartLocation` (ordinal of a `Bay`, or `…:Bay=3` label) → `Bay 3`. */
function dmtfDriveName(d: Drive): string {
  const part = d.PhysicalLocation?.PartLocation;
  const labelled = /(?:^|:)Bay=(\d+)/.exec(part?.ServiceLabel ?? "")?.[1];
  if (labelled) return bayName(labelled);
  if (part?.LocationType === "Bay" && typeof part.LocationOrdinalValue === "number") {
    return bayName(part.LocationOrdinalValue);
  }
  return d.Name ?? "";
}

async function notFoundAsEmpty<T>(read: Promise<T[]>): Promise<T[]> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof RedfishError && error.status === 404) return [];
    throw error;
  }
}

function driveStatus(name: string, d: SmartStorageDiskDrive | Drive): DriveStatus {
  return { name, model: d.Model?.trim() || undefined, status: redfishHealth(d.Status) };
}

const MEDIA_TYPES: Record<VirtualMediaDevice, string[]> = {
  cd: ["CD", "DVD"],
  floppy: ["Floppy", "USBStick"],
};

/**
 * The Redfish backend (iLO 4 ≥2.30, iLO 5, iLO 6, and DMTF-conformant services). Every resource is
 * reached through the links the service gives, from `/redfish/v1/` on (redfish/navigator.ts).
 */
export function createRedfishBackend(options: RedfishHttpOptions): IloBackend {
  const http = createRedfishHttp(options);
  const nav = createRedfishNavigator(http, options.baseUrl);
  const system = (call?: CallOptions) => nav.system(call);
  const logs = createRedfishLogs(http, nav);

  /** GET then PATCH with `If-Match`; a 412 (someone else changed it) is retried once with a fresh ETag. */
  async function patchWithEtag(
    path: string,
    schema: typeof ComputerSystem | typeof VirtualMedia | typeof ManagerAccount,
    body: unknown,
    call?: CallOptions,
  ) {
    for (let attempt = 0; ; attempt++) {
      const { etag } = await http.get(path, schema, call);
      try {
        await http.patch(path, body, etag, call);
        return;
      } catch (error) {
        if (attempt === 0 && error instanceof RedfishError && error.status === 412) continue;
        throw error;
      }
    }
  }

  async function reset(resetType: string, call?: CallOptions): Promise<void> {
    const { url, body } = await system(call);
    const target = actionTarget(body.Actions, "#ComputerSystem.Reset");
    if (target === undefined)
      throw notLinked(nav.absolute(url), "#ComputerSystem.Reset action", "REDFISH_NO_ACTION");
    await http.post(target, { ResetType: resetType }, call);
  }

  async function powerChange(
    wanted: "On" | "Off",
    resetType: string,
    call?: CallOptions,
  ): Promise<PowerResult> {
    const { body } = await system(call);
    const state = body.PowerState;
    if (state === wanted || state === `Powering${wanted}`) {
      return { changed: false, message: `Host power is already ${wanted.toUpperCase()}.` };
    }
    await reset(resetType, call);
    return { changed: true };
  }

  const readAll = nav.readAll;

  /** HPE SmartStorage (iLO 4, iLO 5): ArrayControllers → each controller's PhysicalDrives. */
  async function smartStorageDrives(url: string, call?: CallOptions): Promise<DriveStatus[]> {
    const { body } = await http.get(url, SmartStorage, call);
    const arrayControllers = linkAt(body, "Links", "ArrayControllers");
    if (arrayControllers === undefined) return [];
    const controllers = await readAll(arrayControllers, SmartStorageArrayController, call);
    const perController = await Promise.all(
      controllers.map(async (c) => {
        const drives = c.Links?.PhysicalDrives?.["@odata.id"];
        return drives ? readAll(drives, SmartStorageDiskDrive, call) : [];
      }),
    );
    return perController.flat().map((d) => driveStatus(smartDriveName(d), d));
  }

  /** DMTF Storage (iLO 5+, the only one on iLO 6): each Storage's `Drives`. */
  async function dmtfDrives(path: string, call?: CallOptions): Promise<DriveStatus[]> {
    const storages = await readAll(path, Storage, call);
    const drives = await Promise.all(
      storages.flatMap((s) => s.Drives.map(async (l) => (await http.get(l["@odata.id"], Drive, call)).body)),
    );
    return drives.map((d) => driveStatus(dmtfDriveName(d), d));
  }

  /**
   * SmartStorage when the system links it and it lists drives, else DMTF Storage, else none. A
   * linked tree that answers 404 (storage not discovered yet, or not there on this firmware) counts
   * as empty, so that the sensors of `health()` are still reported; other errors are thrown.
   */
  async function drives(body: ComputerSystem, call?: CallOptions): Promise<DriveStatus[]> {
    const smart = oemLink(body, "SmartStorage");
    if (smart) {
      const found = await notFoundAsEmpty(smartStorageDrives(smart, call));
      if (found.length > 0) return found;
    }
    const storage = body.Storage?.["@odata.id"];
    return storage ? notFoundAsEmpty(dmtfDrives(storage, call)) : [];
  }

  /**
   * The virtual media resource for `device`: the first member whose `MediaTypes` fit, in the
   * manager's `VirtualMedia` collection (iLO), then the system's (DMTF 2021.1+).
   */
  async function virtualMediaUrl(device: VirtualMediaDevice, call?: CallOptions): Promise<string> {
    const [manager, sys] = await Promise.all([
      nav.managerUrl(call).then((url) => http.get(url, Manager, call)),
      system(call),
    ]);
    const collections = [linkAt(manager.body, "VirtualMedia"), linkAt(sys.body, "VirtualMedia")].filter(
      (url, i, all): url is string => url !== undefined && all.indexOf(url) === i,
    );
    for (const url of collections) {
      for (const member of await nav.members(url, call)) {
        const { body } = await http.get(member, VirtualMedia, call);
        if (body.MediaTypes?.some((t) => MEDIA_TYPES[device].includes(t))) return member;
      }
    }
    throw notLinked(nav.absolute(sys.url), `${device} virtual media`, "REDFISH_NO_VIRTUAL_MEDIA");
  }

  /** The chassis and the resource it links as `name` (`Thermal`, `Power`), when it links one. */
  async function chassisPart(name: "Thermal" | "Power", call?: CallOptions) {
    const url = await nav.chassisUrl(call);
    const { body } = await http.get(url, Chassis, call);
    return { chassis: url, link: linkAt(body, name) };
  }

  async function accountsUrl(call?: CallOptions): Promise<string> {
    const service = await nav.fromRoot("AccountService", call);
    const { body } = await http.get(service, AccountService, call);
    const accounts = linkAt(body, "Accounts");
    if (accounts === undefined) throw notLinked(nav.absolute(service), "Accounts collection");
    return accounts;
  }

  return {
    power: {
      async get(call) {
        const state = (await system(call)).body.PowerState;
        return state === "Paused" || state == null ? "On" : state;
      },
      on: (call) => powerChange("On", "On", call),
      off: (call) => powerChange("Off", "ForceOff", call),
      async press(call) {
        await reset("PushPowerButton", call);
        return { changed: true };
      },
      async hold(call) {
        const { body } = await system(call);
        if (body.PowerState === "Off") return { changed: false, message: "Host power is already OFF." };
        const target = actionTarget(oem(body).Actions, "ComputerSystemExt.PowerButton");
        if (target) await http.post(target, { PushType: "PressAndHold" }, call);
        else await reset("ForceOff", call);
        return { changed: true };
      },
      async coldReset(call) {
        const { body } = await system(call);
        const target = actionTarget(oem(body).Actions, "ComputerSystemExt.SystemReset");
        if (target) await http.post(target, { ResetType: "ColdBoot" }, call);
        else await reset("ForceRestart", call);
        return { changed: true };
      },
      async warmReset(call) {
        await reset("ForceRestart", call);
        return { changed: true };
      },
      async readings(call) {
        const { chassis, link } = await chassisPart("Power", call);
        if (link === undefined)
          throw notLinked(nav.absolute(chassis), "Power resource", "REDFISH_NO_POWER_METRICS");
        const { body } = await http.get(link, Power, call);
        const control = body.PowerControl[0];
        return {
          presentWatts: control?.PowerConsumedWatts ?? 0,
          averageWatts: control?.PowerMetrics?.AverageConsumedWatts ?? undefined,
          maximumWatts: control?.PowerMetrics?.MaxConsumedWatts ?? undefined,
          minimumWatts: control?.PowerMetrics?.MinConsumedWatts ?? undefined,
        };
      },
    },
    boot: {
      async getOneTime(call) {
        const boot = (await system(call)).body.Boot;
        return boot?.BootSourceOverrideEnabled === "Once"
          ? bootFromRedfish(boot.BootSourceOverrideTarget)
          : "none";
      },
      async setOneTime(device, call) {
        const Boot = {
          BootSourceOverrideTarget: BOOT_TO_REDFISH[device],
          BootSourceOverrideEnabled: device === "none" ? "Disabled" : "Once",
        };
        await patchWithEtag(await nav.systemUrl(call), ComputerSystem, { Boot }, call);
      },
      async getPersistent(call) {
        const boot = (await system(call)).body.Boot;
        return boot?.BootSourceOverrideEnabled === "Continuous"
          ? [bootFromRedfish(boot.BootSourceOverrideTarget)]
          : [];
      },
      async setPersistent(device, call) {
        const Boot = {
          BootSourceOverrideTarget: BOOT_TO_REDFISH[device],
          BootSourceOverrideEnabled: "Continuous",
        };
        await patchWithEtag(await nav.systemUrl(call), ComputerSystem, { Boot }, call);
      },
    },
    virtualMedia: {
      async status(device, call) {
        const { body } = await http.get(await virtualMediaUrl(device, call), VirtualMedia, call);
        const inserted = body.Inserted ?? Boolean(body.Image);
        return {
          device,
          inserted,
          image: inserted && body.Image ? body.Image : null,
          writeProtected: body.WriteProtected ?? true,
          bootOnNextReset: oem(body).BootOnNextServerReset === true,
        };
      },
      async insert(device, imageUrl, call) {
        const path = await virtualMediaUrl(device, call);
        const { body } = await http.get(path, VirtualMedia, call);
        const standard = actionTarget(body.Actions, "#VirtualMedia.InsertMedia");
        const vendor = actionTarget(oem(body).Actions, "iLOVirtualMedia.InsertVirtualMedia");
        if (standard)
          await http.post(standard, { Image: imageUrl, Inserted: true, WriteProtected: true }, call);
        else if (vendor) await http.post(vendor, { Image: imageUrl }, call);
        else {
          // No action: PATCH the resource (iLO 4 takes `Image` alone; DMTF's writable properties otherwise).
          const patch = isHpeResource(body)
            ? { Image: imageUrl }
            : { Image: imageUrl, Inserted: true, WriteProtected: true };
          await patchWithEtag(path, VirtualMedia, patch, call);
        }
        if (call?.bootOnNextReset) {
          await patchWithEtag(
            path,
            VirtualMedia,
            { Oem: { [oemKey(body)]: { BootOnNextServerReset: true } } },
            call,
          );
        }
      },
      async eject(device, call) {
        const path = await virtualMediaUrl(device, call);
        const { body } = await http.get(path, VirtualMedia, call);
        const standard = actionTarget(body.Actions, "#VirtualMedia.EjectMedia");
        const vendor = actionTarget(oem(body).Actions, "iLOVirtualMedia.EjectVirtualMedia");
        if (standard) await http.post(standard, {}, call);
        else if (vendor) await http.post(vendor, {}, call);
        else {
          const patch = isHpeResource(body) ? { Image: null } : { Image: null, Inserted: false };
          await patchWithEtag(path, VirtualMedia, patch, call);
        }
      },
    },
    async health(call) {
      // A chassis that links no Thermal or Power resource reports no such sensors.
      const chassis = await nav.chassisUrl(call);
      const { body: chassisBody } = await http.get(chassis, Chassis, call);
      const thermalUrl = linkAt(chassisBody, "Thermal");
      const powerUrl = linkAt(chassisBody, "Power");
      const [thermal, power, driveList] = await Promise.all([
        thermalUrl === undefined
          ? Thermal.parse({})
          : http.get(thermalUrl, Thermal, call).then((r) => r.body),
        powerUrl === undefined ? Power.parse({}) : http.get(powerUrl, Power, call).then((r) => r.body),
        system(call).then(({ body }) => drives(body, call)),
      ]);
      const temperatures = thermal.Temperatures.map((t) => ({
        name: t.Name ?? "",
        location: t.PhysicalContext ?? undefined,
        celsius: t.ReadingCelsius ?? undefined,
        cautionCelsius: t.UpperThresholdCritical ?? undefined,
        criticalCelsius: t.UpperThresholdFatal ?? undefined,
        status: redfishHealth(t.Status),
      }));
      const fans = thermal.Fans.map((f) => ({
        name: f.Name ?? f.FanName ?? "",
        // a reading in RPM is not a percentage
        percent:
          f.ReadingUnits == null || f.ReadingUnits === "Percent" ? (f.Reading ?? undefined) : undefined,
        status: redfishHealth(f.Status),
      }));
      const powerSupplies = power.PowerSupplies.map((p) => ({
        name: p.Name ?? "",
        status: redfishHealth(p.Status),
        capacityWatts: p.PowerCapacityWatts ?? undefined,
      }));
      const parts = [...temperatures, ...fans, ...powerSupplies, ...driveList]
        .map((s) => s.status)
        .filter((s) => s !== "absent");
      return { overall: worstStatus(parts), temperatures, fans, powerSupplies, drives: driveList };
    },
    async firmware(call) {
      const { body } = await http.get(await nav.managerUrl(call), Manager, call);
      const text = body.FirmwareVersion ?? "";
      const match = /^(iLO\s*\d+)\s+v?([\d.]+)/i.exec(text);
      const current = ((oem(body).Firmware as Record<string, unknown> | undefined)?.Current ?? {}) as Record<
        string,
        unknown
      >;
      const license = (oem(body).License as Record<string, unknown> | undefined)?.LicenseString;
      return {
        version: match?.[2] ?? text,
        date: typeof current.Date === "string" ? current.Date : undefined,
        managementProcessor: match?.[1]?.replace(/^iLO\s*/i, "iLO ") ?? body.Model ?? "iLO",
        license: typeof license === "string" ? license : undefined,
      };
    },
    firmwareInventory: logs.firmwareInventory,
    logs: { iml: logs.iml, iel: logs.iel, clearIml: logs.clearIml, clearIel: logs.clearIel },
    async product(call) {
      const { body } = await system(call);
      return {
        productName: body.Model ?? "",
        serialNumber: body.SerialNumber?.trim() || undefined,
        uuid: body.UUID ?? undefined,
      };
    },
    uid: {
      async get(call) {
        const { body } = await system(call);
        if (body.IndicatorLED == null && typeof body.LocationIndicatorActive === "boolean")
          return body.LocationIndicatorActive;
        const led = body.IndicatorLED;
        return led !== undefined && led !== null && led !== "Off";
      },
      async set(on, call) {
        const { url, body } = await system(call);
        // DMTF deprecated IndicatorLED for LocationIndicatorActive: write the one the system has.
        const patch =
          body.IndicatorLED == null && typeof body.LocationIndicatorActive === "boolean"
            ? { LocationIndicatorActive: on }
            : { IndicatorLED: on ? "Lit" : "Off" };
        await patchWithEtag(url, ComputerSystem, patch, call);
      },
    },
    users: {
      async list(call) {
        const accounts = await readAll(await accountsUrl(call), ManagerAccount, call);
        return accounts.map((a) => ({
          login: a.UserName,
          name: typeof oem(a).LoginName === "string" ? (oem(a).LoginName as string) : undefined,
          admin: a.RoleId ? a.RoleId === "Administrator" : undefined,
        }));
      },
      async add(user, call) {
        await http.post(
          await accountsUrl(call),
          {
            UserName: user.login,
            Password: user.password,
            RoleId: user.admin ? "Administrator" : "Operator",
          },
          call,
        );
      },
      async remove(login, call) {
        await http.delete(await accountPath(login, call), call);
      },
      async setPassword(login, password, call) {
        await patchWithEtag(await accountPath(login, call), ManagerAccount, { Password: password }, call);
      },
    },
    close: () => http.close(),
  };

  async function accountPath(login: string, call?: CallOptions): Promise<string> {
    const accounts = await accountsUrl(call);
    for (const member of await nav.members(accounts, call)) {
      const { body: a } = await http.get(member, ManagerAccount, call);
      if (a.UserName === login) return member;
    }
    throw new RedfishError({
      request: { method: "GET", url: nav.absolute(accounts) },
      response: { status: 404, body: `no account ${login}` },
      code: "REDFISH_NO_SUCH_ACCOUNT",
    });
  }
}
