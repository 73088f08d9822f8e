// Starts `homelab-emulator up` (the built CLI, as a user runs it) on free loopback ports and talks
// to it over real sockets: the process the hardening suite (conformance/hardening) and its bench
// (bench/hardening) probe. Needs the built emulator: pnpm --filter "@homelab-kit/emulator..." build.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** The CLI under test (HARDENING_EMULATOR_BIN: another build, e.g. a checkout before a change). */
export const BIN = process.env.HARDENING_EMULATOR_BIN ?? join(root, "packages/emulator/dist/cli/bin.js");
export const TOPOLOGY = join(root, "conformance/hardening/topology.yaml");

/**
 * Runs `homelab-emulator up --json` with the suite's topology (an iLO 3 with an operator account,
 * an iLO 5 for Redfish) and resolves once it printed its endpoints.
 * @param {{args?: string[], cwd?: string}} [options]
 */
export async function startEmulator(options = {}) {
  const dir = options.cwd ?? mkdtempSync(join(tmpdir(), "hardening-"));
  const child = spawn(
    process.execPath,
    [
      BIN,
      "up",
      "--json",
      "--topology",
      TOPOLOGY,
      "--speed",
      "1",
      "--run-dir",
      "run",
      ...(options.args ?? []),
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const printed = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf("\n");
      if (end >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(stdout.slice(0, end)));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${stderr}`));
    });
  });
  const endpoints = /** @type {any} */ (printed);
  return {
    dir,
    pid: /** @type {number} */ (child.pid),
    endpoints,
    ca: readFileSync(endpoints.iloCaFile, "utf8"),
    /** What the emulator wrote to stderr (handler exceptions and server errors go there). */
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      if (options.cwd === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One HTTP(S) request with full control of the head. `body` may be a Buffer, a string, or
 * `{declared, send}`: declare `declared` bytes but send only `send` (a client that never finishes).
 * Stops writing as soon as an answer arrives; resolves with the status, the first `keep` bytes of
 * the answer and its whole length, or the socket error when there was no answer.
 * @param {{url: string, method?: string, headers?: Record<string, string>,
 *   body?: Buffer | string | {declared: number, send: Buffer}, ca?: string, keep?: number, timeoutMs?: number}} spec
 */
export function send(spec) {
  const url = new URL(spec.url);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  const keep = spec.keep ?? 64 * 1024;
  /** @type {Record<string, string | number>} */
  const headers = { ...spec.headers };
  const body = spec.body;
  let payload;
  if (body !== undefined) {
    if (typeof body === "string" || Buffer.isBuffer(body)) {
      payload = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
      headers["content-length"] ??= payload.length;
    } else {
      payload = body.send;
      headers["content-length"] = body.declared;
    }
  }
  return new Promise((resolve) => {
    let answered = false;
    const started = performance.now();
    const req = request(
      url,
      { method: spec.method ?? "GET", headers, agent: false, ...(spec.ca ? { ca: spec.ca } : {}) },
      (res) => {
        answered = true;
        const chunks = [];
        let length = 0;
        res.on("data", (chunk) => {
          if (length < keep) chunks.push(chunk);
          length += chunk.length;
        });
        const done = () => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).subarray(0, keep).toString("utf8"),
            length,
            ms: performance.now() - started,
          });
        };
        res.on("end", done);
        res.on("error", done);
        res.on("aborted", done);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error("probe timed out")),
      spec.timeoutMs ?? Number(process.env.HARDENING_TIMEOUT_MS ?? 120_000),
    );
    req.on("close", () => clearTimeout(timer));
    req.on("error", (error) => {
      if (!answered)
        resolve({
          status: 0,
          error: /** @type {any} */ (error).code ?? error.message,
          text: "",
          length: 0,
          ms: performance.now() - started,
        });
    });
    if (payload === undefined) {
      req.end();
      return;
    }
    const chunk = 256 * 1024;
    let at = 0;
    const pump = () => {
      while (at < payload.length && !answered && !req.destroyed) {
        const part = payload.subarray(at, at + chunk);
        at += part.length;
        if (!req.write(part)) {
          req.once("drain", pump);
          return;
        }
      }
      // A declared length the body does not reach: leave the request open (the server must not wait).
      if (typeof body === "object" && !Buffer.isBuffer(body)) return;
      if (!answered) req.end();
    };
    pump();
  });
}
