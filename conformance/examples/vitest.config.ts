import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/**
 * The Redmine and blog examples against a real MariaDB (scripts/mariadb/start.sh) and
 * `homelab-emulator up` with its Kubernetes cluster: run by .ci/suites/examples.sh, not by `pnpm test`.
 */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-examples",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
