/** `<run-dir>/run.json`: how `status` and `down` find a running emulator. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** Writes a file only its owner can read (it holds the control token and passwords). */
export function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
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
