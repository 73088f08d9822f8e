/**
 * `pnpm example:blog [-- --env-file FILE… --sqlite FILE --dry-run --destroy --drop-data]`: moves the
 * blog's SQLite database into the external MySQL and deploys the blog onto the stack the
 * environment describes.
 */
import { runExampleCli } from "@homelab-kit/example-app-deploy";
import { blogCli } from "./blog.js";

process.exitCode = await runExampleCli(blogCli);
