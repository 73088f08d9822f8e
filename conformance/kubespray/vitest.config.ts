import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/** Real-peer suite: Debian's ansible-inventory against @homelab-kit/kubespray-inventory (run by .ci/suites/kubespray.sh). */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-kubespray",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
