/**
 * `homelab-emulator up` started in-process through the CLI's own code (`startUp`), the reference
 * stack with its clock 30 times faster (a 30 s POST takes one second), every host powered on
 * through its iLO; and `promtool` run on a text.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli, type RunningEmulator, startUp, type UpArgs } from "@homelab-kit/emulator/cli";
import { createIloClient } from "@homelab-kit/ilo";

export interface Stack {
  up: RunningEmulator;
  runDir: string;
}

export async function startStack(options: { powerOn: boolean }): Promise<Stack> {
  const runDir = mkdtempSync(join(tmpdir(), "monitoring-conformance-"));
  const up = await startUp(parseCli(["up", "--run-dir", runDir, "--speed", "30"]) as UpArgs, {
    stdout: () => {},
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    onSignal: () => () => {},
  });
  if (options.powerOn) {
    for (const ilo of up.endpoints.ilo) {
      const client = createIloClient({
        baseUrl: ilo.url,
        username: ilo.username,
        password: ilo.password,
        tls: { ca: up.endpoints.iloCa },
      });
      await client.power.on();
      await client.close();
    }
    // power-on 2 s + POST 30 s of emulated time, at x30
    const deadline = Date.now() + 30_000;
    for (const node of up.endpoints.metrics.node) {
      for (;;) {
        const ok = await fetch(`${node.url}/metrics`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`node_exporter of ${node.host} never answered`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return { up, runDir };
}

export interface PromtoolResult {
  code: number | null;
  /** `<metric> <problem>` lines (lint findings) and errors. */
  lines: string[];
}

/** `promtool <args>` with `input` on stdin (promtool from Debian's prometheus package). */
export function promtool(args: string[], input?: string): PromtoolResult {
  const res = spawnSync("promtool", args, { input, encoding: "utf8", timeout: 60_000 });
  if (res.error !== undefined)
    throw new Error(`cannot run promtool (Debian: apt-get install prometheus): ${res.error.message}`);
  const lines = `${res.stdout}\n${res.stderr}`
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return { code: res.status, lines };
}
