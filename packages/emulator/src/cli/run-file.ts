/** `<run-dir>/run.json`: how `status` and `down` find a running emulator. */
import {
  closeSync,
  constants,
  fchmodSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { UsageError } from "./args.js";

export interface RunFile {
  pid: number;
  startedAt: string;
  controlUrl: string;
  token: string;
  envFile: string;
}

export function runFilePath(runDir: string): string {
  return join(runDir, "run.json");
}

/**
 * Writes a file only its owner can read (it holds the control token and passwords). An existing
 * file keeps its inode but not its mode: it is made 0600 BEFORE it is emptied and written, so
 * neither the old content nor the new is ever readable by others (a `mode` given to writeFile
 * applies only to a file it creates).
 */
export function writePrivate(file: string, text: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT, 0o600);
  try {
    fchmodSync(fd, 0o600);
    ftruncateSync(fd, 0);
    const bytes = Buffer.from(text, "utf8");
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, at);
  } finally {
    closeSync(fd);
  }
}

export function writeRunFile(runDir: string, run: RunFile): void {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  writePrivate(runFilePath(runDir), `${JSON.stringify(run, null, 2)}\n`);
}

export function readRunFile(runDir: string): RunFile {
  let text: string;
  try {
    text = readFileSync(runFilePath(runDir), "utf8");
  } catch {
    throw new UsageError(`no running emulator found (${runFilePath(runDir)} does not exist)`);
  }
  try {
    const run = JSON.parse(text) as RunFile;
    if (typeof run.controlUrl !== "string" || typeof run.token !== "string")
      throw new Error("fields missing");
    return run;
  } catch (error) {
    throw new UsageError(`${runFilePath(runDir)} is not a run file: ${(error as Error).message}`);
  }
}

export function removeRunFile(runDir: string, pid: number): void {
  try {
    const run = JSON.parse(readFileSync(runFilePath(runDir), "utf8")) as RunFile;
    if (run.pid === pid) rmSync(runFilePath(runDir), { force: true });
  } catch {
    // already gone
  }
}
