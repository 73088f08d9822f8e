/**
 * The blog as the reference stack runs it: Ghost (the official `ghost` image) on Kubernetes, its
 * content folder on a Ceph RBD volume, behind NGINX Ingress with a cert-manager certificate — and
 * its database moved from SQLite to the external MySQL of the MySQL VM: the SQLite file is copied
 * into the blog's MySQL database (schema and rows, counted on both sides) before the Deployment is
 * applied with `database__client=mysql`. Everything else is shared with Redmine (examples/app-deploy).
 */
import { isAbsolute, resolve } from "node:path";
import {
  type AppDefinition,
  ConfigError,
  type DeployOptions,
  type DestroyOptions,
  deployApp,
  destroyApp,
  type Env,
  type ExampleCli,
  fromSecret,
  migrateSqliteToMysql,
  type StackEnv,
} from "@homelab-kit/example-app-deploy";
import { ensureBlogFixture } from "./fixture.js";

export const BLOG_IMAGE = "ghost:5";

/** The blog, moving the SQLite database at `sqliteFile` (made as a fixture when absent). */
export function blog(sqliteFile: string): AppDefinition {
  return {
    app: "blog",
    title: "The blog (Ghost)",
    image: BLOG_IMAGE,
    containerPort: 2368,
    dataPath: "/var/lib/ghost/content",
    storage: "2Gi",
    readinessPath: "/",
    // Ghost's configuration through env (nconf: `__` separates levels)
    env: ({ secret, host }) => [
      { name: "url", value: `https://${host}` },
      { name: "database__client", value: "mysql" },
      fromSecret("database__connection__host", secret, "host"),
      fromSecret("database__connection__port", secret, "port"),
      fromSecret("database__connection__user", secret, "username"),
      fromSecret("database__connection__password", secret, "password"),
      fromSecret("database__connection__database", secret, "database"),
    ],
    prepareData: {
      step: "SQLite to MySQL migration",
      run: async ({ db, reporter, dryRun }) => {
        const fixture = await ensureBlogFixture(sqliteFile);
        if (fixture.created)
          reporter.note(
            `made the SQLite fixture ${sqliteFile} (${Object.entries(fixture.rows)
              .map(([t, n]) => `${t} ${n}`)
              .join(", ")}): the blog's database before the move`,
          );
        return migrateSqliteToMysql(sqliteFile, db, reporter, { dryRun });
      },
    },
  };
}

/** `--sqlite FILE`, else BLOG_SQLITE_FILE, else `blog.sqlite` in the caller's directory. */
export function blogSqliteFile(env: Env, option: string | boolean | undefined, cwd: string): string {
  const file = typeof option === "string" ? option : env.BLOG_SQLITE_FILE || "blog.sqlite";
  if (file === "") throw new ConfigError("--sqlite needs a file name");
  return isAbsolute(file) ? file : resolve(cwd, file);
}

export function deployBlog(stack: StackEnv, env: Env, sqliteFile: string, options?: DeployOptions) {
  return deployApp(blog(sqliteFile), stack, env, options);
}

export function destroyBlog(stack: StackEnv, options?: DestroyOptions) {
  return destroyApp(blog(""), stack, options);
}

export const blogCli: ExampleCli = {
  name: "blog",
  options: {
    sqlite: {
      help: "the blog's SQLite database (default BLOG_SQLITE_FILE, else ./blog.sqlite; made when absent)",
    },
  },
  define: ({ env, values, cwd }) => blog(blogSqliteFile(env, values.sqlite, cwd)),
};
