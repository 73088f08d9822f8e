/**
 * The plumbing every stand-in shares: client-node informers (list + watch, restarted after an
 * error), and a serial work queue per controller so that reconciles never interleave (a MetalLB
 * allocation is decided and recorded before the next one starts).
 */
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from "@kubernetes/client-node";
import { apiStatus, StandInError } from "./errors.js";

export interface Watched<T extends KubernetesObject> {
  /** The informer's cache (every object, or one namespace's). */
  list(namespace?: string): readonly T[];
  get(name: string, namespace?: string): T | undefined;
  stop(): Promise<void>;
}

export interface WatchOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** API path of the collection: `/api/v1/services`, `/apis/metallb.io/v1beta1/ipaddresspools`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  /** Called for every add, update and delete (`deleted` true), after the cache is updated. */
  onChange: (object: T, deleted: boolean) => void;
  /** Called when the watch failed (it is restarted after `retryMs`). */
  onError?: (error: unknown) => void;
  /** How long the first list may keep failing with 404/429/5xx before giving up (default 30 000 ms). */
  startTimeoutMs?: number;
  /** Delay before restarting a failed watch (default 1000 ms). */
  retryMs?: number;
}

/**
 * Starts an informer and resolves once its first list is in the cache (its add events fired).
 * A failed watch is restarted after `retryMs` until `stop()`.
 */
export async function watch<T extends KubernetesObject>(options: WatchOptions<T>): Promise<Watched<T>> {
  const informer = makeInformer<T>(options.kubeConfig, options.path, options.list);
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let first = true;
  let firstError: unknown;
  informer.on("add", (o) => options.onChange(o, false));
  informer.on("update", (o) => options.onChange(o, false));
  informer.on("delete", (o) => options.onChange(o, true));
  informer.on("error", (error) => {
    if (first) {
      firstError = error;
      return;
    }
    options.onError?.(error);
    if (stopped) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!stopped) informer.start().catch((e: unknown) => options.onError?.(e));
    }, options.retryMs ?? 1000);
    retry.unref?.();
  });
  // A CRD just Established can answer 404 or 429 ("storage is (re)initializing") for a moment.
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    firstError = undefined;
    await informer.start();
    if (firstError === undefined) break;
    const status = apiStatus(firstError);
    if (Date.now() > deadline || (status !== undefined && ![404, 429, 500, 503].includes(status))) {
      await informer.stop();
      throw new StandInError(`cannot watch ${options.path}: ${String(firstError)}`, {
        code: "WATCH_FAILED",
        cause: firstError,
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  first = false;
  return {
    list: (namespace) => informer.list(namespace),
    get: (name, namespace) => informer.get(name, namespace),
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await informer.stop();
    },
  };
}

/**
 * A serial queue of keyed jobs: a key queued while it waits runs once; jobs never overlap. A
 * failed job is reported and retried after `retryMs`, doubling per failure up to 30 s (the API
 * server was busy, a conflict).
 */
const MAX_RETRY_MS = 30_000;

export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  readonly #failures = new Map<string, number>();
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly onError: (key: string, error: unknown) => void = () => {},
    private readonly retryMs = 500,
  ) {}

  add(key: string): void {
    if (this.#stopped || this.#pending.has(key)) return;
    this.#pending.add(key);
    this.#running = this.#running.then(async () => {
      this.#pending.delete(key);
      if (this.#stopped) return;
      try {
        await this.work(key);
        this.#failures.delete(key);
      } catch (error) {
        this.onError(key, error);
        const failures = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, failures);
        this.later(key, Math.min(MAX_RETRY_MS, this.retryMs * 2 ** (failures - 1)));
      }
    });
  }

  /**
   * Queues `key` again after `ms` (a retry, a renewal, something the controller does not watch).
   * One timer per key: the earlier of the pending and the new deadline wins.
   */
  later(key: string, ms: number): void {
    if (this.#stopped) return;
    const at = Date.now() + ms;
    const pending = this.#timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref?.();
    this.#timers.set(key, { timer, at });
  }

  /** Resolves when every job queued so far has run. */
  idle(): Promise<void> {
    return this.#running;
  }

  /** Drops waiting jobs and timers, and waits for the running one. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await this.#running;
  }
}

/** `namespace/name` (or `name` for cluster objects): the key controllers queue. */
export function keyOf(object: KubernetesObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : (name ?? "");
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
