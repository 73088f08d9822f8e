/**
 * What the cert-manager stand-in's controllers share: the objects' shapes, conditions as
 * cert-manager sets them, caches that also hold what the stand-in has just written (an informer
 * sees its own writes a moment later; the next step of an issuance must not wait for it), and
 * the API calls on custom objects.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from "@kubernetes/client-node";
import { apiStatus } from "./errors.js";
import { recordEvent } from "./events.js";
import { keyOf, type Watched } from "./informer.js";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface CmObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: { conditions?: Condition[]; [k: string]: unknown };
}

export const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
export const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
export const unb64 = (text: string | undefined) => (text ? Buffer.from(text, "base64").toString("utf8") : "");

export function conditionOf(object: CmObject | undefined, type: string): Condition | undefined {
  return object?.status?.conditions?.find((c) => c.type === type);
}

/**
 * The object's conditions with `condition` set (its transition time kept while the status does
 * not change), or undefined when it is already so.
 */
export function withCondition(
  object: CmObject,
  condition: Omit<Condition, "lastTransitionTime" | "observedGeneration">,
): Condition[] | undefined {
  const previous = conditionOf(object, condition.type);
  if (
    previous?.status === condition.status &&
    previous.reason === condition.reason &&
    previous.message === condition.message
  )
    return undefined;
  const now = rfc3339(new Date());
  return [
    ...(object.status?.conditions ?? []).filter((c) => c.type !== condition.type),
    {
      ...condition,
      lastTransitionTime: previous?.status === condition.status ? (previous.lastTransitionTime ?? now) : now,
      observedGeneration: object.metadata?.generation ?? 1,
    },
  ];
}

const version = (o: KubernetesObject | undefined) => Number(o?.metadata?.resourceVersion ?? -1);

/** An informer's cache plus the objects this stand-in wrote since (whichever is newer wins). */
export class FreshCache<T extends KubernetesObject> {
  readonly #mine = new Map<string, T>();
  watched: Watched<T> | undefined;

  get(name: string, namespace?: string): T | undefined {
    const cached = this.watched?.get(name, namespace);
    const mine = this.#mine.get(namespace ? `${namespace}/${name}` : name);
    return mine !== undefined && version(mine) > version(cached) ? mine : cached;
  }

  list(namespace?: string): T[] {
    const byKey = new Map<string, T>();
    for (const o of this.watched?.list(namespace) ?? []) byKey.set(keyOf(o), o);
    for (const [key, o] of this.#mine) {
      if (namespace !== undefined && o.metadata?.namespace !== namespace) continue;
      const cached = byKey.get(key);
      if (version(o) > version(cached)) byKey.set(key, o);
    }
    return [...byKey.values()];
  }

  remember(object: T | undefined): T | undefined {
    if (object?.metadata?.name) this.#mine.set(keyOf(object), object);
    return object;
  }

  /** The watch saw it deleted (or caught up): drop what was remembered. */
  forget(object: KubernetesObject): void {
    this.#mine.delete(keyOf(object));
  }

  /** Drops remembered objects the informer has caught up with. */
  settle(object: KubernetesObject): void {
    const mine = this.#mine.get(keyOf(object));
    if (mine !== undefined && version(object) >= version(mine)) this.#mine.delete(keyOf(object));
  }
}

