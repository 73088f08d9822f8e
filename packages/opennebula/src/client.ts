import {
  type CallOptions,
  InvalidRequestError,
  ResponseValidationError,
  request,
  type Transport,
  undiciTransport,
} from "@homelab-kit/core";
import {
  asString,
  type DecodeContext,
  encodeParams,
  type MethodSpec,
  type ParamsOf,
  type ResultOf,
} from "./methods/define.js";
import { vmMethods } from "./methods/vm.js";
import { vmPoolMethods } from "./methods/vmpool.js";
import type { Vm, VmSummary } from "./models/vm.js";
import {
  compareVersions,
  type OpenNebulaCallOptions,
  type OpenNebulaClientOptions,
  resolveOptions,
} from "./options.js";
import { createSession } from "./session.js";
import { encodeMethodCall } from "./xmlrpc/encode.js";
import { decodeOpenNebulaResponse, type EnvelopeValue } from "./xmlrpc/envelope.js";
import { EscapedXmlText } from "./xmlrpc/escaped-text.js";
import type { XmlRpcValue } from "./xmlrpc/types.js";

type AnySpec = MethodSpec<unknown[], unknown>;

/** A method of the table as the client exposes it: its parameters, then `{signal, timeout, retry}`. */
export type BoundMethod<M> = (...args: [...ParamsOf<M>, OpenNebulaCallOptions?]) => Promise<ResultOf<M>>;
export type BoundMethods<T> = { [K in keyof T]: BoundMethod<T[K]> };

export interface VmPoolIterateOptions {
  /** Whose VMs (a {@link PoolFilter} value or a UID); required, there is no hidden default. */
  filter: number;
  /** A {@link VmStateFilter} value (default `NOT_DONE`, -1). */
  state?: number | undefined;
  /** VMs per call (default 200, as the OCAs' `ONE_POOL_PAGE_SIZE`). */
  pageSize?: number | undefined;
  /** The `json_query` filter (MySQL backends only). */
  query?: string | undefined;
}

export interface VmPoolIterators {
  /**
   * Every VM of the filter, page by page (`one.vmpool.info(filter, offset, -pageSize, state)`,
   * the OCAs' protocol), until a page comes back short. Pages follow oned's order (newest
   * first by default); VMs created or deleted while iterating can shift the pages.
   */
  iterate(options: VmPoolIterateOptions, callOptions?: OpenNebulaCallOptions): AsyncGenerator<VmSummary>;
  /** Like `iterate`, with full VM bodies (`one.vmpool.infoextended`). */
  iterateExtended(options: VmPoolIterateOptions, callOptions?: OpenNebulaCallOptions): AsyncGenerator<Vm>;
}

export interface OpenNebulaClient {
  /** `one.vm.*`: `one.vm.info(42)`, `one.vm.action("poweroff", 42)`, … */
  readonly vm: BoundMethods<typeof vmMethods>;
  /** `one.vmpool.*`, and pagination as async iterators. */
  readonly vmpool: BoundMethods<typeof vmPoolMethods> & VmPoolIterators;
  /**
   * Calls any method by its raw name with the given params (after the session). Returns the
   * value of `[true, value, 0]`; errors as the typed methods. Not retried unless `idempotent`.
   */
  call(
    method: `one.${string}`,
    params?: readonly XmlRpcValue[],
    options?: OpenNebulaCallOptions & { idempotent?: boolean },
  ): Promise<XmlRpcValue>;
  /** The server's release (`one.system.version`), or the `version` option; asked once. */
  version(options?: OpenNebulaCallOptions): Promise<string>;
  /** Closes the transport the client created and forgets the session's redaction. */
  close(): Promise<void>;
}

/**
 * Creates an OpenNebula XML-RPC client.
 *
 * ```ts
 * const one = createOpenNebulaClient({ url: "http://frontend:2633/RPC2", username: "oneadmin", password });
 * const vm = await one.vm.info(42);
 * for await (const summary of one.vmpool.iterate({ filter: PoolFilter.ALL })) console.log(summary.NAME);
 * ```
 */
