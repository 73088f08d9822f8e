import { access, constants } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { ClusterError } from "./errors.js";
import type { BinaryName } from "./types.js";

/** The versions `scripts/k8s/build-binaries.sh` builds by default (keep the two in step). */
export const DEFAULT_BINARY_VERSIONS = { kubernetes: "v1.36.3", etcd: "v3.6.16", kwok: "v0.8.0" } as const;

/** `$HOMELAB_KIT_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/homelab-kit` (as .ci/peers). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOMELAB_KIT_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "homelab-kit");
}

/** The folder the build script fills for the default versions. */
export function defaultAssetsDir(env: NodeJS.ProcessEnv = process.env): string {
  const v = DEFAULT_BINARY_VERSIONS;
  return join(cacheDir(env), "k8s", `kubernetes-${v.kubernetes}_etcd-${v.etcd}_kwok-${v.kwok}`);
}

/** Option, then `$HOMELAB_KIT_K8S_ASSETS`, then `$KUBEBUILDER_ASSETS`, then the build script's folder. */
export function resolveAssetsDir(
  assetsDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return assetsDir ?? (env.HOMELAB_KIT_K8S_ASSETS || env.KUBEBUILDER_ASSETS || defaultAssetsDir(env));
}

/** Paths of the wanted binaries; throws one `BINARY_NOT_FOUND` naming every missing one. */
export async function resolveBinaries(
  dir: string,
  wanted: readonly BinaryName[],
  overrides: Partial<Record<BinaryName, string>> = {},
): Promise<Record<BinaryName, string>> {
  const paths = {} as Record<BinaryName, string>;
  const missing: string[] = [];
  for (const name of wanted) {
    const path = overrides[name] ?? join(dir, name);
    try {
      await access(path, constants.X_OK);
      paths[name] = path;
    } catch {
      missing.push(path);
    }
  }
  if (missing.length > 0) {
    throw new ClusterError(
      `missing Kubernetes binaries: ${missing.join(", ")}. Build them with scripts/k8s/build-binaries.sh ` +
        "(or point assetsDir / $KUBEBUILDER_ASSETS at a folder holding them; kwok can be disabled with kwok: false)",
      { code: "BINARY_NOT_FOUND", component: "assets" },
    );
  }
  return paths;
}