export interface Kind {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

/** Calls on cert-manager's custom objects and Secrets, remembering what they return. */
export class CmApi {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly #merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly component: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async create<T extends CmObject>(kind: Kind, namespace: string, body: T, cache: FreshCache<T>): Promise<T> {
    try {
      const created = (await this.custom.createNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        namespace,
        body: { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, ...body },
      })) as T;
      cache.remember(created);
      return created;
    } catch (error) {
      if (apiStatus(error) !== 409) throw error;
      const existing = (await this.custom.getNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        namespace,
        name: body.metadata?.name ?? "",
      })) as T;
      cache.remember(existing);
      return existing;
    }
  }

  async patchStatus<T extends CmObject>(
    kind: Kind,
    object: T,
    status: Record<string, unknown>,
    cache: FreshCache<T>,
  ): Promise<T> {
    const name = object.metadata?.name ?? "";
    const namespace = object.metadata?.namespace;
    const common = { group: kind.group, version: kind.version, plural: kind.plural, name, body: { status } };
    const patched = (
      namespace
        ? await this.custom.patchNamespacedCustomObjectStatus({ ...common, namespace }, this.#merge)
        : await this.custom.patchClusterCustomObjectStatus(common, this.#merge)
    ) as T;
    cache.remember(patched);
    return patched;
  }

  /** Merge-patches metadata (finalizers, annotations); a gone object is fine. */
  async patchMetadata<T extends CmObject>(
    kind: Kind,
    object: T,
    metadata: Record<string, unknown>,
    cache: FreshCache<T>,
  ): Promise<void> {
    try {
      const patched = (await this.custom.patchNamespacedCustomObject(
        {
          group: kind.group,
          version: kind.version,
          plural: kind.plural,
          namespace: object.metadata?.namespace ?? "default",
          name: object.metadata?.name ?? "",
          body: { metadata },
        },
        this.#merge,
      )) as T;
      cache.remember(patched);
    } catch (error) {
      if (apiStatus(error) !== 404) throw error;
    }
  }

  async delete(kind: Kind, object: CmObject, cache: FreshCache<CmObject>): Promise<void> {
    cache.forget(object);
    await this.custom
      .deleteNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        namespace: object.metadata?.namespace ?? "default",
        name: object.metadata?.name ?? "",
      })
      .catch((error: unknown) => {
        if (apiStatus(error) !== 404) throw error;
      });
  }

  async saveSecret(
    body: V1Secret,
    existing: V1Secret | undefined,
    cache: FreshCache<V1Secret>,
  ): Promise<V1Secret> {
    const namespace = body.metadata?.namespace ?? "default";
    const saved = existing
      ? await this.core.replaceNamespacedSecret({
          name: body.metadata?.name ?? "",
          namespace,
          body: {
            ...body,
            metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion },
          },
        })
      : await this.core.createNamespacedSecret({ namespace, body });
    cache.remember(saved);
    return saved;
  }

  async deleteSecret(name: string, namespace: string, cache: FreshCache<V1Secret>): Promise<void> {
    cache.forget({ metadata: { name, namespace } });
    await this.core.deleteNamespacedSecret({ name, namespace }).catch((error: unknown) => {
      if (apiStatus(error) !== 404) throw error;
    });
  }

  /**
   * Records an Event without waiting for it (as client-go's event broadcaster: Events are
   * informative and never hold up a reconcile); `eventsSent()` waits for those still in flight.
   */
  event(
    object: KubernetesObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): Promise<void> {
    const sending = recordEvent(this.kubeConfig, object, {
      type,
      reason,
      message,
      component: this.component,
    });
    this.#events.add(sending);
    void sending.finally(() => this.#events.delete(sending));
    return Promise.resolve();
  }

  readonly #events = new Set<Promise<void>>();

  /** Resolves when the Events recorded so far have been sent. */
  async eventsSent(): Promise<void> {
    await Promise.all([...this.#events]);
  }
}

/** cert-manager's name hash (FNV-1a, 32 bits, of the object's spec) used in Order and Challenge names. */
export function specHash(spec: unknown): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(spec), "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** An owner reference making `owner` the controller of the new object (garbage-collected with it). */
export function ownedBy(owner: CmObject, apiVersion: string, kind: string) {
  return [
    {
      apiVersion,
      kind,
      name: owner.metadata?.name ?? "",
      uid: owner.metadata?.uid ?? "",
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

export const isOwnedBy = (object: CmObject, owner: CmObject) =>
  object.metadata?.ownerReferences?.some((r) => r.uid === owner.metadata?.uid) ?? false;
