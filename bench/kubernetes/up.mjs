// bench/kubernetes/up.mjs, the `up` part of the kubernetes area (bench.mjs runs it after the
// cluster part): `homelab-emulator up` with the Kubernetes cluster (binaries provider, already
// built) from the spawn to every endpoint and stand-in ready, and a cert-manager Certificate
// through DNS01 on the emulated Cloudflare from creation to Ready. See RESULTS.md.
//
//   pnpm --filter @homelab-kit/core --filter @homelab-kit/emulator build
//   pnpm bench kubernetes --part=up [runs=3]     (certificates per key type: BENCH_CERTIFICATES=5)
//
// `up --json` prints its line once the cluster, every stand-in, the ClusterIssuer (Ready), the
// ingress controller's LoadBalancer address and the StorageClass are ready; the script then checks
// every endpoint answers (control, Ceph, OpenNebula, the iLOs, Cloudflare, the Kubernetes API, the
// ingress listeners) and reports wall time and the CPU time of `up` and of the cluster's
// components (the machine is shared: CPU time is the steadier figure). Certificates are created
// one after the other (RSA 2048, cert-manager's default, then ECDSA P-256) and timed from the
// create call to the Ready condition seen by a watch.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { emulatorCopy, emulatorUp, median } from "../lib/harness.mjs";

// A private copy of the built emulator, so a concurrent build (which cleans dist/) cannot pull it away.
let bin;
let k8s;
const TICK = 100; // USER_HZ: /proc/<pid>/stat times are in clock ticks

/** CPU seconds (user + system) of `up` and, summed, of its children (the cluster's components). */
function cpuSeconds(pid) {
  const stat = (p) => {
    const text = readFileSync(`/proc/${p}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICK }; // utime, stime
  };
  let components = 0;
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const s = stat(p);
      if (s.ppid === pid) components += s.cpu;
    } catch {
      // exited meanwhile
    }
  }
  return { up: stat(pid).cpu, components };
}

function answers(url, options = {}) {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, timeout: 5_000, ...options }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

async function up(runDir) {
  const t0 = performance.now();
  const { child, endpoints } = emulatorUp(bin, runDir);
  try {
    return await ready(child, await endpoints, t0);
  } catch (error) {
    child.kill("SIGTERM"); // the bench fails, it does not hang on a running up
    throw error;
  }
}

async function ready(child, printed, t0) {
  const printedMs = performance.now() - t0;
  if (printed.kubernetes?.provider === undefined)
    throw new Error(
      `Kubernetes did not start: ${JSON.stringify(printed.kubernetes)} (build the binaries first)`,
    );
  const auth = { authorization: `Bearer ${printed.cloudflare.token}` };
  const checks = await Promise.all([
    fetch(`${printed.control.url}/_emulator/health`).then((r) => r.status),
    fetch(`${printed.ceph.url}/api/health/minimal`).then((r) => r.status),
    fetch(printed.opennebula.url, {
      method: "POST",
      body: '<?xml version="1.0"?><methodCall><methodName>one.system.version</methodName><params></params></methodCall>',
    }).then((r) => r.status),
    ...printed.ilo.map((i) => answers(`${i.url}/xmldata?item=all`)),
    fetch(`${printed.cloudflare.url}/user/tokens/verify`, { headers: auth }).then((r) => r.status),
    answers(`${printed.kubernetes.server}/readyz`),
    answers(`${printed.kubernetes.ingress.https}/`),
    fetch(`${printed.kubernetes.ingress.http}/`).then((r) => r.status),
  ]);
  const everyMs = performance.now() - t0;
  if (checks.some((s) => s === 0 || s >= 500 || s === undefined))
    throw new Error(`an endpoint did not answer: ${checks}`);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(printed.kubernetes.kubeconfig);
  return { child, printed, printedMs, everyMs, kc };
}

/** Creates a Certificate for `<name>.example.com` and resolves with the ms until a watch sees it Ready. */
async function certificateToReady(kc, name, algorithm) {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const watch = new k8s.Watch(kc);
  let stop;
  let t0 = 0;
  const ready = new Promise((resolve, reject) => {
    watch
      .watch(
        "/apis/cert-manager.io/v1/namespaces/default/certificates",
        { fieldSelector: `metadata.name=${name}` },
        (_type, object) => {
          if (object.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
            resolve(performance.now() - t0);
        },
        (error) => error && reject(error),
      )
      .then((req) => {
        stop = req;
      }, reject);
  });
  await new Promise((r) => setTimeout(r, 200)); // the watch is open
  t0 = performance.now();
  await custom.createNamespacedCustomObject({
    group: "cert-manager.io",
    version: "v1",
    namespace: "default",
    plural: "certificates",
    body: {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name },
      spec: {
        secretName: `${name}-tls`,
        dnsNames: [`${name}.example.com`],
        privateKey: { algorithm },
        issuerRef: { name: "letsencrypt", kind: "ClusterIssuer" },
      },
    },
  });
  const ms = await Promise.race([
    ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${name} not Ready in 60 s`)), 60_000)),
  ]);
  stop?.abort?.();
  return ms;
}

