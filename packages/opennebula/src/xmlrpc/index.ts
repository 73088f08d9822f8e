export { decodeMethodCall, decodeMethodResponse, MAX_XMLRPC_DEPTH } from "./decode.js";
export { encodeFault, encodeMethodCall, encodeMethodResponse, XmlRpcEncodeError } from "./encode.js";
export type { XmlRpcCall, XmlRpcResponse, XmlRpcStruct, XmlRpcValue } from "./types.js";
