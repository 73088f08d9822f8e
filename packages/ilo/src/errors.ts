/**
 * iLO errors (README: "Errors").
 *
 *   ApiError (core)
 *   └─ RibclError      a RIBCL RESPONSE with a non-zero STATUS; `code` says which kind:
 *                      RIBCL_LOGIN_FAILED (0x005F), RIBCL_NOT_SUPPORTED (0x0001 syntax error, which
 *                      is how iLO says "unsupported", and 0x003C), RIBCL_ERROR otherwise
 *   HttpError (core)
 *   └─ RedfishError    any Redfish status >= 400, with the `@Message.ExtendedInfo` message ids
 */
import { ApiError, decodeErrorBody, HttpError, type HttpErrorInit } from "@homelab-kit/core";

export interface RibclErrorInit {
  status: number;
  message: string;
  /** The RIBCL command the error answered, when known. */
  command?: string | undefined;
}

const NOT_SUPPORTED = new Set([0x0001, 0x003c]);

export class RibclError extends ApiError {
  static override readonly kind: string = "RibclError";
  /** The RESPONSE STATUS, e.g. 0x005F. */
  declare readonly status: number;
  /** The RESPONSE MESSAGE as the iLO wrote it, redacted. */
  declare readonly ribclMessage: string;
  declare readonly command: string | undefined;

  constructor(init: RibclErrorInit) {
    const hex = `0x${init.status.toString(16).toUpperCase().padStart(4, "0")}`;
    super(`RIBCL ${hex}: ${init.message}${init.command ? ` (${init.command})` : ""}`, {
      code:
        init.status === 0x005f
          ? "RIBCL_LOGIN_FAILED"
          : NOT_SUPPORTED.has(init.status)
            ? "RIBCL_NOT_SUPPORTED"
            : "RIBCL_ERROR",
      fields: { status: init.status, ribclMessage: init.message, command: init.command },
    });
  }
}

/** One entry of `@Message.ExtendedInfo` (iLO 4 writes `MessageID`, iLO 5 `MessageId`). */
export interface RedfishMessage {
  /** Full id: `iLO.2.8.InvalidOperationForSystemState`, `Base.1.0.NoValidSession`. */
  messageId: string;
  /** The id without registry and version: `InvalidOperationForSystemState`. */
  key: string;
  args: string[];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function extendedInfo(body: unknown): RedfishMessage[] {
  const root = asRecord(body);
  const error = asRecord(root.error);
  const list = error["@Message.ExtendedInfo"] ?? root.Messages;
  if (!Array.isArray(list)) return [];
  return list.map((entry) => {
    const e = asRecord(entry);
    const id = String(e.MessageId ?? e.MessageID ?? "");
    const args = Array.isArray(e.MessageArgs) ? e.MessageArgs.map(String) : [];
    return { messageId: id, key: id.split(".").at(-1) ?? id, args };
  });
}

/** The path of a request URL (no host, query or credentials) for messages. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "(invalid URL)";
  }
}

export class RedfishError extends HttpError {
  static override readonly kind: string = "RedfishError";
  /** The `@Message.ExtendedInfo` entries, redacted (ids and arguments). */
  declare readonly messages: RedfishMessage[];

  constructor(init: HttpErrorInit) {
    const messages = extendedInfo(decodeErrorBody(init.response.body, init.response.headers));
    const first = messages[0];
    super({
      ...init,
      code: init.code ?? (first ? `REDFISH_${first.key}` : "HTTP_ERROR"),
      message:
        init.message ??
        `HTTP ${init.response.status} (${String(init.request.method).toUpperCase()} ${pathOf(init.request.url)})` +
          (first ? `: ${first.messageId}${first.args.length ? ` ${JSON.stringify(first.args)}` : ""}` : ""),
      fields: { ...init.fields, messages },
    });
  }

  /** Whether any ExtendedInfo message has this key (`"NoValidSession"`). */
  has(key: string): boolean {
    return this.messages.some((m) => m.key === key);
  }
}
