import { logEvent } from "./event-log.js";
import { type IloState, touch } from "./state.js";

/**
 * An iLO reset (RIBCL `RESET_RIB`, Redfish `#Manager.Reset`): the management processor restarts,
 * so every Redfish session ends (clients log in again); the host keeps running. The reset is logged
 * in the iLO Event Log; its text was not found in a recording (event-log.ts `iloReset`).
 */
export function resetIlo(state: IloState, by: string): void {
  state.sessions.clear();
  logEvent(state, "iel", "iloReset", `iLO reset by: ${by}.`);
  touch(state);
}
