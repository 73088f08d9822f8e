#!/usr/bin/env node
/**
 * Runs the README's shell commands literally, so that a README command that does not work fails CI.
 *
 * Every fenced `sh` block of README.md is named by a `<!-- ci: NAME -->` line right above it (a block
 * without one is an error). `run NAME [--cwd DIR]` runs that block's commands one by one with bash, in
 * DIR (default: the repository root), each as written, stopping at the first that fails:
 *   - `… up` of the emulator CLI (`pnpm emulator up`, `npx homelab-emulator up`) is started in the
 *     background, as the README asks the reader to leave it running; the next command starts once it
 *     has printed its endpoints;
 *   - `… down` must then stop it: the runner waits for that `up` to exit with 0. An `up` still running
 *     at the end of the block is killed, and the block fails;
 *   - `npm install -g pnpm@X` is skipped when pnpm X is what `pnpm` runs already (CI's first stage
 *     installs it the same way; reinstalling it under running pnpm processes is what it avoids).
 * `list` prints the blocks; `verify` fails unless every block was run (successfully) since the log
 * file was started: CI sets HOMELAB_KIT_README_LOG to a file of its own.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const readme = join(root, "README.md");
const log = process.env.HOMELAB_KIT_README_LOG ?? join(root, ".tmp", "readme-blocks-ran");
const say = (line) => console.log(`readme: ${line}`);
/** Prints what a background command wrote, indented, from `from` on. */
const echo = (text, from = 0) => {
  const part = text.slice(from).replace(/\n$/, "");
  if (part !== "") console.log(part.replace(/^/gm, "  | "));
};

/** The named `sh` blocks of README.md, in order: { name, line, commands }. */
function blocks() {
  const lines = readFileSync(readme, "utf8").split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(sh|bash|shell)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const marker = /^<!--\s*ci:\s*([\w-]+)\s*-->$/.exec(lines[i - 1]?.trim() ?? "");
    if (!marker)
      throw new Error(`README.md:${i + 1}: a shell block needs a "<!-- ci: NAME -->" line right above it`);
    const commands = [];
    let pending = "";
    for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
      const text = lines[i].trimEnd();
      if (text.endsWith("\\")) {
        pending += `${text.slice(0, -1)} `;
        continue;
      }
      const command = (pending + text).trim();
      pending = "";
      if (command !== "" && !command.startsWith("#")) commands.push(command);
    }
    if (found.some((b) => b.name === marker[1])) throw new Error(`README.md: two blocks named ${marker[1]}`);
    found.push({ name: marker[1], line: i, commands });
  }
  return found;
}

/** `up` or `down` of the emulator CLI, else undefined (a trailing `# comment` is ignored). */
function emulatorVerb(command) {
  const m = /^(?:pnpm emulator|npx homelab-emulator|homelab-emulator)\s+(up|down)\b/.exec(command);
  return m?.[1];
}

function pnpmAlready(command) {
  const m = /^npm install -g pnpm@(\S+)$/.exec(command.replace(/\s+#.*$/, ""));
  if (!m) return false;
  try {
    return execFileSync("pnpm", ["--version"], { encoding: "utf8" }).trim() === m[1];
  } catch {
    return false;
  }
}

/** Starts `up` in the background; resolves once it printed its endpoints (table or JSON). */
async function startUp(command, cwd) {
  const child = spawn("bash", ["-c", command], { cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise((done) => child.on("exit", (code, signal) => done({ code, signal })));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (/Ctrl-C stops|"control":\{"url"/.test(output)) break;
    const state = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
    if (state !== undefined)
      throw new Error(`"${command}" exited (${state.code ?? state.signal}) before serving:\n${output}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid, "SIGKILL");
      throw new Error(`"${command}" printed no endpoints in 120 s:\n${output}`);
    }
  }
  say(`started in the background: ${command}`);
  echo(output);
  return { command, child, exited, printed: output.length, output: () => output };
}

async function runBlock(name, cwd) {
  const block = blocks().find((b) => b.name === name);
  if (!block)
    throw new Error(
      `README.md has no block named ${name} (${blocks()
        .map((b) => b.name)
        .join(", ")})`,
    );
  say(`block "${name}" (README.md:${block.line}) in ${cwd}`);
  let up;
  try {
    for (const command of block.commands) {
      if (pnpmAlready(command)) {
        say(`$ ${command}   (skipped: pnpm ${command.split("@").pop()} runs already)`);
        continue;
      }
      const verb = emulatorVerb(command);
      if (verb === "up") {
        if (up) throw new Error(`"${command}": the emulator started by "${up.command}" is still running`);
        say(`$ ${command}   (background)`);
        up = await startUp(command, cwd);
        continue;
      }
      say(`$ ${command}`);
      const result = spawnSync("bash", ["-c", command], { cwd, stdio: "inherit" });
      if (result.status !== 0) throw new Error(`"${command}" failed (${result.status ?? result.signal})`);
      if (verb === "down") {
        if (!up) throw new Error(`"${command}": no emulator was started in this block`);
        const timeout = new Promise((r) => setTimeout(() => r(undefined), 30_000));
        const state = await Promise.race([up.exited, timeout]);
        if (state === undefined) throw new Error(`"${up.command}" still runs 30 s after "${command}"`);
        echo(up.output(), up.printed);
        if (state.code !== 0) throw new Error(`"${up.command}" exited with ${state.code ?? state.signal}`);
        say(`"${up.command}" stopped with exit code 0`);
        up = undefined;
      }
    }
    if (up) throw new Error(`"${up.command}" is still running at the end of the block (no down)`);
  } finally {
    if (up && up.child.exitCode === null) process.kill(-up.child.pid, "SIGTERM");
  }
  mkdirSync(dirname(log), { recursive: true });
  appendFileSync(log, `${name}\n`);
  say(`block "${name}" passed`);
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "list") {
    for (const b of blocks()) console.log(`${b.name}: ${b.commands.join(" && ")}`);
  } else if (command === "run" && rest[0]) {
    const at = rest.indexOf("--cwd");
    await runBlock(rest[0], at === -1 ? root : resolve(rest[at + 1] ?? "."));
  } else if (command === "verify") {
    const ran = new Set(existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
    const missing = blocks().filter((b) => !ran.has(b.name));
    if (missing.length > 0)
      throw new Error(`README blocks CI did not run: ${missing.map((b) => b.name).join(", ")} (see ${log})`);
    say(`every shell block of README.md ran: ${[...ran].join(", ")}`);
  } else {
    console.error("usage: readme.mjs list | run NAME [--cwd DIR] | verify");
    process.exit(2);
  }
} catch (error) {
  console.error(`readme: ${error.message}`);
  process.exit(1);
}
