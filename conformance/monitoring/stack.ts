/**
 * `homelab-emulator up` as a user starts it (the built CLI, conformance/emulator-up.ts): the
 * reference stack with its clock 30 times faster (a 30 s POST takes a second), optionally every
 * host powered on through its iLO; and `promtool` run on a text.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createIloClient } from "@homelab-kit/ilo";
import { type RunningUp, startUp } from "../emulator-up.js";

export interface Stack {
  up: RunningUp;
  iloCa: string;
}

export async function startStack(options: { powerOn: boolean }): Promise<Stack> {
  const up = await startUp({ speed: 30 });
  const iloCa = readFileSync(up.endpoints.iloCaFile, "utf8");
  if (options.powerOn) {
    for (const ilo of up.endpoints.ilo) {
      const client = createIloClient({
        baseUrl: ilo.url,
        username: ilo.username,
        password: ilo.password,
        tls: { ca: iloCa },
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
  return { up, iloCa };
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
