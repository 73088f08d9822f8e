/**
 * One app onto the private cloud, as the reference stack runs Redmine and the blog
 * (docs/DESIGN.md §1, §7): the MySQL VM in OpenNebula, the app's database and user on it, the
 * Kubernetes objects, the waits, the checks from outside, a summary. Idempotent; a dry run only
 * reads; `destroy` removes what `deploy` made (the database only with `dropData`).
 */
import type { KubernetesObject, V1EnvVar } from "@kubernetes/client-node";
import type { Env, StackEnv } from "./env.js";
import { appHost } from "./env.js";
import { applyObject, deleteObject, type KubeClients, kubeClients, readOrUndefined } from "./kubernetes.js";
import { type AppObjectNames, appManifests, MANAGED_BY, objectNames } from "./manifests.js";
import {
  type AppDatabase,
  type Connection,
  connect,
  describeTarget,
  ensureAppDatabase,
  generatePassword,
  logsIn,
  type MysqlTarget,
  mysqlTarget,
  removeAppDatabase,
} from "./mysql-database.js";
import { ensureMysqlVm, lookupMysqlVm, type MysqlVm } from "./mysql-vm.js";
import { checkCluster, clusterVersion } from "./preflight.js";
import { type Change, Reporter, type WaitOptions } from "./progress.js";
import {
  findRbdImage,
  type HttpsCheck,
  type RbdImageCheck,
  rbdImageOfVolume,
  verifyHttps,
  verifyRbdImage,
} from "./verify.js";
import {
  type CertificateStatus,
  waitCertificateReady,
  waitDeploymentAvailable,
  waitIngressAddress,
  waitPvcBound,
} from "./waits.js";

/** What makes one app: its image, its data path, its env; the rest is the same for every app. */
export interface AppDefinition {
  /** Name of the app: namespace, objects, database and MySQL user, `<APP>_HOST`. */
  app: string;
  title: string;
  image: string;
  containerPort: number;
  /** Where the RBD-backed PVC is mounted. */
  dataPath: string;
  storage: string;
  readinessPath: string;
  /** Secret keys generated once (random) and kept across runs, besides the database password. */
  generatedKeys?: string[];
  /** The container's env. `secret` is the Secret's name (keys: host, port, database, username, password, and the generated ones). */
  env(context: { secret: string; host: string }): V1EnvVar[];
  /**
   * Runs after the database and its user exist and before the Kubernetes objects are applied,
   * connected as the app's user to its database (the blog moves its SQLite data here).
   */
  prepareData?: {
    step: string;
    /** `db` is undefined only in a dry run where the database or its user does not exist yet. */
    run(context: { db: Connection | undefined; reporter: Reporter; dryRun: boolean }): Promise<unknown>;
  };
}

export interface DeployOptions {
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Each wait's deadline and poll interval, ms. */
  waits?: Partial<WaitOptions>;
}

export interface DestroyOptions extends DeployOptions {
  /** Also drop the app's database (its data). */
  dropData?: boolean;
}

export interface DeploySummary {
  app: string;
  host: string;
  dryRun: boolean;
  vm: MysqlVm | undefined;
  database: { name: string; user: string; reachedAt: string } | undefined;
  prepared: unknown;
  objects: AppObjectNames;
  volume: string | undefined;
  ingressAddress: string | undefined;
  certificate: CertificateStatus | undefined;
  rbd: RbdImageCheck | undefined;
  https: HttpsCheck | undefined;
  changes: Change[];
}

export interface DestroySummary {
  app: string;
  dryRun: boolean;
  dropData: boolean;
  changes: Change[];
}

const SECRET_KEYS = ["host", "port", "database", "username", "password"] as const;

function reporterFor(options: DeployOptions): Reporter {
  return new Reporter(options.log, { timeout: 600_000, interval: 1_000, ...options.waits });
}

async function readSecret(
  kube: KubeClients,
  names: AppObjectNames,
): Promise<Record<string, string> | undefined> {
  const secret = await readOrUndefined(() =>
    kube.core.readNamespacedSecret({ name: names.secret, namespace: names.namespace }),
  );
  if (secret === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );
}

