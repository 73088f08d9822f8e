/**
 * The emulator image in real containers (Docker): started through
 * @homelab-kit/emulator/testcontainers and with `docker run` as a non-Node user would, driven by our
 * clients (Ceph, OpenNebula, iLO, control API) and by third-party ones (python-hpilo,
 * proliantutils, sushy and redfishtool through conformance/ilo/peers.py; pyone through
 * conformance/opennebula/pyone_peer.py), then stopped. Run by .ci/suites/docker.sh, which builds
 * the image and installs the Python peers.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCephClient } from "@homelab-kit/ceph";
import { HttpError } from "@homelab-kit/core";
import { HomelabEmulatorContainer } from "@homelab-kit/emulator/testcontainers";
import { createIloClient } from "@homelab-kit/ilo";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import { afterAll, describe, expect, it } from "vitest";
import { rootDir } from "../../vitest.shared.js";
import { docker, IMAGE, inspect, logs, until } from "./docker.js";

const MIXED_ILO = join(rootDir, "conformance/topologies/mixed-ilo.yaml");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-docker-"));
  dirs.push(dir);
  return dir;
}

/** Runs a peer script; resolves with its exit code and output (never rejects). */
function runPeer(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.REQUESTS_CA_BUNDLE;
    delete env.CURL_CA_BUNDLE;
    execFile(command, args, { timeout: 600_000, maxBuffer: 32 << 20, env }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
        output: `${stdout}${stderr}`,
      });
    });
  });
}

