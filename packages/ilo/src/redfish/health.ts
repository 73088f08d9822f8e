/**
 * `health()` over Redfish: the chassis's `Thermal` and `Power` sensors and the system's drives
 * (HPE SmartStorage, else DMTF Storage), named as RIBCL's GET_EMBEDDED_HEALTH names them.
 */
import type { CallOptions } from "@homelab-kit/core";
import { RedfishError } from "../errors.js";
import { type DriveStatus, type HealthStatus, type IloBackend, worstStatus } from "../types.js";
import type { RedfishContext } from "./context.js";
import { linkAt, oemOf } from "./links.js";
import {
  Chassis,
  type ComputerSystem,
  Drive,
  Power,
  SmartStorage,
  SmartStorageArrayController,
  SmartStorageDiskDrive,
  Storage,
  Thermal,
} from "./schemas.js";

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

export function redfishHealthReport({ http, nav }: RedfishContext): IloBackend["health"] {
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
    const smart = linkAt(oemOf(body), "Links", "SmartStorage");
    if (smart) {
      const found = await notFoundAsEmpty(smartStorageDrives(smart, call));
      if (found.length > 0) return found;
    }
    const storage = body.Storage?.["@odata.id"];
    return storage ? notFoundAsEmpty(dmtfDrives(storage, call)) : [];
  }

  return async function health(call) {
    // A chassis that links no Thermal or Power resource reports no such sensors.
    const chassis = await nav.chassisUrl(call);
    const { body: chassisBody } = await http.get(chassis, Chassis, call);
    const thermalUrl = linkAt(chassisBody, "Thermal");
    const powerUrl = linkAt(chassisBody, "Power");
    const [thermal, power, driveList] = await Promise.all([
      thermalUrl === undefined ? Thermal.parse({}) : http.get(thermalUrl, Thermal, call).then((r) => r.body),
      powerUrl === undefined ? Power.parse({}) : http.get(powerUrl, Power, call).then((r) => r.body),
      nav.system(call).then(({ body }) => drives(body, call)),
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
      percent: f.ReadingUnits == null || f.ReadingUnits === "Percent" ? (f.Reading ?? undefined) : undefined,
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
  };
}
