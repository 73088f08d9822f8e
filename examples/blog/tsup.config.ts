import { defineConfig } from "tsup";
import { exampleBuild } from "../../tsup.shared.js";

export default defineConfig(exampleBuild(["src/main.ts"], { external: ["mysql2", "sql.js"] }));
