export type {
  BoundMethod,
  BoundMethods,
  OpenNebulaClient,
  PoolIterateOptions,
  PoolIterator,
  VmHelpers,
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
export { aclMethods } from "./methods/acl.js";
export { clusterMethods, clusterPoolMethods } from "./methods/cluster.js";
export { datastoreMethods, datastorePoolMethods } from "./methods/datastore.js";
export type { DecodeContext, MethodSpec, ParamSpec, ParamType } from "./methods/define.js";
export { groupMethods, groupPoolMethods } from "./methods/group.js";
export { hostMethods, hostPoolMethods } from "./methods/host.js";
export { imageMethods, imagePoolMethods } from "./methods/image.js";
export * from "./methods/params.js";
export { secgroupMethods, secgroupPoolMethods } from "./methods/secgroup.js";
export { systemMethods } from "./methods/system.js";
export { methodTables } from "./methods/tables.js";
export { templateMethods, templatePoolMethods } from "./methods/template.js";
export { userMethods, userPoolMethods } from "./methods/user.js";
export { vmMethods } from "./methods/vm.js";
export { vmgroupMethods, vmgroupPoolMethods } from "./methods/vmgroup.js";
export { vmPoolMethods } from "./methods/vmpool.js";
export { vnMethods, vnPoolMethods } from "./methods/vn.js";
export * from "./models/index.js";
export type { LoginOptions, OpenNebulaCallOptions, OpenNebulaClientOptions } from "./options.js";
export { compareVersions, parseVersion } from "./options.js";
export * from "./template/index.js";
export type { VmStatus, VmWaitOptions } from "./wait.js";
export { isVmWaitError, VmWaitError, vmStatus } from "./wait.js";
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
