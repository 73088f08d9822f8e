/**
 * The two logs of an iLO: the Integrated Management Log (IML: what the host's ROM and iLO record
 * about the server — POST errors, failed parts, maintenance) and the iLO Event Log (IEL: what iLO
 * itself did — power, resets, logins). Both protocols read the same entries: RIBCL's
 * GET_EVENT_LOG (SERVER_INFO: IML, RIB_INFO: IEL; ribcl-logs.ts) and Redfish's
 * `Systems/1/LogServices/IML/Entries`, `Managers/1/LogServices/IEL/Entries` (redfish/logs.ts).
 *
 * Entries are written when the World changes (power.ts, the RIBCL and Redfish logins, drive health
 * noticed by `noteHardware`) with the texts and severities real iLO uses; each message below names
 * its source, and the ones no recording was found for say so. Like real iLO, a repeated
 * informational event within {@link CONSOLIDATE_MS} raises the COUNT and LAST_UPDATE of its entry
 * instead of adding one (HPE iLO user guides: "When less important events are repeated, they are
 * consolidated into one event log entry, and the Count and Last Update values are updated");
 * Caution and Critical events always get an entry of their own. Event numbers keep counting after
 * a clear, as iLO's `EventNumber` does.
 */
import type { IloGeneration, IloState } from "./state.js";

/** Severities as RIBCL writes them; Redfish maps them onto OK / Warning / Critical. */
export type LogSeverity = "Informational" | "Caution" | "Critical" | "Repaired";
export type LogName = "iml" | "iel";

export interface LogEntry {
  /** Event number: unique in this iLO, increasing, never reused (Redfish `Id`, `Oem.Hp(e).EventNumber`). */
  id: number;
  severity: LogSeverity;
  /** RIBCL `CLASS` ("POST Message", "Maintenance", "Drive Array"; "iLO 3" for every IEL entry). */
  className: string;
  /** IML/IEL event class and code (RIBCL `EVENT_CLASS`/`EVENT_CODE` on iLO 4/5, Redfish `Class`/`Code`). */
  classCode: number;
  code: number;
  /** iLO 5 `Categories`. */
  categories: string[];
  message: string;
  /** Emulated times (ms): first occurrence and latest repeat. */
  created: number;
  updated: number;
  count: number;
  /** What the entry is about, to mark it Repaired when the part recovers (`drive:2`). */
  subject?: string | undefined;
}

export interface IloLogs {
  iml: LogEntry[];
  iel: LogEntry[];
  nextId: number;
  /** Drive health last noticed, by bay (to log a failure and its repair once). */
  driveHealth: Record<string, string>;
  /** Whether the POST that ends at `power.postCompleteAt` has been logged. */
  postLogged: boolean;
}

/** Repeats of an informational event within this time update its entry (iLO's consolidation). */
export const CONSOLIDATE_MS = 60 * 60_000;

/** Entries kept per log before the oldest are dropped (iLO keeps a bounded log). */
export const MAX_ENTRIES = 1000;

export function createLogs(): IloLogs {
  return { iml: [], iel: [], nextId: 1, driveHealth: {}, postLogged: true };
}

interface EventTemplate {
  severity: LogSeverity;
  /** RIBCL CLASS of an IML entry; IEL entries use the iLO's name ("iLO 4"). */
  className?: string;
  classCode: number;
  code: number;
  categories: string[];
}

/** The IEL's own class (`Class` 35 in the iLO 5 example of HPE's Get-HPEiLOEventLog help). */
const IEL_CLASS = 0x23;

/**
 * The events the emulator logs. Sources:
 * - [hpilo-iel] python-hpilo `docs/output/get_ilo_event_log`: a real iLO 3's IEL ("Server power
 *   restored." Informational, "Server reset." Caution, "Event log cleared." Informational, CLASS "iLO 3").
 * - [gen9-tg] HPE ProLiant Gen9 Troubleshooting Guide, iLO event log table: "Server power removed",
 *   "Server power restored", "Server reset", "SSH login failure from: [IP address and DNS name]".
 * - [cmdlets] HPE iLO cmdlets, Get-HPEiLOEventLog help: iLO 4 "XML login: admin - 15.146.44.58
 *   (DNS name not found)." (code 144), iLO 5 "Browser login: admin - 16.85.88.14(DNS name not
 *   found)." (Class 35, Code 1017, Categories Security, Administration) and "Browser logout" (1018).
 * - [adapting] HPE "Adapting from iLO 4" (ilo-rest-api-docs): the iLO 4 IML entry "IML Cleared
 *   (iLO 4 user:[NONE])", Class 33, Code 1.
 * - [hpilo-iml] python-hpilo `docs/output/get_server_event_log` (an iLO 4): "POST Error: 1785-Slot X
 *   Drive Array Not Configured", CLASS "POST Message", EVENT_CLASS 0x000a, EVENT_CODE 0x0001, Caution.
 */
