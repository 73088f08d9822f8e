/**
 * `@homelab-kit/emulator/opennebula`: an emulated OpenNebula front end (oned's XML-RPC API on
 * `POST /RPC2`) over a self-contained state. Route tables are factories over that state, never
 * singletons.
 */
import type { Transport } from "@homelab-kit/core";
import { type ServedRoutes, type ServeOptions, serve } from "../common/serve.js";
import { routesTransport } from "../common/transport.js";
import { createOpenNebulaState } from "./create-state.js";
import { createOpenNebulaRoutes } from "./routes.js";
import type { OpenNebulaState, OpenNebulaStateOptions } from "./state.js";

export { type EmulatorClock, type ManualClock, manualClock, systemClock } from "../ilo/clock.js";
export { createOpenNebulaState } from "./create-state.js";
export { ErrorCode, OneFailure } from "./errors.js";
export { setHostReachable } from "./host-monitor.js";
export { backupImageXml } from "./methods/vm-backup.js";
export { answerXmlRpc, createOpenNebulaRoutes, openNebulaMethods, RPC_BODY_LIMIT } from "./routes.js";
export { reindex, sync } from "./scheduler.js";
export {
  type AddressRange,
  addHost,
  defaultTimings,
  type HostSpec,
  type OneCluster,
  type OneDatastore,
  type OneGroup,
  type OneHost,
  type OneImage,
  type OneTemplate,
  type OneTimings,
  type OneUser,
  type OneVm,
  type OneVnet,
  type OpenNebulaEvent,
  type OpenNebulaState,
  type OpenNebulaStateOptions,
} from "./state.js";
export { VM_ACTIONS } from "./vm-actions.js";
export { stateName } from "./vm-states.js";
export { FaultCode } from "./xmlrpc.js";

export interface OpenNebulaEmulator {
  state: OpenNebulaState;
  routes: ReturnType<typeof createOpenNebulaRoutes>;
  /** In-process transport (no sockets) over the route table. */
  transport(): Transport;
  /** Serves `POST /RPC2` on loopback over plain HTTP, as oned does (TLS only comes from a proxy). */
  listen(options?: ServeOptions): Promise<ServedRoutes>;
}

export function createOpenNebulaEmulator(
  options: OpenNebulaStateOptions & { state?: OpenNebulaState } = {},
): OpenNebulaEmulator {
  const state = options.state ?? createOpenNebulaState(options);
  const routes = createOpenNebulaRoutes(state);
  return {
    state,
    routes,
    transport: () => routesTransport(routes),
    listen: (serveOptions) => serve(routes, serveOptions),
  };
}
