/**
 * The Redmine and blog examples end to end, as a user runs them: `homelab-emulator up` (the built
 * CLI, reference topology, its Kubernetes cluster with MetalLB, cert-manager through the emulated
 * Cloudflare DNS01, Ceph CSI and the ingress listener), the bootstrap example to power the hosts on
 * and make the Kubernetes nodes, and a real MariaDB (scripts/mariadb/start.sh) playing the MySQL
 * VM's database through MYSQL_HOST_OVERRIDE. Each result is checked again from outside with other
 * clients: mysql2 as the app's user, our Ceph client, Node's TLS, the Kubernetes API.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { parseEnv } from "node:util";
import {
  applyObject,
  findRbdImage,
  kubeClients,
  Reporter,
  runExampleCli,
  stackEnv,
} from "@homelab-kit/example-app-deploy";
import { blogCli } from "@homelab-kit/example-blog";
import { redmineCli } from "@homelab-kit/example-redmine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBootstrap } from "../../examples/bootstrap/src/bootstrap.js";
import { configFromEnv } from "../../examples/bootstrap/src/config.js";
import { type RunningUp, startUp } from "../emulator-up.js";
import { adminConnection, mariadbEnv } from "./mariadb.js";

let up: RunningUp;
let env: Record<string, string>;
let sqliteFile: string;

beforeAll(async () => {
  const t0 = performance.now();
  // a clean database server: nothing left by an earlier run of this suite on the same MariaDB
  const admin = await adminConnection();
  for (const app of ["redmine", "blog"]) {
    await admin.query(`DROP DATABASE IF EXISTS ${app}`);
    await admin.query(`DROP USER IF EXISTS '${app}'@'%'`);
  }
  await admin.end();
  up = await startUp({ speed: 60 });
  env = {
    ...(parseEnv(readFileSync(join(up.dir, "run", "env"), "utf8")) as Record<string, string>),
    ...mariadbEnv(),
  };
  if (!env.KUBECONFIG)
    throw new Error(
      "homelab-emulator up started no Kubernetes cluster (build the binaries: scripts/k8s/build-binaries.sh)",
    );
  await runBootstrap(configFromEnv(env), {
    interval: 100,
    timeout: 60_000,
    inventoryFile: join(up.dir, "hosts.yaml"),
    log: () => {},
  });
  sqliteFile = join(up.dir, "blog.sqlite");
  console.log(`[examples] up + bootstrap in ${Math.round(performance.now() - t0)} ms`);
});
afterAll(async () => {
  await up?.stop();
});

async function run(cli: typeof redmineCli, argv: string[], extra: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const started = performance.now();
  const code = await runExampleCli(cli, {
    argv: argv.includes("--timeout") ? argv : [...argv, "--timeout", "60"],
    env: { ...env, ...extra },
    cwd: up.dir,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  const ms = Math.round(performance.now() - started);
  return { code, out, err, text: out.join("\n"), ms };
}

function kube() {
  return kubeClients(env.KUBECONFIG ?? "");
}

async function secretOf(app: string): Promise<Record<string, string>> {
  const secret = await kube().core.readNamespacedSecret({ name: `${app}-db`, namespace: app });
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
  );
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

async function rbdImage(app: string) {
  const k = kube();
  const pvc = await k.core.readNamespacedPersistentVolumeClaim({ name: `${app}-data`, namespace: app });
  const pv = await k.core.readPersistentVolume({ name: pvc.spec?.volumeName ?? "" });
  const { pool = "", imageName = "" } = pv.spec?.csi?.volumeAttributes ?? {};
  return { pool, image: imageName };
}

/** Through our Ceph client, with the env's credentials. */
async function cephHas(ref: { pool: string; image: string }): Promise<boolean> {
  return (await findRbdImage(stackEnv(env), ref)) !== undefined;
}

