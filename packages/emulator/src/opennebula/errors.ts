/**
 * OpenNebula failure answers (`Request::ErrorCode`, include/Request.h) and their message formats
 * (`Request::failure_message`), as docs/reference/opennebula/API.md §3 lists them.
 */

export const ErrorCode = {
  SUCCESS: 0,
  AUTHENTICATION: 0x100,
  AUTHORIZATION: 0x200,
  NO_EXISTS: 0x400,
  ACTION: 0x800,
  RPC_API: 0x1000,
  INTERNAL: 0x2000,
  ALLOCATE: 0x4000,
  LOCKED: 0x8000,
  REPLICATION: 0x10000,
} as const;

/** `RequestLogger::object_name` values for the objects the emulator models. */
export type ObjectName =
  | "virtual machine"
  | "host"
  | "virtual network"
  | "image"
  | "user"
  | "virtual machine template"
  | "group"
  | "datastore"
  | "cluster"
  | "security group"
  | "vm group"
  | "ACL"
  | "scheduled action";

/**
 * Thrown by method handlers; the router turns it into `[false, "[method] message", code, respId, 0]`.
 * `message` is what follows the `[method] ` prefix.
 */
export class OneFailure extends Error {
  override readonly name = "OneFailure";
  constructor(
    readonly code: number,
    message: string,
    readonly respId = -1,
  ) {
    super(message);
  }
}

export const failures = {
  authentication: () =>
    new OneFailure(ErrorCode.AUTHENTICATION, "User couldn't be authenticated, aborting call."),
  authorization: (uid: number, operation: string, objectType: string, id: number) =>
    new OneFailure(
      ErrorCode.AUTHORIZATION,
      `User [${uid}] : Not authorized to perform ${operation} ${objectType}${id >= 0 ? ` [${id}]` : ""}.`,
    ),
  noExists: (obj: ObjectName, id: number) =>
    new OneFailure(ErrorCode.NO_EXISTS, `Error getting ${obj} [${id}].`, id),
  action: (message: string, id = -1) => new OneFailure(ErrorCode.ACTION, message, id),
  rpcApi: (message: string) => new OneFailure(ErrorCode.RPC_API, message),
  internal: (message: string) => new OneFailure(ErrorCode.INTERNAL, message),
  /**
   * An operation a lock refuses, to a member of the oneadmin group: oned 7.4 checks locks while
   * authorizing (AclManager::oneadmin_authorize, AuthRequest::add_auth), so the answer is
   * AUTHORIZATION without the object ID, not LOCKED (which no 7.4 call answers).
   */
  locked: (uid: number, objectType: string, id: number) =>
    new OneFailure(ErrorCode.AUTHORIZATION, `User [${uid}] : ${objectType} is locked. [${id}].`),
  allocate: (obj: ObjectName, message: string) =>
    new OneFailure(ErrorCode.ALLOCATE, `Error allocating a new ${obj}. ${message}`),
  /**
   * A refused delete (SharedAPI::del: ACTION "Cannot delete <object>. <why>", no object ID in the
   * answer, as real oned 7.4 answers: conformance/opennebula-oned).
   */
  cannotDelete: (obj: ObjectName, why: string) =>
    new OneFailure(ErrorCode.ACTION, `Cannot delete ${obj}. ${why}`),
};
