/**
 * Kubernetes through @kubernetes/client-node: the objects are planned by comparing what we want
 * with what the API server has (what we set must be there as we set it; the server may add more),
 * then applied with server-side apply (one field manager, so a field we stop setting is removed),
 * which creates missing objects too. A second run finds everything in place and changes nothing.
 */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  StorageV1Api,
} from "@kubernetes/client-node";
import { MANAGED_BY } from "./manifests.js";
import type { Action, Reporter } from "./progress.js";

export interface KubeClients {
  config: KubeConfig;
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  storage: StorageV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
}

export function kubeClients(kubeconfigPath: string): KubeClients {
  const config = new KubeConfig();
  try {
    config.loadFromFile(kubeconfigPath);
  } catch (error) {
    throw new Error(`KUBECONFIG ${kubeconfigPath} cannot be read: ${(error as Error).message}`);
  }
  return {
    config,
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    storage: config.makeApiClient(StorageV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/** HTTP status of a client-node ApiException (undefined for anything else). */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** The object, or undefined on 404. */
export async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export function describeObject(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns === undefined ? "" : `${ns}/`}${obj.metadata?.name}`;
}

/**
 * Paths where `live` differs from `wanted`: every value we set must be there, equal; objects may
 * have more keys (server defaults); arrays must have the same length, element by element.
 */
export function differences(wanted: unknown, live: unknown, path = ""): string[] {
  if (wanted === undefined) return [];
  if (Array.isArray(wanted)) {
    if (!Array.isArray(live) || live.length !== wanted.length) return [path || "(root)"];
    return wanted.flatMap((w, i) => differences(w, live[i], `${path}[${i}]`));
  }
  if (wanted !== null && typeof wanted === "object") {
    if (live === null || typeof live !== "object" || Array.isArray(live)) return [path || "(root)"];
    return Object.entries(wanted).flatMap(([key, value]) =>
      differences(value, (live as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`),
    );
  }
  return String(wanted) === String(live) ? [] : [path];
}

/** What applying `wanted` would do: create it, update it (and which fields), or nothing. */
export async function planObject(
  kube: KubeClients,
  wanted: KubernetesObject,
): Promise<{ action: "create" | "update" | "unchanged"; fields: string[] }> {
  const live = await readOrUndefined(() =>
    kube.objects.read({
      apiVersion: wanted.apiVersion ?? "v1",
      kind: wanted.kind ?? "",
      metadata: { name: wanted.metadata?.name ?? "", namespace: wanted.metadata?.namespace ?? "" },
    }),
  );
  if (live === undefined) return { action: "create", fields: [] };
  const fields = differences(
    {
      metadata: { labels: wanted.metadata?.labels, annotations: wanted.metadata?.annotations },
      ...body(wanted),
    },
    live,
  );
  return { action: fields.length === 0 ? "unchanged" : "update", fields };
}

function body(obj: KubernetesObject): Record<string, unknown> {
  const {
    apiVersion: _a,
    kind: _k,
    metadata: _m,
    ...rest
  } = obj as KubernetesObject & Record<string, unknown>;
  return rest;
}

/** Plans, then (unless dry run) applies one object with server-side apply; records what it did. */
export async function applyObject(
  kube: KubeClients,
  wanted: KubernetesObject,
  reporter: Reporter,
  options: { dryRun: boolean },
): Promise<Action> {
  const plan = await planObject(kube, wanted);
  const what = describeObject(wanted);
  const detail = plan.fields.length === 0 ? undefined : fieldList(plan.fields);
  if (plan.action === "unchanged") {
    reporter.record("unchanged", what);
    return "unchanged";
  }
  if (options.dryRun) {
    const action = plan.action === "create" ? "would create" : "would update";
    reporter.record(action, what, detail);
    return action;
  }
  if (plan.action === "update") await dropRollingUpdate(kube, wanted, plan.fields);
  await kube.objects.patch(wanted, undefined, undefined, MANAGED_BY, true, PatchStrategy.ServerSideApply);
  const action = plan.action === "create" ? "created" : "updated";
  reporter.record(action, what, detail);
  return action;
}

/**
 * A Deployment going from RollingUpdate (the default) to Recreate keeps the defaulted
 * `strategy.rollingUpdate`, which no manager of ours owns, so the API server refuses the apply
 * ("may not be specified when strategy `type` is 'Recreate'"). A merge patch removes it first,
 * as kubectl's client-side apply does with its retainKeys directive.
 */
async function dropRollingUpdate(
  kube: KubeClients,
  wanted: KubernetesObject,
  fields: string[],
): Promise<void> {
  const strategy = (wanted as { spec?: { strategy?: { type?: string } } }).spec?.strategy;
  if (wanted.kind !== "Deployment" || strategy?.type !== "Recreate" || !fields.includes("spec.strategy.type"))
    return;
  await kube.objects.patch(
    {
      apiVersion: wanted.apiVersion,
      kind: wanted.kind,
      metadata: { name: wanted.metadata?.name, namespace: wanted.metadata?.namespace },
      spec: { strategy: { type: "Recreate", rollingUpdate: null } },
    } as KubernetesObject,
    undefined,
    undefined,
    MANAGED_BY,
    undefined,
    PatchStrategy.MergePatch,
  );
}

function fieldList(fields: string[]): string {
  const shown = fields.slice(0, 3).join(", ");
  return fields.length > 3 ? `${shown} and ${fields.length - 3} more` : shown;
}

/** Deletes one object if it exists (foreground: its dependents first); records what it did. */
export async function deleteObject(
  kube: KubeClients,
  target: KubernetesObject,
  reporter: Reporter,
  options: { dryRun: boolean },
): Promise<boolean> {
  const what = describeObject(target);
  const live = await readOrUndefined(() =>
    kube.objects.read({
      apiVersion: target.apiVersion ?? "v1",
      kind: target.kind ?? "",
      metadata: { name: target.metadata?.name ?? "", namespace: target.metadata?.namespace ?? "" },
    }),
  );
  if (live === undefined) {
    reporter.record("absent", what);
    return false;
  }
  if (options.dryRun) {
    reporter.record("would delete", what);
    return true;
  }
  try {
    await kube.objects.delete(target, undefined, undefined, undefined, undefined, "Foreground");
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  reporter.record("deleted", what);
  return true;
}
