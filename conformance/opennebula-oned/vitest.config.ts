import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/** Real oned against the emulator, and the client against real oned: `bash .ci/suites/oned.sh`. */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-opennebula-oned",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
