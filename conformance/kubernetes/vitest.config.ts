import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/** Real control plane from built binaries: run by .ci/suites/kubernetes.sh, not by `pnpm test`. */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-kubernetes",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
