import {
  type CallOptions,
  InvalidRequestError,
  ResponseTooLargeError,
  registerSecret,
  request,
  type Transport,
  undiciTransport,
  withReauth,
} from "@homelab-kit/core";
import { aclMethods } from "./methods/acl.js";
import { clusterMethods, clusterPoolMethods } from "./methods/cluster.js";
import { datastoreMethods, datastorePoolMethods } from "./methods/datastore.js";
import {
  asString,
  type DecodeContext,
  encodeParams,
  type MethodSpec,
  type ParamsOf,
  type ResultOf,
} from "./methods/define.js";
import { groupMethods, groupPoolMethods } from "./methods/group.js";
import { hostMethods, hostPoolMethods } from "./methods/host.js";
import { imageMethods, imagePoolMethods } from "./methods/image.js";
import type { PoolFilterFlag } from "./methods/params.js";
import { secgroupMethods, secgroupPoolMethods } from "./methods/secgroup.js";
import { systemMethods } from "./methods/system.js";
import { templateMethods, templatePoolMethods } from "./methods/template.js";
import { userMethods, userPoolMethods } from "./methods/user.js";
import { vmMethods } from "./methods/vm.js";
import { vmgroupMethods, vmgroupPoolMethods } from "./methods/vmgroup.js";
import { vmPoolMethods } from "./methods/vmpool.js";
import { vnMethods, vnPoolMethods } from "./methods/vn.js";
import type { Image } from "./models/image.js";
import type { SecurityGroup } from "./models/security-group.js";
import type { Vm, VmSummary } from "./models/vm.js";
import type { VmGroup } from "./models/vm-group.js";
import type { VmTemplate } from "./models/vm-template.js";
import type { VnetSummary } from "./models/vnet.js";
import {
  compareVersions,
  type OpenNebulaCallOptions,
  type OpenNebulaClientOptions,
  resolveOptions,
} from "./options.js";
import { createSession, createTokenSession, MIN_STANDALONE_SECRET, type TokenSession } from "./session.js";
import { type VmStatus, type VmWaitOptions, waitForVm } from "./wait.js";
import { encodeMethodCall } from "./xmlrpc/encode.js";
import { decodeOpenNebulaResponse, type EnvelopeValue } from "./xmlrpc/envelope.js";
import { EscapedXmlText } from "./xmlrpc/escaped-text.js";
import type { XmlRpcValue } from "./xmlrpc/types.js";

type AnySpec = MethodSpec<unknown[], unknown>;

/** A method of the table as the client exposes it: its parameters, then `{signal, timeout, retry}`. */
export type BoundMethod<M> = (...args: [...ParamsOf<M>, OpenNebulaCallOptions?]) => Promise<ResultOf<M>>;
export type BoundMethods<T> = { [K in keyof T]: BoundMethod<T[K]> };

