/**
 * Replays the hardening probes (probes.mjs) against `homelab-emulator up`: each hostile request gets
 * its precise answer, the control API's health answers after each one, the process never dies and
 * writes no handler exception to its stderr. Also: `--env-file` over a world-readable file.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, startEmulator } from "./emulator.mjs";
import { PROBES, probeContext } from "./probes.mjs";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe("homelab-emulator up under hostile requests", () => {
  let emulator: Emulator;
  let ctx: ReturnType<typeof probeContext>;
  beforeAll(async () => {
    emulator = await startEmulator();
    ctx = probeContext(emulator);
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  for (const probe of PROBES) {
    it(probe.name, async () => {
      const answer = await probe.run(ctx);
      expect(probe.check(answer)).toBeUndefined();
      expect(emulator.alive()).toBe(true);
      const health = await send({ url: `${emulator.endpoints.control.url}/_emulator/health` });
      expect(health.status).toBe(200);
    });
  }

  it("wrote no handler exception or server error to its stderr", () => {
    expect(emulator.stderr()).toBe("");
  });
});

describe("homelab-emulator up options", () => {
  it("makes an existing 0644 file 0600 (four passwords and the control token live in it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hardening-env-"));
    const envFile = join(dir, "lab.env");
    writeFileSync(envFile, "OLD=1\n");
    chmodSync(envFile, 0o644);
    const emulator = await startEmulator({ cwd: dir, args: ["--env-file", envFile] });
    try {
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(envFile, "utf8")).toContain(`EMULATOR_TOKEN='${emulator.endpoints.control.token}'`);
    } finally {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--allowed-host lets a name through the DNS-rebinding check; others are still refused", async () => {
    const emulator = await startEmulator({
      args: ["--allowed-host", "ilo.lab", "--allowed-host", "ceph.lab"],
    });
    try {
      const health = `${emulator.endpoints.control.url}/_emulator/health`;
      const port = new URL(health).port;
      expect((await send({ url: health, headers: { host: `ilo.lab:${port}` } })).status).toBe(200);
      expect((await send({ url: health, headers: { host: "ceph.lab" } })).status).toBe(200);
      expect((await send({ url: health, headers: { host: `attacker.example:${port}` } })).status).toBe(403);
    } finally {
      await emulator.stop();
    }
  });
});
