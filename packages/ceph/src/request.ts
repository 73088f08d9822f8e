/**
 * Executes an endpoint of a table (endpoint.ts) through core's `request()`:
 * versioned Accept, bearer token (log in on demand, once more after a 401), JSON bodies (POST/PUT
 * always send one: CherryPy answers 411 otherwise), `CephApiError` for any status >= 400,
 * 202 tasks awaited through `/api/task`, and the endpoint's zod schema on the result.
 */
import {
  type HttpErrorMapper,
  parseResponse,
  ResponseValidationError,
  request,
  type SafeParseSchema,
  type TransportResponse,
  withReauth,
} from "@homelab-kit/core";
import type { Session } from "./auth.js";
import type { CallContext, CallResult, CephCallOptions, ResolvedOptions } from "./context.js";
import {
  type Endpoint,
  type EndpointInput,
  type EndpointResult,
  endpointKey,
  endpointUrl,
  mediaType,
} from "./endpoint.js";
import { CephApiError } from "./errors.js";
import { TaskRef } from "./schemas/task.js";
import { waitForTask } from "./tasks.js";

/** Maps a response with status >= 400 to a `CephApiError`. */
export function cephHttpError(version: string): HttpErrorMapper {
  return (response, req) =>
    response.status >= 400
      ? new CephApiError({ request: req, response, requestedVersion: version })
      : undefined;
}

/** Parses a JSON body; an empty body (204, or 201 without content) is `undefined`. */
export function decodeJson(response: TransportResponse, method: string, url: string): unknown {
  if (response.body.byteLength === 0) return undefined;
  const text = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString(
    "utf8",
  );
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResponseValidationError({
      issues: [{ path: [], message: `the body is not JSON (status ${response.status})` }],
      method,
      url,
      cause: error,
    });
  }
}

export function parseBody<T>(schema: SafeParseSchema<T>, value: unknown, method: string, url: string): T {
  return parseResponse(schema, value, { method, url });
}

export function createCallContext(options: ResolvedOptions, session: Session): CallContext {
  async function send(
    endpoint: Endpoint,
    url: string,
    version: string,
    body: string | undefined,
    call: CephCallOptions,
    token: string | undefined,
  ) {
    const headers: Record<string, string> = { accept: mediaType(version) };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return request(
      options.transport,
      { method: endpoint.method, url, headers, body },
      {
        signal: call.signal,
        timeout: call.timeout,
        retry: call.retry,
        defaults: options.defaults,
        httpError: cephHttpError(version),
      },
    );
  }

  async function callRaw<E extends Endpoint>(
    endpoint: E,
    input: EndpointInput = {},
    call: CephCallOptions = {},
  ): Promise<CallResult<EndpointResult<E>>> {
    const url = endpointUrl(options.baseUrl, endpoint, input);
    const version = options.apiVersions[endpointKey(endpoint)] ?? endpoint.version;
    const body =
      endpoint.method === "POST" || endpoint.method === "PUT" ? JSON.stringify(input.body ?? {}) : undefined;
    // One fresh login after a 401 (expired, revoked, or the user's tokens invalidated).
    const response = await withReauth(session.reauthPolicy(call), (token) =>
      send(endpoint, url, version, body, call, token),
    );
    let data = decodeJson(response, endpoint.method, url);
    if (response.status === 202 && endpoint.task) {
      const ref = parseBody(TaskRef, data, endpoint.method, url);
      data = await waitForTask(context, ref, {
        ...call.task,
        timeout: call.task?.timeout ?? options.taskTimeout,
        signal: call.signal,
      });
    }
    const result =
      endpoint.response === undefined
        ? undefined
        : options.validate
          ? parseBody(endpoint.response, data, endpoint.method, url)
          : data;
    return { data: result as EndpointResult<E>, status: response.status, headers: response.headers };
  }

  const context: CallContext = {
    callRaw,
    call: async (endpoint, input, call) => (await callRaw(endpoint, input, call)).data,
  };
  return context;
}
