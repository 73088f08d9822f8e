/**
 * The World (docs/DESIGN.md §5): one model that every API adapter reads and writes, so the APIs agree.
 * Physical hosts own an iLO state each; Ceph runs on them (OSDs per host); OpenNebula hosts and
 * Kubernetes nodes live on them too. A host is "up" for the services on it once it is electrically
 * on AND its POST has finished; power it off through its iLO and its OSDs go down (Ceph
 * HEALTH_WARN, OSD_DOWN), its Kubernetes nodes NotReady, and every `onHostChange` listener (the
 * OpenNebula adapter: host ERROR, VMs UNKNOWN) hears of it.
 *
 * Nothing sleeps: transitions are applied lazily by {@link World.sync}, which every served
 * request calls first (see `createEmulator`), against the one clock of the world.
 */
import { type CephState, createCephState } from "../ceph/state.js";
import { type CloudflareState, createCloudflareState } from "../cloudflare/state.js";
import { type ControllableClock, manualClock } from "../common/clock.js";
import { isOn, postState } from "../ilo/power.js";
import { createIloState, type IloState } from "../ilo/state.js";
import type { OneVm, OpenNebulaState } from "../opennebula/state.js";
import { VmState } from "../opennebula/vm-states.js";
import type { HostSpec, Topology } from "../topology/schema.js";
import { hostActivity } from "./host-activity.js";
import { buildOpenNebula, linkOpenNebula, setHostReachable, syncOpenNebula } from "./opennebula.js";

const GiB = 1024 ** 3;

export interface PhysicalHost {
  readonly name: string;
  readonly spec: HostSpec;
  readonly ilo: IloState;
  /** On and POST finished: the services on it run. Updated by `sync()`. */
  up: boolean;
  /** Emulated time of the last up/down change. */
  since: number;
}

export interface KubernetesNodeRecord {
  name: string;
  /** The OpenNebula VM the node runs in. */
  vm: string;
  /** The physical host that VM runs on. */
  host: string;
  roles: Array<"control-plane" | "worker" | "etcd">;
  /** Ready while its host is up (the kubelet runs). */
  ready: boolean;
}

export interface HostChangeEvent {
  host: string;
  up: boolean;
  /** Emulated time of the change. */
  at: number;
}

export interface WorldOptions {
  /** Default: a manual clock starting at 2026-01-01T00:00:00Z. */
  clock?: ControllableClock;
}

export class World {
  readonly topology: Topology;
  readonly clock: ControllableClock;
  readonly hosts = new Map<string, PhysicalHost>();
  /** Undefined when no host carries OSDs. */
  readonly ceph: CephState | undefined;
  /** Undefined when the topology has no `opennebula` section. */
  readonly opennebula: OpenNebulaState | undefined;
  readonly kubernetes = { nodes: new Map<string, KubernetesNodeRecord>() };
  /** The Cloudflare account (DNS zones); undefined when the topology has no `cloudflare` section. */
  readonly cloudflare: CloudflareState | undefined;
  /** Violations found by `checkInvariants()` while `recordViolations` is on (tests). */
  readonly violations: string[] = [];
  readonly #listeners = new Set<(event: HostChangeEvent) => void>();
  /** Hosts whose power or POST may still change on their own (or that were just touched). */
  readonly #watch = new Set<PhysicalHost>();
  /** OSDs that will not start (a world fault): they stay down when their host comes up. */
  readonly #stuckOsds = new Set<number>();