export interface VmPoolIterateOptions extends PoolIterateOptions {
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

export interface PoolIterateOptions {
  /** Whose objects (a {@link PoolFilter} value or a UID); required, there is no hidden default. */
  filter: PoolFilterFlag;
  /** Objects per call (default 200, as the OCAs' `ONE_POOL_PAGE_SIZE`). */
  pageSize?: number | undefined;
}

export interface PoolIterator<T> {
  /**
   * Every object of the filter, page by page (`info(filter, offset, -pageSize)`), until a page
   * comes back short. Pages follow oned's order (newest first by default).
   */
  iterate(options: PoolIterateOptions, callOptions?: OpenNebulaCallOptions): AsyncGenerator<T>;
}

export interface VmHelpers {
  /**
   * Polls `one.vm.info(id)` (backoff 0.5 s ×1.5 up to 5 s, default timeout 300 s) until
   * `predicate` accepts the VM's {@link VmStatus}, and returns that status:
   * `await one.vm.waitFor(42, (s) => s.lcmState === "RUNNING", { timeout: 600_000 })`.
   * Fails fast with a `VmWaitError` when the VM reaches a failure LCM state, CLONING_FAILURE or
   * DONE that the predicate does not accept; with `TimeoutError` at the deadline.
   */
  waitFor(id: number, predicate: (status: VmStatus) => boolean, options?: VmWaitOptions): Promise<VmStatus>;
}

export interface OpenNebulaClient {
  /** `one.vm.*`: `one.vm.info(42)`, `one.vm.action("poweroff", 42)`, `one.vm.waitFor(42, …)`. */
  readonly vm: BoundMethods<typeof vmMethods> & VmHelpers;
  /** `one.vmpool.*`, and pagination as async iterators. */
  readonly vmpool: BoundMethods<typeof vmPoolMethods> & VmPoolIterators;
  /** `one.template.*` (VM templates): `one.template.instantiate(5, "web-1")`. */
  readonly template: BoundMethods<typeof templateMethods>;
  readonly templatepool: BoundMethods<typeof templatePoolMethods> & PoolIterator<VmTemplate>;
  readonly host: BoundMethods<typeof hostMethods>;
  readonly hostpool: BoundMethods<typeof hostPoolMethods>;
  readonly image: BoundMethods<typeof imageMethods>;
  readonly imagepool: BoundMethods<typeof imagePoolMethods> & PoolIterator<Image>;
  readonly datastore: BoundMethods<typeof datastoreMethods>;
  readonly datastorepool: BoundMethods<typeof datastorePoolMethods>;
  /** `one.vn.*` (virtual networks, address ranges, leases). */
  readonly vn: BoundMethods<typeof vnMethods>;
  readonly vnpool: BoundMethods<typeof vnPoolMethods> & PoolIterator<VnetSummary>;
  readonly secgroup: BoundMethods<typeof secgroupMethods>;
  readonly secgrouppool: BoundMethods<typeof secgroupPoolMethods> & PoolIterator<SecurityGroup>;
  /** `one.user.*`, among them `login` (tokens; see the client's `login` option). */
  readonly user: BoundMethods<typeof userMethods>;
  readonly userpool: BoundMethods<typeof userPoolMethods>;
  readonly group: BoundMethods<typeof groupMethods>;
  readonly grouppool: BoundMethods<typeof groupPoolMethods>;
  readonly cluster: BoundMethods<typeof clusterMethods>;
  readonly clusterpool: BoundMethods<typeof clusterPoolMethods>;
  readonly vmgroup: BoundMethods<typeof vmgroupMethods>;
  readonly vmgrouppool: BoundMethods<typeof vmgroupPoolMethods> & PoolIterator<VmGroup>;
  readonly acl: BoundMethods<typeof aclMethods>;
  readonly system: BoundMethods<typeof systemMethods>;
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

  const tokens: TokenSession | undefined =
    resolved.login === undefined
      ? undefined
      : createTokenSession({
          username: resolved.username,
          ttl: resolved.login.ttl,
          renewBefore: resolved.login.renewBefore,
          login: () => {
            const { ttl, egid } = resolved.login!;
            const context: DecodeContext = { method: "one.user.login", args: [] };
            return sendAs(
              session.value,
              context.method,
              [resolved.username, "", ttl, egid],
              false,
              false,
              undefined,
            ).then((value) => asString(value, context));
          },
        });

  async function send(
    name: string,
    params: readonly XmlRpcValue[],
    idempotent: boolean,
    long: boolean,
    callOptions: CallOptions | undefined,
  ): Promise<EnvelopeValue> {
    if (tokens === undefined) return sendAs(session.value, name, params, idempotent, long, callOptions);
    if (closed) throw new InvalidRequestError(`${name}: the client is closed`, { code: "CLIENT_CLOSED" });
    // oned refused the token (revoked, or expired early): log in again and send once more. The
    // call was not run, so even a mutation is safe to resend.
    return withReauth(tokens, (current) => sendAs(current, name, params, idempotent, long, callOptions));
  }