async function down(child, runDir) {
  const t0 = performance.now();
  const stopped = new Promise((resolve) => child.on("exit", resolve));
  await new Promise((resolve, reject) => {
    const d = spawn(process.execPath, [bin, "down", "--run-dir", runDir], { stdio: "ignore" });
    d.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`down exited ${code}`))));
  });
  await stopped;
  return performance.now() - t0;
}

/**
 * `runs` times: up with the cluster, `certificates` Certificates per key type, down. Returns each
 * run's figures and the medians over the runs.
 */
export async function benchUp(runs, certificates) {
  bin = emulatorCopy();
  ({ k8s } = await import(join(dirname(bin), "../kubernetes/index.js")));
  const results = [];
  for (let run = 1; run <= runs; run++) {
    const runDir = mkdtempSync(join(tmpdir(), "emu-up-bench-"));
    const started = await up(runDir);
    const readyCpu = cpuSeconds(started.child.pid);
    const certMs = { RSA: [], ECDSA: [] };
    try {
      for (let i = 0; i < certificates; i++) {
        for (const algorithm of ["RSA", "ECDSA"]) {
          certMs[algorithm].push(
            Math.round(
              await certificateToReady(started.kc, `bench-${algorithm.toLowerCase()}-${i}`, algorithm),
            ),
          );
        }
      }
    } catch (error) {
      started.child.kill("SIGTERM"); // up stops its cluster on SIGTERM; the bench fails, it does not hang
      throw error;
    }
    const downMs = await down(started.child, runDir);
    rmSync(runDir, { recursive: true, force: true });
    const result = {
      run,
      load: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
      upPrintedMs: Math.round(started.printedMs),
      everyEndpointMs: Math.round(started.everyMs),
      clusterApiReadyMs: started.printed.kubernetes.timings.apiReadyMs,
      standInsReadyMs: started.printed.kubernetes.timings.readyMs,
      cpuSecondsAtReady: { up: readyCpu.up, clusterComponents: Math.round(readyCpu.components * 100) / 100 },
      certificateReadyMs: certMs,
      downMs: Math.round(downMs),
    };
    console.log(JSON.stringify(result));
    results.push(result);
  }
  const all = (algorithm) => results.flatMap((r) => r.certificateReadyMs[algorithm]);
  console.log(
    `median of ${runs}: every endpoint ready ${median(results.map((r) => r.everyEndpointMs))} ms ` +
      `(up printed ${median(results.map((r) => r.upPrintedMs))} ms, CPU up ${median(results.map((r) => r.cpuSecondsAtReady.up))} s + components ${median(results.map((r) => r.cpuSecondsAtReady.clusterComponents))} s); ` +
      `Certificate via DNS01 to Ready: RSA ${median(all("RSA"))} ms (${Math.min(...all("RSA"))}-${Math.max(...all("RSA"))}), ECDSA ${median(all("ECDSA"))} ms (${Math.min(...all("ECDSA"))}-${Math.max(...all("ECDSA"))}); down ${median(results.map((r) => r.downMs))} ms`,
  );
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
  return {
    runs,
    certificates,
    results,
    everyEndpointMs: median(results.map((r) => r.everyEndpointMs)),
    certificateReadyMs: { RSA: median(all("RSA")), ECDSA: median(all("ECDSA")) },
  };
}
