/** Command-line parsing for `homelab-emulator` (node:util parseArgs, strict: unknown flags are errors). */
import { parseArgs } from "node:util";
import {
  type CredentialOverrides,
  controlTokenFromEnv,
  credentialsFromEnv,
  ENV,
  type Environment,
  envValue,
} from "./env.js";
import { UsageError } from "./errors.js";

export { UsageError } from "./errors.js";

export const USAGE = `Usage: homelab-emulator <command> [options]

Commands:
  up        serve every API of the topology on loopback, and start its Kubernetes cluster, until Ctrl-C
  status    show the running emulator (from --run-dir)
  down      stop the running emulator (from --run-dir)
  topology  print the default topology (YAML) to start a file of your own

Options (up):
  --topology FILE   topology YAML (default: the reference stack)
  --host ADDR       loopback address to bind (default 127.0.0.1)
  --allow-remote    allow a non-loopback --host (the control API is then reachable from the network)
  --allow-browser-requests
                    accept requests a web page could forge: any Host name, cross-origin Origin
                    headers, form and text/plain bodies (refused by default: a page you visit could
                    otherwise drive the emulator with its well-known credentials)
  --allowed-host NAME
                    also accept this name in Host (IP addresses and localhost always are), e.g. a
                    name your /etc/hosts gives the BMCs; repeatable
  --port N          first port: control N, Ceph N+1, OpenNebula N+2, iLO of host k N+3+k
                    (default: free ports)
  --metrics-port N  Prometheus exporters: ceph-mgr module N, iLO exporter N+1, node_exporter
                    of host k N+2+k (default: free ports; the targets go to <run-dir>/prometheus.yml)
  --speed X         emulated seconds per real second (default 1; 60 makes a 30 s POST last 0.5 s)
  --state FILE      restore the world from FILE at start, save it there at shutdown (the
                    Kubernetes cluster's objects are kept in FILE.k8s/)
  --no-kubernetes   do not start the topology's Kubernetes cluster and stand-ins
  --env-file FILE   where to write the endpoints as KEY=value (default <run-dir>/env)
  --json            print the endpoints as JSON instead of a table
Environment (up; a flag wins): HOMELAB_EMULATOR_TOPOLOGY (file), HOMELAB_EMULATOR_TOPOLOGY_YAML
  (the topology as YAML/JSON text), HOMELAB_EMULATOR_SPEED, HOMELAB_EMULATOR_TOKEN (control API),
  HOMELAB_EMULATOR_CEPH_USERNAME/_PASSWORD, HOMELAB_EMULATOR_ONE_PASSWORD,
  HOMELAB_EMULATOR_ILO_USERNAME/_PASSWORD (first user of each API)
Options (all):
  --run-dir DIR     where a running emulator keeps run.json (default .homelab-emulator)
  -h, --help        this text
`;

export interface UpArgs {
  command: "up";
  topology: string | undefined;
  host: string;
  allowRemote: boolean;
  allowBrowserRequests: boolean;
  allowedHosts: string[];
  port: number;
  metricsPort: number;
  speed: number;
  state: string | undefined;
  envFile: string | undefined;
  json: boolean;
  runDir: string;
  /** Start the topology's Kubernetes cluster (default true; `--no-kubernetes`). */
  kubernetes: boolean;
  /** The topology as YAML/JSON text (`HOMELAB_EMULATOR_TOPOLOGY_YAML`), instead of a file. */
  topologyYaml: string | undefined;
  /** The control API's token (`HOMELAB_EMULATOR_TOKEN`; default: a random one). */
  controlToken: string | undefined;
  /** First users of each API replaced (`HOMELAB_EMULATOR_*_USERNAME/_PASSWORD`). */
  credentials: CredentialOverrides;
}

export type CliArgs =
  | UpArgs
  | { command: "status"; runDir: string; json: boolean }
  | { command: "down"; runDir: string }
  | { command: "topology" }
  | { command: "help" };

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

function number(
  value: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n))
    throw new UsageError(`${flag}: expected ${expected}, got "${value}"`);
  return n;
}

/** Parses `argv`; `up` falls back on `env` for what no flag gives (see `./env.ts`). */
export function parseCli(argv: readonly string[], env: Environment = {}): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) return { command: "help" };
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const runDir = values["run-dir"] ?? ".homelab-emulator";
  switch (command) {
    case "up": {
      const host = values.host ?? "127.0.0.1";
      const allowRemote = values["allow-remote"] === true;
      if (!LOOPBACK.test(host) && !allowRemote)
        throw new UsageError(
          `--host ${host} is not a loopback address; add --allow-remote to serve it anyway`,
        );
      const topology = values.topology ?? envValue(env, ENV.topology);
      const topologyYaml = values.topology === undefined ? envValue(env, ENV.topologyYaml) : undefined;
      if (topology !== undefined && topologyYaml !== undefined)
        throw new UsageError(`${ENV.topology} and ${ENV.topologyYaml} are both set: give one topology`);
      return {
        command,
        topology,
        topologyYaml,
        controlToken: controlTokenFromEnv(env),
        credentials: credentialsFromEnv(env),
        host,
        allowRemote,
        allowBrowserRequests: values["allow-browser-requests"] === true,
        allowedHosts: values["allowed-host"] ?? [],
        port:
          number(
            values.port,
            "--port",
            (n) => Number.isInteger(n) && n >= 0 && n <= 65_000,
            "a port number 0-65000",
          ) ?? 0,
        metricsPort:
          number(
            values["metrics-port"],
            "--metrics-port",
            (n) => Number.isInteger(n) && n >= 0 && n <= 65_000,
            "a port number 0-65000",
          ) ?? 0,
        speed:
          number(
            values.speed ?? envValue(env, ENV.speed),
            values.speed === undefined ? ENV.speed : "--speed",
            (n) => n > 0 && n <= 1_000_000,
            "a number > 0",
          ) ?? 1,
        state: values.state,
        envFile: values["env-file"],
        json: values.json === true,
        runDir,
        kubernetes: values["no-kubernetes"] !== true,
      };
    }
    case "status":
      return { command, runDir, json: values.json === true };
    case "down":
      return { command, runDir };
    case "topology":
      return { command };
    default:
      throw new UsageError(`unknown command "${command}" (up, status, down, topology)`);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      topology: { type: "string" },
      host: { type: "string" },
      "allow-remote": { type: "boolean" },
      "allow-browser-requests": { type: "boolean" },
      "allowed-host": { type: "string", multiple: true },
      port: { type: "string" },
      "metrics-port": { type: "string" },
      speed: { type: "string" },
      state: { type: "string" },
      "env-file": { type: "string" },
      json: { type: "boolean" },
      "no-kubernetes": { type: "boolean" },
      "run-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