  constructor(topology: Topology, options: WorldOptions = {}) {
    this.topology = topology;
    this.clock = options.clock ?? manualClock(Date.UTC(2026, 0, 1));
    const now = this.clock.now();
    topology.hosts.forEach((spec, index) => {
      const ilo = createIloState({
        generation: spec.ilo.generation,
        clock: this.clock,
        powered: spec.power === "on",
        memoryGiB: spec.memoryGiB,
        identity: hostIdentity(spec, index),
        users: spec.ilo.users.map((u) => ({
          login: u.login,
          password: u.password,
          ...(u.admin
            ? {}
            : {
                privileges: {
                  admin: false,
                  remoteConsole: true,
                  resetServer: true,
                  virtualMedia: true,
                  configIlo: false,
                },
              }),
        })),
        timings: {
          ...(spec.ilo.postMs === undefined ? {} : { postMs: spec.ilo.postMs }),
          ...(spec.ilo.powerOnMs === undefined ? {} : { powerOnMs: spec.ilo.powerOnMs }),
        },
      });
      this.hosts.set(spec.name, { name: spec.name, spec, ilo, up: spec.power === "on", since: now });
    });
    const cephHosts = topology.hosts.filter((h) => h.ceph !== undefined && h.ceph.osds > 0);
    this.ceph =
      cephHosts.length === 0
        ? undefined
        : createCephState({
            now: () => this.clock.now(),
            hosts: cephHosts.map((h, i) => ({
              name: h.name,
              osds: h.ceph?.osds ?? 1,
              osdBytes: Math.round((h.ceph?.osdGiB ?? 10) * GiB),
              mon: h.ceph?.mon === true || (i === 0 && !cephHosts.some((c) => c.ceph?.mon === true)),
            })),
            pools: [
              {
                name: "device_health_metrics",
                pgNum: 1,
                applications: ["mgr_devicehealth"],
                options: { pg_num_max: 32, pg_num_min: 1 },
              },
              ...(topology.ceph?.pools ?? []).map((p) => ({
                name: p.name,
                pgNum: p.pgNum,
                applications: p.applications,
                ...(p.size === undefined ? {} : { size: p.size }),
              })),
            ],
            users: (topology.ceph?.users ?? [{ username: "admin", password: "Adm1n-Passw0rd!" }]).map(
              (u) => ({
                ...u,
                roles: ["administrator"],
              }),
            ),
          });
    this.opennebula =
      topology.opennebula === undefined ? undefined : buildOpenNebula(topology, this.clock, this.ceph);
    this.cloudflare =
      topology.cloudflare === undefined
        ? undefined
        : createCloudflareState({ ...topology.cloudflare, now: () => this.clock.now() });
    for (const host of this.hosts.values()) {
      if (host.up) continue;
      if (this.ceph?.hosts.has(host.name)) this.ceph.setHostUp(host.name, false);
      if (this.opennebula !== undefined) setHostReachable(this.opennebula, host.name, false);
    }
    if (this.opennebula !== undefined) {
      linkOpenNebula(this.opennebula, this.ceph);
      const one = this.opennebula;
      one.subscribe((event) => {
        if (event.type === "vm-state") this.#followKubernetesVm(one, event.vm, event.state);
      });
    }
    // the iLO sensors read what runs on the host (world/host-activity.ts)
    for (const host of this.hosts.values()) host.ilo.activity = () => hostActivity(this, host.name).cpu;
    const vms = new Map((topology.opennebula?.vms ?? []).map((vm) => [vm.name, vm]));
    for (const node of topology.kubernetes?.nodes ?? []) {
      const host = vms.get(node.vm)?.host;
      if (host !== undefined)
        this.addKubernetesNode({ name: node.name, vm: node.vm, host, roles: node.roles });
    }
  }

