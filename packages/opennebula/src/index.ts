export type {
  BoundMethod,
  BoundMethods,
  OpenNebulaClient,
  VmPoolIterateOptions,
  VmPoolIterators,
} from "./client.js";
export { createOpenNebulaClient } from "./client.js";
export type { OpenNebulaErrorInit, OpenNebulaErrorName } from "./errors.js";
export {
  isOpenNebulaError,
  LEGACY_ERROR_NAMES,
  OpenNebulaError,
  OpenNebulaErrorCode,
  openNebulaErrorName,
  XmlRpcFaultCode,
} from "./errors.js";
export type { DecodeContext, MethodSpec, ParamSpec, ParamType } from "./methods/define.js";
export * from "./methods/params.js";
export { vmMethods } from "./methods/vm.js";
export { vmPoolMethods } from "./methods/vmpool.js";
export * from "./models/index.js";
export type { OpenNebulaCallOptions, OpenNebulaClientOptions } from "./options.js";
export { compareVersions, parseVersion } from "./options.js";
export * from "./template/index.js";
export type { RawXmlObject, RawXmlValue } from "./xml/index.js";
export { escapeXml, parseXmlDocument, XmlSyntaxError } from "./xml/index.js";
export { decodeDocumentResponse } from "./xmlrpc/envelope.js";
export type { XmlRpcCall, XmlRpcResponse, XmlRpcStruct, XmlRpcValue } from "./xmlrpc/index.js";
export {
  decodeMethodCall,
  decodeMethodResponse,
  encodeFault,
  encodeMethodCall,
  encodeMethodResponse,
  XmlRpcEncodeError,
} from "./xmlrpc/index.js";