export function createOpenNebulaClient(options: OpenNebulaClientOptions): OpenNebulaClient {
  const resolved = resolveOptions(options);
  const session = createSession(resolved.username, resolved.secret);
  const owned = resolved.transport === undefined ? undiciTransport() : undefined;
  const transport: Transport = resolved.transport ?? owned!;
  const headers = {
    ...resolved.headers,
    "content-type": "text/xml",
    "user-agent": "homelab-kit-opennebula",
  };
  let versionPromise: Promise<string> | undefined =
    resolved.version === undefined ? undefined : Promise.resolve(resolved.version);
  let closed = false;

  async function send(
    name: string,
    params: readonly XmlRpcValue[],
    idempotent: boolean,
    long: boolean,
    callOptions: CallOptions | undefined,
  ): Promise<EnvelopeValue> {
    if (closed) throw new InvalidRequestError(`${name}: the client is closed`, { code: "CLIENT_CLOSED" });
    let body: string;
    try {
      body = encodeMethodCall(name, [session.value, ...params]);
    } catch (error) {
      // e.g. a control character in a template: XML cannot carry it
      throw new InvalidRequestError(`${name}: ${(error as Error).message}`, {
        code: "INVALID_PARAM",
        cause: error,
      });
    }
    const response = await request(
      transport,
      { method: "POST", url: resolved.url, headers, body, idempotent },
      {
        signal: callOptions?.signal,
        timeout: callOptions?.timeout ?? (long ? resolved.poolTimeout : undefined),
        retry: callOptions?.retry,
        defaults: resolved.defaults,
      },
    );
    if (response.body.byteLength > resolved.maxResponseBytes) {
      throw new ResponseValidationError({
        message: `${name}: response of ${response.body.byteLength} bytes exceeds maxResponseBytes (${resolved.maxResponseBytes})`,
        issues: [{ path: [], message: "response too large" }],
        code: "RESPONSE_TOO_LARGE",
      });
    }
    return decodeOpenNebulaResponse(response.body, name);
  }

  function version(callOptions?: OpenNebulaCallOptions): Promise<string> {
    if (versionPromise === undefined) {
      const context: DecodeContext = { method: "one.system.version", args: [] };
      versionPromise = send(context.method, [], true, false, callOptions).then((value) =>
        asString(value, context),
      );
      // A failed detection is not cached: the next call asks again.
      versionPromise.catch(() => {
        versionPromise = undefined;
      });
    }
    return versionPromise;
  }

  async function checkVersion(spec: AnySpec, args: readonly unknown[], callOptions: CallOptions | undefined) {
    const needs: Array<[string, string]> = [];
    if (spec.since !== undefined) needs.push([spec.name, spec.since]);
    spec.params.forEach((param, i) => {
      if (param.since !== undefined && args[i] !== undefined)
        needs.push([`${spec.name} ${param.name}`, param.since]);
    });
    if (needs.length === 0) return;
    // 6.0 and older features are assumed (DESIGN.md §8 targets 6.10 and 7.x) unless the version is known.
    if (versionPromise === undefined && needs.every(([, since]) => compareVersions(since, "6.0") <= 0))
      return;
    const server = await version(callOptions);
    for (const [what, since] of needs) {
      if (compareVersions(server, since) < 0) {
        throw new InvalidRequestError(
          `${what} needs OpenNebula ${since} or later; the server runs ${server}`,
          {
            code: "UNSUPPORTED_BY_SERVER",
          },
        );
      }
    }
  }

  async function invoke(spec: AnySpec, allArgs: unknown[]): Promise<unknown> {
    const args = allArgs.slice(0, spec.params.length);
    const callOptions = allArgs[spec.params.length] as CallOptions | undefined;
    const params = encodeParams(spec, args);
    await checkVersion(spec, args, callOptions);
    const value = await send(spec.name, params, spec.idempotent, spec.long === true, callOptions);
    return spec.decode(value, { method: spec.name, args });
  }

  function bind<T extends Record<string, AnySpec>>(table: T): BoundMethods<T> {
    const bound: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(table)) {
      bound[key] = (...args: unknown[]) => invoke(spec, args);
    }
    return bound as BoundMethods<T>;
  }

  async function* pages<T>(
    spec: AnySpec,
    iterate: VmPoolIterateOptions,
    callOptions: CallOptions | undefined,
  ): AsyncGenerator<T> {
    const pageSize = iterate.pageSize ?? 200;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2 ** 30) {
      throw new InvalidRequestError(`${spec.name}: pageSize must be an integer >= 1`, {
        code: "INVALID_PARAM",
      });
    }
    for (let offset = 0; ; offset += pageSize) {
      const page = (await invoke(spec, [
        iterate.filter,
        offset,
        -pageSize,
        iterate.state ?? -1,
        iterate.query,
        callOptions,
      ])) as T[];
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  const vmpool = Object.assign(bind(vmPoolMethods as unknown as Record<string, AnySpec>), {
    iterate: (o: VmPoolIterateOptions, c?: CallOptions) =>
      pages<VmSummary>(vmPoolMethods.info as AnySpec, o, c),
    iterateExtended: (o: VmPoolIterateOptions, c?: CallOptions) =>
      pages<Vm>(vmPoolMethods.infoextended as AnySpec, o, c),
  });

  return {
    vm: bind(vmMethods as unknown as Record<string, AnySpec>) as unknown as BoundMethods<typeof vmMethods>,
    vmpool: vmpool as unknown as OpenNebulaClient["vmpool"],
    async call(name, params = [], callOptions) {
      if (typeof name !== "string" || !/^one\.[a-z_]+\.[a-z_]+$/.test(name)) {
        throw new InvalidRequestError(`call: invalid method name ${JSON.stringify(String(name))}`, {
          code: "INVALID_PARAM",
        });
      }
      const value = await send(name, params, callOptions?.idempotent === true, false, callOptions);
      return value instanceof EscapedXmlText ? value.toString() : value;
    },
    version,
    async close() {
      if (closed) return;
      closed = true;
      session.dispose();
      await owned?.close();
    },
  };
}
