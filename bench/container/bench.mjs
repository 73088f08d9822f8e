// The emulator image: build time (cold and warm), size, and container start to healthy.
//
//   node bench/container/bench.mjs [runs=10] [--cold]     (pnpm bench container [runs] [--cold])
//
// --cold first removes the emulator and base images and builds with an empty HOMELAB_KIT_CACHE
// (a temp dir): the rootfs is made again from the npm and Debian packages (npm's own download cache
// may still hold the Node tarball). Without it only the warm build (base present, nothing changed)
// is timed. Start to healthy: `docker run -d` (ports published on 127.0.0.1) until
// GET /_emulator/health answers 200 through the published port, N runs, interleaved with the same
// measure for a peer in the same run: a minimal Node HTTP server (`node -e` in the base image,
// same publishing), which is the floor Docker + Node set on this machine. Also the CPU time the
// container used until healthy (its cgroup), steadier than wall time on a loaded machine, and
// HomelabEmulatorContainer.start() (the testcontainers module, built dist/) to the same point.
// --quick (what CI runs): the warm build and one run of each, about a minute.
// A Docker engine: the one that answers, else dockerd started here as .ci/suites/docker.sh starts it
// (and stopped again at the end). A quick run on a machine without dockerd says so loudly and skips.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  goal,
  median,
  numbers,
  QUICK,
  requireBuilt,
  ROOT as root,
  skipLoudly,
  writeResult,
} from "../lib/harness.mjs";

const cold = process.argv.includes("--cold");
const [runs = QUICK ? 1 : 10] = numbers;
requireBuilt("core", "emulator");

const sh = (cmd, cmdArgs, env = {}) =>
  execFileSync(cmd, cmdArgs, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
const docker = (...a) => sh("docker", a).trim();
const seconds = (ms) => (ms / 1000).toFixed(2);
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const engine = () => spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;

/** The dockerd this bench started when no engine answered (stopped again at the end), else undefined. */
async function startDockerd() {
  if (engine()) return undefined;
  if (spawnSync("dockerd", ["--version"], { stdio: "ignore" }).status !== 0) {
    if (!QUICK)
      throw new Error("no Docker engine answers and there is no dockerd (Debian: apt-get install docker.io)");
    skipLoudly(
      "container: the emulator image's build and start",
      "no Docker engine answers and there is no dockerd to start (Debian: docker.io)",
    );
    process.exit(0);
  }
  const log = join(mkdtempSync(join(tmpdir(), "bench-dockerd-")), "dockerd.log");
  console.log(`no Docker engine answers: starting dockerd (log: ${log}), stopped again at the end`);
  const child = spawn("dockerd", [], { stdio: ["ignore", openSync(log, "a"), openSync(log, "a")] });
  const deadline = Date.now() + 30_000;
  while (!engine()) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`dockerd did not answer in 30 s:\n${readFileSync(log, "utf8").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}
const dockerd = await startDockerd();
process.on("exit", () => dockerd?.kill("SIGTERM"));

function build(env = {}) {
  const t0 = performance.now();
  const out = sh("bash", ["packages/emulator/container/build-image.sh"], env);
  return { ms: performance.now() - t0, image: out.trim().split("\n").pop() };
}

const results = { date: new Date().toISOString(), load: { start: load() } };

if (cold) {
  const cache = mkdtempSync(join(tmpdir(), "homelab-bench-cache-"));
  const refs = docker("images", "--format", "{{.Repository}}:{{.Tag}}")
    .split("\n")
    .filter((ref) => /^homelab-kit\/emulator(-base)?:/.test(ref));
  if (refs.length > 0) docker("rmi", "--force", ...refs);
  const c = build({ HOMELAB_KIT_CACHE: cache });
  rmSync(cache, { recursive: true, force: true });
  results.coldBuildS = Number(seconds(c.ms));
}
const warm = build();
results.warmBuildS = Number(seconds(warm.ms));
const image = warm.image;
results.image = image;
results.imageBytes = Number(docker("image", "inspect", "--format", "{{.Size}}", image));
const baseRef = sh("bash", [
  "-c",
  "docker images --format '{{.Repository}}:{{.Tag}}' homelab-kit/emulator-base | head -1",
]).trim();
results.baseImage = baseRef;
results.baseBytes = Number(docker("image", "inspect", "--format", "{{.Size}}", baseRef));

function cgroupCpuMs(id) {
  for (const file of [
    `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`,
    `/sys/fs/cgroup/docker/${id}/cpu.stat`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`,
  ]) {
    try {
      const text = readFileSync(file, "utf8");
      if (file.endsWith("cpuacct.usage")) return Number(text) / 1e6;
      return Number(/usage_usec (\d+)/.exec(text)?.[1]) / 1e3;
    } catch {}
  }
  return Number.NaN;
}

async function startToHealthy(runArgs, path) {
  const t0 = performance.now();
  const id = docker("run", "--detach", "--publish", "127.0.0.1::8080", ...runArgs);
  try {
    const port = docker("port", id, "8080/tcp").split("\n")[0].split(":").pop();
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {}
      if (performance.now() - t0 > 60_000) throw new Error(`no answer in 60 s: ${docker("logs", id)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return { ms: performance.now() - t0, cpuMs: cgroupCpuMs(id) };
  } finally {
    docker("rm", "--force", id);
  }
}

const { HomelabEmulatorContainer } = await import(
  join(root, "packages/emulator/dist/testcontainers/index.js")
);
process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
// The module publishes on 127.0.0.1 only; inside a container (/.dockerenv) testcontainers would look
// for the emulator at the bridge's gateway instead (its resolve-host), where nothing listens.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
const emulator = [];
const floor = [];
const module = [];
const peerServer = "require('node:http').createServer((q, s) => s.end('ok')).listen(8080)";
for (let i = 0; i < runs; i++) {
  emulator.push(await startToHealthy([image], "/_emulator/health"));
  floor.push(await startToHealthy(["--entrypoint", "node", image, "-e", peerServer], "/"));
  const t0 = performance.now();
  const started = await new HomelabEmulatorContainer(image).start();
  module.push(performance.now() - t0);
  await started.stop();
}
results.runs = runs;
results.startToHealthy = {
  emulatorMedianS: Number(seconds(median(emulator.map((r) => r.ms)))),
  emulatorAllS: emulator.map((r) => Number(seconds(r.ms))),
  emulatorCpuMedianS: Number(seconds(median(emulator.map((r) => r.cpuMs)))),
  nodeHttpFloorMedianS: Number(seconds(median(floor.map((r) => r.ms)))),
  nodeHttpFloorCpuMedianS: Number(seconds(median(floor.map((r) => r.cpuMs)))),
  ratioToFloor: Number((median(emulator.map((r) => r.ms)) / median(floor.map((r) => r.ms))).toFixed(2)),
  testcontainersStartMedianS: Number(seconds(median(module))),
};
results.load.end = load();
console.log(JSON.stringify(results, null, 2));
if (dockerd) {
  const stopped = new Promise((r) => dockerd.once("exit", r));
  dockerd.kill("SIGTERM");
  await stopped;
}
writeResult("container", {
  ...results,
  goals: [
    goal(
      "docker run → /_emulator/health 200 (wall, median)",
      results.startToHealthy.emulatorMedianS,
      "<=",
      2,
      " s",
      "pnpm bench container",
    ),
  ],
});
