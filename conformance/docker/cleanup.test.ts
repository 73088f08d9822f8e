/**
 * No container outlives a test process that used @homelab-kit/emulator/testcontainers: a test that
 * fails after starting the emulator (and never stops it), and a run cancelled with SIGTERM (as CI
 * cancels a job), each leave nothing behind. The fixture runs in a child vitest process
 * (fixtures/fails-after-start.fixture.ts); its container carries a label unique to this run.
 *
 * Not covered: SIGKILL. Nothing in a killed process runs; testcontainers' Ryuk reaper covers that
 * where its image can be pulled (no registry is reachable here, and moby-ryuk is not on the Go
 * module proxy to build it), so these tests run with TESTCONTAINERS_RYUK_DISABLED=true.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rootDir } from "../../vitest.shared.js";
import { containersLabelled, IMAGE, until } from "./docker.js";

function runFixture(env: Record<string, string>): {
  child: ChildProcess;
  done: Promise<{ code: number | null; output: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      join(rootDir, "node_modules/vitest/vitest.mjs"),
      "run",
      "--config",
      "conformance/docker/fixtures/vitest.config.ts",
    ],
    {
      cwd: rootDir,
      env: {
        ...process.env,
        HOMELAB_KIT_FIXTURE: "fails-after-start.fixture.ts",
        HOMELAB_EMULATOR_IMAGE: IMAGE,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, output })),
  );
  return { child, done };
}

/**
 * The container is removed by the test's worker process as it goes down, which vitest's main
 * process does not wait for: allow it a few seconds after the run has ended.
 */
async function gone(label: string): Promise<void> {
  await until(
    `the removal of the container labelled ${label}`,
    async () =>
      (await containersLabelled(`homelab-kit.cleanup-test=${label}`)).length === 0 ? true : undefined,
    20_000,
  );
}

describe("cleanup", () => {
  it("a test that fails after starting the emulator leaves no container behind", async () => {
    const label = `fails-${process.pid}-${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), "homelab-cleanup-"));
    try {
      const started = join(dir, "started");
      const { code, output } = await runFixture({
        HOMELAB_KIT_CLEANUP_LABEL: label,
        HOMELAB_KIT_FIXTURE_STARTED: started,
      }).done;
      expect(code, output).toBe(1);
      expect(output).toMatch(/the assertion this test was written to fail/);
      expect(existsSync(started), `the fixture never started its container:\n${output}`).toBe(true);
      expect(readFileSync(started, "utf8")).toMatch(/^[0-9a-f]{64}$/);
      await gone(label);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a test run cancelled with SIGTERM while its emulator runs leaves no container behind", async () => {
    const label = `sigterm-${process.pid}-${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), "homelab-cleanup-"));
    try {
      const started = join(dir, "started");
      const run = runFixture({
        HOMELAB_KIT_CLEANUP_LABEL: label,
        HOMELAB_KIT_FIXTURE_STARTED: started,
        HOMELAB_KIT_FIXTURE_HANG: "1",
      });
      await until("the fixture's container", async () => (existsSync(started) ? true : undefined), 120_000);
      expect(await containersLabelled(`homelab-kit.cleanup-test=${label}`)).toHaveLength(1);
      run.child.kill("SIGTERM");
      const { code, output } = await run.done;
      expect(code, output).not.toBe(0);
      await gone(label);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
