/**
 * `createEmulator()`: a World plus every API over it — route tables, in-process transports, msw
 * handlers — and `listen()` to serve them all on loopback (Ceph over HTTP, one HTTPS endpoint per
 * BMC, the control API). Each call builds fresh state (no module singletons).
 */
import type { Transport } from "@homelab-kit/core";
import { createCephRoutes } from "../ceph/routes/index.js";
import { CLOUDFLARE_API_PREFIX, createCloudflareRoutes } from "../cloudflare/routes.js";
import { type ControllableClock, manualClock } from "../common/clock.js";
import type { Route, RouteTable } from "../common/route-table.js";
import { type ServedRoutes, serve } from "../common/serve.js";
import { generateSelfSignedCertificate } from "../common/tls.js";
import { routesTransport } from "../common/transport.js";
import { type ApiName, createFaultInjector, type FaultInjector } from "../control/faults.js";
import { createControlRoutes } from "../control/routes.js";
import { wrapRoutes } from "../control/wrap-routes.js";
import { createIloRoutes } from "../ilo/routes.js";
import {
  createWorldMetrics,
  type MetricsEndpoints,
  serveMetrics,
  type WorldMetrics,
} from "../metrics/world-metrics.js";
import { createOpenNebulaRoutes } from "../opennebula/routes.js";
import { defaultTopology, loadTopologyFile, parseTopology } from "../topology/load.js";
import type { Topology } from "../topology/schema.js";
import { serveFleet } from "./ilo-fleet.js";
import { createWorld, type World } from "./world.js";

export interface EmulatorOptions {
  /** A validated topology, a plain object to validate, or a YAML file path. Default: the reference stack. */
  topology?: Topology | Record<string, unknown> | string;
  /** Default: a manual clock (tests); the CLI uses `realClock({speed})`. */
  clock?: ControllableClock;
  /** Check the world's invariants after every mutating request (tests). Default false. */
  checkInvariants?: boolean;
  /** Random source for fault probabilities (default `Math.random`). */
  random?: () => number;
  /** Token for the control API (default: a random one). */
  controlToken?: string;
}

export interface ApiEndpoint {
  routes: Route[];
  /** In-process transport over the routes (no sockets). */
  transport(): Transport;
  /** msw handlers for `setupServer` (needs the optional peer `msw`). */
  mswHandlers(baseUrl?: string): Promise<unknown[]>;
}

export interface ListenOptions {
  /** Loopback by default. */
  host?: string;
  /**
   * First port: control API on `port`, Ceph on `port + 1`, OpenNebula on `port + 2`, iLO of host
   * k on `port + 3 + k`, Cloudflare after the last iLO (`port + 3 + hosts`).
   * Default 0: every server on a free port.
   */
  port?: number;
  /**
   * Metrics: the ceph-mgr module on `metricsPort`, the iLO exporter on `+ 1`, host k's
   * node_exporter on `+ 2 + k`. Default 0: free ports.
   */
  metricsPort?: number;
  onError?: (error: unknown) => void;
  /** Accept requests a web page could forge (see `ServeOptions.allowBrowserRequests`). Default false. */
  allowBrowserRequests?: boolean;
  /** Host names clients may use besides IP addresses and localhost (`ServeOptions.allowedHosts`). */
  allowedHosts?: readonly string[];
}

export interface EmulatorEndpoints {
  control: { url: string; token: string };
  ceph: { url: string; username: string; password: string } | undefined;
  ilo: Array<{ host: string; url: string; generation: string; username: string; password: string }>;
  /** PEM the iLO endpoints' certificate chains to (pass as `tls.ca`). */
  iloCa: string;
  opennebula: { url: string; username: string; password: string } | undefined;
  /** Prometheus scrape targets (base URLs; see metrics/world-metrics.ts). */
  metrics: MetricsEndpoints;
  /** Cloudflare API v4 base URL (`…/client/v4`) and the topology's first API token. */
  cloudflare: { url: string; token: string; zones: string[] } | undefined;
}

