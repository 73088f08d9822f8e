/** Test helpers for the CLI tests: a captured io (signals included) and polling. */
import type { CliIo } from "@homelab-kit/emulator/cli";

/** `env`: what `up` reads its HOMELAB_EMULATOR_* settings from (none by default). */
export function captureIo(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new Set<() => void>();
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd,
    env,
    onSignal(handler) {
      signals.add(handler);
      return () => signals.delete(handler);
    },
  };
  const ctrlC = () => {
    for (const s of signals) s();
  };
  return { io, out, err, ctrlC };
}

export async function until<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
