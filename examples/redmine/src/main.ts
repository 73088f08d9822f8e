/**
 * `pnpm example:redmine [-- --env-file FILE… --dry-run --destroy --drop-data]`: deploys Redmine
 * onto the stack the environment describes (`homelab-emulator up`'s env file, or a real stack's).
 */
import { runExampleCli } from "@homelab-kit/example-app-deploy";
import { redmineCli } from "./redmine.js";

process.exitCode = await runExampleCli(redmineCli);
