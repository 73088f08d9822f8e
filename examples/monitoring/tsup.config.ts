import { defineConfig } from "tsup";
import { exampleBuild } from "../../tsup.shared.js";

/** `drill.ts` is an entry of its own for bench/monitoring (it imports the built drill). */
export default defineConfig(exampleBuild(["src/main.ts", "src/drill.ts"]));
