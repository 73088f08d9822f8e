/** The Docker CLI and the image name for the container suite (.ci/suites/docker.sh builds the image). */
import { execFile } from "node:child_process";
import { HOMELAB_EMULATOR_IMAGE } from "@homelab-kit/emulator/testcontainers";

/** The image under test: what the suite built (HOMELAB_EMULATOR_IMAGE), else the module's default. */
export const IMAGE = process.env.HOMELAB_EMULATOR_IMAGE ?? HOMELAB_EMULATOR_IMAGE;

/** Runs `docker ARGS…`; resolves with stdout, rejects with stderr in the message. */
export function docker(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("docker", args, { timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`docker ${args.join(" ")}: ${String(stderr).trim() || error.message}`));
      else resolve(String(stdout));
    });
  });
}

/** What the container wrote, stdout and stderr together. */
export function logs(id: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("docker", ["logs", id], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`docker logs ${id}: ${String(stderr).trim() || error.message}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

export async function inspect(id: string): Promise<{
  Config: { User: string };
  State: { Running: boolean; Health?: { Status: string } };
  HostConfig: { PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
  NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> };
}> {
  const [info] = JSON.parse(await docker("inspect", id)) as [never];
  return info;
}

/** Ids of every container (running or not) with this label (`key=value`). */
export async function containersLabelled(label: string): Promise<string[]> {
  return (await docker("ps", "--all", "--quiet", "--filter", `label=${label}`)).split("\n").filter(Boolean);
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
