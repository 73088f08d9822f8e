/**
 * `@homelab-kit/emulator/ceph`: the Ceph Manager Dashboard API (Pacific 16.2.15) as a route table
 * over a Ceph state, served in-process (`routesTransport`) or on loopback (`serve`).
 */
import type { Transport } from "@homelab-kit/core";
import { type ServedRoutes, type ServeOptions, serve } from "../common/serve.js";
import { routesTransport } from "../common/transport.js";
import { createCephRoutes } from "./routes/index.js";
import { type CephState, type CephStateOptions, createCephState } from "./state.js";

export { type HealthCheck, healthChecks, healthStatus } from "./health.js";
export { issueToken } from "./jwt.js";
export { createCephRoutes } from "./routes/index.js";
export {
  type CephHostInit,
  type CephPoolInit,
  CephState,
  type CephStateOptions,
  type CephUserInit,
  createCephState,
  type HostState,
  type ImageState,
  type OsdState,
  type PoolState,
} from "./state.js";
export { TASK_WAIT_MS } from "./tasks.js";

export interface CephEmulator {
  state: CephState;
  routes: ReturnType<typeof createCephRoutes>;
  /** An in-process transport over the routes (no sockets). */
  transport(): Transport;
  /** Serves the routes on loopback HTTP (or HTTPS with `tls`). */
  listen(options?: ServeOptions): Promise<ServedRoutes>;
}

/** A Ceph emulator over a fresh state (or the one given, e.g. a shared World's). */
export function createCephEmulator(options: CephStateOptions & { state?: CephState } = {}): CephEmulator {
  const state = options.state ?? createCephState(options);
  const routes = createCephRoutes(state);
  return {
    state,
    routes,
    transport: () => routesTransport(routes),
    listen: (serveOptions) => serve(routes, serveOptions),
  };
}
