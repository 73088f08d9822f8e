import { clipText } from "../../common/dispatch.js";
import type { RouteResponse } from "../../common/route-table.js";
import type { IloGeneration } from "../state.js";

/**
 * iLO error bodies: `{"error":{"code":"iLO.0.10.ExtendedInfo","message":"See @Message.ExtendedInfo…",
 * "@Message.ExtendedInfo":[{"MessageId":"…","MessageArgs":[…]}]}}`. iLO 4 uses registry versions
 * 0.10 and also a legacy top-level `Messages[]` with `MessageID` (samples/redfish/errors); iLO 5 1.45
 * uses `iLO.2.8` and `Base.1.0`.
 */
export type RedfishMessage =
  | "NoValidSession"
  | "SessionLimitExceeded"
  | "InsufficientPrivilege"
  | "MalformedJSON"
  | "ResourceMissingAtURI"
  | "PropertyValueNotInList"
  | "PropertyValueTypeError"
  | "ActionParameterMissing"
  | "ActionNotSupported"
  | "PreconditionFailed"
  | "Created"
  | "Success"
  | "ResourceAlreadyExists"
  | "PropertyMissing"
  | "InternalError"
  | "NoOperation"
  // iLO registry
  | "InvalidOperationForSystemState"
  | "PropertyNotWritableOrUnknown"
  | "UnauthorizedLoginAttempt"
  | "ActionParameterValueNotInList"
  | "UnableToModifyDuringSystemPOST"
  | "InvalidPasswordLength"
  | "UserAlreadyExist"
  | "NoVirtualMediaConnectionAvailable";

const ILO_REGISTRY = new Set<RedfishMessage>([
  "InvalidOperationForSystemState",
  "PropertyNotWritableOrUnknown",
  "UnauthorizedLoginAttempt",
  "ActionParameterValueNotInList",
  "UnableToModifyDuringSystemPOST",
  "InvalidPasswordLength",
  "UserAlreadyExist",
  "NoVirtualMediaConnectionAvailable",
]);

export function messageId(generation: IloGeneration, message: RedfishMessage): string {
  // PreconditionFailed appeared in Base 1.4; iLO's reaction to a stale If-Match is not recorded.
  if (message === "PreconditionFailed") return "Base.1.4.PreconditionFailed";
  const ilo = ILO_REGISTRY.has(message);
  if (generation === "ilo4") return `${ilo ? "iLO" : "Base"}.0.10.${message}`;
  return `${ilo ? "iLO.2.8" : "Base.1.0"}.${message}`;
}

export function extendedInfoBody(
  generation: IloGeneration,
  message: RedfishMessage,
  args?: string[],
): object {
  // Arguments repeat request values (a path, a property value): never more than clipText allows.
  args = args?.map((arg) => clipText(arg));
  const info = args
    ? { MessageId: messageId(generation, message), MessageArgs: args }
    : { MessageId: messageId(generation, message) };
  const error = {
    code: `iLO.${generation === "ilo4" ? "0.10" : "2.8"}.ExtendedInfo`,
    message: "See @Message.ExtendedInfo for more information.",
    "@Message.ExtendedInfo": [info],
  };
  if (generation !== "ilo4") return { error };
  const legacy = args ? { MessageID: info.MessageId, MessageArgs: args } : { MessageID: info.MessageId };
  return { Messages: [legacy], Type: "ExtendedError.1.0.0", error };
}

export function redfishError(
  generation: IloGeneration,
  status: number,
  message: RedfishMessage,
  args?: string[],
): RouteResponse {
  return { status, body: extendedInfoBody(generation, message, args) };
}
