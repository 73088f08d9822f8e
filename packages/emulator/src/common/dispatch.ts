import { validateHeaderName, validateHeaderValue } from "node:http";
import { JsonBodyError, parseJsonBody } from "./json-body.js";
import {
  type ConnectionEnd,
  type Route,
  RouteError,
  type RouteHead,
  type RouteRequest,
  type RouteResponse,
} from "./route-table.js";
import type { CompiledRoutes } from "./router.js";

/** What a front end (socket server, in-process transport, msw) knows about a request before the body. */
export interface RequestHead {
  method: string;
  /** Request target: path plus optional `?query`. */
  target: string;
  /** Lower-case names, repeated values joined with ", ". */
  headers: Record<string, string>;
  /** The socket the request arrived on (socket front ends only): read for `RouteRequest.local` and `.remote`. */
  connection?: {
    readonly localAddress?: string | undefined;
    readonly localPort?: number | undefined;
    readonly remoteAddress?: string | undefined;
    readonly remotePort?: number | undefined;
  };
}

/** Everything a handler call needs, produced by {@link resolve}. */
export type Resolution =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "answer"; response: RouteResponse };

/** Default largest request body: 1 MiB (a route sized for more sets its own `bodyLimit`). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
const NEVER_ABORTED = new AbortController().signal;
const textDecoder = new TextDecoder();

/** Matches a request against the table: a route to call, or the 404/405 to answer. */
export function resolve(routes: CompiledRoutes, head: RequestHead): Resolution {
  const match = routes.match(head.method, head.target);
  if (match.kind === "found") return { kind: "route", route: match.route, params: match.params };
  const path = clipText(pathOf(head.target));
  if (match.kind === "method-not-allowed") {
    return {
      kind: "answer",
      response: {
        status: 405,
        headers: { allow: match.allow.join(", ") },
        body: { error: "Method Not Allowed", method: head.method, path },
      },
    };
  }
  return { kind: "answer", response: { status: 404, body: { error: "Not Found", path } } };
}

/** The 413 every front end gives for a body over the limit. */
export function payloadTooLarge(limit: number): RouteResponse {
  return {
    status: 413,
    body: { error: "Payload Too Large", limit },
  };
}

/**
 * Runs the route's `beforeBody` check on the head (nothing of the body is needed or read): its
 * answer, or undefined to go on. A throwing check answers as a throwing handler does.
 */
export function checkHead(
  route: Route,
  params: Record<string, string>,
  head: RequestHead,
  onError?: (error: unknown) => void,
): RouteResponse | undefined {
  if (route.beforeBody === undefined) return undefined;
  const queryStart = head.target.indexOf("?");
  const view: RouteHead = {
    method: head.method,
    path: queryStart === -1 ? head.target : head.target.slice(0, queryStart),
    params,
    headers: head.headers,
  };
  try {
    const answer = route.beforeBody(view);
    if (answer === undefined) return undefined;
    const problem = responseProblem(answer);
    return problem === undefined ? answer : errorResponse(new InvalidResponseError(problem), onError);
  } catch (error) {
    return errorResponse(error, onError);
  }
}

/**
 * Calls the handler. Never rejects: a {@link RouteError} becomes its status and body, any other
 * exception a 500 with the error's name and message (never its stack). A synchronous handler's
 * answer comes back synchronously (no promise on the hot path).
 */
export function invoke(
  route: Route,
  params: Record<string, string>,
  head: RequestHead,
  body: Uint8Array,
  signal: AbortSignal | (() => AbortSignal) | undefined,
  onError?: (error: unknown) => void,
): RouteResponse | Promise<RouteResponse> {
  let result: RouteResponse | Promise<RouteResponse>;
  try {
    result = route.handler(createRequest(head, params, body, signal));
    if (!isPromiseLike(result)) return checkResponse(result);
  } catch (error) {
    return errorResponse(error, onError);
  }
  return Promise.resolve(result).then(checkResponse, (error: unknown) => errorResponse(error, onError));

  function checkResponse(response: RouteResponse): RouteResponse {
    const problem = responseProblem(response);
    return problem === undefined ? response : errorResponse(new InvalidResponseError(problem), onError);
  }
}

/** A handler answered with something no front end can send. */
export class InvalidResponseError extends TypeError {
  override readonly name = "InvalidResponse";
}

/**
 * What is wrong with a handler's answer, checked once here so that every front end refuses the
 * same answers (node:http would throw on some, fetch's Response on others).
 */
