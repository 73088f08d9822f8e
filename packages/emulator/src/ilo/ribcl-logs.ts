/**
 * The RIBCL log commands, kept apart from ribcl-commands.ts: `GET_EVENT_LOG` answers the IML in
 * SERVER_INFO and the iLO Event Log in RIB_INFO (the same command name in two sections), `CLEAR_IML`
 * and `CLEAR_EVENTLOG` empty them (Configure iLO privilege), and `RESET_RIB` resets the iLO.
 *
 * The answer, as HP's RIBCL guide for iLO 3 shows it (GET_EVENT_LOG return messages) and
 * python-hpilo parses it (`get_server_event_log`, `get_ilo_event_log`):
 *
 *   <EVENT_LOG DESCRIPTION="Integrated Management Log">
 *   <EVENT SEVERITY="Caution" CLASS="POST Message" LAST_UPDATE="04/04/2004 12:34"
 *     INITIAL_UPDATE="04/04/2004 12:34" COUNT="1" DESCRIPTION="POST Error: …"/>
 *
 * iLO 4 and 5 add `EVENT_CLASS="0x000a" EVENT_CODE="0x0001"` (python-hpilo
 * `docs/output/get_server_event_log`).
 */
import { clearLog, type LogEntry, type LogName, ribclTime } from "./event-log.js";
import { resetIlo } from "./ilo-reset.js";
import { settle } from "./power.js";
import type { RibclCommand, RibclCommandResult, RibclSection } from "./ribcl-commands.js";
import { OK } from "./ribcl-response.js";
import { xmlElement } from "./ribcl-xml.js";
import type { IloState } from "./state.js";

const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;

function eventElement(state: IloState, e: LogEntry): string {
  return xmlElement("EVENT", {
    SEVERITY: e.severity,
    CLASS: e.className,
    LAST_UPDATE: ribclTime(e.updated),
    INITIAL_UPDATE: ribclTime(e.created),
    COUNT: e.count,
    DESCRIPTION: e.message,
    ...(state.generation === "ilo3" ? {} : { EVENT_CLASS: hex(e.classCode), EVENT_CODE: hex(e.code) }),
  });
}

const DESCRIPTIONS: Record<LogName, string> = {
  iml: "Integrated Management Log",
  iel: "iLO Event Log",
};

function eventLog(state: IloState, log: LogName): RibclCommandResult {
  settle(state); // what the clock made true is logged before it is read
  const events = state.logs[log].map((e) => eventElement(state, e));
  return {
    result: OK,
    payload: xmlElement("EVENT_LOG", { DESCRIPTION: DESCRIPTIONS[log] }, events.length ? events : undefined),
  };
}

function clear(state: IloState, log: LogName, by: string): RibclCommandResult {
  clearLog(state, log, by);
  return { result: OK };
}

/** Commands by section, consulted before the name-keyed table of ribcl-commands.ts. */
export const RIBCL_SECTION_COMMANDS: Partial<Record<RibclSection, Record<string, RibclCommand>>> = {
  SERVER_INFO: {
    GET_EVENT_LOG: { section: "SERVER_INFO", run: ({ state }) => eventLog(state, "iml") },
    CLEAR_IML: {
      section: "SERVER_INFO",
      write: true,
      privilege: "configIlo",
      run: ({ state, user }) => clear(state, "iml", user.login),
    },
  },
  RIB_INFO: {
    GET_EVENT_LOG: { section: "RIB_INFO", run: ({ state }) => eventLog(state, "iel") },
    CLEAR_EVENTLOG: {
      section: "RIB_INFO",
      write: true,
      privilege: "configIlo",
      run: ({ state, user }) => clear(state, "iel", user.login),
    },
    RESET_RIB: {
      section: "RIB_INFO",
      write: true,
      privilege: "configIlo",
      run: ({ state, user }) => {
        resetIlo(state, user.login);
        return { result: OK };
      },
    },
  },
};
