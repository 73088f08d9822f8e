/**
 * The iLO logs over Redfish, reached through links only:
 *
 * - IML: the system's `LogServices` → the member whose `Id` is `IML` → its `Entries`;
 *   iLO Event Log: the manager's `LogServices` → `IEL` → `Entries` (HPE's iLO log services: IML
 *   under the system, IEL under the manager). Clearing posts to the log service's
 *   `#LogService.ClearLog` target.
 *
 * A missing link is a typed 404 `RedfishError`: `REDFISH_NO_LOG_SERVICE`, `REDFISH_NO_ACTION`
 * (no ClearLog).
 */
import type { CallOptions } from "@homelab-kit/core";
import type { IloBackend, LogEntry, LogSeverity } from "../types.js";
import type { RedfishContext } from "./context.js";
import { actionTarget, linkAt, notLinked, oemOf } from "./links.js";
import { ComputerSystem, LogEntry as LogEntrySchema, LogService, Manager } from "./schemas.js";

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

export function redfishLogs({ http, nav }: RedfishContext): IloBackend["logs"] {
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

  return {
    iml: (call?: CallOptions) => entries("IML", call),
    iel: (call?: CallOptions) => entries("IEL", call),
    clearIml: (call?: CallOptions) => clear("IML", call),
    clearIel: (call?: CallOptions) => clear("IEL", call),
  };
}
