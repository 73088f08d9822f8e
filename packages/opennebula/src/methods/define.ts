/**
 * The method-table machinery: each OpenNebula method is data (its raw `one.*` name, its
 * parameters in wire order after the session, whether it may be retried, the first release that
 * has it, and a response decoder), and the client turns each entry into a typed function.
 */
import { InvalidRequestError, ResponseValidationError } from "@homelab-kit/core";
import type { z } from "zod";
import { parseXmlDocument, type RawXmlObject, type RawXmlValue } from "../xml/parse.js";
import type { EnvelopeValue } from "../xmlrpc/envelope.js";
import { EscapedXmlText } from "../xmlrpc/escaped-text.js";
import type { XmlRpcValue } from "../xmlrpc/types.js";

/** XML-RPC types of OpenNebula parameters (docs/reference/opennebula/API.md §7). */
export type ParamType = "int" | "i8" | "bool" | "string" | "int[]";

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** A trailing parameter oned gives a default when it is absent; omitted ones are not sent. */
  readonly optional?: boolean;
  /** The only values oned accepts (actions, filter flags…). */
  readonly oneOf?: readonly (string | number)[];
  /** Smallest accepted integer (e.g. -4 for a pool filter flag). */
  readonly min?: number;
  /** Largest accepted integer. */
  readonly max?: number;
  /** First release that reads this parameter; older ones would silently ignore it. */
  readonly since?: string;
  /** A password or token: registered with core's redaction while the call runs. */
  readonly secret?: boolean;
}

export interface DecodeContext {
  /** The raw method name. */
  readonly method: string;
  /** The arguments after the session, as the caller passed them. */
  readonly args: readonly unknown[];
  /**
   * `false` (the client's `validate: false`): documents skip zod and come back as the raw XML
   * object, typed as the model but not checked (numbers stay strings, single items are not
   * wrapped in arrays except a pool's top-level list).
   */
  readonly validate?: boolean;
}

export interface MethodSpec<P extends unknown[], R> {
  /** The raw XML-RPC name, e.g. `one.vm.info`. */
  readonly name: `one.${string}`;
  readonly params: readonly ParamSpec[];
  /** Safe to send twice (reads); only these are ever retried. */
  readonly idempotent: boolean;
  /** A pool or accounting call: gets the longer default timeout (docs/reference/opennebula/ISSUES.md #1). */
  readonly long?: boolean;
  /** First release that has the method. */
  readonly since?: string;
  readonly decode: (value: EnvelopeValue, context: DecodeContext) => R;
  /** Phantom: the parameter tuple. */
  readonly __params?: P;
}

/** Declares a method: `method<[id: number, decrypt?: boolean]>()({ name: "one.vm.info", … })`. */
export function method<P extends unknown[]>() {
  return <R>(spec: MethodSpec<P, R>): MethodSpec<P, R> => spec;
}

export type ParamsOf<M> = M extends MethodSpec<infer P, unknown> ? P : never;
export type ResultOf<M> = M extends MethodSpec<unknown[], infer R> ? R : never;

// ----- parameter helpers -------------------------------------------------------------------------

export const int = (name: string, extra: Omit<ParamSpec, "name" | "type"> = {}): ParamSpec => ({
  name,
  type: "int",
  ...extra,
});
export const bool = (name: string, extra: Omit<ParamSpec, "name" | "type"> = {}): ParamSpec => ({
  name,
  type: "bool",
  ...extra,
});
export const str = (name: string, extra: Omit<ParamSpec, "name" | "type"> = {}): ParamSpec => ({
  name,
  type: "string",
  ...extra,
});

/** An `<array>` of `<int>` (`one.user.allocate`'s group IDs). */
export const intList = (name: string, extra: Omit<ParamSpec, "name" | "type"> = {}): ParamSpec => ({
  name,
  type: "int[]",
  ...extra,
});

/**
 * Checks the arguments against the specs and returns the XML-RPC params to send: trailing
 * optional parameters the caller left out are not sent, so oned applies its own defaults.
 */
