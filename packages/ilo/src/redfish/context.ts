/**
 * What every capability of the Redfish backend (power.ts, boot.ts, health.ts, virtual-media.ts,
 * accounts.ts, identity.ts, firmware.ts, logs.ts) works with: the HTTP layer, the navigator that
 * follows the service's links, and the ETag-guarded PATCH.
 */
import type { CallOptions } from "@homelab-kit/core";
import { RedfishError } from "../errors.js";
import { createRedfishHttp, type RedfishHttp, type RedfishHttpOptions } from "./http.js";
import { createRedfishNavigator, type RedfishNavigator } from "./navigator.js";
import type { ComputerSystem, ManagerAccount, VirtualMedia } from "./schemas.js";

export interface RedfishContext {
  http: RedfishHttp;
  nav: RedfishNavigator;
  /** GET then PATCH with `If-Match`; a 412 (someone else changed it) is retried once with a fresh ETag. */
  patchWithEtag(
    path: string,
    schema: typeof ComputerSystem | typeof VirtualMedia | typeof ManagerAccount,
    body: unknown,
    call?: CallOptions,
  ): Promise<void>;
}

export function createRedfishContext(options: RedfishHttpOptions): RedfishContext {
  const http = createRedfishHttp(options);
  const nav = createRedfishNavigator(http, options.baseUrl);
  return {
    http,
    nav,
    async patchWithEtag(path, schema, body, call) {
      for (let attempt = 0; ; attempt++) {
        const { etag } = await http.get(path, schema, call);
        try {
          await http.patch(path, body, etag, call);
          return;
        } catch (error) {
          if (attempt === 0 && error instanceof RedfishError && error.status === 412) continue;
          throw error;
        }
      }
    },
  };
}
