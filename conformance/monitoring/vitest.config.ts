import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/** A real Prometheus against `homelab-emulator up`: `bash .ci/suites/monitoring.sh` (installs it). */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-monitoring",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
