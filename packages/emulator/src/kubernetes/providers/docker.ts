import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import type { Cluster } from "../types.js";

/** Runs a command; resolves with stdout, or with the reason it could not run (never rejects). */
export function run(
  command: string,
  args: readonly string[],
  options: { timeout?: number; signal?: AbortSignal | undefined } = {},
): Promise<{ ok: true; stdout: string } | { ok: false; reason: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: options.timeout ?? 10_000, signal: options.signal, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout });
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === "ENOENT"
            ? `${command} is not installed (not on PATH)`
            : `${command} ${args.join(" ")} failed: ${error.message}`;
        resolve({ ok: false, reason, stderr: String(stderr) });
      },
    );
  });
}

/**
 * Why Docker cannot be used here, or undefined when `docker info` answers. Providers that need
 * Docker (kind, k3s) report this reason, loudly, instead of failing obscurely.
 */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  const host = process.env.DOCKER_HOST;
  if (!host && !existsSync("/var/run/docker.sock")) {
    return "no Docker engine: DOCKER_HOST is unset and /var/run/docker.sock does not exist";
  }
  const info = await run("docker", ["info", "--format", "{{.ServerVersion}}"]);
  if (!info.ok)
    return `no usable Docker engine: ${info.reason}${info.stderr ? ` (${info.stderr.trim()})` : ""}`;
  return undefined;
}

/**
 * Why `image` cannot be used, or undefined when it is present or `docker pull` gets it (a provider
 * would pull it anyway; where no registry is reachable, this says so instead of a pull error
 * deep inside testcontainers).
 */
export async function imageUnavailableReason(image: string): Promise<string | undefined> {
  if ((await run("docker", ["image", "inspect", "--format", "{{.Id}}", image])).ok) return undefined;
  const pulled = await run("docker", ["pull", "--quiet", image], { timeout: 600_000 });
  if (pulled.ok) return undefined;
  return `image ${image} is not present and cannot be pulled (${pulled.stderr.trim() || pulled.reason})`;
}

/**
 * The `Cluster` a Docker-based provider (kind, k3s) returns once its kubeconfig is written: the
 * server from the kubeconfig, both timings the milliseconds since `t0` (they are ready at once).
 */
export function dockerCluster(
  provider: "kind" | "k3s",
  kubeconfig: string,
  kubeconfigPath: string,
  t0: number,
  stop: () => Promise<void>,
): Cluster {
  const server = /server:\s*(\S+)/.exec(kubeconfig)?.[1] ?? "";
  const ms = Math.round(performance.now() - t0);
  return {
    provider,
    kubeconfig,
    kubeconfigPath,
    server,
    timings: { apiReadyMs: ms, readyMs: ms },
    stop,
  };
}
