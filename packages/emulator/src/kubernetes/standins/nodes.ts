/**
 * Node health stand-in: Nodes for the world's Kubernetes VMs (played by kwok), and the hook the
 * World calls when a VM or its host goes down or comes back.
 */
import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
} from "@kubernetes/client-node";
import { type KwokNodeOptions, kwokNode, setKwokNodeRunning } from "../kwok-node.js";
import { KWOK_NODE_LABEL } from "../providers/binaries.js";
import { apiStatus } from "./errors.js";
import { type Watched, WorkQueue, watch } from "./informer.js";

export interface StandInNode extends KwokNodeOptions {
  name: string;
}

export interface NodeHealthStandIn {
  /** The informer over every Node (MetalLB's speaker reads it too). */
  readonly nodes: Watched<V1Node>;
  /**
   * A VM or host went down (`false`) or came back (`true`). Down: kwok stops playing the node's
   * kubelet and the node is marked `Ready=Unknown` (`NodeStatusUnknown`) at once, as the
   * controller-manager would after its grace period, so the world and Kubernetes agree without
   * waiting; the node lifecycle controller then taints it `node.kubernetes.io/unreachable`. Up: kwok
   * takes the node back and makes it Ready. A node created later starts in the state last set.
   * Only kwok's nodes (`kwok.x-k8s.io/node` label) are affected: a real kubelet reports for itself.
   */
  setNodeReady(name: string, ready: boolean): Promise<void>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const readyOf = (node: V1Node | undefined) =>
  node?.status?.conditions?.find((c) => c.type === "Ready")?.status;

export async function startNodeHealth(
  kubeConfig: KubeConfig,
  create: StandInNode[],
  onChange: () => void,
  log: (line: string) => void,
  startTimeoutMs?: number,
): Promise<NodeHealthStandIn> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  /** What the World last said per node: false = its machine is down. */
  const desired = new Map<string, boolean>();
  /** Nodes whose kwok label this stand-in removed (and gives back when they are up again). */
  const released = new Set<string>();
  for (const node of create) {
    const { name, ...options } = node;
    await core.createNode({ body: kwokNode(name, options) }).catch((e: unknown) => {
      if (apiStatus(e) !== 409) throw e;
    });
  }
  let nodes: Watched<V1Node> | undefined;

  const markDown = async (node: V1Node, name: string) => {
    if (node.metadata?.labels?.[KWOK_NODE_LABEL] !== undefined) {
      await setKwokNodeRunning(kubeConfig, name, false);
      released.add(name);
    }
    if (!released.has(name)) {
      // A real kubelet (kind, k3s) would post Ready again within seconds: do not fight it.
      log(`nodes: ${name} is not played by kwok; its kubelet keeps reporting its own state`);
      return;
    }
    if (readyOf(node) === "Unknown") return;
    const now = new Date();
    const unknown = {
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    };
    const existing = [...(node.status?.conditions ?? [])];
    if (!existing.some((c) => c.type === "Ready")) existing.push({ ...unknown, lastTransitionTime: now });
    const conditions = existing.map((c) =>
      c.type === "Ready"
        ? { ...c, ...unknown, lastTransitionTime: c.status === "Unknown" ? c.lastTransitionTime : now }
        : c,
    );
    await core.patchNodeStatus(
      { name, body: { status: { conditions } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    log(`nodes: ${name} Ready=Unknown (its machine is down)`);
  };
  // One serial job per node applies the last state asked for, so down/up calls never interleave.
  const sync = async (name: string) => {
    const node = nodes?.get(name);
    const ready = desired.get(name);
    if (!node || ready === undefined) return;
    if (!ready) return markDown(node, name);
    if (released.has(name)) {
      await setKwokNodeRunning(kubeConfig, name, true);
      released.delete(name);
    }
  };
  const queue = new WorkQueue(sync, (key, error) => log(`nodes: ${key}: ${String(error)}`));
  nodes = await watch<V1Node>({
    kubeConfig,
    ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
    path: "/api/v1/nodes",
    list: () => core.listNode(),
    onChange: (node) => {
      const name = node.metadata?.name ?? "";
      // A node created after the call, or one kwok posted a last heartbeat for: apply it again.
      if (desired.get(name) === false && readyOf(node) !== "Unknown") queue.add(name);
      onChange();
    },
  });
  const watched = nodes;
  return {
    nodes: watched,
    setNodeReady: async (name, ready) => {
      desired.set(name, ready);
      queue.add(name);
      await queue.idle();
    },
    idle: () => queue.idle(),
    stop: async () => {
      await watched.stop();
      await queue.stop();
    },
  };
}
