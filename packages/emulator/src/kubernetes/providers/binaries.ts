import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Health, KubeConfig } from "@kubernetes/client-node";
import { resolveAssetsDir, resolveBinaries } from "../assets.js";
import { ClusterError } from "../errors.js";
import { renderKubeconfig } from "../kubeconfig.js";
import { KWOK_STAGES_YAML } from "../kwok-stages.js";
import { type ClusterPki, generateClusterPki } from "../pki.js";
import { freePorts } from "../ports.js";
import {
  commandLine,
  isAlive,
  logTail,
  type ManagedProcess,
  registerEmergencyCleanup,
  signalProcess,
  startProcess,
  stopProcess,
} from "../processes.js";
import type { BinariesClusterOptions, BinaryName, Cluster } from "../types.js";

/**
 * Nodes carrying this label are played by kwok. A label, not kwok's usual annotation: label
 * selectors are evaluated by the API server, so removing the label makes the node leave kwok's
 * watch (kwok then stops renewing its Lease), where an annotation selector is only a client-side
 * filter that never lets a node go.
 */
export const KWOK_NODE_LABEL = "kwok.x-k8s.io/node";
export const KWOK_NODE_LABEL_VALUE = "fake";

const TMP_PREFIX = "homelab-kit-k8s-";
const POLL_MS = 100;
const STOP_GRACE_MS = 5_000;

/**
 * A cluster whose objects are kept in `dataDir` (etcd's data and the CA, so kubeconfigs and
 * ServiceAccount tokens stay valid): the etcd data dir inside the cluster dir is a link to
 * `dataDir/etcd` (so etcd's command line still names the cluster dir, which the reaper and the
 * suites' leak checks look for). Returns the kept CA and service-account keys, if any.
 */
async function keptCluster(
  dataDir: string,
  etcdLink: string,
): Promise<Pick<ClusterPki, "ca" | "serviceAccount"> | undefined> {
  await mkdir(join(dataDir, "etcd"), { recursive: true, mode: 0o700 });
  await symlink(join(dataDir, "etcd"), etcdLink, "dir");
  const read = (name: string) => readFile(join(dataDir, "pki", name), "utf8").catch(() => undefined);
  const [caCert, caKey, saKey, saPub] = await Promise.all(["ca.crt", "ca.key", "sa.key", "sa.pub"].map(read));
  if (!caCert || !caKey || !saKey || !saPub) return undefined;
  return { ca: { cert: caCert, key: caKey }, serviceAccount: { privateKey: saKey, publicKey: saPub } };
}

async function keepCluster(dataDir: string, pki: ClusterPki): Promise<void> {
  const dir = join(dataDir, "pki");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await Promise.all([
    writeFile(join(dir, "ca.crt"), pki.ca.cert),
    writeFile(join(dir, "ca.key"), pki.ca.key, { mode: 0o600 }),
    writeFile(join(dir, "sa.key"), pki.serviceAccount.privateKey, { mode: 0o600 }),
    writeFile(join(dir, "sa.pub"), pki.serviceAccount.publicKey),
  ]);
}

/** The first host address of an IPv4 CIDR: the `kubernetes` Service's ClusterIP. */
export function firstServiceIp(cidr: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match)
    throw new ClusterError(`serviceClusterIpRange must be an IPv4 CIDR, got ${cidr}`, {
      code: "INVALID_OPTIONS",
    });
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) {
    throw new ClusterError(`serviceClusterIpRange ${cidr} is not a usable IPv4 range`, {
      code: "INVALID_OPTIONS",
    });
  }
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const network = value - (value % 2 ** (32 - bits));
  const first = network + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".");
}

/** The command lines of every component, as pure data (unit-tested; also handy to debug). */
export interface BinariesPlan {
  dir: string;
  ports: {
    etcd: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    kwok: number;
  };
  args: Record<BinaryName, string[]>;
  files: Record<string, string>;
}

export interface PlanInput {
  dir: string;
  ports: BinariesPlan["ports"];
  serviceClusterIpRange: string;
  podCidr: string;
  nodeLeaseDurationSeconds?: number | undefined;
  nodeMonitorGracePeriodSeconds?: number | undefined;
  extraArgs?: Partial<Record<BinaryName, string[]>>;
}

/** Paths inside the cluster dir. */
export function clusterPaths(dir: string) {
  const pki = join(dir, "pki");
  return {
    pki,
    caCert: join(pki, "ca.crt"),
    caKey: join(pki, "ca.key"),
    apiserverCert: join(pki, "apiserver.crt"),
    apiserverKey: join(pki, "apiserver.key"),
    saKey: join(pki, "sa.key"),
    saPub: join(pki, "sa.pub"),
    etcdData: join(dir, "etcd"),
    logs: join(dir, "logs"),
    adminKubeconfig: join(dir, "admin.kubeconfig"),
    controllerManagerKubeconfig: join(dir, "controller-manager.kubeconfig"),
    schedulerKubeconfig: join(dir, "scheduler.kubeconfig"),
    kwokKubeconfig: join(dir, "kwok.kubeconfig"),
    kwokConfig: join(dir, "kwok.yaml"),
    owner: join(dir, "owner.json"),
  };
}

