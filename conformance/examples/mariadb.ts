/**
 * The real MariaDB the suite runs on: its env file (MARIADB_ENV, written by scripts/mariadb/start.sh)
 * gives MYSQL_HOST_OVERRIDE, MYSQL_ADMIN_USER and MYSQL_ADMIN_PASSWORD. Without it the suite fails
 * loudly: there is no MySQL mock.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import mysql from "mysql2/promise";

export function mariadbEnv(): Record<string, string> {
  const file = process.env.MARIADB_ENV;
  if (!file || !existsSync(file))
    throw new Error(
      "this suite needs a real MariaDB: set MARIADB_ENV to the env file `bash scripts/mariadb/start.sh` prints (run .ci/suites/examples.sh)",
    );
  return parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
}

/** An admin connection to the MariaDB of MARIADB_ENV. */
export async function adminConnection(database?: string) {
  const env = mariadbEnv();
  const [host, port] = (env.MYSQL_HOST_OVERRIDE ?? "").split(":");
  return mysql.createConnection({
    host,
    port: Number(port),
    user: env.MYSQL_ADMIN_USER,
    password: env.MYSQL_ADMIN_PASSWORD,
    ...(database === undefined ? {} : { database }),
    dateStrings: true,
  });
}
