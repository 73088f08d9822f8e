/**
 * A fresh emulator for every test, without importing vitest here (pass its hooks):
 *
 * ```ts
 * import { afterEach, beforeEach } from "vitest";
 * const emu = useEmulator({ beforeEach, afterEach });
 * it("…", () => { emu().world … });
 * ```
 * Invariants are checked after every mutating request, and again after each test.
 */

import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";
import { assertInvariants } from "./invariants.js";

export interface EmulatorHooks {
  beforeEach(fn: () => unknown): unknown;
  afterEach(fn: () => unknown): unknown;
}

export function useEmulator(hooks: EmulatorHooks, options: EmulatorOptions = {}): () => Emulator {
  let current: Emulator | undefined;
  hooks.beforeEach(() => {
    current = createEmulator({ checkInvariants: true, ...options });
  });
  hooks.afterEach(async () => {
    const emulator = current;
    current = undefined;
    if (emulator === undefined) return;
    await emulator.close();
    if (emulator.world.violations.length > 0)
      throw new Error(
        `world invariants were broken during the test:\n  ${emulator.world.violations.join("\n  ")}`,
      );
    assertInvariants(emulator.world);
  });
  return () => {
    if (current === undefined) throw new Error("useEmulator(): only inside a test");
    return current;
  };
}
