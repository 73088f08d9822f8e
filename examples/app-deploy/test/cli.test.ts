/**
 * The shared command line: flags, env and the one line a failed run ends with (step and cause,
 * exit code, what the run had changed). The full runs are in conformance/examples.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ExampleCli, runExampleCli } from "../src/cli.js";
import type { AppDefinition } from "../src/deploy-app.js";
import { connect, mysqlTarget } from "../src/mysql-database.js";
import { UP_ENV } from "./up-env.js";

const app: AppDefinition = {
  app: "demo",
  title: "Demo",
  image: "nginx:1",
  containerPort: 80,
  dataPath: "/data",
  storage: "1Gi",
  readinessPath: "/",
  env: () => [],
};
const cli: ExampleCli = { name: "demo", define: () => app };

async function run(argv: string[], env: Record<string, string> = UP_ENV) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExampleCli(cli, {
    argv,
    env,
    cwd: tmpdir(),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

describe("the examples' command line", () => {
  it("prints its usage, and refuses unknown or lonely flags with exit 2", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out.join("\n")).toMatch(
      /usage: demo \[--env-file FILE\]\.\.\. \[--dry-run\] \[--destroy \[--drop-data\]\]/,
    );
    const unknown = await run(["--nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.at(-1)).toMatch(/^demo: Unknown option '--nope'/);
    expect((await run(["--drop-data"])).err).toEqual(["demo: --drop-data goes with --destroy"]);
    expect((await run(["--timeout", "soon"])).err).toEqual([
      "demo: --timeout soon is not a number of seconds > 0",
    ]);
  });

  it("ends with one line naming what the environment lacks (exit 2, nothing touched)", async () => {
    const { KUBECONFIG: _, MYSQL_ADMIN_PASSWORD: __, ...env } = UP_ENV;
    const result = await run([], env);
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(
      /^demo: environment: missing KUBECONFIG, MYSQL_ADMIN_PASSWORD \(pass --env-file/,
    );
    const missingFile = await run(["--env-file", "/nonexistent/env"], {});
    expect(missingFile.err).toEqual(["demo: env file /nonexistent/env cannot be read (ENOENT)"]);
  });

  it("ends with the failed step and its cause, and what the run had changed (exit 1)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          { name: "c", cluster: { server: "https://127.0.0.1:1", "insecure-skip-tls-verify": true } },
        ],
        users: [{ name: "u", user: { token: "t0ken" } }],
        contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
        "current-context": "x",
      }),
    );
    const result = await run([], { ...UP_ENV, KUBECONFIG: kubeconfig });
    expect(result.code).toBe(1);
    expect(result.out[0]).toBe("Demo at https://demo.example.com");
    expect(result.out[1]).toBe("1. Kubernetes cluster");
    expect(result.err).toEqual([
      "   this run changed nothing before it stopped",
      expect.stringMatching(/^demo failed: step "Kubernetes cluster" failed: .*ECONNREFUSED 127\.0\.0\.1:1/),
    ]);
  });
});

describe("MySQL through mysql2", () => {
  it("says where it could not connect, the VM's address included, never the password", async () => {
    const target = mysqlTarget(
      {
        vm: "mysql",
        template: "mysql",
        port: 3306,
        adminUser: "root",
        adminPassword: "pw",
        hostOverride: { host: "127.0.0.1", port: 1 },
      },
      "192.168.1.100",
    );
    await expect(connect(target, "root", "Very-S3cret")).rejects.toThrow(
      /^cannot log in to MySQL at 127\.0\.0\.1:1 \(MYSQL_HOST_OVERRIDE, for the VM's 192\.168\.1\.100:3306\) as root: connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
  });
});
