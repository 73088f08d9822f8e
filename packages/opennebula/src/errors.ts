import { ApiError, hasErrorKind } from "@homelab-kit/core";

/**
 * OpenNebula's error codes (`include/Request.h`, identical in 5.12, 6.10 and 7.4). The 7.x names;
 * 0x1000 was `XML_RPC_API` up to 6.x (see {@link LEGACY_ERROR_NAMES}).
 */
export const OpenNebulaErrorCode = {
  AUTHENTICATION: 0x0100,
  AUTHORIZATION: 0x0200,
  NO_EXISTS: 0x0400,
  ACTION: 0x0800,
  RPC_API: 0x1000,
  INTERNAL: 0x2000,
  ALLOCATE: 0x4000,
  /** Defined by oned; 7.4 answers an operation on a locked object with AUTHORIZATION instead. */
  LOCKED: 0x8000,
  REPLICATION: 0x10000,
} as const;

export type OpenNebulaErrorName = keyof typeof OpenNebulaErrorCode;

/** ≤6.x names that differ from the 7.x ones. */
export const LEGACY_ERROR_NAMES: Readonly<Partial<Record<OpenNebulaErrorName, string>>> = Object.freeze({
  RPC_API: "XML_RPC_API",
});

/** XML-RPC fault codes of the xmlrpc-c layer (docs/reference/opennebula/ISSUES.md #11). */
export const XmlRpcFaultCode = {
  /** Too few parameters or a wrong XML-RPC type. */
  BAD_PARAMS: -501,
  /** The method is not defined on this oned (a newer method on an older release). */
  METHOD_NOT_FOUND: -506,
} as const;

const NAMES_BY_CODE = new Map<number, OpenNebulaErrorName>(
  Object.entries(OpenNebulaErrorCode).map(([name, code]) => [code, name as OpenNebulaErrorName]),
);

/** The 7.x name of an OpenNebula error code, or `UNKNOWN`. */
export function openNebulaErrorName(code: number): OpenNebulaErrorName | "UNKNOWN" {
  return NAMES_BY_CODE.get(code) ?? "UNKNOWN";
}

export interface OpenNebulaErrorInit {
  /** `error`: oned answered `[false, message, code, …]`; `fault`: the XML-RPC layer answered a `<fault>`. */
  kind: "error" | "fault";
  /** The XML-RPC method, e.g. `one.vm.info`. */
  method: string;
  message: string;
  /** OpenNebula error code (256, 512, …) or fault code (-501, -506). */
  errorCode: number;
  /** ID of the object the error is about (`resp_id`), when oned names one. */
  objectId?: number | undefined;
  /** Raft log index (`replication_idx`, 5.10+). */
  replicationIndex?: number | bigint | undefined;
}

/**
 * An error reported by OpenNebula: an error array (`reply: "error"`, `code` the 7.x name of the
 * error code such as `NO_EXISTS`) or an XML-RPC fault (`reply: "fault"`, `code`
 * `METHOD_NOT_FOUND` for -506, `BAD_PARAMS` for -501, `FAULT` otherwise).
 * Message and fields are redacted like every core error: the session string never shows.
 *
 * `kind` is the brand's name in core (each error class's static `kind`, see
 * packages/core/src/errors.ts); the instance's reply type is `reply`. The instance getter `kind`
 * stays as a deprecated alias of `reply` (and `JSON.stringify` still shows it), so code reading
 * `error.kind` keeps working; the brand (static `kind`, `instanceof`, `isOpenNebulaError`) is untouched.
 */
export class OpenNebulaError extends ApiError {
  static override readonly kind: string = "OpenNebulaError";

  declare readonly code: OpenNebulaErrorName | "UNKNOWN" | "METHOD_NOT_FOUND" | "BAD_PARAMS" | "FAULT";
  /** `error`: oned answered `[false, message, code, …]`; `fault`: the XML-RPC layer answered a `<fault>`. */
  declare readonly reply: "error" | "fault";
  /** The XML-RPC method, e.g. `one.vm.info`. */
  declare readonly method: string;
  /** The numeric OpenNebula error code or XML-RPC fault code. */
  declare readonly errorCode: number;
  /** The ≤6.x name of the code where it differs (`XML_RPC_API`), else the same as `code`. */
  declare readonly legacyName: string;
  declare readonly objectId: number | undefined;
  declare readonly replicationIndex: number | bigint | undefined;

  constructor(init: OpenNebulaErrorInit) {
    const code =
      init.kind === "fault"
        ? init.errorCode === XmlRpcFaultCode.METHOD_NOT_FOUND
          ? "METHOD_NOT_FOUND"
          : init.errorCode === XmlRpcFaultCode.BAD_PARAMS
            ? "BAD_PARAMS"
            : "FAULT"
        : openNebulaErrorName(init.errorCode);
    // oned's messages start with "[method]"; the code goes last (a line starting "AUTHORIZATION:"
    // would read as an HTTP header to the redaction rules).
    super(
      init.kind === "fault"
        ? `XML-RPC fault ${init.errorCode}: ${init.message}`
        : `${init.message} (${code}, 0x${init.errorCode.toString(16)})`,
      {
        code,
        fields: {
          reply: init.kind,
          method: init.method,
          errorCode: init.errorCode,
          legacyName: LEGACY_ERROR_NAMES[code as OpenNebulaErrorName] ?? code,
          objectId: init.objectId,
          replicationIndex: init.replicationIndex,
        },
      },
    );
  }

  /** @deprecated the same as {@link OpenNebulaError.reply}; `kind` names the brand in core. */
  get kind(): "error" | "fault" {
    return this.reply;
  }

  /** `JSON.stringify(err)`: as every core error, plus the deprecated `kind`. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.reply };
  }
}

export const isOpenNebulaError = (value: unknown): value is OpenNebulaError =>
  hasErrorKind(value, OpenNebulaError.kind);
