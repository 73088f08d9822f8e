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
  const down = new Set<string>();
  for (const node of create) {
    const { name, ...options } = node;
    await core.createNode({ body: kwokNode(name, options) }).catch((e: unknown) => {
      if (apiStatus(e) !== 409) throw e;
    });
  }
  let nodes: Watched<V1Node> | undefined;

  const markDown = async (name: string) => {
    const node = nodes?.get(name);
    if (!node || !down.has(name)) return;
    if (node.metadata?.labels?.["kwok.x-k8s.io/node"] !== undefined)
      await setKwokNodeRunning(kubeConfig, name, false);
    if (readyOf(node) === "Unknown") return;
    const now = new Date();
    const unknown = {
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    };
    const existing = node.status?.conditions ?? [];
    if (!existing.some((c) => c.type === "Ready"))
      existing.push({ ...unknown, lastTransitionTime: new Date() });
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
  const queue = new WorkQueue(markDown, (key, error) => log(`nodes: ${key}: ${String(error)}`));
  nodes = await watch<V1Node>({
    kubeConfig,
    ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
    path: "/api/v1/nodes",
    list: () => core.listNode(),
    onChange: (node) => {
      const name = node.metadata?.name ?? "";
      // kwok may post one last heartbeat after letting a node go: mark it down again.
      if (down.has(name) && readyOf(node) !== "Unknown") queue.add(name);
      onChange();
    },
  });
  const watched = nodes;
  return {
    nodes: watched,
    setNodeReady: async (name, ready) => {
      if (ready) {
        down.delete(name);
        if (watched.get(name)) await setKwokNodeRunning(kubeConfig, name, true);
        return;
      }
      down.add(name);
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
