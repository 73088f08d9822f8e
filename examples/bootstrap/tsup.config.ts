import { defineConfig } from "tsup";
import { exampleBuild } from "../../tsup.shared.js";

export default defineConfig(exampleBuild(["src/demo.ts", "src/main.ts"]));
