#!/usr/bin/env node
/**
 * `pnpm emulator <command> [options]` (README): the `homelab-emulator` CLI straight from this
 * checkout's sources, no `pnpm build` needed. Bundles the CLI and the workspace code it uses with
 * tsup (esbuild, no type-check: about a second; scripts/emulator/tsup.config.ts) and runs it in this
 * process, so arguments, Ctrl-C, `pnpm emulator down` and the exit code behave as with the published
 * `homelab-emulator` bin. Relative paths (--topology, --state, the run directory) start in the
 * current folder, which for `pnpm emulator` is the repository root (pnpm runs root scripts there).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "tsup";

const root = join(import.meta.dirname, "../..");
const cwd = process.cwd();
process.chdir(root); // the config's paths are relative to the repository root
try {
  await build({ config: "scripts/emulator/tsup.config.ts", silent: true });
} catch (error) {
  console.error(`pnpm emulator: building the CLI from source failed: ${error.message}`);
  process.exit(1);
}
process.chdir(cwd);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(root, "packages/emulator/.tmp/cli/bin.js")).href);
