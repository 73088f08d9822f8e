/**
 * Redmine as the reference stack runs it (docs/DESIGN.md §1): the official `redmine` image on
 * Kubernetes, its attachments (`/usr/src/redmine/files`) on a Ceph RBD volume, its database on the
 * external MySQL of the MySQL VM, behind NGINX Ingress with a cert-manager certificate. Everything
 * but these few lines is shared with the blog (examples/app-deploy).
 */
import {
  type AppDefinition,
  type DeployOptions,
  type DestroyOptions,
  deployApp,
  destroyApp,
  type Env,
  type ExampleCli,
  fromSecret,
  type StackEnv,
} from "@homelab-kit/example-app-deploy";

export const REDMINE_IMAGE = "redmine:6.0";

export const redmine: AppDefinition = {
  app: "redmine",
  title: "Redmine",
  image: REDMINE_IMAGE,
  containerPort: 3000,
  dataPath: "/usr/src/redmine/files",
  storage: "2Gi",
  readinessPath: "/",
  generatedKeys: ["secret-key-base"],
  // the image's variables (docker-library's redmine: REDMINE_DB_MYSQL makes it use MySQL)
  env: ({ secret }) => [
    fromSecret("REDMINE_DB_MYSQL", secret, "host"),
    fromSecret("REDMINE_DB_PORT", secret, "port"),
    fromSecret("REDMINE_DB_DATABASE", secret, "database"),
    fromSecret("REDMINE_DB_USERNAME", secret, "username"),
    fromSecret("REDMINE_DB_PASSWORD", secret, "password"),
    { name: "REDMINE_DB_ENCODING", value: "utf8mb4" },
    fromSecret("REDMINE_SECRET_KEY_BASE", secret, "secret-key-base"),
  ],
};

/** Deploys Redmine (idempotent; `dryRun` only prints the plan). */
export function deployRedmine(stack: StackEnv, env: Env, options?: DeployOptions) {
  return deployApp(redmine, stack, env, options);
}

/** Removes what `deployRedmine` made; the database only with `dropData`. */
export function destroyRedmine(stack: StackEnv, options?: DestroyOptions) {
  return destroyApp(redmine, stack, options);
}

export const redmineCli: ExampleCli = { name: "redmine", define: () => redmine };