  /** Subscribes to hosts going up or down; returns the unsubscribe function. */
  onHostChange(listener: (event: HostChangeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  host(name: string): PhysicalHost {
    const host = this.hosts.get(name);
    if (host === undefined)
      throw new RangeError(`no host "${name}" in the world (${[...this.hosts.keys()].join(", ")})`);
    return host;
  }

  /** Marks a host as possibly changing (its iLO was just asked something); `sync()` looks at it. */
  touch(name: string): void {
    this.#watch.add(this.host(name));
  }

  /** Registers a Kubernetes node (the cluster reads these) on the host its VM runs on. */
  addKubernetesNode(init: Omit<KubernetesNodeRecord, "ready">): KubernetesNodeRecord {
    const host = this.host(init.host);
    if (this.kubernetes.nodes.has(init.name)) throw new RangeError(`Kubernetes node "${init.name}" exists`);
    const node = { ...init, roles: [...init.roles], ready: host.up };
    this.kubernetes.nodes.set(node.name, node);
    return node;
  }

  /**
   * Applies what the clock has made true since the last call: power changes that came due, POST
   * that finished; and propagates host up/down to Ceph, Kubernetes nodes and listeners. Cheap
   * when nothing is in flight (it only looks at watched hosts).
   */
  sync(): void {
    if (this.opennebula !== undefined) syncOpenNebula(this.opennebula);
    if (this.#watch.size === 0) return;
    const now = this.clock.now();
    for (const host of this.#watch) {
      const on = isOn(host.ilo);
      const up = on && postState(host.ilo) === "FinishedPost";
      // a host came up when its POST finished, not when someone next looked
      if (up !== host.up) this.#setUp(host, up, up ? Math.min(now, host.ilo.power.postCompleteAt) : now);
      if (host.ilo.power.pending === null && (!on || host.ilo.power.postCompleteAt <= now))
        this.#watch.delete(host);
    }
  }

  /**
   * An OSD that will not start (failed disk, crashing daemon): it goes down now and stays down
   * across power cycles of its host until released (`stuck = false`), when it starts if its host
   * is up.
   */
  setOsdStuck(id: number, stuck: boolean): void {
    const ceph = this.ceph;
    if (ceph === undefined || !ceph.osds.has(id))
      throw new RangeError(`no OSD ${id} in the world (${[...(ceph?.osds.keys() ?? [])].join(", ")})`);
    if (stuck) this.#stuckOsds.add(id);
    else this.#stuckOsds.delete(id);
    ceph.setOsdRunning(id, !stuck);
  }

  /**
   * After a restore: every OSD runs exactly when its host is up and no fault of this world holds
   * it down (a snapshot carries no faults; they belong to the emulator that injected them).
   */
  reconcileOsds(): void {
    const ceph = this.ceph;
    if (ceph === undefined) return;
    for (const osd of ceph.osds.values()) {
      const run = this.hosts.get(osd.host)?.up === true && !this.#stuckOsds.has(osd.id);
      if (osd.running !== run) ceph.setOsdRunning(osd.id, run);
    }
  }

  #setUp(host: PhysicalHost, up: boolean, at: number): void {
    host.up = up;
    host.since = at;
    if (this.ceph?.hosts.has(host.name)) {
      this.ceph.setHostUp(host.name, up);
      for (const id of this.#stuckOsds)
        if (this.ceph.osds.get(id)?.host === host.name) this.ceph.setOsdRunning(id, false);
    }
    if (this.opennebula !== undefined) setHostReachable(this.opennebula, host.name, up);
    for (const node of this.kubernetes.nodes.values()) if (node.host === host.name) node.ready = up;
    const event = { host: host.name, up, at };
    for (const listener of this.#listeners) listener(event);
  }

  /**
   * A VM from a template with `KUBESPRAY_ROLE` becomes a Kubernetes node record (named after the
   * VM) once it is placed and ACTIVE, and is dropped when it is DONE.
   */
  #followKubernetesVm(one: OpenNebulaState, vm: OneVm, state: number): void {
    if (state === VmState.DONE) {
      const node = this.kubernetes.nodes.get(vm.name);
      if (node?.vm === vm.name) this.kubernetes.nodes.delete(vm.name);
      return;
    }
    if (state !== VmState.ACTIVE || vm.hostId === null || this.kubernetes.nodes.has(vm.name)) return;
    const template = vm.templateId === null ? undefined : one.templates.get(vm.templateId);
    const role = template?.template.find(([k]) => k === "KUBESPRAY_ROLE")?.[1];
    const host = one.hosts.get(vm.hostId)?.name;
    if (typeof role !== "string" || host === undefined || !this.hosts.has(host)) return;
    const roles = role
      .split(",")
      .filter((r): r is KubernetesNodeRecord["roles"][number] =>
        ["control-plane", "worker", "etcd"].includes(r),
      );
    this.addKubernetesNode({ name: vm.name, vm: vm.name, host, roles });
  }

  /** Watches every host again (after a restore or a direct edit of iLO states). */
  watchAll(): void {
    for (const host of this.hosts.values()) this.#watch.add(host);
  }
}

/** Serial numbers, UUIDs and MACs unique per host, stable for a given topology order. */
function hostIdentity(spec: HostSpec, index: number) {
  const n = index + 1;
  const hex = n.toString(16).padStart(6, "0");
  return {
    hostName: spec.name,
    productName: spec.model,
    serialNumber: `CZJ${String(n).padStart(7, "0")}`,
    uuid: `30313436-3631-5a43-4a31-${hex.padStart(12, "0")}`,
    macAddress: `9c:8e:99:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
    ipAddress: spec.ip ?? `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
  };
}

/** Builds a World from a validated topology. */
export function createWorld(topology: Topology, options: WorldOptions = {}): World {
  return new World(topology, options);
}