/** The flags of each component: loopback only, certificates from `pki/`, no leader election. */
export function binariesArgs(input: PlanInput): Record<BinaryName, string[]> {
  const p = clusterPaths(input.dir);
  const { ports } = input;
  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const extra = (name: BinaryName) => input.extraArgs?.[name] ?? [];
  const delegated = (kubeconfig: string) => [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
  ];
  return {
    etcd: [
      "--name=homelab-kit",
      `--data-dir=${p.etcdData}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=homelab-kit=${peerUrl}`,
      "--initial-cluster-state=new",
      // A throw-away test cluster: no fsync (as envtest and kwokctl's etcd), small logs.
      "--unsafe-no-fsync=true",
      "--log-level=warn",
      ...extra("etcd"),
    ],
    "kube-apiserver": [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${p.pki}`,
      `--tls-cert-file=${p.apiserverCert}`,
      `--tls-private-key-file=${p.apiserverKey}`,
      `--client-ca-file=${p.caCert}`,
      `--service-cluster-ip-range=${input.serviceClusterIpRange}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${p.saPub}`,
      `--service-account-signing-key-file=${p.saKey}`,
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      "--allow-privileged=true",
      "--profiling=false",
      ...extra("kube-apiserver"),
    ],
    "kube-controller-manager": [
      ...delegated(p.controllerManagerKubeconfig),
      "--bind-address=127.0.0.1",
      `--secure-port=${ports.controllerManager}`,
      `--cert-dir=${join(input.dir, "controller-manager")}`,
      "--leader-elect=false",
      // Each controller acts as its own ServiceAccount, bound by the bootstrap RBAC roles (as kubeadm).
      "--use-service-account-credentials=true",
      `--service-account-private-key-file=${p.saKey}`,
      `--root-ca-file=${p.caCert}`,
      `--cluster-signing-cert-file=${p.caCert}`,
      `--cluster-signing-key-file=${p.caKey}`,
      `--service-cluster-ip-range=${input.serviceClusterIpRange}`,
      ...(input.nodeMonitorGracePeriodSeconds !== undefined
        ? [`--node-monitor-grace-period=${input.nodeMonitorGracePeriodSeconds}s`]
        : []),
      "--profiling=false",
      ...extra("kube-controller-manager"),
    ],
    "kube-scheduler": [
      ...delegated(p.schedulerKubeconfig),
      "--bind-address=127.0.0.1",
      `--secure-port=${ports.scheduler}`,
      `--cert-dir=${join(input.dir, "scheduler")}`,
      "--leader-elect=false",
      "--profiling=false",
      ...extra("kube-scheduler"),
    ],
    kwok: [
      `--kubeconfig=${p.kwokKubeconfig}`,
      `--config=${p.kwokConfig}`,
      "--manage-all-nodes=false",
      `--manage-nodes-with-label-selector=${KWOK_NODE_LABEL}=${KWOK_NODE_LABEL_VALUE}`,
      `--cidr=${input.podCidr}`,
      `--node-lease-duration-seconds=${input.nodeLeaseDurationSeconds ?? 40}`,
      `--server-address=127.0.0.1:${ports.kwok}`,
      ...extra("kwok"),
    ],
  };
}

/** Owner record of a cluster dir, so a later start can reap what a killed process left behind. */
interface OwnerRecord {
  pid: number;
  components: { name: string; pid: number }[];
}

/**
 * Removes cluster dirs under `root` whose owning process is dead (it was SIGKILLed, or crashed
 * before cleaning up): kills their components (only pids whose command line names that dir) and
 * deletes the dir. Returns the dirs removed.
 */
export async function reapStaleClusters(root: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.startsWith(TMP_PREFIX)) continue;
    const dir = join(root, entry);
    let owner: OwnerRecord;
    try {
      owner = JSON.parse(await readFile(join(dir, "owner.json"), "utf8")) as OwnerRecord;
    } catch {
      continue; // being created, or not ours
    }
    if (isAlive(owner.pid)) continue;
    for (const c of owner.components) {
      if (isAlive(c.pid) && commandLine(c.pid).includes(dir)) {
        try {
          process.kill(-c.pid, "SIGKILL");
        } catch {
          try {
            process.kill(c.pid, "SIGKILL");
          } catch {
            // gone meanwhile
          }
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function probe(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const isHttps = url.startsWith("https:");
    // Health endpoints only (never the Kubernetes API): the serving certificates of
    // controller-manager and scheduler are self-signed in memory, so there is nothing to verify.
    const req = (isHttps ? httpsRequest : httpRequest)(
      url,
      { method: "GET", timeout: timeoutMs, ...(isHttps ? { rejectUnauthorized: false } : {}) },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok from local binaries
 * on free loopback ports, and resolves once the API is ready and every component answers its health
 * check. On any failure, abort or timeout, everything started is stopped and the temp dir removed.
 */
export async function startBinariesCluster(options: BinariesClusterOptions): Promise<Cluster> {
  // The ports are free when chosen, but another process can bind one before our component does:
  // then the component exits with "address already in use", and one more try with new ports helps.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      const portTaken =
        error instanceof ClusterError &&
        error.code === "PROCESS_EXITED" &&
        /address already in use/.test(error.logTail ?? "");
      if (!portTaken || attempt >= 3) throw error;
      options.log?.(`${error.component}: a port was taken meanwhile; starting again on new ports`);
    }
  }
}

async function startOnce(options: BinariesClusterOptions): Promise<Cluster> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const timeout = options.startTimeout ?? 120_000;
  const deadline = t0 + timeout;
  const wanted: BinaryName[] = ["etcd", "kube-apiserver"];
  if (options.controllerManager !== false) wanted.push("kube-controller-manager");
  if (options.scheduler !== false) wanted.push("kube-scheduler");
  if (options.kwok !== false) wanted.push("kwok");
  const serviceClusterIpRange = options.serviceClusterIpRange ?? "10.96.0.0/16";
  const podCidr = options.podCidr ?? "10.244.0.0/16";
  const serviceIp = firstServiceIp(serviceClusterIpRange);

  const assetsDir = resolveAssetsDir(options.assetsDir);
  const bins = await resolveBinaries(assetsDir, wanted, options.binaries);
  options.signal?.throwIfAborted();

  const root = options.tmpDir ?? tmpdir();
  const reaped = await reapStaleClusters(root);
  for (const dir of reaped) log(`cleanup: removed ${dir} left by a dead process`);

  const dir = await mkdtemp(join(root, TMP_PREFIX));
  const paths = clusterPaths(dir);
  const processes: ManagedProcess[] = [];
  let removed = false;
  const unregister = registerEmergencyCleanup({
    processes: () => processes,
    dirs: () => (removed ? [] : [dir]),
  });

  const writeOwner = () =>
    writeFile(
      paths.owner,
      JSON.stringify({
        pid: process.pid,
        components: processes.map((p) => ({ name: p.name, pid: p.pid })),
      } satisfies OwnerRecord),
    );

  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      // Clients first, then the API server, then its store.
      const clients = processes.filter((p) => p.name !== "etcd" && p.name !== "kube-apiserver");
      await Promise.all(clients.map((p) => stopProcess(p, STOP_GRACE_MS)));
      await Promise.all(
        processes.filter((p) => p.name === "kube-apiserver").map((p) => stopProcess(p, STOP_GRACE_MS)),
      );
      await Promise.all(processes.filter((p) => p.name === "etcd").map((p) => stopProcess(p, STOP_GRACE_MS)));
      await rm(dir, { recursive: true, force: true });
      removed = true;
      unregister();
    })();
    return stopping;
  };

  try {
    await writeOwner();
    await mkdir(paths.pki, { recursive: true });
    await mkdir(paths.logs, { recursive: true });
    const kept =
      options.dataDir === undefined ? undefined : await keptCluster(options.dataDir, paths.etcdData);
    const [pki, ports] = await Promise.all([
      generateClusterPki({ serviceIp, keep: kept, caDays: options.dataDir === undefined ? 7 : 3650 }),
      freePorts(6),
    ]);
    if (options.dataDir !== undefined && kept === undefined) await keepCluster(options.dataDir, pki);
    if (kept !== undefined) log(`cluster: objects kept in ${options.dataDir} (etcd data, CA)`);
    const [etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok] = ports as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const plan = binariesArgs({
      dir,
      ports: { etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok },
      serviceClusterIpRange,
      podCidr,
      nodeLeaseDurationSeconds: options.nodeLeaseDurationSeconds,
      nodeMonitorGracePeriodSeconds: options.nodeMonitorGracePeriodSeconds,
      ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
    });
    const server = `https://127.0.0.1:${apiserver}`;
    const kubeconfigFor = (name: string, cert: { cert: string; key: string }) =>
      renderKubeconfig({ name, server, caCert: pki.ca.cert, clientCert: cert.cert, clientKey: cert.key });
    const kubeconfig = kubeconfigFor("homelab-kit", pki.admin);
    await Promise.all([
      writeFile(paths.caCert, pki.ca.cert),
      writeFile(paths.caKey, pki.ca.key, { mode: 0o600 }),
      writeFile(paths.apiserverCert, pki.apiserver.cert),
      writeFile(paths.apiserverKey, pki.apiserver.key, { mode: 0o600 }),
      writeFile(paths.saKey, pki.serviceAccount.privateKey, { mode: 0o600 }),
      writeFile(paths.saPub, pki.serviceAccount.publicKey),
      writeFile(paths.adminKubeconfig, kubeconfig, { mode: 0o600 }),
      writeFile(
        paths.controllerManagerKubeconfig,
        kubeconfigFor("kube-controller-manager", pki.controllerManager),
        { mode: 0o600 },
      ),
      writeFile(paths.schedulerKubeconfig, kubeconfigFor("kube-scheduler", pki.scheduler), { mode: 0o600 }),
      writeFile(paths.kwokKubeconfig, kubeconfigFor("kwok", pki.kwok), { mode: 0o600 }),
      writeFile(paths.kwokConfig, KWOK_STAGES_YAML),
    ]);

    const start = async (name: BinaryName) => {
      const p = await startProcess(name, bins[name], plan[name], join(paths.logs, `${name}.log`));
      processes.push(p);
      await writeOwner();
      log(`${name}: started (pid ${p.pid})`);
      return p;
    };

    const exitError = async (p: ManagedProcess) => {
      const info = p.exitInfo();
      return new ClusterError(
        `${p.name} exited during start (${info?.signal ? `signal ${info.signal}` : `code ${info?.code}`})`,
        { code: "PROCESS_EXITED", component: p.name, logFile: p.logFile, logTail: await logTail(p.logFile) },
      );
    };

    const waitFor = async (what: string, check: () => Promise<boolean>) => {
      for (;;) {
        if (options.signal?.aborted) {
          throw new ClusterError(`start aborted while waiting for ${what}`, {
            code: "ABORTED",
            cause: options.signal.reason,
          });
        }
        if (performance.now() > deadline) {
          const component = processes.find((p) => what.startsWith(p.name));
          throw new ClusterError(`${what} not ready after ${timeout} ms`, {
            code: "START_TIMEOUT",
            component: component?.name,
            logFile: component?.logFile,
            logTail: component ? await logTail(component.logFile) : undefined,
          });
        }
        const exited = processes.find((p) => p.hasExited());
        if (exited) throw await exitError(exited);
        if (await check()) return;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };

    // etcd and the API server start together: the API server retries etcd until it answers.
    await start("etcd");
    await start("kube-apiserver");
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    const health = new Health(kc);
    await waitFor("kube-apiserver /readyz", async () => {
      try {
        return await health.readyz({ timeout: 2_000 });
      } catch {
        return false;
      }
    });
    const apiReadyMs = Math.round(performance.now() - t0);
    log(`kube-apiserver: ready after ${apiReadyMs} ms at ${server}`);
    options.onApiReady?.(kubeconfig);

    // The others wait for a healthy API server for a few seconds only, so they start after it.
    const checks: [string, string][] = [];
    if (wanted.includes("kube-controller-manager")) {
      await start("kube-controller-manager");
      checks.push(["kube-controller-manager /healthz", `https://127.0.0.1:${controllerManager}/healthz`]);
    }
    if (wanted.includes("kube-scheduler")) {
      await start("kube-scheduler");
      checks.push(["kube-scheduler /healthz", `https://127.0.0.1:${scheduler}/healthz`]);
    }
    if (wanted.includes("kwok")) {
      await start("kwok");
      checks.push(["kwok /healthz", `http://127.0.0.1:${kwok}/healthz`]);
    }
    await Promise.all(checks.map(([what, url]) => waitFor(what, async () => (await probe(url)) === 200)));
    const readyMs = Math.round(performance.now() - t0);
    log(`cluster: ready after ${readyMs} ms`);

    // After the start, a component that dies is reported through the log hook (the cluster is broken).
    for (const p of processes) {
      void p.exited.then((info) => {
        if (!stopping) log(`${p.name}: exited unexpectedly (${info.signal ?? info.code}); see ${p.logFile}`);
      });
    }

    return {
      provider: "binaries",
      kubeconfig,
      kubeconfigPath: paths.adminKubeconfig,
      server,
      timings: { apiReadyMs, readyMs },
      stop: stopAll,
    };
  } catch (error) {
    // Kill now (no grace): the start failed, nobody needs these processes.
    for (const p of processes) signalProcess(p, "SIGKILL");
    const tails =
      error instanceof ClusterError
        ? undefined
        : await Promise.all(processes.map((p) => logTail(p.logFile, 5)));
    await stopAll();
    if (error instanceof ClusterError) throw error;
    throw new ClusterError(`binaries cluster failed to start: ${(error as Error).message}`, {
      code: "START_FAILED",
      cause: error,
      logTail: tails?.join("\n"),
    });
  }
}