export async function deployApp(
  definition: AppDefinition,
  stack: StackEnv,
  env: Env,
  options: DeployOptions = {},
) {
  const dryRun = options.dryRun === true;
  const reporter = reporterFor(options);
  const host = appHost(env, definition.app, stack);
  const names = objectNames(definition.app);
  const summary: DeploySummary = {
    app: definition.app,
    host,
    dryRun,
    vm: undefined,
    database: undefined,
    prepared: undefined,
    objects: names,
    volume: undefined,
    ingressAddress: undefined,
    certificate: undefined,
    rbd: undefined,
    https: undefined,
    changes: reporter.changes,
  };
  reporter.log(`${definition.title} at https://${host}${dryRun ? " (dry run: nothing is changed)" : ""}`);
  const kube = await reporter.step("Kubernetes cluster", async () => {
    const clients = kubeClients(stack.kubeconfig);
    await checkCluster(clients, stack, reporter);
    return clients;
  });
  const vm = await reporter.step("MySQL VM in OpenNebula", () => ensureMysqlVm(stack, reporter, { dryRun }));
  summary.vm = vm;

  const existing = await reporter.step("database credentials", async () => {
    const secret = await readSecret(kube, names);
    const missing = [...SECRET_KEYS, ...(definition.generatedKeys ?? [])].filter((k) => !secret?.[k]);
    reporter.note(
      secret === undefined
        ? `Secret ${names.namespace}/${names.secret} absent: a new password will be generated`
        : missing.length === 0
          ? `Secret ${names.namespace}/${names.secret} found: its password is kept`
          : `Secret ${names.namespace}/${names.secret} lacks ${missing.join(", ")}: those will be generated`,
    );
    return secret ?? {};
  });
  const wanted: AppDatabase = {
    database: definition.app,
    user: definition.app,
    password: existing.password || generatePassword(),
  };
  const runnable = vm !== undefined && vm.state === "ACTIVE/RUNNING";
  const target: MysqlTarget | undefined = vm === undefined ? undefined : mysqlTarget(stack.mysql, vm.ip);

  await reporter.step("MySQL database and user", async () => {
    if (target === undefined || !runnable) {
      reporter.note("the VM does not run yet: the database and its user would be made once it does");
      reporter.record("would create", `database ${wanted.database}`);
      reporter.record("would create", `MySQL user ${wanted.user}@%`);
      return;
    }
    const admin = await connect(target, stack.mysql.adminUser, stack.mysql.adminPassword);
    try {
      await ensureAppDatabase(admin, target, wanted, reporter, { dryRun });
    } finally {
      await admin.end();
    }
    summary.database = { name: wanted.database, user: wanted.user, reachedAt: describeTarget(target) };
  });

  if (definition.prepareData !== undefined) {
    const prepare = definition.prepareData;
    summary.prepared = await reporter.step(prepare.step, async () => {
      if (
        target === undefined ||
        !runnable ||
        (dryRun && !(await logsIn(target, wanted.user, wanted.password, wanted.database)))
      )
        return prepare.run({ db: undefined, reporter, dryRun: true });
      const db = await connect(target, wanted.user, wanted.password, wanted.database);
      try {
        return await prepare.run({ db, reporter, dryRun });
      } finally {
        await db.end();
      }
    });
  }

  const generated = Object.fromEntries(
    (definition.generatedKeys ?? []).map((key) => [key, existing[key] || generatePassword()]),
  );
  const manifests: KubernetesObject[] = appManifests({
    app: definition.app,
    namespace: names.namespace,
    host,
    image: definition.image,
    containerPort: definition.containerPort,
    dataPath: definition.dataPath,
    storage: definition.storage,
    storageClass: stack.storageClass,
    ingressClass: stack.ingressClass,
    clusterIssuer: stack.clusterIssuer,
    readinessPath: definition.readinessPath,
    secret: {
      host: vm?.ip ?? "",
      port: String(stack.mysql.port),
      database: wanted.database,
      username: wanted.user,
      password: wanted.password,
      ...generated,
    },
    env: definition.env({ secret: names.secret, host }),
  });
  await reporter.step("Kubernetes objects", async () => {
    for (const object of manifests) await applyObject(kube, object, reporter, { dryRun });
  });
  if (dryRun) return summary;

  const pvc = await reporter.step("PVC Bound", () => waitPvcBound(kube, names, reporter));
  summary.volume = pvc?.spec?.volumeName;
  await reporter.step("Deployment available", () => waitDeploymentAvailable(kube, names, reporter));
  summary.ingressAddress = await reporter.step("Ingress address", () =>
    waitIngressAddress(kube, names, reporter),
  );
  summary.certificate = await reporter.step("Certificate Ready", () =>
    waitCertificateReady(kube, names, reporter),
  );
  await reporter.step("verifying from outside", async () => {
    if (summary.volume === undefined) throw new Error(`PVC ${names.pvc} has no volume`);
    const ref = await rbdImageOfVolume(kube, summary.volume);
    summary.rbd = await verifyRbdImage(stack, ref);
    reporter.note(
      `Ceph: RBD image ${summary.rbd.pool}/${summary.rbd.image} exists (${(summary.rbd.sizeBytes / 2 ** 30).toFixed(1)} GiB), behind PV ${summary.volume}`,
    );
    summary.https = await verifyHttps(stack, host);
    reporter.note(
      `HTTPS ${summary.https.endpoint} for ${host}: certificate for ${summary.https.subject} issued by ${summary.https.issuer}, valid until ${summary.https.validTo}, chains to ${summary.https.trust}; GET / answered ${summary.https.status}`,
    );
  });
  return summary;
}

