/**
 * A real Prometheus server (the `prometheus` binary, e.g. Debian's package) started for the drill
 * on a free loopback port with its own data folder, and the bits of its HTTP API the drill reads.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrometheusAlert {
  labels: Record<string, string>;
  state: "firing" | "pending" | "inactive";
  activeAt?: string;
}

export interface RunningPrometheus {
  url: string;
  alerts(): Promise<PrometheusAlert[]>;
  /** Instant query: the samples' labels and values. */
  query(expr: string): Promise<Array<{ labels: Record<string, string>; value: number }>>;
  /** Alerting rules loaded, by group. */
  ruleGroups(): Promise<Array<{ name: string; rules: number }>>;
  /** What the process wrote to stderr (its log), for error messages. */
  log(): string;
  stop(): Promise<void>;
}

export class PrometheusError extends Error {
  override readonly name = "PrometheusError";
}

/** A free loopback port (for the server to bind right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new PrometheusError(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

export async function startPrometheus(options: {
  binary?: string;
  configFile: string;
  /** Default: a free port. */
  port?: number;
  readyTimeoutMs?: number;
}): Promise<RunningPrometheus> {
  const port = options.port ?? (await freePort());
  const data = mkdtempSync(join(tmpdir(), "prometheus-drill-"));
  const url = `http://127.0.0.1:${port}`;
  let stderr = "";
  const child: ChildProcess = spawn(
    options.binary ?? "prometheus",
    [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(data, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    const failed = await Promise.race([
      spawnError.then((e) => `cannot run ${options.binary ?? "prometheus"}: ${e.message}`),
      exited.then((code) => `prometheus exited (${code}): ${stderr.trim()}`),
      new Promise<undefined>((r) => setTimeout(r, 200, undefined)),
    ]);
    if (failed !== undefined) {
      await stop();
      throw new PrometheusError(failed);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new PrometheusError(
        `prometheus not ready at ${url} after ${options.readyTimeoutMs ?? 30_000} ms`,
      );
    }
  }
  return {
    url,
    alerts: async () => (await api<{ alerts: PrometheusAlert[] }>(`${url}/api/v1/alerts`)).alerts,
    async query(expr) {
      const data = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
        `${url}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    async ruleGroups() {
      const data = await api<{ groups: Array<{ name: string; rules: unknown[] }> }>(
        `${url}/api/v1/rules?type=alert`,
      );
      return data.groups.map((g) => ({ name: g.name, rules: g.rules.length }));
    },
    log: () => stderr,
    stop,
  };
}
