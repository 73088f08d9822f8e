/**
 * `@homelab-kit/emulator/cloudflare`: Cloudflare API v4's DNS part (zones, DNS records, token
 * verify) as a route table over a Cloudflare state, served in-process (`routesTransport`) or on
 * loopback (`serve`). The World serves it when the topology has a `cloudflare` section.
 */
import type { Transport } from "@homelab-kit/core";
import { type ServedRoutes, type ServeOptions, serve } from "../common/serve.js";
import { routesTransport } from "../common/transport.js";
import { CLOUDFLARE_API_PREFIX, createCloudflareRoutes } from "./routes.js";
import { type CloudflareState, type CloudflareStateInit, createCloudflareState } from "./state.js";

export { CLOUDFLARE_API_PREFIX, createCloudflareRoutes, recordJson, zoneJson } from "./routes.js";
export {
  type CloudflareRecord,
  CloudflareState,
  type CloudflareStateInit,
  type CloudflareToken,
  type CloudflareZone,
  createCloudflareState,
  normalizeName,
  RECORD_TYPES,
} from "./state.js";

export interface CloudflareEmulator {
  state: CloudflareState;
  routes: ReturnType<typeof createCloudflareRoutes>;
  /** An in-process transport over the routes (no sockets); the API is under `/client/v4`. */
  transport(): Transport;
  /** Serves the routes on loopback; the API base URL is `${url}/client/v4`. */
  listen(options?: ServeOptions): Promise<ServedRoutes & { apiUrl: string }>;
}

/** A Cloudflare emulator over a fresh state (or the one given, e.g. a World's). */
export function createCloudflareEmulator(
  options: CloudflareStateInit | { state: CloudflareState },
): CloudflareEmulator {
  const state = "state" in options ? options.state : createCloudflareState(options);
  const routes = createCloudflareRoutes(state);
  return {
    state,
    routes,
    transport: () => routesTransport(routes),
    listen: async (serveOptions) => {
      const served = await serve(routes, serveOptions);
      return { ...served, apiUrl: `${served.url}${CLOUDFLARE_API_PREFIX}` };
    },
  };
}