export interface Emulator {
  world: World;
  clock: ControllableClock;
  faults: FaultInjector;
  ceph: ApiEndpoint | undefined;
  /** OpenNebula's XML-RPC (`POST /RPC2`). */
  opennebula: ApiEndpoint | undefined;
  /** One iLO per physical host, by host name. */
  ilo: Map<string, ApiEndpoint>;
  /** Cloudflare API v4 (paths under `/client/v4`), when the topology has a `cloudflare` section. */
  cloudflare: ApiEndpoint | undefined;
  control: ApiEndpoint;
  /** Prometheus exporters: the ceph-mgr module, node_exporter per host, the iLO exporter. */
  metrics: WorldMetrics;
  readonly controlToken: string;
  /** Serves every API; resolves with the endpoints (also kept in `endpoints`). */
  listen(options?: ListenOptions): Promise<EmulatorEndpoints>;
  endpoints: EmulatorEndpoints | undefined;
  /** Stops every server (idempotent). */
  close(): Promise<void>;
  /**
   * Registers what `POST /_emulator/shutdown` (the CLI's `down`) does; without a handler that
   * route answers 501. Returns the unregister function.
   */
  onShutdownRequest(handler: () => void): () => void;
  /** Whether a shutdown handler is registered. */
  canShutdown(): boolean;
  /** Calls the shutdown handlers; false when there is none. */
  requestShutdown(): boolean;
  /**
   * Adds a section to `GET /_emulator/health` (what the CLI's `status` prints), e.g. the
   * Kubernetes cluster `homelab-emulator up` started. Returns the remove function.
   */
  addHealth(name: string, report: () => unknown): () => void;
  /** The sections added with `addHealth`, reported now (a report may be a promise). */
  healthSections(): Promise<Record<string, unknown>>;
}

function resolveTopology(topology: EmulatorOptions["topology"]): Topology {
  if (topology === undefined) return defaultTopology();
  if (typeof topology === "string") return loadTopologyFile(topology);
  return parseTopology(topology);
}

