/**
 * `POST /RPC2`: oned's XML-RPC endpoint over an {@link OpenNebulaState}. The request is decoded
 * (faults -503 for malformed XML, DOCTYPE or invalid UTF-8), the method looked up (-506 when it is
 * not defined), its parameters read with xmlrpc-c's type rules (-501), the session authenticated,
 * the clock's due transitions applied, and the method's answer encoded as oned's response array.
 */
import { type Route, type RouteResponse, route } from "../common/route-table.js";
import { OneFailure } from "./errors.js";
import { aclMethods } from "./methods/acl.js";
import { clusterMethods } from "./methods/cluster.js";
import { authenticate, type MethodDef, readArgs } from "./methods/context.js";
import { datastoreMethods } from "./methods/datastore.js";
import { groupMethods } from "./methods/group.js";
import { hostMethods, monitorNewHosts } from "./methods/host.js";
import { imageMethods } from "./methods/image.js";
import { poolReportMethods } from "./methods/pool-reports.js";
import { secgroupMethods } from "./methods/secgroup.js";
import { systemMethods } from "./methods/system.js";
import { templateMethods } from "./methods/template.js";
import { userMethods } from "./methods/user.js";
import { vmMethods } from "./methods/vm.js";
import { vmBackupMethods } from "./methods/vm-backup.js";
import { vmDeviceMethods } from "./methods/vm-devices.js";
import { vmHotplugMethods } from "./methods/vm-hotplug.js";
import { vmScheduleMethods } from "./methods/vm-schedule.js";
import { vmgroupMethods } from "./methods/vmgroup.js";
import { vnMethods } from "./methods/vn.js";
import { sync } from "./scheduler.js";
import type { OpenNebulaState } from "./state.js";
import {
  decodeCall,
  decodeCallYielding,
  encodeFailure,
  encodeFault,
  encodeSuccess,
  FaultCode,
  type XmlRpcCall,
  XmlRpcFault,
} from "./xmlrpc.js";

/** Every method the emulator implements, by its `one.*` name. */
export const openNebulaMethods: Readonly<Record<string, MethodDef>> = {
  ...vmMethods,
  ...vmHotplugMethods,
  ...vmDeviceMethods,
  ...vmScheduleMethods,
  ...vmBackupMethods,
  ...poolReportMethods,
  ...templateMethods,
  ...hostMethods,
  ...imageMethods,
  ...datastoreMethods,
  ...vnMethods,
  ...userMethods,
  ...groupMethods,
  ...clusterMethods,
  ...systemMethods,
  ...secgroupMethods,
  ...vmgroupMethods,
  ...aclMethods,
};

/**
 * Largest request body accepted (larger → HTTP 413). oned's own limit is MESSAGE_SIZE (1 GiB by
 * default); calls are templates and names, a few KiB, so 8 MiB leaves a wide margin and bounds
 * what one request costs (docs/DESIGN.md §5 "Hostile input is budgeted").
 */
export const RPC_BODY_LIMIT = 8 * 1024 * 1024;

/** Bodies from this size on are parsed in slices, letting other requests in between. */
export const RPC_YIELDING_FROM = 64 * 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function xml(body: string): RouteResponse {
  return { status: 200, headers: { "content-type": "text/xml", server: "Xmlrpc-c_Abyss/1.59.03" }, body };
}

/** Answers one XML-RPC request body (the route handler, usable without HTTP). */
export function answerXmlRpc(state: OpenNebulaState, body: Uint8Array): string {
  let call: XmlRpcCall;
  try {
    call = decodeCall(body);
  } catch (e) {
    return answerDecodeError(e);
  }
  return answerCall(state, call);
}

/** {@link answerXmlRpc} for large bodies: the XML is read in slices, other requests run between them. */
export async function answerXmlRpcYielding(state: OpenNebulaState, body: Uint8Array): Promise<string> {
  let call: XmlRpcCall;
  try {
    call = await decodeCallYielding(body);
  } catch (e) {
    return answerDecodeError(e);
  }
  return answerCall(state, call);
}

function answerDecodeError(e: unknown): string {
  if (e instanceof XmlRpcFault) return encodeFault(e.code, e.message);
  throw e;
}

/** A decoded call through oned's checks (method, signature, session) and the method itself. */
function answerCall(state: OpenNebulaState, call: XmlRpcCall): string {
  const method = call.methodName;
  try {
    const def = Object.hasOwn(openNebulaMethods, method) ? openNebulaMethods[method] : undefined;
    if (!def) throw new XmlRpcFault(FaultCode.NO_SUCH_METHOD, `Method '${method}' not defined`);
    const session = call.params[0];
    if (session === undefined) throw new XmlRpcFault(FaultCode.TYPE, "Not enough parameters");
    if (session.t !== "string") {
      throw new XmlRpcFault(
        FaultCode.TYPE,
        `Parameter 0 that is supposed to be string is not (it is ${session.t})`,
      );
    }
    const args = readArgs(call.params, def.params);
    const user = authenticate(state, session);
    sync(state);
    monitorNewHosts(state);
    const value = def.run({ state, method, user, admin: user.groups.includes(0) }, args);
    if (typeof value === "string" && LONE_SURROGATE.test(value)) {
      // xmlrpc-c validates UTF-8 while serializing and sends a fault instead (OpenNebula/one#2355).
      const at = value.search(LONE_SURROGATE);
      throw new XmlRpcFault(
        FaultCode.INVALID_UTF8,
        `UTF-8 validation failed.  String is not valid UTF-8 at character ${at}`,
      );
    }
    return encodeSuccess(value);
  } catch (e) {
    if (e instanceof XmlRpcFault) return encodeFault(e.code, e.message);
    if (e instanceof OneFailure) return encodeFailure(`[${method}] ${e.message}`, e.code, e.respId);
    throw e;
  }
}

export function createOpenNebulaRoutes(state: OpenNebulaState): Route[] {
  return [
    route(
      "POST",
      "/RPC2",
      (req) =>
        req.body.byteLength < RPC_YIELDING_FROM
          ? xml(answerXmlRpc(state, req.body))
          : answerXmlRpcYielding(state, req.body).then(xml),
      { bodyLimit: RPC_BODY_LIMIT, bodyType: "text/xml" },
    ),
  ];
}
