/**
 * What every resource shares: the transport, the base URL, the session, the options. Built once by
 * `createCephClient()`; resources only see `call()`.
 */
import type { CallOptions, Transport } from "@homelab-kit/core";
import type { Endpoint, EndpointInput, EndpointResult } from "./endpoint.js";

/** How long and how to wait for a task that answered 202. */
export interface TaskWaitOptions {
  /** Give up after this many ms (default: the client's `taskTimeout`, 120 000). */
  timeout?: number | undefined;
  /** First poll interval in ms (default 250); it grows ×1.5 up to 2 000. */
  interval?: number | undefined;
  /** Called on every poll while the task runs, with its progress in percent. */
  onProgress?: ((progress: TaskProgress) => void) | undefined;
}

export interface TaskProgress {
  name: string;
  metadata: Record<string, unknown>;
  progress: number;
}

/** The last argument of every method: core's `{signal, timeout, retry}` plus task waiting. */
export interface CephCallOptions extends CallOptions {
  task?: TaskWaitOptions | undefined;
}

export interface CallResult<T> {
  data: T;
  status: number;
  headers: Record<string, string>;
}

export interface CallContext {
  /** Executes an endpoint: auth, versioned Accept, errors, 202 tasks, schema. */
  call<E extends Endpoint>(
    endpoint: E,
    input?: EndpointInput,
    options?: CephCallOptions,
  ): Promise<EndpointResult<E>>;
  /** The same, also returning status and headers (`X-Total-Count`). */
  callRaw<E extends Endpoint>(
    endpoint: E,
    input?: EndpointInput,
    options?: CephCallOptions,
  ): Promise<CallResult<EndpointResult<E>>>;
}

export interface ResolvedOptions {
  baseUrl: string;
  transport: Transport;
  defaults: CallOptions;
  validate: boolean;
  apiVersions: Readonly<Record<string, string>>;
  taskTimeout: number;
}
