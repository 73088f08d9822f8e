import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared.js";

export default defineConfig(
  packageBuild([
    "src/index.ts",
    "src/ceph/index.ts",
    "src/cloudflare/index.ts",
    "src/ilo/index.ts",
    "src/msw/index.ts",
    "src/kubernetes/index.ts",
    "src/opennebula/index.ts",
    "src/world/index.ts",
    "src/metrics/index.ts",
    "src/cli/index.ts",
    "src/testcontainers/index.ts",
    "src/cli/bin.ts",
  ]),
);