export function encodeParams(spec: MethodSpec<unknown[], unknown>, args: readonly unknown[]): XmlRpcValue[] {
  const params = spec.params;
  let count = params.length;
  while (count > 0 && params[count - 1]!.optional && args[count - 1] === undefined) count--;
  const out: XmlRpcValue[] = [];
  for (let i = 0; i < count; i++) {
    const param = params[i]!;
    const value = args[i];
    if (value === undefined) {
      throw invalid(
        spec.name,
        param,
        value,
        param.optional ? "must be given when a later parameter is" : "is required",
      );
    }
    out.push(checkParam(spec.name, param, value));
  }
  return out;
}

function checkParam(method: string, param: ParamSpec, value: unknown): XmlRpcValue {
  switch (param.type) {
    case "int":
    case "i8": {
      const limit = param.type === "int" ? 2 ** 31 : 2 ** 53;
      if (typeof value !== "number" || !Number.isInteger(value) || value < -limit || value >= limit) {
        throw invalid(
          method,
          param,
          value,
          param.type === "int" ? "must be a 32-bit integer" : "must be a safe integer",
        );
      }
      if (param.min !== undefined && value < param.min)
        throw invalid(method, param, value, `must be >= ${param.min}`);
      if (param.max !== undefined && value > param.max)
        throw invalid(method, param, value, `must be <= ${param.max}`);
      break;
    }
    case "bool":
      if (typeof value !== "boolean") throw invalid(method, param, value, "must be a boolean");
      break;
    case "string":
      if (typeof value !== "string") throw invalid(method, param, value, "must be a string");
      break;
    case "int[]":
      if (
        !Array.isArray(value) ||
        !value.every((v) => typeof v === "number" && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)
      ) {
        throw invalid(method, param, value, "must be an array of 32-bit integers");
      }
      if (param.min !== undefined && value.some((v: number) => v < param.min!))
        throw invalid(method, param, value, `items must be >= ${param.min}`);
      return [...value] as XmlRpcValue;
  }
  if (param.oneOf !== undefined && !param.oneOf.includes(value as string | number)) {
    throw invalid(
      method,
      param,
      value,
      `must be one of ${param.oneOf.map((v) => JSON.stringify(v)).join(", ")}`,
    );
  }
  return value as XmlRpcValue;
}

function invalid(method: string, param: ParamSpec, value: unknown, reason: string): InvalidRequestError {
  const shown =
    typeof value === "string"
      ? `a string of ${value.length} characters` // never echo strings: a template may hold secrets
      : typeof value === "number" || typeof value === "boolean" || value === undefined || value === null
        ? String(value)
        : typeof value;
  return new InvalidRequestError(`${method}: ${param.name} ${reason} (got ${shown})`, {
    code: "INVALID_PARAM",
  });
}

// ----- response decoders -------------------------------------------------------------------------

function mismatch(context: DecodeContext, reason: string): ResponseValidationError {
  return new ResponseValidationError({
    message: `${context.method}: ${reason}`,
    issues: [{ path: [1], message: reason }],
    code: "XMLRPC_SHAPE",
  });
}

/**
 * An object ID. Lenient (docs/reference/opennebula/ISSUES.md #8): some releases answered `true` where the docs promise the
 * ID; then the `id` argument the call was made with is returned.
 */
export function asId(value: EnvelopeValue, context: DecodeContext): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean" && typeof context.args[0] === "number") return context.args[0];
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  throw mismatch(context, `expected an object ID, got ${describe(value)}`);
}

export function asString(value: EnvelopeValue, context: DecodeContext): string {
  if (value instanceof EscapedXmlText) return value.toString();
  if (typeof value === "string") return value;
  throw mismatch(context, `expected a string, got ${describe(value)}`);
}

/** Parses the XML document in the value into a raw XML object (see parseXmlDocument). */
export function asDocument(value: EnvelopeValue, context: DecodeContext): RawXmlObject {
  try {
    if (value instanceof EscapedXmlText) return value.parseDocument();
    if (typeof value === "string") return parseXmlDocument(value);
  } catch (error) {
    throw new ResponseValidationError({
      message: `${context.method}: malformed XML document: ${(error as Error).message}`,
      issues: [{ path: [1], message: (error as Error).message, code: "XML_SYNTAX" }],
      code: "XML_SYNTAX",
      cause: error,
    });
  }
  throw mismatch(context, `expected an XML document, got ${describe(value)}`);
}