describe("the emulator image through @homelab-kit/emulator/testcontainers", () => {
  it("serves every API of the default topology to our clients, on 127.0.0.1 only, as a non-root user", async () => {
    const emulator = await new HomelabEmulatorContainer(IMAGE).withSpeed(60).start();
    const id = emulator.getId();
    try {
      const info = await inspect(id);
      expect(info.Config.User).toBe("10001:10001");
      const published = Object.values(info.NetworkSettings.Ports).flatMap((b) => b ?? []);
      // control, Ceph, OpenNebula, 3 iLOs, Cloudflare; ceph-mgr, iLO exporter, 3 node_exporters
      expect(published.length).toBe(12);
      expect(new Set(published.map((b) => b.HostIp))).toEqual(new Set(["127.0.0.1"]));
      const uid = await emulator.exec(["node", "-e", "process.stdout.write(String(process.getuid()))"]);
      expect(uid.output).toBe("10001");

      // Docker's own healthcheck (the image's HEALTHCHECK, `homelab-emulator status`) turns healthy.
      expect(
        await until("a healthy container", async () => {
          const health = (await inspect(id)).State.Health?.Status;
          return health === "healthy" ? health : undefined;
        }),
      ).toBe("healthy");

      const health = await emulator.control.health();
      expect(health).toMatchObject({ status: "running", topology: "reference", clock: { speed: 60 } });

      const ceph = createCephClient(emulator.ceph ?? { baseUrl: "" });
      await ceph.pools.create({ pool: "from-container", pool_type: "replicated", pg_num: 8 });
      expect((await ceph.pools.list()).map((p) => p.pool_name)).toContain("from-container");
      await emulator.control.faults.add({ api: "ceph", operation: "GET /api/pool", status: 503, count: 1 });
      const refused = await ceph.pools.list().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HttpError);
      expect((refused as HttpError).status).toBe(503);
      expect((await ceph.pools.list()).length).toBeGreaterThan(0);
      await ceph.close();

      const one = createOpenNebulaClient(emulator.opennebula ?? { url: "", username: "" });
      const hosts = await one.hostpool.info();
      expect(hosts.map((h) => h.NAME)).toEqual(["node1", "node2", "node3"]);
      await one.close();

      // HTTPS verified against the emulator's CA, through the published port.
      const ilo = createIloClient(emulator.ilo("node2"));
      await ilo.power.on();
      await ilo.power.waitFor("On", { interval: 100, timeout: 20_000 });
      expect(await ilo.power.get()).toBe("On");
      await ilo.close();
      expect((await emulator.control.health()).hosts.find((h) => h.name === "node2")?.power).toBe("On");
      expect(() => emulator.ilo("node9")).toThrow(/hosts: node1, node2, node3/);

      // Prometheus exporters, through their published ports: node2's answers once its OS is up
      // (a switched-off host's exporter is unreachable, as a real one is).
      const node2 = emulator.endpoints.metrics.node.find((n) => n.host === "node2");
      const scraped = await until("node2's node_exporter", async () => {
        const res = await fetch(`${node2?.url}/metrics`);
        return res.ok ? await res.text() : undefined;
      });
      expect(scraped).toMatch(/^node_/m);
      const cephMgr = await fetch(`${emulator.endpoints.metrics.cephMgr}/metrics`);
      expect(cephMgr.status).toBe(200);

      const cloudflare = emulator.endpoints.cloudflare;
      const zones = await fetch(`${cloudflare?.url}/zones`, {
        headers: { authorization: `Bearer ${cloudflare?.token}` },
      });
      expect(((await zones.json()) as { result: Array<{ name: string }> }).result.map((z) => z.name)).toEqual(
        ["example.com"],
      );

      const env = emulator.env("/tmp/ca.pem");
      expect(env).toMatchObject({
        CEPH_URL: emulator.ceph?.baseUrl,
        ONE_XMLRPC: emulator.opennebula?.url,
        ILO_NODE1_URL: emulator.ilo("node1").url,
        ILO_CA_FILE: "/tmp/ca.pem",
        EMULATOR_TOKEN: emulator.control.token,
      });
    } finally {
      await emulator.stop();
    }
    await expect(docker("inspect", id)).rejects.toThrow(/No such object/i);
  });

  it("runs python-hpilo, proliantutils, sushy and redfishtool against the iLO 3/4/5 BMCs it publishes", async () => {
    const emulator = await new HomelabEmulatorContainer(IMAGE).withTopology(MIXED_ILO).withSpeed(20).start();
    try {
      const dir = tempDir();
      const caFile = join(dir, "ilo-ca.pem");
      writeFileSync(caFile, emulator.endpoints.iloCa);
      const upJson = join(dir, "up.json");
      writeFileSync(upJson, JSON.stringify({ ...emulator.endpoints, iloCa: undefined, iloCaFile: caFile }));
      const peers = await runPeer("/usr/bin/python3", [join(rootDir, "conformance/ilo/peers.py"), upJson]);
      console.log(peers.output);
      expect(peers.code, peers.output).toBe(0);
      expect(peers.output).toMatch(/python-hpilo.*passed/i);
    } finally {
      await emulator.stop();
    }
  });

  it("runs pyone against the OpenNebula XML-RPC it publishes", async () => {
    const python = process.env.HOMELAB_KIT_PYONE_PYTHON;
    if (python === undefined)
      throw new Error(
        "HOMELAB_KIT_PYONE_PYTHON is unset: run this suite with bash .ci/suites/docker.sh (it makes the pyone venv)",
      );
    const emulator = await new HomelabEmulatorContainer(IMAGE).withTopology(MIXED_ILO).withSpeed(20).start();
    try {
      const dir = tempDir();
      const config = join(dir, "one.json");
      const one = emulator.opennebula;
      if (one === undefined) throw new Error("the mixed-ilo topology has OpenNebula");
      writeFileSync(
        config,
        JSON.stringify({ endpoint: one.url, user: one.username, password: one.password }),
      );
      const pyone = await runPeer(python, [join(rootDir, "conformance/opennebula/pyone_peer.py"), config]);
      console.log(pyone.output);
      expect(pyone.code, pyone.output).toBe(0);
    } finally {
      await emulator.stop();
    }
  });
});

describe("a topology without Ceph or OpenNebula", () => {
  it("publishes only the control API, the iLOs and their exporters, and the module reads the CA the iLOs chain to", async () => {
    const emulator = await new HomelabEmulatorContainer(IMAGE)
      .withTopology({ name: "solo", hosts: [{ name: "solo", memoryGiB: 8, ilo: { generation: "ilo4" } }] })
      .start();
    try {
      expect(emulator.ceph).toBeUndefined();
      expect(emulator.opennebula).toBeUndefined();
      const ports = (await inspect(emulator.getId())).NetworkSettings.Ports;
      expect(
        Object.keys(ports)
          .filter((p) => ports[p] !== null)
          .sort(),
      ).toEqual(["8080/tcp", "8083/tcp", "9101/tcp", "9102/tcp"]);
      expect(emulator.endpoints.iloCa).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const ilo = createIloClient(emulator.ilo("solo"));
      expect(await ilo.power.get()).toMatch(/^(On|Off)$/);
      await ilo.close();
    } finally {
      await emulator.stop();
    }
  });
});

