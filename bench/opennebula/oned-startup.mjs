// Start time of real oned (scripts/opennebula/start-oned.sh: OpenNebula 7.4 built from source, SQLite,
// dummy drivers) against the emulator's (`homelab-emulator up`), both to "one.system.version answers",
// interleaved in the same run; and oned with the reference topology created. CPU time is the sum over
// the processes each start leaves running (oned + onemonitord + its Ruby drivers; the emulator's node),
// read from /proc, which the shared machine's load moves less than wall time.
// Reports the cold build figures from the build's build.json too. The `oned` part of the opennebula
// area (bench.mjs runs it when oned is built; oned-startup.results.json):
//   pnpm bench opennebula --part=oned [runs=3]     (after scripts/opennebula/build-oned.sh, pnpm build;
//   --quick: one run)
// The emulator runs with --no-kubernetes: the start compared is its OpenNebula and the rest, as oned's.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, ROOT as root } from "../lib/harness.mjs";

const TICK = 100; // USER_HZ on Linux

function cpuSecondsOf(match) {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {}
      if (!match(cmd, cwd, pid)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {}
  }
  return ticks / TICK;
}

async function version(endpoint, session) {
  const body = `<?xml version="1.0"?><methodCall><methodName>one.system.version</methodName><params><param><value><string>${session}</string></value></param></params></methodCall>`;
  const res = await fetch(endpoint, { method: "POST", headers: { "content-type": "text/xml" }, body });
  const text = await res.text();
  if (!text.includes("<boolean>1</boolean>")) throw new Error(`one.system.version failed: ${text}`);
}

function onedStart(topology) {
  const dir = mkdtempSync(join(tmpdir(), "homelab-kit-oned-bench."));
  const t0 = performance.now();
  const out = execFileSync("bash", ["scripts/opennebula/start-oned.sh"], {
    cwd: root,
    env: { ...process.env, ONED_DIR: dir, ONED_TOPOLOGY: topology },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const wall = (performance.now() - t0) / 1000;
  const endpoint = JSON.parse(out.trim().split("\n").at(-1));
  const cpu = cpuSecondsOf((cmd, cwd) => cmd.includes(`${dir}/`) || cwd.startsWith(dir));
  execFileSync("bash", ["scripts/opennebula/stop-oned.sh", dir], { cwd: root, stdio: "ignore" });
  return { wall, toAnswer: endpoint.startSeconds, cpu };
}

async function emulatorStart() {
  const runDir = mkdtempSync(join(tmpdir(), "homelab-kit-emulator-bench."));
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(root, "packages/emulator/dist/cli/bin.js"), "up", "--json", "--no-kubernetes", "--run-dir", runDir],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  let text = "";
  for await (const chunk of child.stdout) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  const endpoints = JSON.parse(text.split("\n")[0]);
  const one = endpoints.opennebula;
  await version(one.url, `${one.username}:${one.password}`);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSecondsOf((_cmd, _cwd, pid) => Number(pid) === child.pid);
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(runDir, { recursive: true, force: true });
  return { wall, cpu };
}

/** The oned build's folder (scripts/opennebula/build-oned.sh --print), or undefined when it is not built. */
export function onedHome() {
  try {
    return execFileSync("bash", ["scripts/opennebula/build-oned.sh", "--print"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

/** `runs` interleaved starts of the emulator, oned and oned with the reference topology; medians. */
export async function benchOnedStartup(runs) {
  const rows = { oned: [], onedTopology: [], emulator: [] };
  for (let i = 0; i < runs; i++) {
    rows.emulator.push(await emulatorStart());
    rows.oned.push(onedStart("none"));
    rows.onedTopology.push(onedStart("reference"));
    console.log(
      `run ${i + 1}: emulator ${rows.emulator[i].wall.toFixed(2)} s (CPU ${rows.emulator[i].cpu.toFixed(2)} s), ` +
        `oned ${rows.oned[i].wall.toFixed(2)} s to the script's exit / ${rows.oned[i].toAnswer.toFixed(2)} s exec→answer (CPU ${rows.oned[i].cpu.toFixed(2)} s), ` +
        `oned + reference topology ${rows.onedTopology[i].wall.toFixed(2)} s (CPU ${rows.onedTopology[i].cpu.toFixed(2)} s)`,
    );
  }
  const m = (k, f) => median(rows[k].map((r) => r[f]));
  console.log(
    `median of ${runs}: emulator ${m("emulator", "wall").toFixed(2)} s wall, ${m("emulator", "cpu").toFixed(2)} s CPU; ` +
      `oned ${m("oned", "wall").toFixed(2)} s wall (${m("oned", "toAnswer").toFixed(2)} s exec→answer), ${m("oned", "cpu").toFixed(2)} s CPU; ` +
      `oned + topology ${m("onedTopology", "wall").toFixed(2)} s wall, ${m("onedTopology", "cpu").toFixed(2)} s CPU; ` +
      `ratio oned/emulator: wall ${(m("oned", "wall") / m("emulator", "wall")).toFixed(2)}×, CPU ${(m("oned", "cpu") / m("emulator", "cpu")).toFixed(2)}×`,
  );
  const home = onedHome();
  const build = home === undefined ? undefined : JSON.parse(readFileSync(join(home, "build.json"), "utf8"));
  if (build) console.log(`cold build (${home}/build.json): ${JSON.stringify(build)}`);
  const medians = Object.fromEntries(
    Object.entries(rows).map(([k, rs]) => [
      k,
      Object.fromEntries(Object.keys(rs[0]).map((f) => [f, m(k, f)])),
    ]),
  );
  return {
    runs,
    rows,
    medians,
    ratio: { wall: m("oned", "wall") / m("emulator", "wall"), cpu: m("oned", "cpu") / m("emulator", "cpu") },
    build,
  };
}
