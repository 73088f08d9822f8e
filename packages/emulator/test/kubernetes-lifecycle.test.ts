/**
 * Lifecycle of the binaries provider with stand-in executables (shell scripts that fail, hang or
 * never get ready): every failure path must leave no process and no temp dir behind. The real
 * binaries are exercised by conformance/kubernetes.
 */
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ClusterError, reapStaleClusters, startCluster } from "@homelab-kit/emulator/kubernetes";
import { build } from "tsup";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const packageDir = resolve(import.meta.dirname, "..");
let root: string;

/** Pids whose command line mentions `needle` (Linux /proc). */
async function processesMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ");
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/**
 * Pids mentioning `needle` that are still there after up to `ms`: a process killed a moment ago
 * (the grandchild of a killed shell, say) may take a few milliseconds to vanish; zombies don't count.
 */
async function survivors(needle: string, ms = 3_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pids: number[] = [];
    for (const pid of await processesMentioning(needle)) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
      const state = /\) (\S)/.exec(stat)?.[1];
      if (state !== undefined && state !== "Z") pids.push(pid);
    }
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function clusterDirs(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((e) => e.startsWith("homelab-kit-k8s-"));
}

/** A folder of fake binaries: each name maps to a shell script body. */
async function fakeAssets(scripts: Partial<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(root, "assets-"));
  const hang = "while :; do sleep 1; done";
  for (const name of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"]) {
    const file = join(dir, name);
    await writeFile(file, `#!/bin/sh\n${scripts[name] ?? hang}\n`);
    await chmod(file, 0o755);
  }
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hk-k8s-lifecycle-"));
});
afterEach(async () => {
  // Whatever a test did, nothing it started may survive it.
  expect(await survivors(root)).toEqual([]);
  expect(await clusterDirs(root)).toEqual([]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("binaries provider failure paths", () => {
  it("reports a component that exits, with its last log lines, and stops the others", async () => {
    const assetsDir = await fakeAssets({
      "kube-apiserver": 'echo "Error: invalid flag --etcd-servers" >&2; exit 3',
    });
    const error = (await startCluster({ provider: "binaries", assetsDir, tmpDir: root }).catch(
      (e: unknown) => e,
    )) as ClusterError;
    expect(error.name).toBe("ClusterError");
    expect(error.code).toBe("PROCESS_EXITED");
    expect(error.component).toBe("kube-apiserver");
    expect(error.message).toContain("code 3");
    expect(error.logTail).toContain("invalid flag --etcd-servers");
  });

  it("times out when the API never becomes ready, naming the component", async () => {
    const assetsDir = await fakeAssets({});
    const started = performance.now();
    const error = (await startCluster({
      provider: "binaries",
      assetsDir,
      tmpDir: root,
      startTimeout: 1_500,
    }).catch((e: unknown) => e)) as ClusterError;
    expect(error.code).toBe("START_TIMEOUT");
    expect(error.component).toBe("kube-apiserver");
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("stops everything when the start is aborted", async () => {
    const assetsDir = await fakeAssets({});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("test abort")), 500);
    const error = (await startCluster({
      provider: "binaries",
      assetsDir,
      tmpDir: root,
      signal: controller.signal,
    }).catch((e: unknown) => e)) as ClusterError;
    expect(error.code).toBe("ABORTED");
  });

  it("reports a binary that cannot be executed", async () => {
    const assetsDir = await fakeAssets({});
    await writeFile(join(assetsDir, "etcd"), "not a program\n");
    await chmod(join(assetsDir, "etcd"), 0o755);
    const error = (await startCluster({ provider: "binaries", assetsDir, tmpDir: root }).catch(
      (e: unknown) => e,
    )) as ClusterError;
    // The kernel refuses a file without #! or ELF header (ENOEXEC); the shell fallback of spawn does not apply.
    expect(["PROCESS_EXITED", "BINARY_NOT_FOUND"]).toContain(error.code);
    expect(error.component).toBe("etcd");
  });
});

describe("stale clusters", () => {
  it("reaps the processes and dir of a cluster whose owner died", async () => {
    const dir = join(root, "homelab-kit-k8s-stale");
    await mkdir(dir);
    const orphan = spawn("/bin/sh", ["-c", "while :; do sleep 1; done", `${dir}/etcd`], {
      detached: true,
      stdio: "ignore",
    });
    // A pid that is certainly dead: a process we waited for.
    const dead = spawn("/bin/true");
    await new Promise((r) => dead.once("exit", r));
    await writeFile(
      join(dir, "owner.json"),
      JSON.stringify({ pid: dead.pid, components: [{ name: "etcd", pid: orphan.pid }] }),
    );
    const exited = new Promise((r) => orphan.once("exit", r));
    expect(await reapStaleClusters(root)).toEqual([dir]);
    await exited;
  });

  it("leaves clusters of live owners alone", async () => {
    const dir = join(root, "homelab-kit-k8s-live");
    await mkdir(dir);
    await writeFile(join(dir, "owner.json"), JSON.stringify({ pid: process.pid, components: [] }));
    expect(await reapStaleClusters(root)).toEqual([]);
    await rm(dir, { recursive: true });
  });
});

describe("signals", () => {
  let childScript: string;
  beforeAll(async () => {
    // The child imports the TypeScript sources, so bundle it (Node 20 cannot strip types).
    const out = join(packageDir, ".tmp", `k8s-signal-child-${process.pid}`);
    const entry = join(out, "child.ts");
    await mkdir(out, { recursive: true });
    await writeFile(
      entry,
      `import { startCluster } from ${JSON.stringify(join(packageDir, "src/kubernetes/index.ts"))};
const [assetsDir, tmpDir] = process.argv.slice(2);
startCluster({ provider: "binaries", assetsDir, tmpDir, startTimeout: 60_000, log: (line) => {
  if (line.startsWith("kube-apiserver: started")) process.stdout.write("SPAWNED\\n");
} }).catch((e) => { process.stderr.write(String(e)); process.exit(1); });
`,
    );
    await build({
      entry: { child: entry },
      outDir: out,
      format: ["esm"],
      platform: "node",
      target: "node20",
      config: false,
      silent: true,
      dts: false,
      sourcemap: false,
      external: ["@kubernetes/client-node", "selfsigned", "yaml"],
    });
    childScript = join(out, "child.js");
    return () => rm(out, { recursive: true, force: true });
  }, 60_000);

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`kills every component and removes the temp dir on ${signal}`, async () => {
      const assetsDir = await fakeAssets({});
      const child = spawn(process.execPath, [childScript, assetsDir, root], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += String(d);
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.once("exit", (code, sig) => r({ code, signal: sig })),
      );
      await new Promise<void>((resolvePromise, reject) => {
        child.stdout.on("data", (d) => {
          if (String(d).includes("SPAWNED")) resolvePromise();
        });
        void exited.then(() => reject(new Error(`child exited early: ${stderr}`)));
      });
      expect((await processesMentioning(root)).length).toBeGreaterThanOrEqual(2); // etcd + kube-apiserver (+ sleeps)
      child.kill(signal);
      // The default action of the signal is kept: the process dies of it.
      expect(await exited).toEqual({ code: null, signal });
    });
  }
});

describe("port races", () => {
  it("starts again on new ports when a component finds its port taken", async () => {
    // The fake kube-apiserver fails with "address already in use" on its first run only.
    const marker = join(root, `port-race-${process.pid}`);
    const assetsDir = await fakeAssets({
      "kube-apiserver": `if [ ! -e ${marker} ]; then touch ${marker}; echo "failed to listen: bind: address already in use" >&2; exit 1; fi; while :; do sleep 1; done`,
    });
    const lines: string[] = [];
    const error = (await startCluster({
      provider: "binaries",
      assetsDir,
      tmpDir: root,
      startTimeout: 1_500,
      log: (line) => lines.push(line),
    }).catch((e: unknown) => e)) as ClusterError;
    await rm(marker, { force: true });
    // Second attempt got past the port (and then timed out, as the fake never becomes ready).
    expect(lines.some((l) => l.includes("a port was taken meanwhile"))).toBe(true);
    expect(error.code).toBe("START_TIMEOUT");
  });
});
