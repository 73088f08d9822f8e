/**
 * `createCephClient(options)`: the Ceph Manager Dashboard REST API as plain objects grouped by
 * resource (`ceph.pools.list()`, `ceph.rbd.images.create(…)`), each method taking a last
 * `{signal, timeout, retry, task}` argument.
 */
import {
  type CallOptions,
  checkWellFormed,
  registerSecret,
  type TlsOptions,
  type Transport,
  undiciTransport,
} from "@homelab-kit/core";
import { Session } from "./auth.js";
import type { CephCallOptions, ResolvedOptions } from "./context.js";
import { authEndpoints } from "./endpoints/auth.js";
import {
  clusterConfigResource,
  crushRulesResource,
  erasureCodeProfilesResource,
  mgrModulesResource,
} from "./endpoints/cluster.js";
import { healthResource, summaryResource } from "./endpoints/health.js";
import { hostsResource } from "./endpoints/host.js";
import { monitorsResource } from "./endpoints/monitor.js";
import { osdsResource } from "./endpoints/osd.js";
import { poolsResource } from "./endpoints/pool.js";
import { rbdImagesResource } from "./endpoints/rbd-image.js";
import { rbdSnapshotsResource } from "./endpoints/rbd-snapshot.js";
import { rbdTrashResource } from "./endpoints/rbd-trash.js";
import { tasksResource } from "./endpoints/task.js";
import { createCallContext } from "./request.js";
import type { AuthResult } from "./schemas/auth.js";
import { type WaitForTaskOptions, waitForTask } from "./tasks.js";

export interface CephClientOptions {
  /** The dashboard's base URL: `https://ceph-mgr:8443` (or `http://127.0.0.1:8080` without TLS). */
  baseUrl: string;
  /** Dashboard user; with `password`, the client logs in by itself and again when the token expires. */
  username?: string;
  password?: string;
  /** An existing JWT instead of (or before) a login. */
  token?: string;
  /** Default: core's `undiciTransport({tls})`, closed by `client.close()`. */
  transport?: Transport;
  /** TLS options of the default transport (CA of a self-signed dashboard certificate, …). */
  tls?: TlsOptions;
  /** Defaults for every call: `{timeout, retry, signal}`. */
  defaults?: CallOptions;
  /** Validate responses with the zod schemas (default `true`). */
  validate?: boolean;
  /**
   * Accept versions that differ from Pacific's OpenAPI document, keyed `"METHOD /path/{param}"`:
   * `{"GET /api/host": "1.2"}` for a newer release (see README, "Versions").
   */
  apiVersions?: Record<string, string>;
  /** Longest wait for a 202 task, ms (default 120 000); per call: `{task: {timeout}}`. */
  taskTimeout?: number;
}

export function createCephClient(options: CephClientOptions) {
  if (typeof options?.baseUrl !== "string" || !/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError("createCephClient: baseUrl must be an http(s) URL");
  }
  if ((options.username === undefined) !== (options.password === undefined)) {
    throw new TypeError("createCephClient: give both username and password, or neither");
  }
  if (options.username !== undefined) checkWellFormed(options.username, "createCephClient: username");
  if (options.password !== undefined) checkWellFormed(options.password, "createCephClient: password");
  const owned = options.transport === undefined ? undiciTransport({ tls: options.tls }) : undefined;
  const resolved: ResolvedOptions = {
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    transport: options.transport ?? (owned as Transport),
    defaults: options.defaults ?? {},
    validate: options.validate ?? true,
    apiVersions: { ...options.apiVersions },
    taskTimeout: options.taskTimeout ?? 120_000,
  };
  const unregisterPassword = options.password === undefined ? () => {} : registerSecret(options.password);
  const credentials =
    options.username !== undefined && options.password !== undefined
      ? { username: options.username, password: options.password }
      : undefined;
  const session = new Session(resolved, credentials, options.token);
  const context = createCallContext(resolved, session);

  return {
    auth: {
      /** Logs in now (otherwise the first call does). */
      login: (call?: CallOptions): Promise<AuthResult> => session.login(call),
      /** `POST /api/auth/logout`: the token is revoked on the server and forgotten here. */
      logout: async (call?: CephCallOptions): Promise<void> => {
        if (session.token === undefined) return;
        await context.call(authEndpoints.logout, { body: {} }, call);
        session.clear();
      },
      /** `POST /api/auth/check?token=`: who a token belongs to (Ceph answers 200 even for a bad one). */
      check: (token: string, call?: CephCallOptions) =>
        context.call(authEndpoints.check, { query: { token }, body: { token } }, call),
      /** The current JWT, if logged in. */
      get token(): string | undefined {
        return session.token;
      },
    },
    health: healthResource(context),
    summary: summaryResource(context),
    monitors: monitorsResource(context),
    osds: osdsResource(context),
    hosts: hostsResource(context),
    pools: poolsResource(context),
    rbd: {
      images: rbdImagesResource(context),
      snapshots: rbdSnapshotsResource(context),
      trash: rbdTrashResource(context),
    },
    erasureCodeProfiles: erasureCodeProfilesResource(context),
    crushRules: crushRulesResource(context),
    mgrModules: mgrModulesResource(context),
    config: clusterConfigResource(context),
    tasks: {
      ...tasksResource(context),
      /** Waits for a task (as a 202 gives it) to finish; resolves with its `ret_value`. */
      wait: (task: { name: string; metadata: Record<string, unknown> }, wait?: WaitForTaskOptions) =>
        waitForTask(context, task, { timeout: resolved.taskTimeout, ...wait }),
    },
    /** Forgets the token and closes the default transport's sockets. */
    close: async (): Promise<void> => {
      session.clear();
      unregisterPassword();
      await owned?.close();
    },
  };
}

export type CephClient = ReturnType<typeof createCephClient>;
