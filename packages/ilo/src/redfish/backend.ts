import type { IloBackend } from "../types.js";
import { redfishAccounts } from "./accounts.js";
import { redfishBoot } from "./boot.js";
import { createRedfishContext } from "./context.js";
import { redfishFirmware } from "./firmware.js";
import { redfishHealthReport } from "./health.js";
import type { RedfishHttpOptions } from "./http.js";
import { redfishIdentity } from "./identity.js";
import { redfishLogs } from "./logs.js";
import { redfishPower } from "./power.js";
import { redfishVirtualMedia } from "./virtual-media.js";

/**
 * The Redfish backend (iLO 4 ≥2.30, iLO 5, iLO 6, and DMTF-conformant services), one file per
 * capability. Every resource is reached through the links the service gives, from `/redfish/v1/`
 * on (redfish/navigator.ts).
 */
export function createRedfishBackend(options: RedfishHttpOptions): IloBackend {
  const context = createRedfishContext(options);
  return {
    power: redfishPower(context),
    boot: redfishBoot(context),
    virtualMedia: redfishVirtualMedia(context),
    health: redfishHealthReport(context),
    ...redfishFirmware(context),
    logs: redfishLogs(context),
    ...redfishIdentity(context),
    users: redfishAccounts(context),
    close: () => context.http.close(),
  };
}
