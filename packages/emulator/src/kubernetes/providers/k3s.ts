import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClusterError } from "../errors.js";
import { registerEmergencyCleanup } from "../processes.js";
import type { Cluster, K3sClusterOptions } from "../types.js";
import { dockerCluster, dockerUnavailableReason, imageUnavailableReason } from "./docker.js";

/** The k3s image used when none is given (Kubernetes 1.34, docs/DESIGN.md §8). */
export const DEFAULT_K3S_IMAGE = "rancher/k3s:v1.34.1-k3s1";

/**
 * The `k3s server` command: traefik and servicelb disabled by default, since NGINX Ingress and
 * MetalLB are what the reference stack runs (and what the emulator stands in for).
 */
export function k3sCommand(options: Pick<K3sClusterOptions, "disable" | "extraArgs">): string[] {
  const disable = options.disable ?? ["traefik", "servicelb"];
  return [
    "server",
    ...(disable.length > 0 ? [`--disable=${disable.join(",")}`] : []),
    ...(options.extraArgs ?? []),
  ];
}

/** The part of `@testcontainers/k3s` (11.x) we use; it is an optional peer dependency. */
interface K3sModule {
  K3sContainer: new (
    image: string,
  ) => {
    withCommand(command: string[]): { start(): Promise<StartedK3s> };
  };
}
interface StartedK3s {
  getKubeConfig(): string;
  stop(): Promise<unknown>;
}

/** The optional peer, or the reason it cannot be loaded. */
async function loadTestcontainers(): Promise<K3sModule | string> {
  const specifier = "@testcontainers/k3s";
  try {
    return (await import(specifier)) as K3sModule;
  } catch (error) {
    return `${specifier} is not installed (npm i -D @testcontainers/k3s@11.14.0; 12.x needs Node 22): ${(error as Error).message}`;
  }
}

/** Why the k3s provider cannot run here with `image`, or undefined (may pull the image). */
export async function k3sUnavailableReason(image = DEFAULT_K3S_IMAGE): Promise<string | undefined> {
  const docker = await dockerUnavailableReason();
  if (docker) return docker;
  const mod = await loadTestcontainers();
  if (typeof mod === "string") return mod;
  return imageUnavailableReason(image);
}

export async function startK3sCluster(options: K3sClusterOptions): Promise<Cluster> {
  const t0 = performance.now();
  const reason = await dockerUnavailableReason();
  if (reason)
    throw new ClusterError(`k3s provider cannot run: ${reason}`, {
      code: "PROVIDER_UNAVAILABLE",
      component: "k3s",
    });
  const mod = await loadTestcontainers();
  if (typeof mod === "string")
    throw new ClusterError(`k3s provider cannot run: ${mod}`, {
      code: "PROVIDER_UNAVAILABLE",
      component: "k3s",
    });
  options.signal?.throwIfAborted();
  const image = options.image ?? DEFAULT_K3S_IMAGE;
  const noImage = await imageUnavailableReason(image);
  if (noImage)
    throw new ClusterError(`k3s provider cannot run: ${noImage}`, {
      code: "PROVIDER_UNAVAILABLE",
      component: "k3s",
    });
  options.log?.(`k3s: starting ${image}`);
  const container = await new mod.K3sContainer(image).withCommand(k3sCommand(options)).start();
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "homelab-kit-k3s-"));
  const unregister = registerEmergencyCleanup({ processes: () => [], dirs: () => [dir] });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      try {
        await container.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
        unregister();
      }
    })();
    return stopped;
  };
  try {
    const kubeconfig = container.getKubeConfig();
    const kubeconfigPath = join(dir, "kubeconfig");
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    return dockerCluster("k3s", kubeconfig, kubeconfigPath, t0, stop);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