export const EVENTS = {
  /** [hpilo-iel] [gen9-tg] */
  powerRestored: { severity: "Informational", classCode: IEL_CLASS, code: 0x0a, categories: ["Power"] },
  /** [gen9-tg] */
  powerRemoved: { severity: "Informational", classCode: IEL_CLASS, code: 0x0b, categories: ["Power"] },
  /** [hpilo-iel] (Caution) [gen9-tg] */
  serverReset: { severity: "Caution", classCode: IEL_CLASS, code: 0x0c, categories: ["Power"] },
  /** [hpilo-iel] */
  ielCleared: {
    severity: "Informational",
    classCode: IEL_CLASS,
    code: 0x01,
    categories: ["Administration"],
  },
  /** [cmdlets] iLO 4 RIBCL login, code 144. */
  xmlLogin: {
    severity: "Informational",
    classCode: IEL_CLASS,
    code: 144,
    categories: ["Security", "Administration"],
  },
  /** [cmdlets] code 145. */
  xmlLogout: {
    severity: "Informational",
    classCode: IEL_CLASS,
    code: 145,
    categories: ["Security", "Administration"],
  },
  /** [cmdlets] iLO 5 Redfish log entry, Class 35 Code 1017. */
  browserLogin: {
    severity: "Informational",
    classCode: IEL_CLASS,
    code: 1017,
    categories: ["Security", "Administration"],
  },
  /** [cmdlets] Code 1018. */
  browserLogout: {
    severity: "Informational",
    classCode: IEL_CLASS,
    code: 1018,
    categories: ["Security", "Administration"],
  },
  /**
   * The text follows [gen9-tg]'s "SSH login failure from: [IP address and DNS name]" for the XML and
   * browser interfaces; the severity (Caution) and code were not found in a recording.
   */
  loginFailure: { severity: "Caution", classCode: IEL_CLASS, code: 0x1f, categories: ["Security"] },
  /** An iLO reset (RIBCL RESET_RIB, Redfish Manager.Reset): the text was not found in a recording. */
  iloReset: { severity: "Informational", classCode: IEL_CLASS, code: 0x3b, categories: ["Administration"] },
  /** [adapting] Class 33 (Maintenance), Code 1. */
  imlCleared: {
    severity: "Informational",
    className: "Maintenance",
    classCode: 0x21,
    code: 0x01,
    categories: ["Maintenance"],
  },
  /**
   * A drive that failed, as the Smart Array reports it in the IML of iLO 4/5 servers ("Internal
   * Storage Enclosure Device Failure (Bay 2, Box 1, Port 1I, Slot 0)"); the class and code were not
   * found in a recording. Marked Repaired when the drive is healthy again.
   */
  driveFailed: {
    severity: "Critical",
    className: "Drive Array",
    classCode: 0x0d,
    code: 0x29,
    categories: ["Hardware Failure"],
  },
  /**
   * A POST that found a failed drive in a fault-tolerant array: ROM POST error 1787 in the
   * [hpilo-iml] shape (CLASS "POST Message", EVENT_CLASS 0x000a, Caution).
   */
  postDriveArrayRecovery: {
    severity: "Caution",
    className: "POST Message",
    classCode: 0x0a,
    code: 0x01,
    categories: ["Hardware Failure"],
  },
} satisfies Record<string, EventTemplate>;

export type EventName = keyof typeof EVENTS;

/** The IEL's RIBCL CLASS: the iLO's own name ("iLO 3", as recorded in [hpilo-iel]). */
export function ielClassName(generation: IloGeneration): string {
  return { ilo3: "iLO 3", ilo4: "iLO 4", ilo5: "iLO 5" }[generation];
}

/** `127.0.0.1(DNS name not found)`: how iLO names a client it cannot resolve ([cmdlets]). */
export function clientName(address: string | undefined): string {
  const ip = (address ?? "127.0.0.1").replace(/^::ffff:/, "");
  return `${ip}(DNS name not found)`;
}