export async function destroyApp(definition: AppDefinition, stack: StackEnv, options: DestroyOptions = {}) {
  const dryRun = options.dryRun === true;
  const dropData = options.dropData === true;
  const reporter = reporterFor(options);
  const names = objectNames(definition.app);
  reporter.log(
    `Removing ${definition.title}${dropData ? " and its data" : ""}${dryRun ? " (dry run: nothing is changed)" : ""}`,
  );
  const kube = await reporter.step("Kubernetes cluster", async () => {
    const clients = kubeClients(stack.kubeconfig);
    await clusterVersion(clients, reporter);
    return clients;
  });
  await reporter.step("Kubernetes objects", async () => {
    const pvc = await readOrUndefined(() =>
      kube.core.readNamespacedPersistentVolumeClaim({ name: names.pvc, namespace: names.namespace }),
    );
    const pv = pvc?.spec?.volumeName;
    const image = pv === undefined ? undefined : await readOrUndefined(() => rbdImageOfVolume(kube, pv));
    const namespace = await readOrUndefined(() => kube.core.readNamespace({ name: names.namespace }));
    const ours = namespace?.metadata?.labels?.["app.kubernetes.io/managed-by"] === MANAGED_BY;
    const objects = appManifests({
      app: definition.app,
      namespace: names.namespace,
      host: "",
      image: "",
      containerPort: 1,
      dataPath: "/",
      storage: "1Gi",
      storageClass: "",
      ingressClass: "",
      clusterIssuer: "",
      readinessPath: "/",
      secret: {},
      env: [],
    }).reverse();
    const tlsSecret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: names.tlsSecret, namespace: names.namespace },
    };
    for (const object of objects) {
      if (object.kind === "Namespace") {
        // cert-manager's Secret: not deleted with the Certificate (nor with a Namespace we keep)
        await deleteObject(kube, tlsSecret, reporter, { dryRun });
        if (namespace !== undefined && !ours) {
          reporter.record(
            "kept",
            `Namespace ${names.namespace}`,
            `not labelled app.kubernetes.io/managed-by=${MANAGED_BY}`,
          );
          continue;
        }
      }
      await deleteObject(kube, object, reporter, { dryRun });
    }
    if (dryRun) {
      if (image !== undefined)
        reporter.record("would delete", `RBD image ${image.pool}/${image.image}`, "with the PVC");
      return;
    }
    if (pv !== undefined)
      await reporter.wait(`PV ${pv} deleted`, async () => {
        const left = await readOrUndefined(() => kube.core.readPersistentVolume({ name: pv }));
        return {
          done: left === undefined,
          status: left === undefined ? "gone" : (left.status?.phase ?? "present"),
        };
      });
    if (image !== undefined) {
      await reporter.wait(`RBD image ${image.pool}/${image.image} deleted in Ceph`, async () => {
        const exists = (await findRbdImage(stack, image)) !== undefined;
        return { done: !exists, status: exists ? "still in Ceph" : "gone" };
      });
      reporter.record("deleted", `RBD image ${image.pool}/${image.image}`, "with the PVC (ceph-csi)");
    }
    if (namespace !== undefined && ours)
      await reporter.wait(`Namespace ${names.namespace} deleted`, async () => {
        const left = await readOrUndefined(() => kube.core.readNamespace({ name: names.namespace }));
        return {
          done: left === undefined,
          status: left === undefined ? "gone" : (left.status?.phase ?? "present"),
        };
      });
  });
  await reporter.step("MySQL database and user", async () => {
    const vm = await lookupMysqlVm(stack);
    if (vm === undefined) {
      reporter.note(`no VM ${stack.mysql.vm} in OpenNebula: no database to remove`);
      return;
    }
    if (vm.state !== "ACTIVE/RUNNING" || vm.ip === "")
      throw new Error(
        `VM ${vm.name} (${vm.id}) is ${vm.state}: its database cannot be reached to remove the app's user`,
      );
    const target = mysqlTarget(stack.mysql, vm.ip);
    const admin = await connect(target, stack.mysql.adminUser, stack.mysql.adminPassword);
    try {
      await removeAppDatabase(admin, { database: definition.app, user: definition.app }, reporter, {
        dryRun,
        dropData,
      });
    } finally {
      await admin.end();
    }
    reporter.record("kept", `VM ${vm.name}`, "shared by the apps' databases");
  });
  const summary: DestroySummary = { app: definition.app, dryRun, dropData, changes: reporter.changes };
  return summary;
}
