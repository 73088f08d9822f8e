/**
 * What the kind and k3s providers invoke, checked end to end against stand-ins: a fake `kind` and
 * `docker` on PATH (shell scripts that record their arguments), and a fake `@testcontainers/k3s`
 * module. The live tests (kubernetes-docker.test.ts) need Docker; these run anywhere.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClusterError, startCluster } from "@homelab-kit/emulator/kubernetes";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";

const k3sCalls: { image?: string; command?: string[]; stopped: number } = { stopped: 0 };
vi.mock("@testcontainers/k3s", () => ({
  K3sContainer: class {
    constructor(image: string) {
      k3sCalls.image = image;
    }
    withCommand(command: string[]) {
      k3sCalls.command = command;
      return {
        start: async () => ({
          getKubeConfig: () =>
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://localhost:32768\n  name: default\n",
          stop: async () => {
            k3sCalls.stopped++;
          },
        }),
      };
    }
  },
}));

let bin: string;
let root: string;
const saved = { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST };

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), "hk-fake-bin-"));
  root = await mkdtemp(join(tmpdir(), "hk-invocations-"));
  await writeFile(
    join(bin, "docker"),
    `#!/bin/sh\necho "docker $*" >> ${bin}/calls.log\n[ "$1" = info ] && echo 27.0.0\nexit 0\n`,
  );
  // kind: records its arguments, keeps a copy of the config, writes a kubeconfig where asked.
  await writeFile(
    join(bin, "kind"),
    `#!/bin/sh
echo "kind $*" >> ${bin}/calls.log
case "$1" in
  version) echo "kind v0.30.0 go1.24.6 linux/amd64" ;;
  create)
    for a in "$@"; do
      case "$a" in
        --config=*) cp "\${a#--config=}" ${bin}/kind-config.yaml ;;
        --kubeconfig=*) printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- cluster:\\n    server: https://127.0.0.1:40123\\n  name: kind-x\\n' > "\${a#--kubeconfig=}" ;;
      esac
    done
    [ -n "$FAIL_CREATE" ] && { echo "ERROR: failed to create cluster: node image not found" >&2; exit 1; }
    ;;
  delete) ;;
esac
exit 0
`,
  );
  await chmod(join(bin, "docker"), 0o755);
  await chmod(join(bin, "kind"), 0o755);
  process.env.PATH = `${bin}:${saved.PATH}`;
  process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock"; // the fake docker ignores it
});
afterEach(async () => {
  await rm(join(bin, "calls.log"), { force: true });
  delete process.env.FAIL_CREATE;
});
afterAll(async () => {
  process.env.PATH = saved.PATH;
  if (saved.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = saved.DOCKER_HOST;
  await rm(bin, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

const calls = async () => (await readFile(join(bin, "calls.log"), "utf8")).trim().split("\n");

describe("kind provider invocations", () => {
  it("checks kind and docker, creates from the generated config, and deletes on stop", async () => {
    const cluster = await startCluster({
      provider: "kind",
      name: "hk-test",
      tmpDir: root,
      startTimeout: 120_000,
      nodes: [
        { role: "control-plane", extraPortMappings: [{ containerPort: 443, hostPort: 8443 }] },
        { role: "worker" },
      ],
    });
    expect(cluster.provider).toBe("kind");
    expect(cluster.server).toBe("https://127.0.0.1:40123");
    expect(cluster.kubeconfig).toContain("kind: Config");
    const before = await calls();
    expect(before[0]).toBe("kind version");
    expect(before[1]).toBe("docker info --format {{.ServerVersion}}");
    expect(before[2]).toMatch(
      /^kind create cluster --name=hk-test --config=\S+\/kind\.yaml --kubeconfig=\S+\/kubeconfig --wait=120s$/,
    );
    const config = parse(await readFile(join(bin, "kind-config.yaml"), "utf8")) as {
      name: string;
      nodes: { role: string; extraPortMappings?: unknown[] }[];
    };
    expect(config.name).toBe("hk-test");
    expect(config.nodes.map((n) => n.role)).toEqual(["control-plane", "worker"]);
    expect(config.nodes[0]?.extraPortMappings).toEqual([
      { containerPort: 443, hostPort: 8443, listenAddress: "127.0.0.1", protocol: "TCP" },
    ]);

    await cluster.stop();
    expect((await calls()).at(-1)).toMatch(
      /^kind delete cluster --name=hk-test --kubeconfig=\S+\/kubeconfig$/,
    );
    await expect(stat(cluster.kubeconfigPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reports kind's own error and still deletes the half-made cluster", async () => {
    process.env.FAIL_CREATE = "1";
    const error = (await startCluster({ provider: "kind", name: "hk-fail", tmpDir: root }).catch(
      (e: unknown) => e,
    )) as ClusterError;
    expect(error.code).toBe("COMMAND_FAILED");
    expect(error.message).toContain("node image not found");
    expect((await calls()).at(-1)).toMatch(/^kind delete cluster --name=hk-fail /);
  });
});

describe("k3s provider invocations", () => {
  it("starts @testcontainers/k3s with the generated command and stops the container", async () => {
    const cluster = await startCluster({
      provider: "k3s",
      tmpDir: root,
      extraArgs: ["--kubelet-arg=max-pods=250"],
    });
    expect(k3sCalls.image).toBe("rancher/k3s:v1.34.1-k3s1");
    expect(k3sCalls.command).toEqual(["server", "--disable=traefik,servicelb", "--kubelet-arg=max-pods=250"]);
    expect(cluster.server).toBe("https://localhost:32768");
    expect(await readFile(cluster.kubeconfigPath, "utf8")).toBe(cluster.kubeconfig);
    await cluster.stop();
    await cluster.stop();
    expect(k3sCalls.stopped).toBe(1);
    await expect(stat(cluster.kubeconfigPath)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
