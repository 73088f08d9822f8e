/**
 * SQLite files through sql.js (SQLite compiled to WebAssembly): the same engine as the `sqlite3`
 * CLI, with no native addon, so it runs on Node 20 and 24 alike from one install
 * (decisions/0018-app-examples-mysql-and-sqlite.md). The whole file is read into memory, which suits a blog's
 * database (megabytes); the file is written back only by `saveSqlite`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import initSqlJs from "sql.js";

export type SqliteDatabase = initSqlJs.Database;
export type SqliteValue = initSqlJs.SqlValue;

let engine: Promise<initSqlJs.SqlJsStatic> | undefined;

function sqlJs(): Promise<initSqlJs.SqlJsStatic> {
  engine ??= initSqlJs();
  return engine;
}

/** Opens a SQLite file (or a new empty database when `file` is undefined). */
export async function openSqlite(file?: string): Promise<SqliteDatabase> {
  const SQL = await sqlJs();
  if (file === undefined) return new SQL.Database();
  const bytes = readFileSync(file);
  if (bytes.length > 0 && bytes.subarray(0, 16).toString("latin1") !== "SQLite format 3\0")
    throw new Error(`${file} is not a SQLite 3 database`);
  return new SQL.Database(bytes);
}

export function saveSqlite(db: SqliteDatabase, file: string): void {
  writeFileSync(file, db.export());
}

/** Rows of a query as objects. */
export function sqliteRows(db: SqliteDatabase, sql: string, params: SqliteValue[] = []) {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Array<Record<string, SqliteValue>> = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}