function endpoint(routes: Route[]): ApiEndpoint {
  return {
    routes,
    transport: () => routesTransport(routes),
    async mswHandlers(baseUrl) {
      const { toMswHandlers } = await import("../common/msw.js");
      return toMswHandlers(routes, baseUrl === undefined ? {} : { baseUrl });
    },
  };
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const topology = resolveTopology(options.topology);
  const clock = options.clock ?? manualClock(Date.UTC(2026, 0, 1));
  const world = createWorld(topology, { clock });
  const faults = createFaultInjector(options.random, world);
  const check = options.checkInvariants === true;
  const controlToken = options.controlToken ?? crypto.randomUUID();
  /** An API's routes behind the World's faults and invariant checks (`host`: one BMC's or exporter's). */
  const wrap = (routes: RouteTable, api: ApiName, host?: string) =>
    wrapRoutes(routes, { world, api, ...(host ? { host } : {}), faults, checkInvariants: check });
  const ceph = world.ceph === undefined ? undefined : endpoint(wrap(createCephRoutes(world.ceph), "ceph"));
  const opennebula =
    world.opennebula === undefined
      ? undefined
      : endpoint(wrap(createOpenNebulaRoutes(world.opennebula), "opennebula"));
  const cloudflare =
    world.cloudflare === undefined
      ? undefined
      : endpoint(wrap(createCloudflareRoutes(world.cloudflare), "cloudflare"));
  const ilo = new Map<string, ApiEndpoint>();
  for (const host of world.hosts.values())
    ilo.set(host.name, endpoint(wrap(createIloRoutes(host.ilo), "ilo", host.name)));
  const metrics = createWorldMetrics(world, (routes, host) => wrap(routes, "metrics", host));
  let servers: ServedRoutes[] = [];
  let closers: Array<() => Promise<void>> = [];
  const shutdownHandlers = new Set<() => void>();
  const health = new Map<string, () => unknown>();
  const emulator: Emulator = {
    world,
    clock,
    faults,
    ceph,
    opennebula,
    ilo,
    cloudflare,
    control: endpoint([]),
    metrics,
    controlToken,
    endpoints: undefined,
    async listen(listenOptions = {}) {
      if (emulator.endpoints !== undefined) throw new Error("createEmulator: listen() was already called");
      const host = listenOptions.host ?? "127.0.0.1";
      const base = listenOptions.port ?? 0;
      const portAt = (offset: number) => (base === 0 ? 0 : base + offset);
      const common = {
        host,
        allowBrowserRequests: listenOptions.allowBrowserRequests === true,
        allowedHosts: listenOptions.allowedHosts ?? [],
        ...(listenOptions.onError ? { onError: listenOptions.onError } : {}),
      };
      const tls = await generateSelfSignedCertificate();
      try {
        const control = await serve(emulator.control.routes, { ...common, port: portAt(0) });
        servers.push(control);
        const cephServed =
          ceph === undefined ? undefined : await serve(ceph.routes, { ...common, port: portAt(1) });
        if (cephServed !== undefined) servers.push(cephServed);
        const oneServed =
          opennebula === undefined
            ? undefined
            : await serve(opennebula.routes, { ...common, port: portAt(2) });
        if (oneServed !== undefined) servers.push(oneServed);
        const hosts = [...world.hosts.values()];
        const fleet = await serveFleet(
          hosts.map((h) => ({
            host: h.name,
            group: h.spec.ilo.generation,
            routes: ilo.get(h.name)?.routes ?? [],
          })),
          { ...common, tls, portFor: (k) => portAt(3 + k) },
        );
        closers.push(fleet.close);
        const metricsServed = await serveMetrics(metrics, {
          ...common,
          port: listenOptions.metricsPort ?? 0,
        });
        closers.push(metricsServed.close);
        if (world.ceph !== undefined && metricsServed.endpoints.cephMgr !== undefined)
          world.ceph.prometheusUrl = `${metricsServed.endpoints.cephMgr}/`;
        const cloudflareServed =
          cloudflare === undefined
            ? undefined
            : await serve(cloudflare.routes, { ...common, port: portAt(3 + hosts.length) });
        if (cloudflareServed !== undefined) servers.push(cloudflareServed);
        const cephUser = topology.ceph?.users[0] ?? { username: "admin", password: "Adm1n-Passw0rd!" };
        emulator.endpoints = {
          control: { url: control.url, token: controlToken },
          ceph: cephServed === undefined ? undefined : { url: cephServed.url, ...cephUser },
          ilo: hosts.map((h) => {
            const user = h.spec.ilo.users[0];
            return {
              host: h.name,
              url: fleet.urls.get(h.name) ?? "",
              generation: h.spec.ilo.generation,
              username: user?.login ?? "",
              password: user?.password ?? "",
            };
          }),
          iloCa: tls.ca,
          opennebula:
            oneServed === undefined
              ? undefined
              : {
                  url: `${oneServed.url}/RPC2`,
                  username: "oneadmin",
                  password: topology.opennebula?.users[0]?.password ?? "opennebula",
                },
          metrics: metricsServed.endpoints,
          cloudflare:
            cloudflareServed === undefined
              ? undefined
              : {
                  url: `${cloudflareServed.url}${CLOUDFLARE_API_PREFIX}`,
                  token: topology.cloudflare?.tokens[0]?.value ?? "",
                  zones: topology.cloudflare?.zones.map((z) => z.name) ?? [],
                },
        };
        return emulator.endpoints;
      } catch (error) {
        await emulator.close();
        throw error;
      }
    },
    async close() {
      const closing = [...servers.map((s) => () => s.close()), ...closers];
      servers = [];
      closers = [];
      await Promise.all(closing.map((close) => close()));
      emulator.endpoints = undefined;
    },
    onShutdownRequest(handler) {
      shutdownHandlers.add(handler);
      return () => shutdownHandlers.delete(handler);
    },
    addHealth(name, report) {
      health.set(name, report);
      return () => {
        if (health.get(name) === report) health.delete(name);
      };
    },
    healthSections: async () =>
      Object.fromEntries(
        await Promise.all(
          [...health].map(
            async ([name, report]) =>
              [
                name,
                await Promise.resolve(report()).catch((e: unknown) => ({
                  status: "error",
                  error: String(e),
                })),
              ] as const,
          ),
        ),
      ),
    canShutdown: () => shutdownHandlers.size > 0,
    requestShutdown() {
      for (const handler of shutdownHandlers) handler();
      return shutdownHandlers.size > 0;
    },
  };
  emulator.control = endpoint(createControlRoutes(emulator));
  return emulator;
}
