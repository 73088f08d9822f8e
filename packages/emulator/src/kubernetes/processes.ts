import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { ClusterError } from "./errors.js";

/** How a component ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output goes to a log file, in its own process group. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Whether it has exited. */
  readonly hasExited: () => boolean;
  /** How it exited, once it has. */
  readonly exitInfo: () => ExitInfo | undefined;
}

/**
 * Spawns `command args` with stdout and stderr appended to `logFile`. Rejects (with
 * `BINARY_NOT_FOUND`) when the executable cannot be started at all.
 */
export async function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
): Promise<ManagedProcess> {
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    // detached: its own process group, so stop() can signal the group and a Ctrl-C in a terminal
    // reaches us first, and we stop the components in order.
    child = spawn(command, args, { stdio: ["ignore", fd, fd], detached: true, env: childEnv() });
  } finally {
    closeSync(fd);
  }
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new ClusterError(
          error.code === "ENOENT" || error.code === "EACCES"
            ? `${name}: cannot execute ${command} (${error.code})`
            : `${name}: could not start ${command}: ${error.message}`,
          { code: "BINARY_NOT_FOUND", component: name, cause: error },
        ),
      );
    });
  });
  const pid = child.pid;
  if (pid === undefined)
    throw new ClusterError(`${name}: no pid after spawn`, { code: "BINARY_NOT_FOUND", component: name });
  return { name, pid, logFile, exited, hasExited: () => exitInfo !== undefined, exitInfo: () => exitInfo };
}

/** The environment of components: ours, minus proxies (they would catch loopback traffic). */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"])
    delete env[key];
  env.NO_PROXY = "127.0.0.1,localhost";
  return env;
}

/** Sends `signal` to the process group of `p` (falls back to the process alone). */
export function signalProcess(p: ManagedProcess, signal: NodeJS.Signals): void {
  if (p.hasExited()) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    try {
      process.kill(p.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopProcess(p: ManagedProcess, graceMs: number): Promise<void> {
  if (p.hasExited()) return;
  signalProcess(p, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalProcess(p, "SIGKILL");
      resolve();
    }, graceMs);
  });
  await Promise.race([p.exited, killed]);
  clearTimeout(timer);
  await p.exited;
  // Children of the component (a shell's subprocesses, say) may outlive it for a moment.
  if (!(await groupGone(p.pid, 1_000))) {
    signalGroup(p.pid, "SIGKILL");
    await groupGone(p.pid, 2_000);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until no process of the group `pgid` is left; false if some still are after `timeoutMs`. */
async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pgid, 0)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** The last `lines` lines of a log file ("" when unreadable). */
export async function logTail(file: string, lines = 25): Promise<string> {
  try {
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer
        .toString("utf8")
        .split("\n")
        .slice(-lines - 1)
        .join("\n");
    } finally {
      await handle.close();
    }
  } catch {
    return "";
  }
}

// ---- cleanup on SIGINT / SIGTERM / exit -------------------------------------------------------

/** Something to tear down synchronously when the process is about to die. */
export interface EmergencyCleanup {
  processes: () => readonly ManagedProcess[];
  dirs: () => readonly string[];
  /** Anything else to undo synchronously (e.g. `kind delete cluster`). */
  onDeath?: () => void;
}

const active = new Set<EmergencyCleanup>();
let installed = false;

function killAllNow(): void {
  for (const entry of active) {
    for (const p of entry.processes()) signalProcess(p, "SIGKILL");
    try {
      entry.onDeath?.();
    } catch {
      // best effort while dying
    }
    for (const dir of entry.dirs()) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort while dying
      }
    }
  }
  active.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  uninstall();
  // Keep the default behaviour of the signal (terminate) unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const onSigint = () => onSignal("SIGINT");
const onSigterm = () => onSignal("SIGTERM");
const onSighup = () => onSignal("SIGHUP");

function install(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("SIGHUP", onSighup);
  process.on("exit", killAllNow);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  process.off("SIGHUP", onSighup);
  process.off("exit", killAllNow);
}

/** Registers `entry` to be killed and removed if the process exits or gets SIGINT/SIGTERM/SIGHUP. */
export function registerEmergencyCleanup(entry: EmergencyCleanup): () => void {
  active.add(entry);
  install();
  return () => {
    active.delete(entry);
    if (active.size === 0) uninstall();
  };
}

/** Whether a pid is alive (signal 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a pid ("" when gone or unreadable; Linux /proc). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}