describe("the emulator image with docker run, as another language's test suite starts it", () => {
  it("takes its topology from a mounted file and its credentials from the environment", async () => {
    const dir = tempDir();
    const topology = join(dir, "topology.yaml");
    writeFileSync(
      topology,
      [
        "name: mounted",
        "hosts:",
        "  - name: bmc-a",
        "    memoryGiB: 64",
        "    ilo: { generation: ilo5 }",
        "    ceph: { osds: 2 }",
        "ceph: {}",
      ].join("\n"),
    );
    chmodSync(topology, 0o644);
    const token = "docker-run-token-0123456789";
    const id = (
      await docker(
        "run",
        "--detach",
        "--read-only",
        "--tmpfs",
        "/tmp",
        "--publish",
        "127.0.0.1::8080",
        "--publish",
        "127.0.0.1::8081",
        "--publish",
        "127.0.0.1::8083",
        "--volume",
        `${topology}:/etc/homelab-emulator/topology.yaml:ro`,
        "--env",
        "HOMELAB_EMULATOR_TOPOLOGY=/etc/homelab-emulator/topology.yaml",
        "--env",
        `HOMELAB_EMULATOR_TOKEN=${token}`,
        "--env",
        "HOMELAB_EMULATOR_CEPH_PASSWORD=ceph-from-env",
        "--env",
        "HOMELAB_EMULATOR_ILO_USERNAME=ops",
        "--env",
        "HOMELAB_EMULATOR_ILO_PASSWORD=ilo-from-env",
        "--label",
        "homelab-kit.test=docker-run",
        IMAGE,
      )
    ).trim();
    try {
      const port = async (p: number) => (await docker("port", id, `${p}/tcp`)).trim().split(":").pop() ?? "";
      const control = `http://127.0.0.1:${await port(8080)}`;
      const health = await until("the health route", async () => {
        const res = await fetch(`${control}/_emulator/health`);
        return res.ok ? ((await res.json()) as { topology: string }) : undefined;
      });
      expect(health.topology).toBe("mounted");
      const faults = await fetch(`${control}/_emulator/faults`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(faults.status).toBe(200);

      const cephUrl = `http://127.0.0.1:${await port(8081)}`;
      const ceph = createCephClient({ baseUrl: cephUrl, username: "admin", password: "ceph-from-env" });
      expect((await ceph.osds.list()).length).toBe(2);
      await ceph.close();
      const wrong = createCephClient({ baseUrl: cephUrl, username: "admin", password: "Adm1n-Passw0rd!" });
      await expect(wrong.pools.list()).rejects.toMatchObject({ status: 400 });
      await wrong.close();

      const ilo = createIloClient({
        baseUrl: `https://127.0.0.1:${await port(8083)}`,
        username: "ops",
        password: "ilo-from-env",
        insecure: true,
      });
      expect(await ilo.power.get()).toMatch(/^(On|Off)$/);
      await ilo.close();

      // The image's HEALTHCHECK, as `depends_on: condition: service_healthy` would wait for it.
      await until("a healthy container", async () =>
        (await inspect(id)).State.Health?.Status === "healthy" ? true : undefined,
      );
      // SIGTERM (docker stop) stops `up` cleanly: exit code 0, well before docker's 10 s SIGKILL.
      const t0 = Date.now();
      await docker("stop", id);
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect((await docker("inspect", "--format", "{{.State.ExitCode}}", id)).trim()).toBe("0");
    } finally {
      await docker("rm", "--force", id).catch(() => {});
    }
  });

  it("a bad topology or setting stops the container at once with the reason in its log", async () => {
    const id = (
      await docker("run", "--detach", "--env", "HOMELAB_EMULATOR_TOPOLOGY_YAML=hosts: []", IMAGE)
    ).trim();
    try {
      const code = (await docker("wait", id)).trim();
      expect(code).toBe("1");
      const log = await logs(id);
      expect(log).toMatch(/invalid topology HOMELAB_EMULATOR_TOPOLOGY_YAML/);
    } finally {
      await docker("rm", "--force", id).catch(() => {});
    }
    const token = await docker("run", "--rm", "--env", "HOMELAB_EMULATOR_TOKEN=short", IMAGE).catch(
      (e: Error) => e.message,
    );
    expect(token).toMatch(/HOMELAB_EMULATOR_TOKEN: expected 16-256/);
  });
});
