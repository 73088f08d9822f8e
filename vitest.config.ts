import { defineConfig } from "vitest/config";

// CI sets HOMELAB_KIT_TEST_REPORT to get a JSON report beside the usual output (.ci/test-summary.mjs).
const jsonReport = process.env.HOMELAB_KIT_TEST_REPORT;

export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "examples/*/vitest.config.ts"],
    reporters: jsonReport ? ["default", "json"] : ["default"],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
