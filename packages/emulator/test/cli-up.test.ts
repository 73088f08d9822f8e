/** `homelab-emulator` run in-process through `main()` with a captured io (signals included). */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { envFileText, iloEndpointsFromEnv, main, parseEnvFile } from "@homelab-kit/emulator/cli";
import type { EmulatorEndpoints } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { describe, expect, it } from "vitest";
import { captureIo, until } from "./cli-helpers.js";

describe("homelab-emulator CLI", () => {
  it("up --json serves, writes a private env file; status reports; down stops and saves --state; up again restores it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    const first = captureIo(dir);
    const exit = main(
      ["up", "--json", "--no-kubernetes", "--speed", "1000", "--state", "state.json", "--run-dir", "run"],
      first.io,
    );
    const printed = await until(() => first.out[0]);
    const endpoints = JSON.parse(printed) as {
      envFile: string;
      runDir: string;
      ilo: Array<{ host: string }>;
      speed: number;
    };
    expect(endpoints.runDir).toBe(join(dir, "run"));
    expect(endpoints.ilo.map((i) => i.host)).toEqual(["node1", "node2", "node3"]);
    expect(endpoints.speed).toBe(1000);
    expect(JSON.stringify(endpoints)).not.toContain("BEGIN CERTIFICATE");

    expect(statSync(endpoints.envFile).mode & 0o777).toBe(0o600);
    const env = parseEnvFile(readFileSync(endpoints.envFile, "utf8"));
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        "CEPH_URL",
        "CEPH_PASSWORD",
        "ILO_NODE1_URL",
        "ILO_CA_FILE",
        "EMULATOR_TOKEN",
        "CLOUDFLARE_API_URL",
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_ZONE",
      ]),
    );
    expect(env.KUBECONFIG).toBeUndefined(); // --no-kubernetes
    const zones = await fetch(`${env.CLOUDFLARE_API_URL}/zones?name=${env.CLOUDFLARE_ZONE}`, {
      headers: { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}` },
    });
    expect(((await zones.json()) as { result: Array<{ name: string }> }).result.map((z) => z.name)).toEqual([
      "example.com",
    ]);
    const ilo = createIloClient({
      baseUrl: env.ILO_NODE2_URL ?? "",
      username: env.ILO_NODE2_USERNAME ?? "",
      password: env.ILO_NODE2_PASSWORD ?? "",
      tls: { ca: readFileSync(env.ILO_CA_FILE ?? "", "utf8") },
    });
    await ilo.power.on();
    await ilo.power.waitFor("On", { interval: 20, timeout: 5_000 }); // 2 s of emulated time at x1000
    await ilo.close();

    const status = captureIo(dir);
    expect(await main(["status", "--run-dir", "run"], status.io), status.err.join("")).toBe(0);
    expect(status.out.join("")).toMatch(/node2: On/);
    expect(status.out.join("")).toContain("kubernetes: not started (--no-kubernetes)");

    const down = captureIo(dir);
    expect(await main(["down", "--run-dir", "run"], down.io), down.err.join("")).toBe(0);
    expect(await exit).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as {
      hosts: Record<string, { power: { on: boolean } }>;
    };
    expect(saved.hosts.node2?.power.on).toBe(true);
    expect(await main(["status", "--run-dir", "run"], captureIo(dir).io)).toBe(2);

    const second = captureIo(dir);
    const again = main(["up", "--no-kubernetes", "--state", "state.json", "--run-dir", "run"], second.io);
    await until(() => (second.out.join("").includes("Ctrl-C") ? true : undefined));
    expect(second.out.join("")).toMatch(/iLO node1 \(ilo3\)\s+https:\/\/127\.0\.0\.1:\d+\s+Administrator/);
    // It says where the secrets went, and how to keep them out of the user's repository.
    expect(second.out.join("")).toContain(`run directory ${join(dir, "run")} (env file with passwords`);
    expect(second.out.join("")).toContain("add run/ to your .gitignore");
    const status2 = captureIo(dir);
    await main(["status", "--run-dir", "run"], status2.io);
    expect(status2.out.join("")).toMatch(/node2: On/);
    expect(status2.out.join("")).toMatch(/node1: Off/);
    second.ctrlC();
    expect(await again).toBe(0);
    expect(second.out.join("")).toContain("stopped");
  });

  it("--env-file over an existing world-readable file leaves it 0600 with only the new content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    const envFile = join(dir, "lab.env");
    writeFileSync(envFile, `${"OLD-CONTENT ".repeat(1_000)}\n`, { mode: 0o644 });
    chmodSync(envFile, 0o644);
    const up = captureIo(dir);
    const exit = main(
      ["up", "--json", "--no-kubernetes", "--env-file", "lab.env", "--run-dir", "run"],
      up.io,
    );
    await until(() => up.out[0]);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(envFile, "utf8");
    expect(text).not.toContain("OLD-CONTENT");
    expect(text).toMatch(/^EMULATOR_TOKEN=/m);
    up.ctrlC();
    expect(await exit).toBe(0);
  });

  it("without the Kubernetes binaries, up says how to build them and how long it takes, and serves the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    const saved = process.env.HOMELAB_KIT_K8S_ASSETS;
    process.env.HOMELAB_KIT_K8S_ASSETS = join(dir, "no-binaries-here");
    try {
      const up = captureIo(dir);
      const exit = main(["up", "--json", "--run-dir", "run"], up.io);
      const printed = JSON.parse(await until(() => up.out[0])) as {
        kubernetes: { status: string; reason: string };
        ceph: { url: string };
      };
      expect(printed.kubernetes.status).toBe("not started");
      const err = up.err.join("");
      expect(err).toContain("Kubernetes not started: the cluster binaries are not built");
      expect(err).toContain("bash scripts/k8s/build-binaries.sh");
      expect(err).toMatch(/about 30 minutes on 2 cores/);
      expect(err).toContain("KUBEBUILDER_ASSETS");
      expect((await fetch(`${printed.ceph.url}/api/health/minimal`)).status).toBeLessThan(500); // the rest runs
      const status = captureIo(dir);
      await main(["status", "--run-dir", "run"], status.io);
      expect(status.out.join("")).toMatch(
        /kubernetes: not started \(Kubernetes not started: the cluster binaries are not built/,
      );
      const down = captureIo(dir);
      expect(await main(["down", "--run-dir", "run"], down.io)).toBe(0);
      expect(down.out.join("")).toContain("stopped");
      expect(await exit).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.HOMELAB_KIT_K8S_ASSETS;
      else process.env.HOMELAB_KIT_K8S_ASSETS = saved;
    }
  });

  /** Endpoints with only the control API, an iLO exporter and the given BMCs (for the env-file tests). */
  const endpointsWith = (ilo: EmulatorEndpoints["ilo"]): EmulatorEndpoints => ({
    control: { url: "http://127.0.0.1:1", token: "t" },
    ceph: undefined,
    opennebula: undefined,
    cloudflare: undefined,
    metrics: { cephMgr: undefined, iloExporter: "http://127.0.0.1:2", node: [] },
    ilo,
    iloCa: "",
  });

  it("reads back an env file as it was written, quotes included", () => {
    const text = envFileText(endpointsWith([]), "/ca.pem", [["INGRESS_CA_FILE", "/run dir/it's.pem"]]);
    expect(parseEnvFile(text)).toEqual({
      EMULATOR_CONTROL_URL: "http://127.0.0.1:1",
      EMULATOR_TOKEN: "t",
      ILO_HOSTS: "",
      ILO_CA_FILE: "/ca.pem",
      NODE_EXPORTER_HOSTS: "",
      ILO_EXPORTER_URL: "http://127.0.0.1:2/metrics",
      INGRESS_CA_FILE: "/run dir/it's.pem",
    });
  });

  it("reads the BMCs back from an env file, and names a missing variable", () => {
    const ilo = [
      {
        host: "node-1.lab",
        url: "https://127.0.0.1:3",
        generation: "ilo3",
        username: "admin",
        password: "p'w",
      },
    ];
    const text = envFileText(endpointsWith(ilo), "/ca.pem");
    expect(iloEndpointsFromEnv(parseEnvFile(text))).toEqual([
      { host: "node-1.lab", url: "https://127.0.0.1:3", username: "admin", password: "p'w" },
    ]);
    expect(() => iloEndpointsFromEnv({ ILO_HOSTS: "node-1.lab", ILO_NODE_1_LAB_URL: "https://x" })).toThrow(
      "missing ILO_NODE_1_LAB_USERNAME in the environment",
    );
    expect(() => iloEndpointsFromEnv({})).toThrow("missing ILO_HOSTS");
  });

  it("bad input is a precise error and an exit code, never a crash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    const run = async (...argv: string[]) => {
      const c = captureIo(dir);
      const code = await main(argv, c.io);
      return { code, err: c.err.join("") };
    };
    expect(await run("up", "--bogus")).toMatchObject({ code: 2, err: expect.stringMatching(/--bogus/) });
    expect(await run("up", "--host", "0.0.0.0")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/not a loopback address/),
    });
    expect(await run("up", "--speed", "0")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--speed: expected a number > 0/),
    });
    expect(await run("fly")).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "fly"/) });
    writeFileSync(join(dir, "bad.yaml"), "hosts:\n  - name: a\n    memoryGiB: -1\n");
    const bad = await run("up", "--topology", "bad.yaml");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.yaml:3 hosts\[0\]\.memoryGiB: Too small/);
    expect(await run("down", "--run-dir", "nowhere")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/no running emulator/),
    });
    const topo = captureIo(dir);
    expect(await main(["topology"], topo.io)).toBe(0);
    expect(topo.out.join("")).toContain("name: reference");
  });
});
