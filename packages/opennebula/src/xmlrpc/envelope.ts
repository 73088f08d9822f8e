import { ResponseValidationError } from "@homelab-kit/core";
import { OpenNebulaError } from "../errors.js";
import { asDocument } from "../methods/define.js";
import { XmlSyntaxError } from "../xml/errors.js";
import type { RawXmlObject } from "../xml/parse.js";
import { decodeMethodResponse } from "./decode.js";
import { EscapedXmlText } from "./escaped-text.js";
import type { XmlRpcValue } from "./types.js";

/** Strings longer than this stay escaped in the envelope until the method's decoder reads them. */
export const LAZY_STRING_THRESHOLD = 64 * 1024;

/** The value of a successful OpenNebula call; long strings may still be escaped (see EscapedXmlText). */
export type EnvelopeValue = XmlRpcValue | EscapedXmlText;

/**
 * Unwraps OpenNebula's response array (docs/reference/opennebula/API.md §3): `[true, value, 0]` → value;
 * `[false, message, code, resp_id, replication_idx]` (or the 4-element form of ≤5.8) →
 * {@link OpenNebulaError}; an XML-RPC `<fault>` → {@link OpenNebulaError} of kind `fault`.
 * Malformed XML or any other shape → `ResponseValidationError` (cause: the `XmlSyntaxError`).
 */
export function decodeOpenNebulaResponse(body: Uint8Array | string, method: string): EnvelopeValue {
  let decoded: ReturnType<typeof decodeMethodResponse>;
  try {
    decoded = decodeMethodResponse(body, { lazyStringsOver: LAZY_STRING_THRESHOLD });
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new ResponseValidationError({
        message: `${method}: malformed XML-RPC response: ${error.message}`,
        issues: [{ path: [], message: error.message, code: error.code }],
        code: "XMLRPC_PARSE",
        cause: error,
      });
    }
    throw error;
  }
  if (decoded.kind === "fault") {
    throw new OpenNebulaError({
      kind: "fault",
      method,
      message: decoded.faultString,
      errorCode: decoded.faultCode,
    });
  }
  const array = decoded.value as unknown;
  if (!Array.isArray(array) || array.length < 2 || typeof array[0] !== "boolean") {
    throw unexpected(method, "expected an array [ok, value, code, …]");
  }
  if (array[0]) return array[1] as EnvelopeValue;
  const [, message, code, objectId, replicationIndex] = array as unknown[];
  const text = message instanceof EscapedXmlText ? message.toString() : message;
  if (typeof text !== "string" || typeof code !== "number") {
    throw unexpected(method, "a failure must be [false, message, code, …]");
  }
  return fail(method, text, code, objectId, replicationIndex);
}

function fail(
  method: string,
  message: string,
  code: number,
  objectId: unknown,
  replicationIndex: unknown,
): never {
  throw new OpenNebulaError({
    kind: "error",
    method,
    message,
    errorCode: code,
    objectId: typeof objectId === "number" && objectId >= 0 ? objectId : undefined,
    replicationIndex:
      typeof replicationIndex === "number" || typeof replicationIndex === "bigint"
        ? replicationIndex
        : undefined,
  });
}

function unexpected(method: string, reason: string): ResponseValidationError {
  return new ResponseValidationError({
    message: `${method}: unexpected XML-RPC response: ${reason}`,
    issues: [{ path: [], message: reason }],
    code: "XMLRPC_SHAPE",
  });
}

/**
 * For callers with their own transport: the XML document of an OpenNebula response body
 * (`one.vmpool.infoextended`, `one.vm.info`, …) as a raw XML object, parsed straight from the
 * escaped envelope. Errors as the client's: `OpenNebulaError`, `ResponseValidationError`.
 * Validate with a model: `VmPoolExtended.parse(doc.VM_POOL)`.
 */
export function decodeDocumentResponse(body: Uint8Array | string, method = "one.*"): RawXmlObject {
  return asDocument(decodeOpenNebulaResponse(body, method), { method, args: [] });
}
