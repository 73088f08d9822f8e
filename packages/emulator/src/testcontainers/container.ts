/**
 * The emulator image (`container/Dockerfile`) as a testcontainers module, in the style of
 * `@testcontainers/localstack`:
 *
 * ```ts
 * const emulator = await new HomelabEmulatorContainer().withTopology("topology.yaml").start();
 * const ceph = createCephClient(emulator.ceph);          // @homelab-kit/ceph
 * const ilo = createIloClient(emulator.ilo("node1"));    // @homelab-kit/ilo (trusts the emulator's CA)
 * await emulator.control.faults.add({ api: "ceph", status: 503 });
 * await emulator.stop();
 * ```
 *
 * Ports are published on 127.0.0.1 only. `testcontainers` is an optional peer dependency (11.x
 * runs on Node 20); only this entry point imports it.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  AbstractStartedContainer,
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  Wait,
} from "testcontainers";
import { envEntries } from "../cli/output.js";
import { CLOUDFLARE_API_PREFIX } from "../cloudflare/routes.js";
import { type ControlClient, createControlClient } from "../control/client.js";
import { registerEmergencyCleanup } from "../kubernetes/processes.js";
import { defaultTopology, loadTopologyFile, parseTopology } from "../topology/load.js";
import type { HostSpec, Topology, TopologyInput } from "../topology/schema.js";
import type { EmulatorEndpoints } from "../world/emulator.js";
import { CONTAINER_PORTS, containerPorts, loopbackDockerHost, RUN_DIR } from "./ports.js";

/** The image `container/build-image.sh` builds (tagged with this package's version). */
export const HOMELAB_EMULATOR_IMAGE = "homelab-kit/emulator:0.0.0";

/** Options for `@homelab-kit/ceph`'s `createCephClient`. */
export interface CephEndpoint {
  baseUrl: string;
  username: string;
  password: string;
}

/** Options for `@homelab-kit/opennebula`'s `createOpenNebulaClient` (`url` ends in `/RPC2`). */
export interface OpenNebulaEndpoint {
  url: string;
  username: string;
  password: string;
}

/** Options for `@homelab-kit/ilo`'s `createIloClient`: HTTPS with the emulator's own CA. */
export interface IloEndpoint {
  host: string;
  generation: HostSpec["ilo"]["generation"];
  /** The same as `baseUrl`. */
  url: string;
  baseUrl: string;
  username: string;
  password: string;
  tls: { ca: string };
}

export class HomelabEmulatorContainer extends GenericContainer {
  #topology: Topology | undefined;
  #token = randomBytes(24).toString("base64url");
  #speed: number | undefined;

  constructor(image: string = HOMELAB_EMULATOR_IMAGE) {
    super(image);
    this.withWaitStrategy(Wait.forHttp("/_emulator/health", CONTAINER_PORTS.control).forStatusCode(200));
    this.withStartupTimeout(60_000);
  }

  /**
   * The world to emulate: a topology object (validated here, before any container starts), or the
   * path of a topology YAML file on this machine. Default: the reference topology.
   */
  withTopology(topology: TopologyInput | Topology | string): this {
    this.#topology =
      typeof topology === "string" ? loadTopologyFile(topology) : parseTopology(topology, "withTopology()");
    return this;
  }

  /** Emulated seconds per real second (`--speed`): 60 makes a 30 s POST last 0.5 s. */
  withSpeed(speed: number): this {
    if (!(Number.isFinite(speed) && speed > 0 && speed <= 1_000_000))
      throw new RangeError(`withSpeed(): expected a number > 0 and <= 1000000, got ${speed}`);
    this.#speed = speed;
    return this;
  }

  /** The control API's bearer token (default: a random one, in `started.control`). */
  withControlToken(token: string): this {
    if (!/^[\x21-\x7e]{16,256}$/.test(token))
      throw new RangeError("withControlToken(): expected 16-256 visible ASCII characters");
    this.#token = token;
    return this;
  }