/** The element `root` of the document, validated by `schema` (zod; unknown fields kept). */
export function asModel<S extends z.ZodType>(root: string, schema: S) {
  return (value: EnvelopeValue, context: DecodeContext): z.infer<S> => {
    const body = element(asDocument(value, context), root, context);
    if (context.validate === false) return body as z.infer<S>;
    return validate(schema, body, context, [root]);
  };
}

/**
 * The items of a pool document (`<VM_POOL><VM/>…`), each validated by `itemSchema` (zod; unknown
 * fields kept), always an array. Items are validated one by one and each raw item is dropped as
 * soon as its typed copy exists, so the raw tree and the typed one are not both whole in memory
 * (a 10,000-VM pool). Every item's issues are reported, with paths such as `VM_POOL.VM.3.STATE`.
 */
export function asPool<S extends z.ZodType>(root: string, item: string, itemSchema: S) {
  return (value: EnvelopeValue, context: DecodeContext): z.infer<S>[] => {
    const items = rawList(element(asDocument(value, context), root, context), item);
    if (context.validate === false) return items as z.infer<S>[];
    const out: z.infer<S>[] = new Array(items.length);
    let issues: z.core.$ZodIssue[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const result = itemSchema.safeParse(items[i]);
      (items as unknown[])[i] = undefined;
      if (result.success) out[i] = result.data;
      else {
        issues ??= [];
        for (const issue of result.error.issues) issues.push({ ...issue, path: [item, i, ...issue.path] });
      }
    }
    if (issues !== undefined) throw schemaError(issues, context, [root]);
    return out;
  };
}

/** The items of a raw pool body as an array (none, one or many), unvalidated. */
function rawList(body: RawXmlValue, item: string): RawXmlValue[] {
  if (body === "" || typeof body !== "object" || Array.isArray(body)) return [];
  const items = body[item];
  return items === undefined ? [] : Array.isArray(items) ? items : [items];
}

/**
 * A whole pool body validated by `pool` (for pools that carry more than their items, such as
 * USER_POOL with its QUOTAS); raw when the context says `validate: false`.
 */
export function asPoolDocument<S extends z.ZodType>(root: string, pool: S) {
  return (value: EnvelopeValue, context: DecodeContext): z.infer<S> => {
    const body = element(asDocument(value, context), root, context);
    if (context.validate === false) return (body === "" ? {} : body) as z.infer<S>;
    return validate(pool, body === "" ? {} : body, context, [root]);
  };
}

function element(doc: RawXmlObject, root: string, context: DecodeContext): RawXmlValue {
  const value = doc[root];
  if (value === undefined || !Object.hasOwn(doc, root)) {
    throw mismatch(context, `expected a <${root}> document, got <${Object.keys(doc)[0] ?? "?"}>`);
  }
  return value;
}

function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: DecodeContext,
  prefix: PropertyKey[],
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw schemaError(result.error.issues, context, prefix);
}

function schemaError(
  issues: readonly z.core.$ZodIssue[],
  context: DecodeContext,
  prefix: PropertyKey[],
): ResponseValidationError {
  return new ResponseValidationError({
    message: `${context.method}: the document does not match the schema: ${issues
      .slice(0, 3)
      .map((i) => `${[...prefix, ...i.path].join(".")}: ${i.message}`)
      .join("; ")}`,
    issues: issues.map((i) => ({
      path: [...prefix, ...i.path],
      message: i.message,
      code: i.code,
    })),
  });
}

function describe(value: EnvelopeValue): string {
  if (value === null) return "nil";
  if (value instanceof EscapedXmlText) return "a string";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "base64 data";
  if (value instanceof Date) return "a date";
  return typeof value === "object" ? "a struct" : `${typeof value} ${String(value).slice(0, 40)}`;
}
