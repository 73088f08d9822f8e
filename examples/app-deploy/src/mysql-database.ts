/**
 * The app's database on the external MySQL, through a real MySQL client (mysql2): the database
 * (utf8mb4), a user `'<name>'@'%'` (pods connect from the pod network) with a generated password,
 * and its grant on the database. The password's source of truth is the app's Kubernetes Secret: a
 * second run reuses it, checks that it still logs in, and resets it only if it does not.
 * SQL that MySQL 8 and MariaDB 10.11 both accept.
 */
import { randomBytes } from "node:crypto";
import { registerSecret } from "@homelab-kit/core";
import mysql from "mysql2/promise";
import type { MysqlEnv } from "./env.js";
import type { Reporter } from "./progress.js";

export interface MysqlTarget {
  /** Where this script connects (the override, or the VM's address and MYSQL_PORT). */
  host: string;
  port: number;
  /** What pods connect to: the VM's address and MYSQL_PORT. */
  vmAddress: string;
  vmPort: number;
}

export interface AppDatabase {
  database: string;
  user: string;
  password: string;
}

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function mysqlTarget(mysqlEnv: MysqlEnv, vmIp: string): MysqlTarget {
  const to = mysqlEnv.hostOverride ?? { host: vmIp, port: mysqlEnv.port };
  return { host: to.host, port: to.port, vmAddress: vmIp, vmPort: mysqlEnv.port };
}

export function describeTarget(target: MysqlTarget): string {
  const vm = `${target.vmAddress}:${target.vmPort}`;
  const here = `${target.host}:${target.port}`;
  return here === vm ? vm : `${here} (MYSQL_HOST_OVERRIDE, for the VM's ${vm})`;
}

/** A new random password (24 URL-safe characters), registered with core's redaction. */
export function generatePassword(): string {
  const password = randomBytes(18).toString("base64url");
  registerSecret(password);
  return password;
}

export async function connect(target: MysqlTarget, user: string, password: string, database?: string) {
  registerSecret(password);
  try {
    return await mysql.createConnection({
      host: target.host,
      port: target.port,
      user,
      password,
      ...(database === undefined ? {} : { database }),
      connectTimeout: 10_000,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      charset: "utf8mb4_unicode_ci",
    });
  } catch (error) {
    throw new Error(`cannot log in to MySQL at ${describeTarget(target)} as ${user}: ${sqlReason(error)}`, {
      cause: error,
    });
  }
}

export type Connection = Awaited<ReturnType<typeof connect>>;

function sqlReason(error: unknown): string {
  const e = error as { code?: string; sqlMessage?: string; message?: string; errors?: unknown[] };
  if (e.sqlMessage) return `${e.sqlMessage} (${e.code})`;
  if (Array.isArray(e.errors) && e.errors.length > 0) return sqlReason(e.errors[0]);
  return `${e.message || e.code || String(error)}`;
}

async function exists(conn: Connection, sql: string, values: unknown[]): Promise<boolean> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(sql, values);
  return rows.length > 0;
}

/**
 * Ensures database, user and grant. `password` is the Secret's when it exists (kept if it still
 * logs in, else the user's password is reset to it), else a new one (the user is created with it).
 */
export async function ensureAppDatabase(
  admin: Connection,
  target: MysqlTarget,
  wanted: AppDatabase,
  reporter: Reporter,
  options: { dryRun: boolean },
): Promise<void> {
  const { database, user, password } = wanted;
  if (!NAME.test(database) || !NAME.test(user)) throw new Error(`bad MySQL name "${database}"/"${user}"`);
  const db = mysql.escapeId(database);
  const account = `${mysql.escape(user)}@'%'`;
  const act = async (
    action: "created" | "updated",
    what: string,
    sql: string,
    values: unknown[] = [],
    detail?: string,
  ) => {
    if (options.dryRun) reporter.record(action === "created" ? "would create" : "would update", what, detail);
    else {
      await admin.query(sql, values);
      reporter.record(action, what, detail);
    }
  };

  if (await exists(admin, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [database]))
    reporter.record("unchanged", `database ${database}`);
  else
    await act(
      "created",
      `database ${database}`,
      `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );

  const userExists = await exists(admin, "SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'", [user]);
  if (!userExists)
    await act("created", `MySQL user ${user}@%`, `CREATE USER ${account} IDENTIFIED BY ?`, [password]);
  else if (await logsIn(target, user, password))
    reporter.record("unchanged", `MySQL user ${user}@%`, "password from the Secret logs in");
  else
    await act(
      "updated",
      `MySQL user ${user}@%`,
      `ALTER USER ${account} IDENTIFIED BY ?`,
      [password],
      "password reset to the Secret's",
    );

  const granted = userExists && (await grants(admin, user)).some((g) => grantsAll(g, database));
  if (granted) reporter.record("unchanged", `grant ALL on ${database}.* to ${user}`);
  else
    await act(
      "created",
      `grant ALL on ${database}.* to ${user}`,
      `GRANT ALL PRIVILEGES ON ${db}.* TO ${account}`,
    );

  if (!options.dryRun) {
    const check = await connect(target, user, password, database);
    await check.end();
    reporter.note(`${user} logs in to ${database} at ${describeTarget(target)}`);
  }
}

/**
 * Whether `user` logs in with `password` (to `database` when given): false when MySQL refuses the
 * password or the database, an error for anything else (an unreachable server).
 */
export async function logsIn(
  target: MysqlTarget,
  user: string,
  password: string,
  database?: string,
): Promise<boolean> {
  try {
    const conn = await connect(target, user, password, database);
    await conn.end();
    return true;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (
      code === "ER_ACCESS_DENIED_ERROR" ||
      code === "ER_DBACCESS_DENIED_ERROR" ||
      code === "ER_BAD_DB_ERROR"
    )
      return false;
    throw error;
  }
}

async function grants(admin: Connection, user: string): Promise<string[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`SHOW GRANTS FOR ${mysql.escape(user)}@'%'`);
  return rows.map((row) => String(Object.values(row)[0]));
}

function grantsAll(grant: string, database: string): boolean {
  return new RegExp(`^GRANT ALL PRIVILEGES ON \`${database}\`\\.\\* TO `, "i").test(grant);
}

/** `--destroy`: the user always, the database only with `--drop-data`. */
export async function removeAppDatabase(
  admin: Connection,
  wanted: { database: string; user: string },
  reporter: Reporter,
  options: { dryRun: boolean; dropData: boolean },
): Promise<void> {
  const { database, user } = wanted;
  if (await exists(admin, "SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'", [user])) {
    if (options.dryRun) reporter.record("would delete", `MySQL user ${user}@%`);
    else {
      await admin.query(`DROP USER IF EXISTS ${mysql.escape(user)}@'%'`);
      reporter.record("deleted", `MySQL user ${user}@%`);
    }
  } else reporter.record("absent", `MySQL user ${user}@%`);
  const dbExists = await exists(admin, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [
    database,
  ]);
  if (!dbExists) reporter.record("absent", `database ${database}`);
  else if (!options.dropData)
    reporter.record("kept", `database ${database}`, "its data stays: --drop-data removes it");
  else if (options.dryRun) reporter.record("would delete", `database ${database}`);
  else {
    await admin.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(database)}`);
    reporter.record("deleted", `database ${database}`);
  }
}
