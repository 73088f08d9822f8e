/**
 * `linkWorld`: the World's Kubernetes node records (VMs of a template with a Kubespray role,
 * docs/DESIGN.md §5–6) as Nodes of a running cluster, played by kwok. A Node is registered once its VM
 * has booted (as a kubelet registers itself), carries the VM's address, roles, size and physical
 * host, is Ready while its VM is ACTIVE/RUNNING on a host that is up, and is deleted when the VM is
 * DONE. The World's own events drive it (host up/down, VM state changes), so iLO power and
 * OpenNebula operations reach Kubernetes with no polling.
 */
import { CoreV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { OneVm } from "../opennebula/state.js";
import { isRunning, LcmState, VmState } from "../opennebula/vm-states.js";
import type { World } from "../world/world.js";
import { kwokNode } from "./kwok-node.js";
import { apiStatus } from "./standins/errors.js";
import { WorkQueue } from "./standins/informer.js";
import type { StandIns } from "./standins/start.js";

/** Labels a linked Node carries besides kwok's and `node-role.kubernetes.io/<role>`. */
export const WORLD_HOST_LABEL = "homelab-kit.io/host";
export const WORLD_VM_LABEL = "homelab-kit.io/vm";

/** What the World says a Kubernetes node should look like right now. */
export interface WorldNode {
  name: string;
  vm: string;
  /** Physical host the VM runs on. */
  host: string;
  /** The VM's first NIC address (`InternalIP`), when it has one. */
  ip: string | undefined;
  labels: Record<string, string>;
  /** From the VM: VCPU (else CPU), MEMORY, and the kubelet's 110 pods. */
  capacity: Record<string, string>;
  /** Its host is up and its VM (if OpenNebula knows it) is ACTIVE/RUNNING. */
  ready: boolean;
}

/** Where the linked Nodes are written: a cluster (see {@link kubernetesNodeSink}) or a test double. */
export interface WorldNodeSink {
  /** Creates the Node (or takes over one of that name, with these labels). */
  create(node: WorldNode): Promise<void>;
  /** Brings an existing Node's labels in line (its VM moved host). */
  relabel(node: WorldNode): Promise<void>;
  /** Deletes the Node (absent is fine). */
  remove(name: string): Promise<void>;
  /** The node health stand-in's hook. */
  setReady(name: string, ready: boolean): Promise<void>;
}

export interface LinkWorldOptions {
  /**
   * Also call `world.sync()` this often (ms), so changes that only the clock makes (a VM finishing
   * BOOT on a real clock) reach Kubernetes without an API request. Default: off (every served
   * request syncs the world already).
   */
  syncIntervalMs?: number;
  /** Lines of progress (`world: k8s-1 created on node2`); default silent. */
  log?: (line: string) => void;
}

export interface WorldLink {
  /** The Nodes this link has created and keeps, by name. */
  readonly nodes: ReadonlyMap<string, WorldNode>;
  /** Resolves when every change the World reported so far has reached the cluster. */
  idle(): Promise<void>;
  /** Stops listening to the World (Nodes are left as they are). Idempotent. */
  stop(): Promise<void>;
}

/** LCM states before the first boot: the kubelet has not registered the Node yet. */
const LCM_BEFORE_BOOT = new Set<number>([LcmState.LCM_INIT, LcmState.PROLOG, LcmState.BOOT]);

/** The live (not DONE) OpenNebula VM of that name, the newest if several. */
function vmNamed(world: World, name: string): OneVm | undefined {
  let found: OneVm | undefined;
  for (const vm of world.opennebula?.vms.values() ?? [])
    if (vm.name === name && vm.state !== VmState.DONE && (found === undefined || vm.id > found.id))
      found = vm;
  return found;
}

/**
 * The Node the World wants for a Kubernetes node record (undefined: none, or not registered yet —
 * pass `registered` for a Node that already exists, which stays until its record goes).
 */
export function worldNode(world: World, name: string, registered = false): WorldNode | undefined {
  const record = world.kubernetes.nodes.get(name);
  if (record === undefined) return undefined;
  const vm = vmNamed(world, record.vm);
  if (!registered && vm !== undefined && vm.state === VmState.ACTIVE && LCM_BEFORE_BOOT.has(vm.lcm))
    return undefined;
  const roles = Object.fromEntries(record.roles.map((role) => [`node-role.kubernetes.io/${role}`, ""]));
  const cpu = vm === undefined ? undefined : vm.vcpu > 0 ? vm.vcpu : Math.ceil(vm.cpu);
  return {
    name,
    vm: record.vm,
    host: record.host,
    ip: vm?.nics[0]?.ip ?? undefined,
    labels: { ...roles, [WORLD_HOST_LABEL]: record.host, [WORLD_VM_LABEL]: record.vm },
    capacity:
      vm === undefined
        ? { cpu: "32", memory: "256Gi", pods: "110" }
        : { cpu: String(cpu), memory: `${vm.memoryMb}Mi`, pods: "110" },
    // A record with no OpenNebula VM (added by hand, a world without OpenNebula) follows its host.
    ready: record.ready && (vm === undefined || isRunning(vm)),
  };
}

/** Writes linked Nodes to a cluster through client-node and the stand-ins' node health hook. */
export function kubernetesNodeSink(target: Pick<StandIns, "kubeConfig" | "setNodeReady">): WorldNodeSink {
  const kubeConfig: KubeConfig = target.kubeConfig;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const relabel = async (node: WorldNode) => {
    await core.patchNode(
      { name: node.name, body: { metadata: { labels: node.labels } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  };
  return {
    async create(node) {
      const body = kwokNode(node.name, { labels: node.labels, capacity: node.capacity });
      if (node.ip !== undefined)
        body.status = {
          ...body.status,
          addresses: [
            { type: "InternalIP", address: node.ip },
            { type: "Hostname", address: node.name },
          ],
        };
      await core.createNode({ body }).catch(async (error: unknown) => {
        if (apiStatus(error) !== 409) throw error;
        await relabel(node); // one of that name exists (the cluster's own, a previous link): ours now
      });
    },
    relabel,
    async remove(name) {
      await core.deleteNode({ name }).catch((error: unknown) => {
        if (apiStatus(error) !== 404) throw error;
      });
    },
    setReady: (name, ready) => target.setNodeReady(name, ready),
  };
}

const isSink = (value: object): value is WorldNodeSink => "create" in value && "setReady" in value;

/**
 * Keeps a cluster's Nodes in line with the World's Kubernetes node records: now (every record
 * whose VM has booted) and on every host or VM change the World reports. `target`: the running
 * stand-ins (`cluster.standIns`; their node health hook marks Nodes down and up) or a sink.
 */
export function linkWorld(
  world: World,
  target: Pick<StandIns, "kubeConfig" | "setNodeReady"> | WorldNodeSink,
  options: LinkWorldOptions = {},
): WorldLink {
  const sink = isSink(target) ? target : kubernetesNodeSink(target);
  const log = options.log ?? (() => {});
  const applied = new Map<string, WorldNode>();
  const sameLabels = (a: WorldNode, b: WorldNode) => JSON.stringify(a.labels) === JSON.stringify(b.labels);

  // One serial job per node: reads the World when it runs, so bursts of events collapse into one.
  const syncNode = async (name: string) => {
    const have = applied.get(name);
    const want = worldNode(world, name, have !== undefined);
    if (want === undefined) {
      if (have === undefined) return;
      await sink.remove(name);
      applied.delete(name);
      log(`world: ${name} deleted (its VM is gone)`);
      return;
    }
    if (have === undefined) {
      // The health hook first: a Node created while its machine is down starts NotReady.
      await sink.setReady(name, want.ready);
      await sink.create(want);
      applied.set(name, want);
      log(`world: ${name} created on ${want.host}${want.ready ? "" : " (NotReady)"}`);
      return;
    }
    if (!sameLabels(have, want)) await sink.relabel(want);
    if (have.ready !== want.ready) {
      await sink.setReady(name, want.ready);
      log(`world: ${name} ${want.ready ? "Ready" : "NotReady"}`);
    }
    applied.set(name, want);
  };
  const queue = new WorkQueue(syncNode, (name, error) => log(`world: ${name}: ${String(error)}`));
  const queueAll = () => {
    for (const name of world.kubernetes.nodes.keys()) queue.add(name);
    for (const name of applied.keys()) queue.add(name);
  };
  const unsubscribe = [
    world.onHostChange(queueAll),
    world.opennebula?.subscribe((event) => {
      if (event.type === "vm-state" || event.type === "host-state") queueAll();
    }),
  ];
  const timer =
    options.syncIntervalMs !== undefined && options.syncIntervalMs > 0
      ? setInterval(() => world.sync(), options.syncIntervalMs)
      : undefined;
  timer?.unref();
  queueAll();
  let stopped = false;
  return {
    nodes: applied,
    idle: () => queue.idle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      for (const off of unsubscribe) off?.();
      await queue.stop();
    },
  };
}
