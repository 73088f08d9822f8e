import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/** `pnpm exec vitest run --config bench/kubernetes/vitest.config.ts` (needs the built binaries). */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "bench-kubernetes",
    root: import.meta.dirname,
    include: ["*.bench-run.ts"],
    testTimeout: 900_000,
  },
});
