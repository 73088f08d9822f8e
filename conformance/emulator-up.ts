/**
 * `homelab-emulator up` as a user starts it, for the vitest peer suites: the built CLI
 * (packages/emulator/dist/cli/bin.js; the suite scripts build it when stale) in a child process with
 * its own run dir, `--json`, and the endpoints it prints. `stop()` sends SIGTERM, as Ctrl-C would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootDir } from "../vitest.shared.js";

export interface UpEndpoints {
  control: { url: string; token: string };
  ceph?: { url: string; username: string; password: string };
  opennebula?: { url: string; username: string; password: string };
  ilo: Array<{ host: string; generation: string; url: string; username: string; password: string }>;
  iloCaFile: string;
  envFile: string;
  /** Prometheus scrape targets (base URLs) and the prometheus.yml `up` wrote. */
  metrics: {
    cephMgr?: string;
    iloExporter: string;
    node: Array<{ host: string; url: string }>;
  };
  prometheusConfig: string;
}

export interface RunningUp {
  endpoints: UpEndpoints;
  /** The run dir (env file, CA file) — removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

const UP_BIN = join(rootDir, "packages/emulator/dist/cli/bin.js");

/** Starts `up --json` with the topology given as YAML text (or the default one); resolves once it printed its endpoints. */
export async function startUp(options: { topologyYaml?: string; speed?: number } = {}): Promise<RunningUp> {
  const dir = mkdtempSync(join(tmpdir(), "homelab-up-"));
  const args = [UP_BIN, "up", "--json", "--run-dir", join(dir, "run"), "--speed", String(options.speed ?? 1)];
  if (options.topologyYaml !== undefined) {
    writeFileSync(join(dir, "topology.yaml"), options.topologyYaml);
    args.push("--topology", join(dir, "topology.yaml"));
  }
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoints = await new Promise<UpEndpoints>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`homelab-emulator up printed nothing in 60 s: ${stderr}`)),
      60_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const nl = stdout.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout.slice(0, nl)) as UpEndpoints);
      } catch (e) {
        reject(new Error(`homelab-emulator up printed no JSON (${(e as Error).message}): ${stdout}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`homelab-emulator up exited (${code}) before printing its endpoints: ${stderr}`));
    });
  });
  return {
    endpoints,
    dir,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      if (stderr.trim() !== "") console.log(`homelab-emulator up stderr:\n${stderr}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
