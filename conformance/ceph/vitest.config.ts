import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/** Real-Ceph suites: `bash .ci/suites/ceph.sh` (starts Ceph with scripts/ceph/start.sh first). */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-ceph",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
