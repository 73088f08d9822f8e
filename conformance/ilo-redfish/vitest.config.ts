import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

/**
 * Our Redfish client against Redfish servers we did not write: `bash .ci/suites/ilo-redfish.sh`
 * starts them (sushy-tools, DMTF's Redfish-Mockup-Server) and names them in ILO_REDFISH_SERVERS.
 */
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: "conformance-ilo-redfish",
    root: import.meta.dirname,
    include: ["*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
