import { basename, resolve } from "node:path";
import type { UserWorkspaceConfig } from "vitest/config";

const root = import.meta.dirname;

/**
 * Workspace packages are imported from their TypeScript sources in tests, so a test run
 * needs no build and a change in core is seen at once by every client's tests.
 */
export const sourceAliases = [
  { find: /^@homelab-kit\/example-([a-z-]+)$/, replacement: `${root}/examples/$1/src/index.ts` },
  { find: /^@homelab-kit\/([a-z-]+)$/, replacement: `${root}/packages/$1/src/index.ts` },
  { find: /^@homelab-kit\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}/packages/$1/src/$2/index.ts` },
];

export function projectConfig(dir: string): UserWorkspaceConfig {
  return {
    resolve: { alias: sourceAliases },
    test: {
      name: basename(dir),
      root: dir,
      include: ["test/**/*.test.ts"],
      testTimeout: 20_000,
      hookTimeout: 60_000,
    },
  };
}

export const rootDir = resolve(root);