function responseProblem(response: unknown): string | undefined {
  if (typeof response !== "object" || response === null)
    return `handler returned ${response === null ? "null" : typeof response}, not a response object`;
  const { status, statusText, headers, rawHeaders } = response as RouteResponse;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    return `status ${String(status)} is not an integer from 200 to 599`;
  }
  if (statusText !== undefined && /[\r\n]/.test(statusText)) return "statusText contains a line break";
  try {
    if (headers !== undefined) {
      for (const name of Object.keys(headers)) {
        validateHeaderName(name);
        const value = headers[name];
        if (value === undefined) continue;
        for (const item of typeof value === "string" ? [value] : value) validateHeaderValue(name, item);
      }
    }
    if (rawHeaders !== undefined) {
      for (const [name, value] of rawHeaders) {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      }
    }
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

function errorResponse(error: unknown, onError: ((error: unknown) => void) | undefined): RouteResponse {
  if (
    error instanceof RouteError &&
    Number.isInteger(error.status) &&
    error.status >= 200 &&
    error.status <= 599
  ) {
    return { status: error.status, body: error.body };
  }
  onError?.(error);
  const name = error instanceof Error ? error.name : "Error";
  const message = clipText(error instanceof Error ? error.message : String(error));
  return { status: 500, body: { error: "Internal Server Error", name, message } };
}

export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/** Builds the plain request a handler sees; query parsing and the abort signal are lazy. */
export function createRequest(
  head: RequestHead,
  params: Record<string, string>,
  body: Uint8Array,
  signal: AbortSignal | (() => AbortSignal) | undefined,
): RouteRequest {
  return new LazyRequest(head, params, body, signal);
}

/**
 * The request object: plain fields plus prototype getters and methods, so that a request costs
 * one allocation on the hot path (no per-request closures, no query parsing unless asked).
 */
class LazyRequest implements RouteRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  #rawQuery: string;
  #connection: RequestHead["connection"];
  #signalSource: AbortSignal | (() => AbortSignal) | undefined;
  #searchParams: URLSearchParams | undefined;
  #query: Readonly<Record<string, string>> | undefined;
  #signal: AbortSignal | undefined;

  constructor(
    head: RequestHead,
    params: Record<string, string>,
    body: Uint8Array,
    signal: AbortSignal | (() => AbortSignal) | undefined,
  ) {
    const queryStart = head.target.indexOf("?");
    this.method = head.method;
    this.path = queryStart === -1 ? head.target : head.target.slice(0, queryStart);
    this.params = params;
    this.headers = head.headers;
    this.body = body;
    this.#rawQuery = queryStart === -1 ? "" : head.target.slice(queryStart + 1);
    this.#connection = head.connection;
    this.#signalSource = signal;
  }

  get searchParams(): URLSearchParams {
    this.#searchParams ??= new URLSearchParams(this.#rawQuery);
    return this.#searchParams;
  }

  get query(): Readonly<Record<string, string>> {
    this.#query ??= this.#rawQuery === "" ? EMPTY : Object.fromEntries(this.searchParams);
    return this.#query;
  }

  get local(): ConnectionEnd | undefined {
    const socket = this.#connection;
    if (socket?.localPort === undefined) return undefined;
    return { address: socket.localAddress ?? "", port: socket.localPort };
  }

  get remote(): ConnectionEnd | undefined {
    const socket = this.#connection;
    if (socket?.remotePort === undefined) return undefined;
    return { address: socket.remoteAddress ?? "", port: socket.remotePort };
  }

  get signal(): AbortSignal {
    const source = this.#signalSource;
    this.#signal ??= typeof source === "function" ? source() : (source ?? NEVER_ABORTED);
    return this.#signal;
  }

  text(): string {
    return textDecoder.decode(this.body);
  }

  json<T = unknown>(): T {
    try {
      return parseJsonBody(textDecoder.decode(this.body)) as T;
    } catch (error) {
      if (!(error instanceof JsonBodyError)) throw error;
      throw new RouteError(
        400,
        error.kind === "budget"
          ? `request body is over the JSON budget: ${error.message}`
          : `request body is not valid JSON: ${error.message}`,
      );
    }
  }
}

/** Longest text of a request an answer repeats (paths, messages): answers never echo unbounded input. */
export const MAX_ECHO_CHARS = 1024;

/** `text`, cut to {@link MAX_ECHO_CHARS} with a marker saying how long it was. */
export function clipText(text: string, max = MAX_ECHO_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function pathOf(target: string): string {
  const queryStart = target.indexOf("?");
  return queryStart === -1 ? target : target.slice(0, queryStart);
}
