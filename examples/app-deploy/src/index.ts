/**
 * What the Redmine and blog examples share (examples/redmine/README.md): the stack's env, steps
 * with progress, the MySQL VM and the app's database, the Kubernetes objects and their waits, the
 * SQLite → MySQL migration, and the checks from outside.
 */
export { type CliContext, type CliIo, type ExampleCli, runExampleCli } from "./cli.js";
export {
  type AppDefinition,
  type DeployOptions,
  type DeploySummary,
  type DestroyOptions,
  type DestroySummary,
  deployApp,
  destroyApp,
} from "./deploy-app.js";
export { appHost, type Env, loadEnv, type MysqlEnv, type StackEnv, stackEnv } from "./env.js";
export { ConfigError, describeCause, isConfigError, isStepError, StepError } from "./errors.js";
export { applyObject, differences, kubeClients, planObject } from "./kubernetes.js";
export { type AppManifestInput, appManifests, fromSecret, MANAGED_BY, objectNames } from "./manifests.js";
export {
  connect,
  ensureAppDatabase,
  generatePassword,
  mysqlTarget,
  removeAppDatabase,
} from "./mysql-database.js";
export { ensureMysqlVm, lookupMysqlVm, type MysqlVm } from "./mysql-vm.js";
export { type Action, type Change, Reporter } from "./progress.js";
export { openSqlite, type SqliteDatabase, saveSqlite, sqliteRows } from "./sqlite.js";
export {
  createTableSql,
  MIGRATIONS_TABLE,
  type MigrationResult,
  migrateSqliteToMysql,
  mysqlType,
  readSqliteSchema,
} from "./sqlite-migration.js";
export { formatDeploySummary, formatDestroySummary } from "./summary.js";
export { findRbdImage, type RbdRef, verifyHttps, verifyRbdImage } from "./verify.js";
