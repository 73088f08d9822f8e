/**
 * `homelab-emulator up` with the reference topology and the binaries provider, checked from the
 * outside as a user would: a real kubectl (HOMELAB_KIT_KUBECTL, built by
 * `scripts/k8s/build-binaries.sh --kubectl`) on the kubeconfig `up` wrote, the iLO and OpenNebula
 * clients on the env file's endpoints, the Cloudflare API, and a real curl against the ingress
 * listener with the issued CA. Then `down` (no process, no temp dir left) and `up --state` again
 * (the cluster's objects are still there).
 */
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  type CliIo,
  main,
  parseCli,
  parseEnvFile,
  type RunningEmulator,
  startUp,
  type UpArgs,
} from "@homelab-kit/emulator/cli";
import { createIloClient } from "@homelab-kit/ilo";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "./helpers.js";

const KUBECTL = process.env.HOMELAB_KIT_KUBECTL;
if (!KUBECTL || !existsSync(KUBECTL))
  throw new Error(
    "this suite needs a real kubectl: set HOMELAB_KIT_KUBECTL (bash scripts/k8s/build-binaries.sh --kubectl builds one)",
  );

function captureIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd,
    onSignal: () => () => {},
  };
  return { io, out, err };
}

function run(
  command: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

describe("homelab-emulator up: the whole private cloud", () => {
  const dir = mkdtempSync(join(tmpdir(), "emu-up-"));
  let running: RunningEmulator;
  let env: Record<string, string> = {};
  let first: ReturnType<typeof captureIo>;

  const kubectl = async (...args: string[]) => {
    const r = await run(KUBECTL, ["--kubeconfig", env.KUBECONFIG ?? "", ...args]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const kubectlJson = async <T>(...args: string[]) => JSON.parse(await kubectl(...args, "-o", "json")) as T;
  const apply = async (object: unknown) => {
    const r = await run(
      KUBECTL,
      ["--kubeconfig", env.KUBECONFIG ?? "", "apply", "-f", "-"],
      JSON.stringify(object),
    );
    if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}`);
  };
  const curl = (...args: string[]) => run("curl", ["-sS", "--max-time", "10", ...args]);
  const up = async (io: CliIo) => {
    const args = parseCli([
      "up",
      "--json",
      "--speed",
      "60",
      "--run-dir",
      "run",
      "--state",
      "state.json",
    ]) as UpArgs;
    return startUp(args, io);
  };

  beforeAll(async () => {
    first = captureIo(dir);
    const t0 = performance.now();
    running = await up(first.io);
    console.log(`[up] ready after ${Math.round(performance.now() - t0)} ms`);
    env = parseEnvFile(readFileSync(join(dir, "run", "env"), "utf8"));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("starts the cluster with every stand-in configured from the topology, and says where", async () => {
    const printed = JSON.parse(first.out[0] ?? "{}") as {
      kubernetes: { provider: string; kubeconfig: string; ingress: { https: string; address: string } };
    };
    expect(printed.kubernetes).toMatchObject({
      provider: "binaries",
      kubeconfig: join(dir, "run", "kubeconfig"),
    });
    expect(statSync(env.KUBECONFIG ?? "").mode & 0o777).toBe(0o600);
    expect(env).toMatchObject({
      KUBERNETES_PROVIDER: "binaries",
      INGRESS_CLASS: "nginx",
      INGRESS_HOST: "127.0.0.1",
      CERT_MANAGER_CLUSTER_ISSUER: "letsencrypt",
      METALLB_POOL: "lan",
      METALLB_ADDRESSES: "192.168.1.240-192.168.1.250",
      STORAGE_CLASS: "ceph-rbd",
      CLOUDFLARE_ZONE: "example.com",
    });
    expect(printed.kubernetes.ingress.https).toBe(`https://127.0.0.1:${env.INGRESS_HTTPS_PORT}`);
    expect(await kubectl("get", "--raw", "/readyz")).toBe("ok");
    const issuer = await kubectlJson<{ status: { conditions: Array<{ type: string; status: string }> } }>(
      "get",
      "clusterissuer",
      "letsencrypt",
    );
    expect(issuer.status.conditions).toContainEqual(
      expect.objectContaining({ type: "Ready", status: "True" }),
    );
    expect(await kubectl("get", "storageclass", "ceph-rbd", "-o", "jsonpath={.parameters.pool}")).toBe("rbd");
    expect(
      await kubectl(
        "-n",
        "metallb-system",
        "get",
        "ipaddresspool",
        "lan",
        "-o",
        "jsonpath={.spec.addresses[0]}",
      ),
    ).toBe("192.168.1.240-192.168.1.250");
    const lb = await kubectl(
      "-n",
      "ingress-nginx",
      "get",
      "service",
      "ingress-nginx-controller",
      "-o",
      "jsonpath={.status.loadBalancer.ingress[0].ip}",
    );
    expect(lb).toMatch(/^192\.168\.1\.(24\d|250)$/);
    expect(env.INGRESS_ADDRESS).toBe(lb);
    expect(await kubectl("get", "ingressclass", "nginx", "-o", "jsonpath={.spec.controller}")).toBe(
      "k8s.io/ingress-nginx",
    );

    const status = captureIo(dir);
    expect(await main(["status", "--run-dir", "run"], status.io)).toBe(0);
    const text = status.out.join("");
    expect(text).toMatch(/kubernetes: running \(binaries\) https:\/\/127\.0\.0\.1:\d+, 0 node\(s\)/);
    expect(text).toContain(`metallb: pool lan 192.168.1.240-192.168.1.250; ingress controller at ${lb}`);
    expect(text).toContain("cert-manager: ClusterIssuer letsencrypt Ready=True (ACMEAccountRegistered)");
    expect(text).toContain("ceph-csi: StorageClass ceph-rbd on pool rbd");
    expect(text).toContain(`ingress-nginx: class nginx, https://127.0.0.1:${env.INGRESS_HTTPS_PORT} (HTTPS)`);
  });

  it("registers a Node per Kubernetes VM, NotReady while its host is powered off through iLO", async () => {
    const ilo = (host: string) =>
      createIloClient({
        baseUrl: env[`ILO_${host.toUpperCase()}_URL`] ?? "",
        username: env[`ILO_${host.toUpperCase()}_USERNAME`] ?? "",
        password: env[`ILO_${host.toUpperCase()}_PASSWORD`] ?? "",
        tls: { ca: readFileSync(env.ILO_CA_FILE ?? "", "utf8") },
      });
    for (const host of ["node1", "node2", "node3"]) await ilo(host).power.on();
    const [username = "", password = ""] = (env.ONE_AUTH ?? "").split(":");
    const one = createOpenNebulaClient({ url: env.ONE_XMLRPC ?? "", username, password });
    await until("hosts MONITORED", async () =>
      (await one.hostpool.info()).every((h) => h.STATE.name === "MONITORED") ? true : undefined,
    );
    const template = (await one.templatepool.info(-2, -1, -1)).find((t) => t.NAME === "k8s-node");
    if (!template) throw new Error("no k8s-node template");
    const ids = [
      await one.template.instantiate(template.ID, "k8s-1"),
      await one.template.instantiate(template.ID, "k8s-2"),
    ];
    for (const id of ids)
      await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", { interval: 100, timeout: 60_000 });
    const readyOf = async (name: string) =>
      kubectl("get", "node", name, "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}').catch(
        () => "",
      );
    await until("both Nodes Ready", async () =>
      (await readyOf("k8s-1")) === "True" && (await readyOf("k8s-2")) === "True" ? true : undefined,
    );
    const host = await kubectl(
      "get",
      "node",
      "k8s-1",
      "-o",
      "jsonpath={.metadata.labels.homelab-kit\\.io/host}",
    );
    expect(["node1", "node2", "node3"]).toContain(host);
    await ilo(host).power.off();
    await until(
      "k8s-1 NotReady",
      async () => ((await readyOf("k8s-1")) === "Unknown" ? true : undefined),
      30_000,
    );
    await ilo(host).power.on();
    await until(
      "k8s-1 Ready again",
      async () => ((await readyOf("k8s-1")) === "True" ? true : undefined),
      60_000,
    );
  });

  it("issues a Certificate through DNS01 on the emulated Cloudflare: TXT record created, Ready, record removed", async () => {
    const cloudflare = running.emulator.world.cloudflare;
    if (!cloudflare) throw new Error("no Cloudflare in the topology");
    const added: string[] = [];
    const addRecord = cloudflare.addRecord.bind(cloudflare);
    cloudflare.addRecord = (record) => {
      added.push(`${record.type} ${record.name}`);
      return addRecord(record);
    };
    await apply({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "redmine", namespace: "default" },
      spec: {
        secretName: "redmine-tls",
        dnsNames: ["redmine.example.com"],
        issuerRef: { name: "letsencrypt", kind: "ClusterIssuer" },
      },
    });
    await kubectl("wait", "--for=condition=Ready", "certificate/redmine", "--timeout=60s");
    expect(added).toEqual(["TXT _acme-challenge.redmine.example.com"]);
    const zone = (
      (await (
        await fetch(`${env.CLOUDFLARE_API_URL}/zones?name=example.com`, {
          headers: { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}` },
        })
      ).json()) as { result: Array<{ id: string }> }
    ).result[0]?.id;
    await until("TXT record removed", async () => {
      const res = await fetch(`${env.CLOUDFLARE_API_URL}/zones/${zone}/dns_records?type=TXT`, {
        headers: { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}` },
      });
      return ((await res.json()) as { result: unknown[] }).result.length === 0 ? true : undefined;
    });
    // The steps, as cert-manager shows them.
    const request = await kubectlJson<{ status: { conditions: Array<{ type: string; status: string }> } }>(
      "get",
      "certificaterequest",
      "redmine-1",
    );
    expect(request.status.conditions.map((c) => `${c.type}=${c.status}`).sort()).toEqual([
      "Approved=True",
      "Ready=True",
    ]);
    const orders = await kubectlJson<{ items: Array<{ status: { state: string } }> }>("get", "orders");
    expect(orders.items.map((o) => o.status.state)).toEqual(["valid"]);
    await until("the Challenge's Events", async () => {
      const events = await kubectlJson<{ items: Array<{ reason: string }> }>(
        "get",
        "events",
        "--field-selector",
        "involvedObject.kind=Challenge",
      );
      const reasons = events.items.map((e) => e.reason);
      return ["Started", "Presented", "DomainVerified"].every((r) => reasons.includes(r)) ? true : undefined;
    });
    const secret = await kubectlJson<{ data: Record<string, string> }>("get", "secret", "redmine-tls");
    const leaf = new X509Certificate(Buffer.from(secret.data["tls.crt"] ?? "", "base64"));
    expect(leaf.subjectAltName).toBe("DNS:redmine.example.com");
    expect(leaf.verify(new X509Certificate(readFileSync(env.INGRESS_CA_FILE ?? "")).publicKey)).toBe(true);
  });

  it("leaves a Certificate not Ready with cert-manager's reason for a wrong token or a missing zone", async () => {
    await apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "wrong-token", namespace: "cert-manager" },
      stringData: { "api-token": "this-token-is-not-known-0000" },
    });
    const issuer = (name: string, secret: string) => ({
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name },
      spec: {
        acme: {
          server: "https://acme-v02.api.letsencrypt.org/directory",
          email: "admin@example.com",
          privateKeySecretRef: { name: `${name}-account` },
          solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: secret, key: "api-token" } } } }],
        },
      },
    });
    await apply(issuer("wrong-token", "wrong-token"));
    await apply(issuer("any-zone", "cloudflare-api-token-cert-manager"));
    const certificate = (name: string, dnsName: string, issuerName: string) => ({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name, namespace: "default" },
      spec: {
        secretName: `${name}-tls`,
        dnsNames: [dnsName],
        issuerRef: { name: issuerName, kind: "ClusterIssuer" },
      },
    });
    await apply(certificate("bad-token", "blog.example.com", "wrong-token"));
    await apply(certificate("no-zone", "app.example.net", "any-zone"));
    type Challenge = {
      spec: { dnsName: string };
      status?: { reason?: string; presented?: boolean; state?: string };
    };
    const reasonFor = (dnsName: string) =>
      until(`challenge for ${dnsName} failing`, async () => {
        const list = await kubectlJson<{ items: Challenge[] }>("get", "challenges");
        return list.items.find((c) => c.spec.dnsName === dnsName && c.status?.reason)?.status;
      });
    const badToken = await reasonFor("blog.example.com");
    expect(badToken).toMatchObject({ presented: false, state: "pending" });
    expect(badToken.reason).toContain(
      'while querying the Cloudflare API for GET "/zones?name=_acme-challenge.blog.example.com"',
    );
    expect(badToken.reason).toContain("Error: 9109: Invalid access token");
    const noZone = await reasonFor("app.example.net");
    expect(noZone.reason).toContain("Found no Zones for domain _acme-challenge.app.example.net.");
    for (const name of ["bad-token", "no-zone"]) {
      const cert = await kubectlJson<{
        status: { conditions: Array<{ type: string; status: string; reason: string }> };
      }>("get", "certificate", name);
      expect(cert.status.conditions).toContainEqual(
        expect.objectContaining({ type: "Ready", status: "False", reason: "DoesNotExist" }),
      );
      expect(cert.status.conditions).toContainEqual(
        expect.objectContaining({ type: "Issuing", status: "True" }),
      );
    }
    const events = await kubectlJson<{ items: Array<{ reason: string; message: string }> }>(
      "get",
      "events",
      "--field-selector",
      "reason=PresentError",
    );
    expect(events.items.some((e) => e.message.startsWith("Error presenting challenge: "))).toBe(true);
    await kubectl("delete", "certificate", "bad-token", "no-zone");
  });

  it("serves Ingresses of class nginx on loopback HTTPS and HTTP, with the issued certificate", async () => {
    await apply({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "redmine", namespace: "default" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "redmine" } },
        template: {
          metadata: { labels: { app: "redmine" } },
          spec: {
            containers: [
              { name: "redmine", image: "redmine:6", ports: [{ name: "http", containerPort: 3000 }] },
            ],
          },
        },
      },
    });
    await apply({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "redmine", namespace: "default" },
      spec: { selector: { app: "redmine" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    const ingress = (name: string, host: string, annotations: Record<string, string> = {}) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, namespace: "default", annotations },
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: [host], secretName: `${name}-tls` }],
        rules: [
          {
            host,
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: "redmine", port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    await apply(ingress("redmine", "redmine.example.com"));
    // ingress-shim: the annotation asks cert-manager for the blog's certificate.
    await apply(ingress("blog", "blog.example.com", { "cert-manager.io/cluster-issuer": "letsencrypt" }));
    await until("Ingress address", async () => {
      const ip = await kubectl(
        "get",
        "ingress",
        "redmine",
        "-o",
        "jsonpath={.status.loadBalancer.ingress[0].ip}",
      );
      return ip === env.INGRESS_ADDRESS ? ip : undefined;
    });
    await kubectl("wait", "--for=condition=Ready", "certificate/blog-tls", "--timeout=60s");
    const port = env.INGRESS_HTTPS_PORT ?? "";
    const get = (host: string, path = "/", ...extra: string[]) =>
      curl(
        "--resolve",
        `${host}:${port}:127.0.0.1`,
        "--cacert",
        env.INGRESS_CA_FILE ?? "",
        "-w",
        "\n%{http_code}",
        ...extra,
        `https://${host}:${port}${path}`,
      );
    let last = "";
    const answer = await until("redmine answering", async () => {
      const r = await get("redmine.example.com", "/projects?x=1");
      last = `${r.stdout} ${r.stderr}`;
      return r.stdout.endsWith("\n200") ? r : undefined;
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; last answer: ${last}; ${await kubectl("get", "pods,endpointslices", "-o", "wide")}`,
      );
    });
    const body = JSON.parse(answer.stdout.slice(0, answer.stdout.lastIndexOf("\n"))) as {
      ingress: string;
      service: { name: string; port: number };
      endpoints: string[];
    };
    expect(body).toMatchObject({ ingress: "default/redmine", service: { name: "redmine", port: 80 } });
    expect(body.endpoints[0]).toMatch(/^10\.244\.\d+\.\d+:3000$/);
    expect((await get("blog.example.com")).stdout).toMatch(/\n200$/); // the shim's certificate, verified by curl
    // No rule for the host: 404 (served with ingress-nginx's fake certificate, hence -k).
    expect((await get("nothing.example.com", "/", "-k")).stdout).toMatch(/\n404$/);
    // HTTP redirects a TLS host to HTTPS.
    const http = await curl(
      "-o",
      "/dev/null",
      "-w",
      "%{http_code} %{redirect_url}",
      "-H",
      "Host: redmine.example.com",
      `http://127.0.0.1:${env.INGRESS_HTTP_PORT}/x`,
    );
    expect(http.stdout).toBe(`308 https://redmine.example.com:${port}/x`);
    // No ready endpoint: 503.
    await kubectl("scale", "deployment", "redmine", "--replicas=0");
    await until("503 without endpoints", async () =>
      (await get("redmine.example.com")).stdout.endsWith("\n503") ? true : undefined,
    );
  });

  it("stops on down leaving no process or temp dir, and up --state finds the cluster's objects again", async () => {
    const clusterDir = dirname(running.kubernetes.cluster?.cluster.kubeconfigPath ?? "");
    expect(existsSync(clusterDir)).toBe(true);
    const before = await kubectlJson<{ data: Record<string, string> }>("get", "secret", "redmine-tls");
    const down = captureIo(dir);
    expect(await main(["down", "--run-dir", "run"], down.io), down.err.join("")).toBe(0);
    await running.stopped;
    expect(existsSync(clusterDir)).toBe(false);
    const left = readdirSync("/proc").filter((p) => {
      if (!/^\d+$/.test(p)) return false;
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(clusterDir);
      } catch {
        return false;
      }
    });
    expect(left).toEqual([]);
    expect(existsSync(join(dir, "state.json.k8s", "etcd"))).toBe(true);

    const second = captureIo(dir);
    running = await up(second.io);
    env = parseEnvFile(readFileSync(join(dir, "run", "env"), "utf8"));
    const cert = await kubectlJson<{ status: { conditions: Array<{ type: string; status: string }> } }>(
      "get",
      "certificate",
      "redmine",
    );
    expect(cert.status.conditions).toContainEqual(expect.objectContaining({ type: "Ready", status: "True" }));
    const after = await kubectlJson<{ data: Record<string, string> }>("get", "secret", "redmine-tls");
    expect(after.data["tls.crt"]).toBe(before.data["tls.crt"]);
    expect(await kubectl("get", "deployment", "redmine", "-o", "jsonpath={.spec.replicas}")).toBe("0");
    // Nodes come back with the World (its VMs were saved with the state).
    await until("k8s-1 Ready after the restart", async () =>
      (await kubectl(
        "get",
        "node",
        "k8s-1",
        "-o",
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ).catch(() => "")) === "True"
        ? true
        : undefined,
    );
  });
});
