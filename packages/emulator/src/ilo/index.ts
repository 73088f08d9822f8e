/**
 * `@homelab-kit/emulator/ilo`: an emulated HP iLO 3/4/5 (RIBCL, /xmldata, Redfish) over a state
 * object per physical host. Route tables are factories over that state, never singletons.
 */
import type { Transport } from "@homelab-kit/core";
import { type ServedRoutes, type ServeOptions, serve } from "../common/serve.js";
import { routesTransport } from "../common/transport.js";
import { createIloRoutes } from "./routes.js";
import { createIloState, type IloState, type IloStateOptions } from "./state.js";

export { type EmulatorClock, type ManualClock, manualClock, systemClock } from "../common/clock.js";
export {
  clearLog,
  type IloLogs,
  type LogEntry,
  type LogName,
  type LogSeverity,
  logEvent,
  noteHardware,
} from "./event-log.js";
export { type FirmwareComponent, firmwareComponents } from "./firmware.js";
export { resetIlo } from "./ilo-reset.js";
export {
  forceOff,
  isOn,
  type PostState,
  type PowerOutcome,
  postState,
  powerOn,
  powerState,
  pressButton,
  type RedfishPowerState,
  reset,
  settle,
} from "./power.js";
export { etagOf } from "./redfish/context.js";
export { answerRibcl } from "./ribcl-handler.js";
export { createIloRoutes } from "./routes.js";
export {
  type BootOverrideEnabled,
  type BootTarget,
  createIloState,
  type Drive,
  defaultSensors,
  type Fan,
  type Health,
  type IloFaults,
  type IloGeneration,
  type IloIdentity,
  type IloSession,
  type IloState,
  type IloStateOptions,
  type IloTimings,
  type IloUser,
  onPowerChange,
  type PowerChangeEvent,
  type PowerSupply,
  type Sensors,
  type Temperature,
  type VirtualMediaDevice,
  type VirtualMediaState,
} from "./state.js";

export interface IloEmulator {
  state: IloState;
  routes: ReturnType<typeof createIloRoutes>;
  /** In-process transport (no sockets) over the route table. */
  transport(): Transport;
  /** Serves the iLO on loopback; HTTPS with a generated certificate unless `tls` says otherwise. */
  listen(options?: ServeOptions): Promise<ServedRoutes>;
}

export function createIloEmulator(options: IloStateOptions & { state?: IloState } = {}): IloEmulator {
  const state = options.state ?? createIloState(options);
  const routes = createIloRoutes(state);
  return {
    state,
    routes,
    transport: () => routesTransport(routes),
    listen: (serveOptions) => serve(routes, { tls: "self-signed", ...serveOptions }),
  };
}
