/**
 * The iLO logs and the firmware inventory over Redfish, reached through links only:
 *
 * - IML: the system's `LogServices` → the member whose `Id` is `IML` → its `Entries`;
 *   iLO Event Log: the manager's `LogServices` → `IEL` → `Entries` (HPE's iLO log services: IML
 *   under the system, IEL under the manager). Clearing posts to the log service's
 *   `#LogService.ClearLog` target.
 * - Firmware: the root's `UpdateService` → `FirmwareInventory` members (DMTF, iLO 5+); else the
 *   system's `Oem.Hp(e).Links.FirmwareInventory` (iLO 4's FwSwVersionInventory, `Current.{item}[]`).
 *
 * A missing link is a typed 404 `RedfishError`: `REDFISH_NO_LOG_SERVICE`,
 * `REDFISH_NO_FIRMWARE_INVENTORY`, `REDFISH_NO_ACTION` (no ClearLog).
 */
import type { CallOptions } from "@homelab-kit/core";
import type { FirmwareComponent, LogEntry, LogSeverity } from "../types.js";
import type { RedfishHttp } from "./http.js";
import { actionTarget, linkAt, notLinked, oemOf } from "./links.js";
import type { RedfishNavigator } from "./navigator.js";
import {
  ComputerSystem,
  FwSwVersionInventory,
  LogEntry as LogEntrySchema,
  LogService,
  Manager,
  SoftwareInventory,
  UpdateService,
} from "./schemas.js";

type LogName = "IML" | "IEL";

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function severity(entry: LogEntrySchema): LogSeverity {
  const oem = oemOf(entry);
  if (oem.Repaired === true || oem.Severity === "Repaired") return "repaired";
  switch (entry.Severity) {
    case "OK":
      return "informational";
    case "Warning":
      return "caution";
    case "Critical":
      return "critical";
    default:
      return "unknown";
  }
}

export function toLogEntry(e: LogEntrySchema): LogEntry {
  const oem = oemOf(e);
  return {
    id: e.Id,
    eventNumber: num(oem.EventNumber),
    created: e.Created ?? undefined,
    updated: str(oem.Updated) ?? e.Created ?? undefined,
    severity: severity(e),
    message: e.Message ?? "",
    count: num(oem.Count),
    className: str(oem.ClassDescription),
    eventClass: num(oem.Class),
    code: num(oem.Code),
  };
}

export function createRedfishLogs(http: RedfishHttp, nav: RedfishNavigator) {
  /** The log service `name` under the system (IML) or the manager (IEL). */
  async function logService(name: LogName, call?: CallOptions) {
    const owner = name === "IML" ? await nav.systemUrl(call) : await nav.managerUrl(call);
    const { body } = await http.get(owner, name === "IML" ? ComputerSystem : Manager, call);
    const services = linkAt(body, "LogServices");
    const what = name === "IML" ? "Integrated Management Log" : "iLO Event Log";
    if (services === undefined)
      throw notLinked(nav.absolute(owner), `${what} (LogServices)`, "REDFISH_NO_LOG_SERVICE");
    for (const member of await nav.members(services, call)) {
      const service = await http.get(member, LogService, call);
      if (service.body.Id?.toUpperCase() === name) return { url: member, body: service.body };
    }
    throw notLinked(nav.absolute(services), `${what} (${name})`, "REDFISH_NO_LOG_SERVICE");
  }

  async function entries(name: LogName, call?: CallOptions): Promise<LogEntry[]> {
    const { url, body } = await logService(name, call);
    const link = linkAt(body, "Entries");
    if (link === undefined) throw notLinked(nav.absolute(url), `${name} entries`, "REDFISH_NO_LOG_SERVICE");
    const list = (await nav.readAll(link, LogEntrySchema, call)).map(toLogEntry);
    // Oldest first whatever order the service lists them in (iLO's event numbers, else creation).
    return list.sort(
      (a, b) =>
        (a.eventNumber ?? 0) - (b.eventNumber ?? 0) || (a.created ?? "").localeCompare(b.created ?? ""),
    );
  }

  async function clear(name: LogName, call?: CallOptions): Promise<void> {
    const { url, body } = await logService(name, call);
    const target = actionTarget(body.Actions, "#LogService.ClearLog");
    if (target === undefined)
      throw notLinked(nav.absolute(url), "#LogService.ClearLog action", "REDFISH_NO_ACTION");
    await http.post(target, {}, call);
  }

  async function firmwareInventory(call?: CallOptions): Promise<FirmwareComponent[]> {
    const root = await nav.root(call);
    const updateService = linkAt(root, "UpdateService");
    if (updateService !== undefined) {
      const { body } = await http.get(updateService, UpdateService, call);
      const inventory = linkAt(body, "FirmwareInventory");
      if (inventory !== undefined) {
        const members = await nav.readAll(inventory, SoftwareInventory, call);
        return members.map((m) => ({
          name: m.Name ?? m.Id ?? "",
          version: m.Version ?? "",
          updateable: m.Updateable ?? undefined,
          location: str(oemOf(m).DeviceContext),
        }));
      }
    }
    // iLO 4: the system links HPE's own inventory.
    const { url, body } = await nav.system(call);
    const own = linkAt(oemOf(body), "Links", "FirmwareInventory");
    if (own === undefined)
      throw notLinked(
        nav.absolute(url),
        "firmware inventory (UpdateService)",
        "REDFISH_NO_FIRMWARE_INVENTORY",
      );
    const inventory = (await http.get(own, FwSwVersionInventory, call)).body;
    return Object.values(inventory.Current).flatMap((items) =>
      items.map((i) => ({
        name: i.Name ?? "",
        version: i.VersionString ?? "",
        updateable: i.Updateable ?? undefined,
        location: i.Location ?? undefined,
      })),
    );
  }

  return {
    iml: (call?: CallOptions) => entries("IML", call),
    iel: (call?: CallOptions) => entries("IEL", call),
    clearIml: (call?: CallOptions) => clear("IML", call),
    clearIel: (call?: CallOptions) => clear("IEL", call),
    firmwareInventory,
  };
}