  override async start(): Promise<StartedHomelabEmulatorContainer> {
    const topology = this.#topology ?? defaultTopology();
    const ports = containerPorts(topology);
    this.withEnvironment({
      HOMELAB_EMULATOR_TOPOLOGY_YAML: JSON.stringify(topology),
      HOMELAB_EMULATOR_TOKEN: this.#token,
      ...(this.#speed === undefined ? {} : { HOMELAB_EMULATOR_SPEED: String(this.#speed) }),
    });
    this.withExposedPorts(...ports.all);
    // Loopback only: testcontainers publishes on every interface unless told otherwise.
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<
      Array<{ HostIp?: string; HostPort?: string }>
    >) {
      for (const binding of bindings) binding.HostIp = "127.0.0.1";
    }
    // Fail at once, with what to set, where the published ports cannot be reached.
    loopbackDockerHost((await getContainerRuntimeClient()).info.containerRuntime.host);
    const started = await super.start();
    // Removed with the process if it dies before stop() (SIGINT/SIGTERM/exit; not SIGKILL).
    const id = started.getId();
    const unregister = registerEmergencyCleanup({
      processes: () => [],
      dirs: () => [],
      onDeath: () => {
        spawnSync("docker", ["rm", "--force", "--volumes", id], { stdio: "ignore", timeout: 30_000 });
      },
    });
    try {
      const ca = await readFile(started, `${RUN_DIR}/ilo-ca.pem`);
      return new StartedHomelabEmulatorContainer(started, topology, this.#token, ca, unregister);
    } catch (error) {
      unregister();
      await started.stop().catch(() => {});
      throw error;
    }
  }
}

/** A file of the container, through `node` in it (the image has no shell or cat). */
async function readFile(container: StartedTestContainer, path: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await container.exec([
      "node",
      "-e",
      "process.stdout.write(require('node:fs').readFileSync(process.argv[1], 'utf8'))",
      path,
    ]);
    if (result.exitCode === 0) return result.stdout;
    if (Date.now() > deadline)
      throw new Error(`homelab-emulator container: cannot read ${path}: ${result.stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class StartedHomelabEmulatorContainer extends AbstractStartedContainer {
  /** The topology the container serves. */
  readonly topology: Topology;
  /** Every endpoint with this machine's URLs, in the shape `homelab-emulator up --json` prints. */
  readonly endpoints: EmulatorEndpoints;
  /** The control API (`/_emulator/*`): URL, token, and a ready client (faults, clock, state). */
  readonly control: ControlClient & { url: string; token: string };
  /** The Ceph dashboard, when the topology has Ceph: `createCephClient(started.ceph)`. */
  readonly ceph: CephEndpoint | undefined;
  /** OpenNebula's XML-RPC endpoint, when the topology has it: `createOpenNebulaClient(started.opennebula)`. */
  readonly opennebula: OpenNebulaEndpoint | undefined;
  readonly #unregister: () => void;

  constructor(
    started: StartedTestContainer,
    topology: Topology,
    token: string,
    iloCa: string,
    unregister: () => void,
  ) {
    super(started);
    this.topology = topology;
    this.#unregister = unregister;
    const ports = containerPorts(topology);
    // The ports are bound to 127.0.0.1; "localhost" may resolve to ::1 first.
    const host = loopbackDockerHost(started.getHost());
    const url = (scheme: string, port: number) => `${scheme}://${host}:${started.getMappedPort(port)}`;
    const cephUser = topology.ceph?.users[0];
    const oneUser = topology.opennebula?.users[0];
    this.endpoints = {
      control: { url: url("http", ports.control), token },
      ceph:
        ports.ceph === undefined || cephUser === undefined
          ? undefined
          : { url: url("http", ports.ceph), username: cephUser.username, password: cephUser.password },
      opennebula:
        ports.opennebula === undefined || oneUser === undefined
          ? undefined
          : {
              url: `${url("http", ports.opennebula)}/RPC2`,
              username: oneUser.name,
              password: oneUser.password,
            },
      ilo: topology.hosts.map((h, k) => ({
        host: h.name,
        url: url("https", ports.ilo[k] ?? 0),
        generation: h.ilo.generation,
        username: h.ilo.users[0]?.login ?? "",
        password: h.ilo.users[0]?.password ?? "",
      })),
      iloCa,
      cloudflare:
        ports.cloudflare === undefined || topology.cloudflare === undefined
          ? undefined
          : {
              url: `${url("http", ports.cloudflare)}${CLOUDFLARE_API_PREFIX}`,
              token: topology.cloudflare.tokens[0]?.value ?? "",
              zones: topology.cloudflare.zones.map((z) => z.name),
            },
      metrics: {
        cephMgr: ports.metrics.cephMgr === undefined ? undefined : url("http", ports.metrics.cephMgr),
        iloExporter: url("http", ports.metrics.iloExporter),
        node: topology.hosts.map((h, k) => ({ host: h.name, url: url("http", ports.metrics.node[k] ?? 0) })),
      },
    };
    const { control, ceph, opennebula } = this.endpoints;
    this.control = Object.assign(createControlClient(control), control);
    this.ceph =
      ceph === undefined
        ? undefined
        : { baseUrl: ceph.url, username: ceph.username, password: ceph.password };
    this.opennebula = opennebula;
  }

  /**
   * The iLO of a host of the topology, as options for `createIloClient` (HTTPS trusting the
   * emulator's CA). Another name is a RangeError naming the hosts.
   */
  ilo(host: string): IloEndpoint {
    const ilo = this.endpoints.ilo.find((i) => i.host === host);
    if (ilo === undefined)
      throw new RangeError(
        `no host "${host}" in the topology (hosts: ${this.endpoints.ilo.map((i) => i.host).join(", ")})`,
      );
    const generation = this.topology.hosts.find((h) => h.name === host)?.ilo.generation ?? "ilo3";
    return { ...ilo, generation, baseUrl: ilo.url, tls: { ca: this.endpoints.iloCa } };
  }

  /**
   * The variables of `homelab-emulator up`'s env file (CEPH_URL, ONE_XMLRPC, ONE_AUTH,
   * ILO_<HOST>_URL, …) with this machine's URLs: the environment for a third-party tool.
   * `ILO_CA_FILE` is there when you say where you wrote `endpoints.iloCa`.
   */
  env(iloCaFile?: string): Record<string, string> {
    return Object.fromEntries(envEntries(this.endpoints, iloCaFile));
  }

  protected override async containerStopping(): Promise<void> {
    await this.control.close();
  }

  protected override async containerStopped(): Promise<void> {
    this.#unregister();
  }
}
