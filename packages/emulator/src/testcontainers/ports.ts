/**
 * The container's fixed ports: `homelab-emulator up --port 8080 --metrics-port 9100` inside it (the
 * Dockerfile's CMD), so the layout is `up`'s: control N, Ceph N+1, OpenNebula N+2, iLO of host k
 * N+3+k, Cloudflare after the last iLO (N+3+hosts); metrics: the ceph-mgr module M, the iLO
 * exporter M+1, host k's node_exporter M+2+k. (`--no-kubernetes`: no cluster, no ingress.)
 */
import type { Topology } from "../topology/schema.js";

export const CONTAINER_PORTS = {
  control: 8080,
  ceph: 8081,
  opennebula: 8082,
  firstIlo: 8083,
  cephMgrMetrics: 9100,
  iloExporter: 9101,
  firstNodeExporter: 9102,
} as const;

/** Where `up` keeps its run file, env file and `ilo-ca.pem` in the container (the Dockerfile's CMD). */
export const RUN_DIR = "/tmp/homelab-emulator";

export interface ContainerPorts {
  control: number;
  ceph: number | undefined;
  opennebula: number | undefined;
  /** By host, in topology order. */
  ilo: number[];
  cloudflare: number | undefined;
  metrics: { cephMgr: number | undefined; iloExporter: number; node: number[] };
  /** Every port to publish. */
  all: number[];
}

export function containerPorts(topology: Topology): ContainerPorts {
  const P = CONTAINER_PORTS;
  const ceph = topology.ceph === undefined ? undefined : P.ceph;
  const opennebula = topology.opennebula === undefined ? undefined : P.opennebula;
  const ilo = topology.hosts.map((_, k) => P.firstIlo + k);
  const cloudflare = topology.cloudflare === undefined ? undefined : P.firstIlo + topology.hosts.length;
  const cephMgr = topology.ceph === undefined ? undefined : P.cephMgrMetrics;
  const node = topology.hosts.map((_, k) => P.firstNodeExporter + k);
  const all = [P.control, ceph, opennebula, ...ilo, cloudflare, cephMgr, P.iloExporter, ...node].filter(
    (p): p is number => p !== undefined,
  );
  return {
    control: P.control,
    ceph,
    opennebula,
    ilo,
    cloudflare,
    metrics: { cephMgr, iloExporter: P.iloExporter, node },
    all,
  };
}

/**
 * The ports are published on 127.0.0.1 only, so the host testcontainers connects to (its resolved
 * Docker host, or TESTCONTAINERS_HOST_OVERRIDE) must be this machine's loopback. Inside a container
 * testcontainers picks the Docker bridge's gateway instead; there `start()` would wait for a port it
 * can never reach. Throws an Error that says what to set; returns the host to use in URLs.
 */
export function loopbackDockerHost(host: string): string {
  if (host === "localhost" || host === "::1" || host === "[::1]") return "127.0.0.1";
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return host;
  throw new Error(
    `homelab-emulator container: testcontainers would reach the container's ports at ${host}, but they are published on 127.0.0.1 only (testcontainers picks the Docker bridge's gateway when it runs inside a container): set TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 where the Docker engine shares this machine's loopback`,
  );
}
