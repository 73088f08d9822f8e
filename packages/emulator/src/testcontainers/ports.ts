/**
 * The container's fixed ports: `homelab-emulator up --port 8080` inside it (the Dockerfile's CMD),
 * so the layout is `up`'s: control N, Ceph N+1, OpenNebula N+2, iLO of host k N+3+k.
 */
import type { Topology } from "../topology/schema.js";

export const CONTAINER_PORTS = { control: 8080, ceph: 8081, opennebula: 8082, firstIlo: 8083 } as const;

/** Where `up` keeps its run file, env file and `ilo-ca.pem` in the container (the Dockerfile's CMD). */
export const RUN_DIR = "/tmp/homelab-emulator";

export interface ContainerPorts {
  control: number;
  ceph: number | undefined;
  opennebula: number | undefined;
  /** By host, in topology order. */
  ilo: number[];
  /** Every port to publish. */
  all: number[];
}

export function containerPorts(topology: Topology): ContainerPorts {
  const ceph = topology.ceph === undefined ? undefined : CONTAINER_PORTS.ceph;
  const opennebula = topology.opennebula === undefined ? undefined : CONTAINER_PORTS.opennebula;
  const ilo = topology.hosts.map((_, k) => CONTAINER_PORTS.firstIlo + k);
  const all = [
    CONTAINER_PORTS.control,
    ...(ceph === undefined ? [] : [ceph]),
    ...(opennebula === undefined ? [] : [opennebula]),
    ...ilo,
  ];
  return { control: CONTAINER_PORTS.control, ceph, opennebula, ilo, all };
}