/** GET / over HTTPS on the ingress listener with SNI = host, trusting only the issuer's CA. */
function httpsGet(host: string): Promise<{ status: number; sans: string; body: string }> {
  const ca = readFileSync(env.INGRESS_CA_FILE ?? "", "utf8");
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: env.INGRESS_HOST,
        port: Number(env.INGRESS_HTTPS_PORT),
        servername: host,
        headers: { host },
        ca,
        path: "/",
      },
      (res) => {
        const peer = (
          res.socket as unknown as { getPeerCertificate(): { subjectaltname?: string } }
        ).getPeerCertificate();
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, sans: peer?.subjectaltname ?? "", body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("examples/redmine against homelab-emulator up and a real MariaDB", () => {
  it("a dry run on an empty stack prints the plan and changes nothing", async () => {
    const r = await run(redmineCli, ["--dry-run"]);
    expect(r.code, r.err.join("\n")).toBe(0);
    expect(r.text).toMatch(/would create database redmine/);
    expect(r.text).toMatch(/would create MySQL user redmine@%/);
    for (const kind of [
      "Namespace redmine",
      "Secret redmine/redmine-db",
      "PersistentVolumeClaim redmine/redmine-data",
      "Deployment redmine/redmine",
      "Service redmine/redmine",
      "Ingress redmine/redmine",
    ])
      expect(r.text).toContain(`would create ${kind}`);
    expect(r.text).toMatch(/plan: would create 9 \(dry run: nothing was changed\)/);
    expect(await exists(() => kube().core.readNamespace({ name: "redmine" }))).toBe(false);
    const admin = await adminConnection();
    const [dbs] = await admin.query("SHOW DATABASES LIKE 'redmine'");
    await admin.end();
    expect(dbs).toEqual([]);
  });

  it("deploys Redmine: database, objects, RBD volume, certificate; checked again from outside", async () => {
    const r = await run(redmineCli, []);
    expect(r.code, `${r.text}\n${r.err.join("\n")}`).toBe(0);
    console.log(`[examples] redmine first run: ${r.ms} ms`);
    expect(r.text).toMatch(/changes: created 9/);
    for (const step of [
      "PVC Bound",
      "Deployment available",
      "Ingress address",
      "Certificate Ready",
      "verifying from outside",
    ])
      expect(r.text).toContain(step);

    // MySQL: the app's user logs in to its database with the Secret's password, from the pods' side (the VM's address)
    const secret = await secretOf("redmine");
    expect(secret).toMatchObject({
      host: "192.168.1.100",
      port: "3306",
      database: "redmine",
      username: "redmine",
    });
    expect(secret.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(secret["secret-key-base"]).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [host, port] = (env.MYSQL_HOST_OVERRIDE ?? "").split(":");
    const mysql = await import("mysql2/promise");
    const asApp = await mysql.createConnection({
      host,
      port: Number(port),
      user: "redmine",
      password: secret.password,
      database: "redmine",
    });
    await asApp.query("CREATE TABLE probe (id INT)");
    await asApp.query("DROP TABLE probe");
    await asApp.end();
    expect(r.text).not.toContain(secret.password);

    // Kubernetes: the Deployment takes its database settings from the Secret and mounts the PVC
    const deployment = await kube().apps.readNamespacedDeployment({ name: "redmine", namespace: "redmine" });
    const container = deployment.spec?.template.spec?.containers[0];
    expect(container?.image).toBe("redmine:6.0");
    expect(container?.env?.find((e) => e.name === "REDMINE_DB_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({
      name: "redmine-db",
      key: "password",
    });
    expect(container?.volumeMounts).toEqual([
      expect.objectContaining({ name: "data", mountPath: "/usr/src/redmine/files" }),
    ]);
    const ingress = await kube().networking.readNamespacedIngress({ name: "redmine", namespace: "redmine" });
    expect(ingress.status?.loadBalancer?.ingress?.[0]?.ip).toBe(env.INGRESS_ADDRESS);

    // Ceph: the PVC's RBD image, through our Ceph client
    expect(await cephHas(await rbdImage("redmine"))).toBe(true);

    // HTTPS: a certificate for the host from the issuer's CA, and nginx routes to the Service
    const got = await httpsGet("redmine.example.com");
    expect(got.status).toBe(200);
    expect(got.sans).toBe("DNS:redmine.example.com");
    expect(got.body).toContain("redmine/redmine");
  });

  it("a second run changes nothing and says so; so does its dry run", async () => {
    const password = (await secretOf("redmine")).password;
    const r = await run(redmineCli, []);
    expect(r.code, r.err.join("\n")).toBe(0);
    console.log(`[examples] redmine second run: ${r.ms} ms`);
    expect(r.text).toMatch(/changes: none, everything was already in place/);
    expect(r.text).not.toMatch(/^ {3}(created|updated|deleted) /m);
    expect((await secretOf("redmine")).password).toBe(password);
    const plan = await run(redmineCli, ["--dry-run"]);
    expect(plan.text).toMatch(/plan: nothing to do, everything is in place/);
  });

  it("puts a changed password back: the Secret is the password's source of truth", async () => {
    const admin = await adminConnection();
    await admin.query("ALTER USER 'redmine'@'%' IDENTIFIED BY 'someone-else-changed-it'");
    await admin.end();
    const r = await run(redmineCli, []);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/updated MySQL user redmine@% \(password reset to the Secret's\)/);
    expect(r.text).toMatch(/changes: updated 1/);
  });

  it("--destroy removes the objects, the RBD image with the PVC and the user, and keeps the database", async () => {
    const image = await rbdImage("redmine");
    const plan = await run(redmineCli, ["--destroy", "--dry-run"]);
    expect(plan.code, plan.err.join("\n")).toBe(0);
    for (const what of [
      "Ingress redmine/redmine",
      "PersistentVolumeClaim redmine/redmine-data",
      "Secret redmine/redmine-tls",
      "Namespace redmine",
      `RBD image ${image.pool}/${image.image}`,
      "MySQL user redmine@%",
    ])
      expect(plan.text).toContain(`would delete ${what}`);
    expect(plan.text).toMatch(/kept database redmine/);
    expect(await cephHas(image)).toBe(true);
    expect(await exists(() => kube().core.readNamespace({ name: "redmine" }))).toBe(true);
    const r = await run(redmineCli, ["--destroy"]);
    expect(r.code, r.err.join("\n")).toBe(0);
    expect(r.text).toContain(`deleted RBD image ${image.pool}/${image.image}`);
    expect(r.text).toMatch(/kept database redmine \(its data stays: --drop-data removes it\)/);
    expect(await cephHas(image)).toBe(false);
    expect(await exists(() => kube().core.readNamespace({ name: "redmine" }))).toBe(false);
    const admin = await adminConnection();
    const [users] = await admin.query("SELECT User FROM mysql.user WHERE User = 'redmine'");
    const [dbs] = await admin.query("SHOW DATABASES LIKE 'redmine'");
    await admin.end();
    expect(users).toEqual([]);
    expect(dbs).toHaveLength(1);
    const again = await run(redmineCli, ["--destroy", "--drop-data"]);
    expect(again.text).toMatch(/deleted database redmine/);
    const third = await run(redmineCli, ["--destroy", "--drop-data"]);
    expect(third.text).toMatch(/changes: none, there was nothing left to remove/);
  });
});

describe("examples/blog: SQLite to MySQL, then the Deployment on MySQL", () => {
  it("moves the SQLite data (rows counted on both sides) and switches the existing SQLite-era Deployment to MySQL", async () => {
    // the blog as it ran before: Ghost on SQLite, deployed by the same field manager
    const reporter = new Reporter(() => {});
    await applyObject(kube(), { apiVersion: "v1", kind: "Namespace", metadata: { name: "blog" } }, reporter, {
      dryRun: false,
    });
    await applyObject(
      kube(),
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "blog", namespace: "blog", labels: { "app.kubernetes.io/name": "blog" } },
        spec: {
          selector: { matchLabels: { "app.kubernetes.io/name": "blog" } },
          template: {
            metadata: { labels: { "app.kubernetes.io/name": "blog" } },
            spec: {
              containers: [
                {
                  name: "blog",
                  image: "ghost:5",
                  env: [
                    { name: "database__client", value: "sqlite3" },
                    { name: "database__connection__filename", value: "/var/lib/ghost/content/data/ghost.db" },
                  ],
                },
              ],
            },
          },
        },
      } as never,
      reporter,
      { dryRun: false },
    );
    const r = await run(blogCli, ["--sqlite", sqliteFile]);
    expect(r.code, `${r.text}\n${r.err.join("\n")}`).toBe(0);
    console.log(`[examples] blog first run: ${r.ms} ms`);
    expect(r.text).toMatch(/made the SQLite fixture .*blog\.sqlite/);
    expect(r.text).toMatch(
      /migration: migrated; rows SQLite\/MySQL: posts 12\/12, posts_tags 20\/20, settings 4\/4, tags 5\/5, users 2\/2/,
    );
    expect(r.text).toMatch(/updated Deployment blog\/blog/);
    const env0 = (await kube().apps.readNamespacedDeployment({ name: "blog", namespace: "blog" })).spec
      ?.template.spec?.containers[0]?.env;
    expect(env0?.map((e) => e.name)).toEqual([
      "url",
      "database__client",
      "database__connection__host",
      "database__connection__port",
      "database__connection__user",
      "database__connection__password",
      "database__connection__database",
    ]);
    expect(env0?.find((e) => e.name === "database__client")?.value).toBe("mysql");

    // the rows, counted again from outside
    const admin = await adminConnection("blog");
    const [posts] = await admin.query("SELECT COUNT(*) AS n FROM posts");
    const [emoji] = await admin.query("SELECT title FROM posts WHERE slug = 'post-8'");
    await admin.end();
    expect(posts).toEqual([{ n: 12 }]);
    expect(emoji).toEqual([{ title: "Ünïcödé, 日本語 and 🚀 in titles" }]);
    expect((await httpsGet("blog.example.com")).status).toBe(200);

    const second = await run(blogCli, ["--sqlite", sqliteFile]);
    expect(second.code).toBe(0);
    console.log(`[examples] blog second run: ${second.ms} ms`);
    expect(second.text).toMatch(/unchanged migration sqlite:blog\.sqlite/);
    expect(second.text).toMatch(/changes: none, everything was already in place/);

    const gone = await run(blogCli, ["--destroy", "--drop-data"]);
    expect(gone.code).toBe(0);
    expect(gone.text).toMatch(/deleted database blog/);
  });
});

describe("bad input ends with one line naming the step and the cause", () => {
  it("StorageClass absent: stops before anything is made", async () => {
    const r = await run(redmineCli, [], { STORAGE_CLASS: "no-such-class" });
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      "   this run changed nothing before it stopped",
      'redmine failed: step "Kubernetes cluster" failed: StorageClass "no-such-class" does not exist (STORAGE_CLASS; the cluster has: ceph-rbd)',
    ]);
    expect(await exists(() => kube().core.readNamespace({ name: "redmine" }))).toBe(false);
  });

  it("MySQL unreachable", async () => {
    const r = await run(redmineCli, [], { MYSQL_HOST_OVERRIDE: "127.0.0.1:1" });
    expect(r.code).toBe(1);
    expect(r.err.at(-1)).toBe(
      `redmine failed: step "MySQL database and user" failed: cannot log in to MySQL at 127.0.0.1:1 (MYSQL_HOST_OVERRIDE, for the VM's 192.168.1.100:3306) as root: connect ECONNREFUSED 127.0.0.1:1`,
    );
  });

  it("wrong MySQL admin password: the reason, never the password", async () => {
    const r = await run(redmineCli, [], { MYSQL_ADMIN_PASSWORD: "Wrong-Passw0rd-xyz" });
    expect(r.code).toBe(1);
    expect(r.err.at(-1)).toMatch(
      /step "MySQL database and user" failed: cannot log in to MySQL .* as root: Access denied for user 'root'@'127\.0\.0\.1' \(using password: YES\) \(ER_ACCESS_DENIED_ERROR\)$/,
    );
    expect(r.err.join("\n")).not.toContain("Wrong-Passw0rd-xyz");
  });

  it("a Certificate that never gets Ready: the reason cert-manager gives, and what was left in place", async () => {
    const r = await run(redmineCli, ["--timeout", "5"], { REDMINE_HOST: "redmine.example.org" });
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(
      /^ {3}this run changed, before it stopped \(left as is: run again once fixed, or --destroy\): .*created Ingress redmine\/redmine/,
    );
    expect(r.err[1]).toMatch(
      /^redmine failed: step "Certificate Ready" failed: Certificate redmine\/redmine-tls Ready: still "Ready=False .*redmine\.example\.org.*" after 5 s$/,
    );
    const cleaned = await run(redmineCli, ["--destroy", "--drop-data"], {
      REDMINE_HOST: "redmine.example.org",
    });
    expect(cleaned.code).toBe(0);
    expect(await exists(() => kube().core.readNamespace({ name: "redmine" }))).toBe(false);
  });

  it("missing env: one line, exit 2", async () => {
    const { MYSQL_ADMIN_PASSWORD: _, ...rest } = env;
    const out: string[] = [];
    const err: string[] = [];
    const code = await runExampleCli(redmineCli, {
      argv: [],
      env: rest,
      cwd: up.dir,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(2);
    expect(err).toEqual([
      expect.stringMatching(/^redmine: environment: missing MYSQL_ADMIN_PASSWORD \(pass --env-file/),
    ]);
  });
});
