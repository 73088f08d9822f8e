/**
 * The Redfish log services of an emulated iLO 4/5 over the same entries RIBCL reads (event-log.ts):
 * `Systems/1/LogServices/` → `IML/` → `Entries/`, and `Managers/1/LogServices/` → `IEL/` →
 * `Entries/`, each log service with `#LogService.ClearLog` (HPE's iLO Redfish log services
 * documentation; the system and the manager link their `LogServices`, as a real iLO 4 system does).
 *
 * Entries are shaped after HPE's examples ("Adapting from iLO 4": an iLO 4 IML entry with
 * `Oem.Hp` Class/Code/EventNumber/Updated and `OemRecordFormat` "Hp-IML"; an iLO 5 one adding
 * Categories, Count and Repaired under `Oem.Hpe`, "Hpe-IML"; the iLO cmdlets' iLO 5 IEL entries with
 * "Hpe-iLOEventLog"). `Id` counts the entries of the log as it is now (1…n); `EventNumber` is the
 * iLO-wide event number that keeps counting after a clear. Severity: Informational and Repaired
 * are OK, Caution is Warning, Critical is Critical.
 */
import { clearLog, type LogEntry, type LogName, redfishTime } from "../event-log.js";
import { settle } from "../power.js";
import type { IloState } from "../state.js";
import { type Ctx, fail, needPrivilege, parseBody, type Resource, success } from "./context.js";
import { collection, link, oemOf } from "./resources.js";

const V1 = "/redfish/v1";

interface LogPlace {
  log: LogName;
  /** `IML` / `IEL`. */
  id: string;
  name: string;
  /** The collection of log services it is in. */
  services: string;
  /** `Hp(e)-IML`, `Hp(e)-iLOEventLog`. */
  format: string;
}

export const LOG_SERVICES = {
  system: `${V1}/Systems/1/LogServices/`,
  manager: `${V1}/Managers/1/LogServices/`,
} as const;

const PLACES: Record<LogName, LogPlace> = {
  iml: {
    log: "iml",
    id: "IML",
    name: "Integrated Management Log",
    services: LOG_SERVICES.system,
    format: "IML",
  },
  iel: {
    log: "iel",
    id: "IEL",
    name: "iLO Event Log",
    services: LOG_SERVICES.manager,
    format: "iLOEventLog",
  },
};

const serviceUrl = (p: LogPlace) => `${p.services}${p.id}/`;
const entriesUrl = (p: LogPlace) => `${serviceUrl(p)}Entries/`;

function severity(e: LogEntry): "OK" | "Warning" | "Critical" {
  return e.severity === "Critical" ? "Critical" : e.severity === "Caution" ? "Warning" : "OK";
}

function logService(p: LogPlace): object {
  return {
    "@odata.context": "/redfish/v1/$metadata#LogService.LogService",
    "@odata.id": serviceUrl(p),
    "@odata.type": "#LogService.v1_0_0.LogService",
    Id: p.id,
    Actions: {
      "#LogService.ClearLog": { target: `${serviceUrl(p)}Actions/LogService.ClearLog/` },
    },
    Description: `${p.name} view`,
    Entries: link(entriesUrl(p)),
    MaxNumberOfRecords: 1000,
    Name: p.name,
    OverWritePolicy: "WrapsWhenFull",
    ServiceEnabled: true,
    Status: { Health: "OK", State: "Enabled" },
  };
}

function logEntry(state: IloState, p: LogPlace, e: LogEntry, id: string): object {
  const oem = oemOf(state);
  const ilo5 = state.generation === "ilo5";
  return {
    "@odata.context": "/redfish/v1/$metadata#LogEntry.LogEntry",
    "@odata.id": `${entriesUrl(p)}${id}/`,
    "@odata.type": "#LogEntry.v1_0_0.LogEntry",
    Id: id,
    Created: redfishTime(e.created),
    EntryType: "Oem",
    Message: e.message,
    Name: p.name,
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}LogEntry.v2_0_0.${oem.prefix}LogEntry`,
        ...(ilo5 ? { Categories: e.categories } : {}),
        Class: e.classCode,
        Code: e.code,
        ...(ilo5 ? { Count: e.count } : {}),
        EventNumber: e.id,
        ...(ilo5 ? { Repaired: e.severity === "Repaired" } : {}),
        Updated: redfishTime(e.updated),
      },
    },
    OemRecordFormat: `${oem.prefix}-${p.format}`,
    Severity: severity(e),
  };
}

function entryAt(ctx: Ctx, p: LogPlace): { entry: LogEntry; id: string } {
  settle(ctx.state);
  const index = /^\d+$/.test(ctx.id) ? Number(ctx.id) - 1 : -1;
  const entry = ctx.state.logs[p.log][index];
  if (!entry) fail(ctx.state, 404, "ResourceMissingAtURI", [ctx.req.path]);
  return { entry, id: String(index + 1) };
}

function clearAction(ctx: Ctx, p: LogPlace) {
  parseBody(ctx);
  needPrivilege(ctx, "configIlo");
  clearLog(ctx.state, p.log, ctx.user.login);
  return success(ctx.state);
}

/** The routes of both log services (paths lower case, without trailing slash, as router.ts matches them). */
export function logResources(state: IloState): Resource[] {
  const table: Resource[] = [];
  for (const p of Object.values(PLACES)) {
    const service = serviceUrl(p).toLowerCase().replace(/\/$/, "");
    table.push(
      { path: service, get: () => logService(p) },
      { path: `${service}/actions/logservice.clearlog`, post: (ctx) => clearAction(ctx, p) },
      {
        path: `${service}/entries`,
        get: () => {
          settle(state);
          return collection(
            entriesUrl(p),
            "LogEntryCollection",
            `${p.name} view`,
            state.logs[p.log].map((_, i) => `${entriesUrl(p)}${i + 1}/`),
          );
        },
      },
      {
        path: `${service}/entries/:id`,
        get: (ctx) => {
          const { entry, id } = entryAt(ctx, p);
          return logEntry(state, p, entry, id);
        },
      },
    );
  }
  table.push(
    {
      path: LOG_SERVICES.system.toLowerCase().replace(/\/$/, ""),
      get: () =>
        collection(LOG_SERVICES.system, "LogServiceCollection", "System Logs", [serviceUrl(PLACES.iml)]),
    },
    {
      path: LOG_SERVICES.manager.toLowerCase().replace(/\/$/, ""),
      get: () =>
        collection(LOG_SERVICES.manager, "LogServiceCollection", "Manager Logs", [serviceUrl(PLACES.iel)]),
    },
  );
  return table;
}
