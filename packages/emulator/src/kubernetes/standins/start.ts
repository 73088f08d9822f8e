/**
 * `startStandIns`: the controllers that stand in for what needs hardware (docs/DESIGN.md §6), each on
 * client-node informers against a running cluster (any provider): MetalLB, cert-manager, Ceph CSI
 * (RBD), ingress-nginx's class and status, and node health.
 */
import { KubeConfig } from "@kubernetes/client-node";
import type { World } from "../../world/world.js";
import { linkWorld, type WorldLink } from "../world-link.js";
import { type CephCsiOptions, type CephCsiStandIn, startCephCsi } from "./ceph-csi.js";
import { type CertManagerOptions, type CertManagerStandIn, startCertManager } from "./cert-manager.js";
import { CERT_MANAGER_CRDS, installCrds, METALLB_CRDS } from "./crds.js";
import { StandInError } from "./errors.js";
import { type IngressNginxOptions, type IngressNginxStandIn, startIngressNginx } from "./ingress-nginx.js";
import { type MetallbOptions, type MetallbStandIn, startMetallb } from "./metallb.js";
import { type NodeHealthStandIn, type StandInNode, startNodeHealth } from "./nodes.js";

export interface StandInsOptions {
  /** The cluster: a kubeconfig (YAML, as `Cluster.kubeconfig`) or a loaded `KubeConfig`. */
  kubeconfig: string | KubeConfig;
  /** MetalLB (default on; pools to create with `{pools}`), or `false`. */
  metallb?: MetallbOptions | false;
  /** cert-manager (default on), or `false`. */
  certManager?: CertManagerOptions | false;
  /** Ceph CSI over this emulated Ceph state; without it no RBD provisioner runs. */
  ceph?: CephCsiOptions;
  /** The `nginx` IngressClass and Ingress status (default on), or `false`. */
  ingressNginx?: IngressNginxOptions | false;
  /** kwok Nodes to create (the world's Kubernetes VMs), by name or with labels and capacity. */
  nodes?: (string | StandInNode)[];
  /**
   * An emulated World to link (`emulator.world`): its Kubernetes node records become kwok Nodes,
   * Ready or not as their VMs and hosts are (see `linkWorld`), and, unless `ceph` is given, Ceph
   * CSI provisions into the World's Ceph on the topology's `kubernetes.rbdPool`.
   */
  world?: World;
  /** With `world`: also sync the World this often (ms), so VMs that boot on the clock alone get their Node (default off). */
  worldSyncIntervalMs?: number;
  /**
   * How long each watch's first list may keep failing (API server still starting, CRD just
   * Established) before `startStandIns` gives up with `WATCH_FAILED` (default 30 000 ms).
   */
  startTimeout?: number;
  /** Lines of progress (`metallb: default/web → 10.0.0.1`); default silent. */
  log?: (line: string) => void;
}

export interface StandIns {
  readonly kubeConfig: KubeConfig;
  /** The World's hook for a Kubernetes VM (or its host) going down or coming back. */
  setNodeReady(name: string, ready: boolean): Promise<void>;
  readonly metallb: Pick<MetallbStandIn, "announcingNode"> | undefined;
  readonly cephCsi: Pick<CephCsiStandIn, "clusterId"> | undefined;
  /** cert-manager: the emulated ACME server's CA (trust it to check the issued certificates). */
  readonly certManager: Pick<CertManagerStandIn, "acmeCaCertificate"> | undefined;
  /** ingress-nginx: its loopback listeners, with `ingressNginx.listen`. */
  readonly ingressNginx: Pick<IngressNginxStandIn, "endpoints"> | undefined;
  /** The link to the `world` option's World (its Nodes), when one was given. */
  readonly world: Pick<WorldLink, "nodes"> | undefined;
  /** Resolves when every change seen so far has been handled by every stand-in. */
  idle(): Promise<void>;
  /** Stops every watch and timer. Idempotent. */
  stop(): Promise<void>;
}

interface Stoppable {
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStandIns(options: StandInsOptions): Promise<StandIns> {
  if (!options.kubeconfig)
    throw new StandInError("startStandIns needs a kubeconfig", { code: "INVALID_OPTIONS" });
  let kubeConfig: KubeConfig;
  if (typeof options.kubeconfig === "string") {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(options.kubeconfig);
  } else {
    kubeConfig = options.kubeconfig;
  }
  const log = options.log ?? (() => {});
  const running: Stoppable[] = [];
  const stopAll = async () => {
    const all = running.splice(0).reverse();
    for (const part of all) await part.stop();
  };
  try {
    const crds = [
      ...(options.metallb !== false ? METALLB_CRDS : []),
      ...(options.certManager !== false ? CERT_MANAGER_CRDS : []),
    ];
    const installing = installCrds(kubeConfig, crds);
    installing.catch(() => {}); // awaited below; a failing node watch must not leave it unhandled
    let metallb: (MetallbStandIn & { onNodeChange(): void }) | undefined;
    const nodes: NodeHealthStandIn = await startNodeHealth(
      kubeConfig,
      (options.nodes ?? []).map((n) => (typeof n === "string" ? { name: n } : n)),
      () => metallb?.onNodeChange(),
      log,
      options.startTimeout,
    );
    running.push(nodes);
    await installing;
    const timeout = options.startTimeout;
    const world = options.world;
    const cephOptions: CephCsiOptions | undefined =
      options.ceph ??
      (world?.ceph === undefined
        ? undefined
        : { state: world.ceph, storageClass: { pool: world.topology.kubernetes?.rbdPool ?? "rbd" } });
    const starting = {
      metallb:
        options.metallb === false
          ? undefined
          : startMetallb(kubeConfig, nodes.nodes, options.metallb ?? {}, log, timeout),
      certManager:
        options.certManager === false
          ? undefined
          : startCertManager(kubeConfig, options.certManager ?? {}, log, timeout),
      cephCsi: cephOptions ? startCephCsi(kubeConfig, cephOptions, log, timeout) : undefined,
      ingress:
        options.ingressNginx === false
          ? undefined
          : startIngressNginx(kubeConfig, options.ingressNginx ?? {}, log, timeout),
    };
    // Started side by side; if one fails, the others are stopped with the rest.
    const settled = await Promise.allSettled(
      Object.values(starting).map((p) => p ?? Promise.resolve(undefined)),
    );
    for (const result of settled)
      if (result.status === "fulfilled" && result.value) running.push(result.value);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    metallb = await starting.metallb;
    const cephCsi: CephCsiStandIn | undefined = await starting.cephCsi;
    const certManager = await starting.certManager;
    const ingressNginx = await starting.ingress;
    const link =
      world === undefined
        ? undefined
        : linkWorld(
            world,
            { kubeConfig, setNodeReady: (name, ready) => nodes.setNodeReady(name, ready) },
            {
              log,
              ...(options.worldSyncIntervalMs !== undefined
                ? { syncIntervalMs: options.worldSyncIntervalMs }
                : {}),
            },
          );
    if (link !== undefined) running.push(link);
    return {
      kubeConfig,
      setNodeReady: (name, ready) => nodes.setNodeReady(name, ready),
      metallb,
      cephCsi,
      certManager,
      ingressNginx,
      world: link,
      idle: async () => {
        for (const part of [...running]) await part.idle();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
