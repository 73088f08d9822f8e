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
export type { RedfishAuth } from "./redfish/http.js";
export * as redfishSchemas from "./redfish/schemas.js";
export { buildRibclScript, escapeAttribute, type RibclCommand, type RibclSection } from "./ribcl/build.js";
export { parseRibclAnswer, type RibclAnswer, type RibclNode } from "./ribcl/parse.js";
export type {
  BootDevice,
  DriveStatus,
  FanSensor,
  FirmwareInfo,
  Health,
  HealthStatus,
  IloClient,
  IloGeneration,
  IloProtocol,
  IloUser,
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
