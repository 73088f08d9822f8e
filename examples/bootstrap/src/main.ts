/**
 * Runs the bootstrap against the endpoints in the environment: `source .homelab-emulator/env`
 * after `homelab-emulator up`, or a real stack's values under the same names.
 */
import { formatSummary, runBootstrap } from "./bootstrap.js";
import { configFromEnv } from "./config.js";

runBootstrap(configFromEnv(), { inventoryFile: process.env.INVENTORY_FILE ?? "hosts.yaml" }).then(
  (summary) => console.log(`\n${formatSummary(summary)}`),
  (error: unknown) => {
    console.error(`bootstrap failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
