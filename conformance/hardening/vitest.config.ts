import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

// fast-check is a devDependency of the emulator (whose parsers are fuzzed here): resolve it there.
const fastCheck = createRequire(new URL("../../packages/emulator/package.json", import.meta.url)).resolve(
  "fast-check",
);

/**
 * The hardening suite: hostile probes and fast-check fuzzing against `homelab-emulator up`, the built
 * CLI in its own process (`bash .ci/suites/hardening.sh` builds it first when stale).
 */
export default defineConfig({
  resolve: { alias: [...sourceAliases, { find: /^fast-check$/, replacement: fastCheck }] },
  test: {
    name: "conformance-hardening",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
