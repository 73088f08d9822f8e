/**
 * `@homelab-kit/ilo/redfish`: the zod schemas of the iLO Redfish resources this package reads
 * (they accept unknown fields and both `Oem.Hp` and `Oem.Hpe`), and `RedfishError` with its
 * `@Message.ExtendedInfo` decoding.
 */
export { extendedInfo, RedfishError, type RedfishMessage } from "../errors.js";
export type { RedfishAuth } from "./http.js";
export * from "./schemas.js";
