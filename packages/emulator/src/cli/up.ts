/**
 * `homelab-emulator up`: builds the emulator (topology, real clock at `--speed`), restores
 * `--state`, serves every API, starts the topology's Kubernetes cluster and stand-ins, prints the
 * endpoints, writes the env file and run file, and stops cleanly on SIGINT/SIGTERM or
 * `POST /_emulator/shutdown` (saving `--state`, the cluster's objects with it).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { realClock } from "../common/clock.js";
import { defaultTopology, loadTopologyFile, parseTopology, parseTopologyYaml } from "../topology/load.js";
import type { Topology } from "../topology/schema.js";
import { createEmulator, type Emulator, type EmulatorEndpoints } from "../world/emulator.js";
import { restoreWorld, snapshotWorld, type WorldSnapshot } from "../world/snapshot.js";
import { type UpArgs, UsageError } from "./args.js";
import { applyCredentials, ENV } from "./env.js";
import { endpointsTable, envFileText, runDirNotice } from "./output.js";
import { scrapeTargetsText, writePrometheusConfig } from "./prometheus-config.js";
import { removeRunFile, writePrivate, writeRunFile } from "./run-file.js";
import { startUpKubernetes, type UpKubernetes } from "./up-kubernetes.js";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where relative paths start (default `process.cwd()`). */
  cwd: string;
  /** Where `up` reads `HOMELAB_EMULATOR_*` settings (`process.env` for the real CLI; none when absent). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Signals that stop `up` (default SIGINT and SIGTERM on `process`). */
  onSignal(handler: () => void): () => void;
}

export interface RunningEmulator {
  emulator: Emulator;
  endpoints: EmulatorEndpoints;
  /** The topology's Kubernetes cluster, when it was started. */
  kubernetes: UpKubernetes;
  /** Resolves when the emulator has stopped (state saved, servers closed, run file removed). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

function readSnapshot(file: string): WorldSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as WorldSnapshot;
  } catch (error) {
    throw new UsageError(`--state ${file}: not JSON (${(error as Error).message})`);
  }
}

/** `--topology`, else the environment's topology text, else the saved world's, else the default; then the credential variables. */
function upTopology(
  args: UpArgs,
  cwd: string,
  snapshot: WorldSnapshot | undefined,
  stateFile?: string,
): Topology {
  const topology =
    args.topology !== undefined
      ? loadTopologyFile(resolve(cwd, args.topology))
      : args.topologyYaml !== undefined
        ? parseTopologyYaml(args.topologyYaml, ENV.topologyYaml)
        : snapshot !== undefined
          ? parseTopology(snapshot.topology, `${stateFile} topology`)
          : defaultTopology();
  if (Object.keys(args.credentials).length === 0) return topology;
  return parseTopology(
    applyCredentials(topology, args.credentials),
    "the topology with HOMELAB_EMULATOR_* credentials",
  );
}

export async function startUp(args: UpArgs, io: CliIo): Promise<RunningEmulator> {
  const runDir = resolve(io.cwd, args.runDir);
  const stateFile = args.state === undefined ? undefined : resolve(io.cwd, args.state);
  const snapshot = stateFile === undefined ? undefined : readSnapshot(stateFile);
  const emulator = createEmulator({
    clock: realClock({ speed: args.speed, ...(snapshot ? { start: snapshot.now } : {}) }),
    topology: upTopology(args, io.cwd, snapshot, stateFile),
    ...(args.controlToken === undefined ? {} : { controlToken: args.controlToken }),
  });
  if (snapshot !== undefined) restoreWorld(emulator.world, snapshot);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  // The APIs and the Kubernetes cluster start side by side (the stand-ins wait for the APIs).
  const listening = emulator.listen({
    host: args.host,
    port: args.port,
    metricsPort: args.metricsPort,
    allowBrowserRequests: args.allowBrowserRequests,
    allowedHosts: args.allowedHosts,
    onError: (error) =>
      io.stderr(`homelab-emulator: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const [listened, started] = await Promise.allSettled([
    listening,
    startUpKubernetes(args, emulator, listening, runDir, stateFile, io.stderr),
  ]);
  if (listened.status === "rejected" || started.status === "rejected") {
    if (started.status === "fulfilled") await started.value.cluster?.stop();
    await emulator.close();
    throw listened.status === "rejected" ? listened.reason : (started as PromiseRejectedResult).reason;
  }
  const endpoints = listened.value;
  const kubernetes = started.value;
  emulator.addHealth(
    "kubernetes",
    () => kubernetes.cluster?.health() ?? { status: "not started", reason: kubernetes.reason },
  );
  const caFile = join(runDir, "ilo-ca.pem");
  writePrivate(caFile, endpoints.iloCa);
  const envFile = args.envFile === undefined ? join(runDir, "env") : resolve(io.cwd, args.envFile);
  mkdirSync(dirname(envFile), { recursive: true });
  writePrivate(envFile, envFileText(endpoints, caFile, kubernetes.env));
  const prometheusConfig = writePrometheusConfig(runDir, endpoints);
  writeRunFile(runDir, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    controlUrl: endpoints.control.url,
    token: endpoints.control.token,
    envFile,
  });
  if (args.json) {
    const { iloCa: _ca, ...rest } = endpoints;
    io.stdout(
      `${JSON.stringify({ ...rest, iloCaFile: caFile, envFile, prometheusConfig, runDir, speed: args.speed, kubernetes: kubernetes.json ?? { status: "not started", reason: kubernetes.reason } })}\n`,
    );
  } else {
    io.stdout(endpointsTable(endpoints, envFile, kubernetes.rows));
    io.stdout(scrapeTargetsText(endpoints, prometheusConfig));
    io.stdout(runDirNotice(runDir, args.runDir));
    io.stdout(
      `homelab-emulator: ${emulator.world.topology.name} topology, clock x${args.speed}; Ctrl-C stops\n`,
    );
  }

  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      offSignal();
      offShutdown();
      try {
        if (stateFile !== undefined) writePrivate(stateFile, JSON.stringify(snapshotWorld(emulator.world)));
      } finally {
        // The cluster first (its etcd data, kept with --state, is written when etcd stops).
        await kubernetes.cluster?.stop().catch((error: unknown) => {
          io.stderr(`homelab-emulator: stopping Kubernetes: ${(error as Error).message}\n`);
        });
        await emulator.close();
        removeRunFile(runDir, process.pid);
        if (!args.json) io.stdout("homelab-emulator: stopped\n");
        resolveStopped();
      }
    })();
    return stopping;
  };
  const offSignal = io.onSignal(() => void stop());
  const offShutdown = emulator.onShutdownRequest(() => void stop());
  return { emulator, endpoints, kubernetes, stopped, stop };
}
