/** `homelab-emulator` commands; `main()` returns the exit code (0 ok, 1 failure, 2 usage). */

import { DEFAULT_TOPOLOGY_YAML } from "../topology/default-topology.js";
import { TopologyError } from "../topology/load.js";
import { SnapshotError } from "../world/snapshot.js";
import { parseCli, USAGE, UsageError } from "./args.js";
import { readRunFile } from "./run-file.js";
import { type CliIo, startUp } from "./up.js";

export type { CliIo } from "./up.js";

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    onSignal(handler) {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
}

async function controlCall(runDir: string, cwd: string, method: string, path: string): Promise<Response> {
  const run = readRunFile(runDir.startsWith("/") ? runDir : `${cwd}/${runDir}`);
  try {
    return await fetch(`${run.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${run.token}` },
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    throw new UsageError(`the emulator at ${run.controlUrl} does not answer (stale run file?)`);
  }
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const args = parseCli(argv);
    switch (args.command) {
      case "help":
        io.stdout(USAGE);
        return EXIT.ok;
      case "topology":
        io.stdout(DEFAULT_TOPOLOGY_YAML);
        return EXIT.ok;
      case "up": {
        const running = await startUp(args, io);
        await running.stopped;
        return EXIT.ok;
      }
      case "status": {
        const res = await controlCall(args.runDir, io.cwd, "GET", "/_emulator/health");
        const health = (await res.json()) as {
          status: string;
          topology: string;
          clock: { now: string; speed: number };
          hosts: Array<{ name: string; power: string; post: string }>;
        };
        if (args.json) io.stdout(`${JSON.stringify(health)}\n`);
        else {
          io.stdout(
            `${health.status}: ${health.topology} topology, emulated time ${health.clock.now} (x${health.clock.speed})\n`,
          );
          for (const h of health.hosts) io.stdout(`  ${h.name}: ${h.power}, ${h.post}\n`);
        }
        return EXIT.ok;
      }
      case "down": {
        const res = await controlCall(args.runDir, io.cwd, "POST", "/_emulator/shutdown");
        if (res.status !== 202) throw new UsageError(`the emulator refused to stop (HTTP ${res.status})`);
        io.stdout("homelab-emulator: stopping\n");
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`homelab-emulator: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof TopologyError || error instanceof SnapshotError) {
      io.stderr(`homelab-emulator: ${error.message}\n`);
      return EXIT.failure;
    }
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      io.stderr(`homelab-emulator: cannot listen: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}
