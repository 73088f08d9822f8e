export { createIloClient } from "./client.js";
export { discoverIlo, type IloDiscovery, protocolFor } from "./detect.js";
export {
  extendedInfo,
  RedfishError,
  type RedfishMessage,
  RibclError,
  type RibclErrorInit,
} from "./errors.js";
export type { IloClientOptions } from "./options.js";
export type { RedfishAuth } from "./redfish/index.js";
/** The Redfish schemas as one namespace; `@homelab-kit/ilo/redfish` exports them by name. */
export * as redfishSchemas from "./redfish/schemas.js";
export {
  buildRibclScript,
  escapeAttribute,
  parseRibclAnswer,
  type RibclAnswer,
  type RibclCommand,
  type RibclNode,
  type RibclSection,
} from "./ribcl/index.js";
export type {
  BootDevice,
  DriveStatus,
  FanSensor,
  FirmwareComponent,
  FirmwareInfo,
  Health,
  HealthStatus,
  IloClient,
  IloGeneration,
  IloProtocol,
  IloUser,
  LogEntry,
  LogSeverity,
  NewIloUser,
  PowerReadings,
  PowerResult,
  PowerState,
  PowerSupplyStatus,
  ProductInfo,
  TemperatureSensor,
  VirtualMediaDevice,
  VirtualMediaStatus,
} from "./types.js";
