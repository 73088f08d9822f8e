import { defineConfig } from "tsup";
import { sourceBundle } from "../../tsup.shared.js";

/**
 * `pnpm emulator`'s build (scripts/emulator/run.mjs runs tsup with this config from the repository
 * root): the `homelab-emulator` CLI bundled from source into packages/emulator/.tmp/cli/, where the
 * external msw and @kubernetes/client-node resolve from the emulator's own node_modules.
 */
export default defineConfig({
  ...sourceBundle({ bin: "packages/emulator/src/cli/bin.ts" }),
  outDir: "packages/emulator/.tmp/cli",
});