  async function sendAs(
    sessionValue: string,
    name: string,
    params: readonly XmlRpcValue[],
    idempotent: boolean,
    long: boolean,
    callOptions: CallOptions | undefined,
  ): Promise<EnvelopeValue> {
    if (closed) throw new InvalidRequestError(`${name}: the client is closed`, { code: "CLIENT_CLOSED" });
    let body: string;
    try {
      body = encodeMethodCall(name, [sessionValue, ...params]);
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
      throw new ResponseTooLargeError({
        message: `${name}: response of ${response.body.byteLength} bytes exceeds maxResponseBytes (${resolved.maxResponseBytes})`,
        limit: resolved.maxResponseBytes,
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
    // 6.0 and older features are assumed (docs/DESIGN.md §8 targets 6.10 and 7.x) unless the version is known.
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
    // Passwords and tokens given as parameters are redacted from any error of this call.
    const unregister = spec.params.flatMap((param, i) =>
      param.secret === true &&
      typeof args[i] === "string" &&
      (args[i] as string).length >= MIN_STANDALONE_SECRET
        ? [registerSecret(args[i] as string)]
        : [],
    );
    try {
      const value = await send(spec.name, params, spec.idempotent, spec.long === true, callOptions);
      return spec.decode(value, { method: spec.name, args, validate: resolved.validate });
    } finally {
      for (const remove of unregister) remove();
    }
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
    iterate: PoolIterateOptions,
    callOptions: CallOptions | undefined,
    extra: readonly unknown[] = [],
  ): AsyncGenerator<T> {
    if (iterate === null || typeof iterate !== "object") {
      throw new InvalidRequestError(`${spec.name}: iterate needs {filter, pageSize?}`, {
        code: "INVALID_PARAM",
      });
    }
    const pageSize = iterate.pageSize ?? 200;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2 ** 30) {
      throw new InvalidRequestError(`${spec.name}: pageSize must be an integer >= 1`, {
        code: "INVALID_PARAM",
      });
    }
    for (let offset = 0; ; offset += pageSize) {
      const args = [iterate.filter, offset, -pageSize, ...extra];
      while (args.length < spec.params.length) args.push(undefined);
      const page = (await invoke(spec, [...args, callOptions])) as T[];
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  const vmExtras = (o: VmPoolIterateOptions) => [o?.state ?? -1, o?.query];
  const vmpool = Object.assign(bind(vmPoolMethods as unknown as Record<string, AnySpec>), {
    iterate: (o: VmPoolIterateOptions, c?: CallOptions) =>
      pages<VmSummary>(vmPoolMethods.info as AnySpec, o, c, vmExtras(o)),
    iterateExtended: (o: VmPoolIterateOptions, c?: CallOptions) =>
      pages<Vm>(vmPoolMethods.infoextended as AnySpec, o, c, vmExtras(o)),
  });

  /** A filtered pool's methods plus `iterate` over its `info`. */
  function paged<T extends { info: unknown }, Item>(table: T): BoundMethods<T> & PoolIterator<Item> {
    return Object.assign(bind(table as unknown as Record<string, AnySpec>), {
      iterate: (o: PoolIterateOptions, c?: CallOptions) => pages<Item>(table.info as AnySpec, o, c),
    }) as unknown as BoundMethods<T> & PoolIterator<Item>;
  }
  const plain = <T>(table: T) =>
    bind(table as unknown as Record<string, AnySpec>) as unknown as BoundMethods<T>;

  const vm = Object.assign(plain(vmMethods), {
    waitFor: (id: number, predicate: (status: VmStatus) => boolean, options?: VmWaitOptions) =>
      waitForVm(
        (vmId, callOptions) =>
          invoke(vmMethods.info as AnySpec, [vmId, undefined, callOptions]) as Promise<Vm>,
        id,
        predicate,
        options,
      ),
  });

  return {
    vm,
    vmpool: vmpool as unknown as OpenNebulaClient["vmpool"],
    template: plain(templateMethods),
    templatepool: paged<typeof templatePoolMethods, VmTemplate>(templatePoolMethods),
    host: plain(hostMethods),
    hostpool: plain(hostPoolMethods),
    image: plain(imageMethods),
    imagepool: paged<typeof imagePoolMethods, Image>(imagePoolMethods),
    datastore: plain(datastoreMethods),
    datastorepool: plain(datastorePoolMethods),
    vn: plain(vnMethods),
    vnpool: paged<typeof vnPoolMethods, VnetSummary>(vnPoolMethods),
    secgroup: plain(secgroupMethods),
    secgrouppool: paged<typeof secgroupPoolMethods, SecurityGroup>(secgroupPoolMethods),
    user: plain(userMethods),
    userpool: plain(userPoolMethods),
    group: plain(groupMethods),
    grouppool: plain(groupPoolMethods),
    cluster: plain(clusterMethods),
    clusterpool: plain(clusterPoolMethods),
    vmgroup: plain(vmgroupMethods),
    vmgrouppool: paged<typeof vmgroupPoolMethods, VmGroup>(vmgroupPoolMethods),
    acl: plain(aclMethods),
    system: plain(systemMethods),
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
      tokens?.dispose();
      await owned?.close();
    },
  };
}
