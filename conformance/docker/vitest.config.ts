import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/**
 * Real containers (run by .ci/suites/docker.sh): the emulator image started with Docker through
 * @homelab-kit/emulator/testcontainers, driven by our clients and by third-party ones.
 */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-docker",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // No image registry is reachable: testcontainers' Ryuk reaper image cannot be pulled.
    env: { TESTCONTAINERS_RYUK_DISABLED: "true" },
  },
});
