// Wall and CPU time of a shell command and everything it starts (Linux): the CPU time is read from
// /proc/self/stat (cutime + cstime: the user and system time of the waited-for children), so it counts
// pnpm, tsc, esbuild and vitest workers alike and is steadier than wall time on a shared machine.
import { execSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const ticks = Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim());

/** CPU seconds (user + sys) of all waited-for children of this process so far. */
export function childrenCpu() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 of proc(5) (state); cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}

/**
 * Runs `command` with bash in `cwd`; returns { wall, cpu, status, output }. `env` is added to the
 * environment; with `quiet: false` the output goes to this process's stdout/stderr instead.
 */
export function timed(cwd, command, { quiet = true, env = {} } = {}) {
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", command], {
    cwd,
    env: { ...process.env, ...env },
    stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    maxBuffer: 1 << 28,
  });
  const wall = (performance.now() - t0) / 1000;
  const output = quiet ? `${r.stdout}${r.stderr}` : "";
  return { wall, cpu: childrenCpu() - cpu0, status: r.status, output };
}

/** The load average now, for the report. */
export const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