/** Writes an event into a log (or raises the count of a recent identical informational entry). */
export function logEvent(
  state: IloState,
  log: LogName,
  name: EventName,
  message: string,
  options: { at?: number; subject?: string } = {},
): LogEntry {
  const template: EventTemplate = EVENTS[name];
  const at = options.at ?? state.clock.now();
  const entries = state.logs[log];
  if (template.severity === "Informational") {
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (at - e.updated > CONSOLIDATE_MS) break;
      if (e.message === message && e.severity === "Informational") {
        e.count++;
        e.updated = Math.max(e.updated, at);
        state.revision++;
        return e;
      }
    }
  }
  const entry: LogEntry = {
    id: state.logs.nextId++,
    severity: template.severity,
    className: template.className ?? ielClassName(state.generation),
    classCode: template.classCode,
    code: template.code,
    categories: [...template.categories],
    message,
    created: at,
    updated: at,
    count: 1,
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  };
  entries.push(entry);
  state.revision++; // new ETags for the log resources
  if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
  return entry;
}

/** Empties a log; the clear itself is its first entry, as on real iLO. */
export function clearLog(state: IloState, log: LogName, by: string): void {
  state.logs[log] = [];
  if (log === "iml") {
    logEvent(state, "iml", "imlCleared", `IML Cleared (${ielClassName(state.generation)} user: ${by})`);
  } else {
    logEvent(state, "iel", "ielCleared", "Event log cleared.");
  }
}

/** Marks the open failure entries about `subject` as repaired. */
function repair(state: IloState, subject: string): void {
  for (const e of state.logs.iml) {
    if (e.subject === subject && e.severity !== "Repaired") {
      e.severity = "Repaired";
      e.updated = state.clock.now();
      state.revision++;
    }
  }
}

/**
 * Logs what the hardware did since it was last looked at: drives that failed (or came back), and a
 * POST that ended (a POST that finds a failed drive records POST error 1787). Called from
 * `settle()`, so a test or world fault that edits `sensors.drives` is logged too.
 */
export function noteHardware(state: IloState): void {
  const logs = state.logs;
  for (const d of state.sensors.drives) {
    const before = logs.driveHealth[d.bay];
    if (before === d.health) continue;
    logs.driveHealth[d.bay] = d.health;
    if (before === undefined) continue; // first look: what the server came with
    const subject = `drive:${d.bay}`;
    if (d.health === "Critical") {
      logEvent(
        state,
        "iml",
        "driveFailed",
        `Internal Storage Enclosure Device Failure (Bay ${d.bay}, Box 1, Port 1I, Slot 0)`,
        { subject },
      );
    } else if (d.health === "OK") repair(state, subject);
  }
  if (!logs.postLogged && state.power.on && state.clock.now() >= state.power.postCompleteAt) {
    logs.postLogged = true;
    if (state.sensors.drives.some((d) => d.health === "Critical")) {
      logEvent(
        state,
        "iml",
        "postDriveArrayRecovery",
        "POST Error: 1787-Slot 0 Drive Array Operating in Interim Recovery Mode",
        { at: state.power.postCompleteAt },
      );
    }
  }
}

/** Entries as RIBCL dates them: `01/30/2011 16:33` (UTC). */
export function ribclTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** Entries as Redfish dates them: `2019-06-21T14:01:50Z`. */
export function redfishTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The interfaces iLO names in its login entries: RIBCL is "XML" ([cmdlets] iLO 4), a Redfish session "Browser" ([cmdlets] iLO 5). */
export type LoginInterface = "XML" | "Browser";

/** A login (`user` set) or a failed one (`user` null), e.g. "XML login: admin - 10.0.0.1(DNS name not found)." */
export function logLogin(
  state: IloState,
  via: LoginInterface,
  user: string | null,
  address: string | undefined,
): void {
  if (user === null) {
    logEvent(state, "iel", "loginFailure", `${via} login failure from: ${clientName(address)}.`);
  } else {
    logEvent(
      state,
      "iel",
      via === "XML" ? "xmlLogin" : "browserLogin",
      `${via} login: ${user} - ${clientName(address)}.`,
    );
  }
}

export function logLogout(
  state: IloState,
  via: LoginInterface,
  user: string,
  address: string | undefined,
): void {
  logEvent(
    state,
    "iel",
    via === "XML" ? "xmlLogout" : "browserLogout",
    `${via} logout: ${user} - ${clientName(address)}.`,
  );
}
