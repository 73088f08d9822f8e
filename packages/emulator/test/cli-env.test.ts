/** `homelab-emulator up` configured through HOMELAB_EMULATOR_* variables (as the container image is). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCephClient } from "@homelab-kit/ceph";
import { main, parseCli } from "@homelab-kit/emulator/cli";
import { createIloClient } from "@homelab-kit/ilo";
import { describe, expect, it } from "vitest";
import { captureIo } from "./cli-helpers.js";

const TOKEN = "container-token-0123456789";

async function firstLine(out: string[], err: string[]): Promise<string> {
  const end = Date.now() + 10_000;
  while (out.length === 0) {
    if (Date.now() > end || err.length > 0) throw new Error(`up printed nothing: ${err.join("")}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return out[0] ?? "";
}

interface UpJson {
  control: { url: string; token: string };
  ceph: { url: string; username: string; password: string };
  opennebula: { url: string; username: string; password: string };
  ilo: Array<{ host: string; url: string; username: string; password: string }>;
  speed: number;
}

describe("up from the environment", () => {
  it("takes the topology text, token, speed and credentials from HOMELAB_EMULATOR_*, and they work", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-env-"));
    const topology = {
      name: "from-env",
      hosts: [{ name: "bmc1", memoryGiB: 64, ilo: { generation: "ilo5" }, ceph: { osds: 1 } }],
      ceph: {},
      opennebula: {},
    };
    const c = captureIo(dir, {
      HOMELAB_EMULATOR_TOPOLOGY_YAML: JSON.stringify(topology),
      HOMELAB_EMULATOR_TOKEN: TOKEN,
      HOMELAB_EMULATOR_SPEED: "50",
      HOMELAB_EMULATOR_CEPH_USERNAME: "operator",
      HOMELAB_EMULATOR_CEPH_PASSWORD: "ceph-secret-1",
      HOMELAB_EMULATOR_ONE_PASSWORD: "one-secret-1",
      HOMELAB_EMULATOR_ILO_USERNAME: "admin",
      HOMELAB_EMULATOR_ILO_PASSWORD: "ilo-secret-1",
    });
    const exit = main(["up", "--json", "--run-dir", "run"], c.io);
    const up = JSON.parse(await firstLine(c.out, c.err)) as UpJson;
    try {
      expect(up.speed).toBe(50);
      expect(up.control.token).toBe(TOKEN);
      expect(up.ceph).toMatchObject({ username: "operator", password: "ceph-secret-1" });
      expect(up.opennebula).toMatchObject({ password: "one-secret-1" });
      expect(up.ilo).toEqual([
        expect.objectContaining({ host: "bmc1", username: "admin", password: "ilo-secret-1" }),
      ]);

      const health = await fetch(`${up.control.url}/_emulator/health`);
      expect(((await health.json()) as { topology: string }).topology).toBe("from-env");
      const faults = await fetch(`${up.control.url}/_emulator/faults`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(faults.status).toBe(200);

      const ceph = createCephClient({
        baseUrl: up.ceph.url,
        username: "operator",
        password: "ceph-secret-1",
      });
      expect((await ceph.health.minimal()).health.status).toMatch(/^HEALTH_/);
      await ceph.close();
      const ilo = createIloClient({
        baseUrl: up.ilo[0]?.url ?? "",
        username: "admin",
        password: "ilo-secret-1",
        insecure: true,
      });
      expect(await ilo.power.get()).toMatch(/^(On|Off)$/);
      await ilo.close();
    } finally {
      c.ctrlC();
      expect(await exit).toBe(0);
    }
  });

  it("reads HOMELAB_EMULATOR_TOPOLOGY as a file path; a flag wins over the environment", () => {
    const env = { HOMELAB_EMULATOR_TOPOLOGY: "/mnt/topology.yaml", HOMELAB_EMULATOR_SPEED: "5" };
    expect(parseCli(["up"], env)).toMatchObject({ topology: "/mnt/topology.yaml", speed: 5 });
    expect(parseCli(["up", "--topology", "mine.yaml", "--speed", "2"], env)).toMatchObject({
      topology: "mine.yaml",
      topologyYaml: undefined,
      speed: 2,
    });
    // an empty variable (docker run -e X=) counts as unset
    expect(parseCli(["up"], { HOMELAB_EMULATOR_TOKEN: "", HOMELAB_EMULATOR_TOPOLOGY: "" })).toMatchObject({
      topology: undefined,
      controlToken: undefined,
      credentials: {},
    });
  });

  it("refuses contradictory or unusable settings with the variable's name, never its value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-env-"));
    const run = async (env: Record<string, string>, ...argv: string[]) => {
      const c = captureIo(dir, env);
      const code = await main(["up", "--run-dir", "run", ...argv], c.io);
      return { code, err: c.err.join("") };
    };
    expect(
      await run({ HOMELAB_EMULATOR_TOPOLOGY: "a.yaml", HOMELAB_EMULATOR_TOPOLOGY_YAML: "hosts: []" }),
    ).toMatchObject({ code: 2, err: expect.stringMatching(/both set: give one topology/) });

    const shortToken = await run({ HOMELAB_EMULATOR_TOKEN: "short secret" });
    expect(shortToken).toMatchObject({
      code: 2,
      err: expect.stringMatching(/HOMELAB_EMULATOR_TOKEN: expected 16-256/),
    });
    expect(shortToken.err).not.toContain("short secret");

    expect(await run({ HOMELAB_EMULATOR_SPEED: "fast" })).toMatchObject({
      code: 2,
      err: expect.stringMatching(/HOMELAB_EMULATOR_SPEED: expected a number > 0/),
    });

    const noCeph = { name: "bare", hosts: [{ name: "h1", memoryGiB: 8 }] };
    expect(
      await run({
        HOMELAB_EMULATOR_TOPOLOGY_YAML: JSON.stringify(noCeph),
        HOMELAB_EMULATOR_CEPH_PASSWORD: "x",
      }),
    ).toMatchObject({ code: 2, err: expect.stringMatching(/topology has no Ceph/) });
    expect(
      await run({
        HOMELAB_EMULATOR_TOPOLOGY_YAML: JSON.stringify(noCeph),
        HOMELAB_EMULATOR_ONE_PASSWORD: "x",
      }),
    ).toMatchObject({ code: 2, err: expect.stringMatching(/topology has no OpenNebula/) });

    const tooShort = await run({ HOMELAB_EMULATOR_ILO_PASSWORD: "pw7char" });
    expect(tooShort.code).toBe(1);
    expect(tooShort.err).toMatch(
      /hosts\[0\]\.ilo\.users\[0\]\.password: iLO passwords have at least 8 characters/,
    );
    expect(tooShort.err).not.toContain("pw7char");

    const control = await run({ HOMELAB_EMULATOR_ILO_USERNAME: "admin\nroot" });
    expect(control).toMatchObject({
      code: 2,
      err: expect.stringMatching(/HOMELAB_EMULATOR_ILO_USERNAME: control characters/),
    });

    const badYaml = await run({ HOMELAB_EMULATOR_TOPOLOGY_YAML: "hosts:\n  - name: a\n    memoryGiB: -1\n" });
    expect(badYaml).toMatchObject({
      code: 1,
      err: expect.stringMatching(/HOMELAB_EMULATOR_TOPOLOGY_YAML:3 hosts\[0\]\.memoryGiB: Too small/),
    });

    writeFileSync(join(dir, "bad.yaml"), "hosts: 3\n");
    expect(await run({ HOMELAB_EMULATOR_TOPOLOGY: "bad.yaml" })).toMatchObject({
      code: 1,
      err: expect.stringMatching(/bad\.yaml/),
    });
  });
});
