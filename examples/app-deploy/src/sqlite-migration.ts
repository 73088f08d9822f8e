/**
 * Moves an app's SQLite database into its MySQL database, as the reference stack moved the blog:
 * the schema (tables, column types mapped to MySQL's, primary keys, NOT NULL, literal defaults,
 * unique and plain indexes, foreign keys) and every row, then counts the rows of each table on both
 * sides. A table `homelab_kit_migrations` in the MySQL database records the migration (source
 * file's SHA-256, per-table counts), so a second run finds it done and changes nothing; a run that
 * failed half-way is recognised and redone; tables this tool did not make are never overwritten.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import mysql from "mysql2/promise";
import type { Connection } from "./mysql-database.js";
import type { Reporter } from "./progress.js";
import { openSqlite, type SqliteDatabase, type SqliteValue, sqliteRows } from "./sqlite.js";

export const MIGRATIONS_TABLE = "homelab_kit_migrations";
const BATCH = 500;

export interface SqliteColumn {
  name: string;
  /** The declared type as SQLite keeps it ("varchar(191)", "integer", "" for none). */
  type: string;
  notNull: boolean;
  /** The default as written in the CREATE TABLE (SQL text), or null. */
  defaultSql: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  pk: number;
}

export interface SqliteTable {
  name: string;
  columns: SqliteColumn[];
  /** INTEGER PRIMARY KEY AUTOINCREMENT (or a rowid alias): AUTO_INCREMENT in MySQL. */
  autoIncrement: boolean;
  indexes: Array<{ name: string; unique: boolean; columns: string[] }>;
  foreignKeys: Array<{ columns: string[]; table: string; to: string[]; onDelete: string; onUpdate: string }>;
}

export interface TableCount {
  table: string;
  sqlite: number;
  mysql: number;
}

export interface MigrationResult {
  action: "migrated" | "already migrated" | "would migrate";
  source: string;
  sha256: string;
  tables: TableCount[];
  migratedAt: string | undefined;
}

/** Reads the user tables of a SQLite database with their columns, keys and indexes. */
export function readSqliteSchema(db: SqliteDatabase): SqliteTable[] {
  const tables = sqliteRows(
    db,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  return tables.map((t) => {
    const name = String(t.name);
    const columns = sqliteRows(db, `PRAGMA table_info(${quoteSqlite(name)})`).map((c) => ({
      name: String(c.name),
      type: String(c.type ?? "").trim(),
      notNull: Number(c.notnull) === 1,
      defaultSql: c.dflt_value === null ? null : String(c.dflt_value),
      pk: Number(c.pk),
    }));
    const pk = columns.filter((c) => c.pk > 0);
    // INTEGER PRIMARY KEY is SQLite's rowid: numbered on insert, as AUTO_INCREMENT is
    const autoIncrement = pk.length === 1 && pk[0]?.type.toLowerCase() === "integer";
    const indexes = sqliteRows(db, `PRAGMA index_list(${quoteSqlite(name)})`)
      .filter((i) => i.origin !== "pk")
      .map((i) => ({
        name: String(i.name),
        unique: Number(i.unique) === 1,
        columns: sqliteRows(db, `PRAGMA index_info(${quoteSqlite(String(i.name))})`)
          .sort((a, b) => Number(a.seqno) - Number(b.seqno))
          .map((c) => String(c.name)),
      }))
      .filter((i) => i.columns.every((c) => c !== "null"))
      .sort((a, b) => a.name.localeCompare(b.name));
    const byId = new Map<number, SqliteTable["foreignKeys"][number]>();
    for (const fk of sqliteRows(db, `PRAGMA foreign_key_list(${quoteSqlite(name)})`)) {
      const id = Number(fk.id);
      const entry = byId.get(id) ?? {
        columns: [],
        table: String(fk.table),
        to: [],
        onDelete: String(fk.on_delete),
        onUpdate: String(fk.on_update),
      };
      entry.columns.push(String(fk.from));
      entry.to.push(String(fk.to));
      byId.set(id, entry);
    }
    return { name, columns, autoIncrement, indexes, foreignKeys: [...byId.values()] };
  });
}

function quoteSqlite(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Columns MySQL must index by value: primary key, index and foreign-key columns. */
function indexedColumns(table: SqliteTable): Set<string> {
  const names = new Set(table.columns.filter((c) => c.pk > 0).map((c) => c.name));
  for (const index of table.indexes) for (const c of index.columns) names.add(c);
  for (const fk of table.foreignKeys) for (const c of fk.columns) names.add(c);
  return names;
}

/**
 * The MySQL type for a SQLite declared type. Known names keep their meaning (varchar(n),
 * boolean, datetime, decimal(p,s)…); the rest follows SQLite's affinity rules. SQLite integers are
 * 64-bit, text is unbounded (LONGTEXT, or VARCHAR(191) where MySQL needs to index it: utf8mb4 keys).
 */
export function mysqlType(declared: string, indexed: boolean): string {
  const t = declared.toLowerCase().trim();
  const sized = /^(n?varchar|varying character|character varying|n?char|character)\s*\((\d+)\)$/.exec(t);
  if (sized) return `${sized[1]?.includes("var") ? "VARCHAR" : "CHAR"}(${sized[2]})`;
  const decimal = /^(decimal|numeric)\s*\((\d+)\s*(?:,\s*(\d+))?\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[2]},${decimal[3] ?? 0})`;
  if (t === "boolean" || t === "bool" || t === "tinyint(1)") return "TINYINT(1)";
  if (t === "tinyint" || t === "smallint" || t === "mediumint" || t === "bigint") return t.toUpperCase();
  if (t === "int" || t === "integer" || t.includes("int")) return "BIGINT";
  if (t === "datetime" || t === "timestamp") return "DATETIME(3)";
  if (t === "date") return "DATE";
  if (t === "time") return "TIME";
  if (t === "mediumtext" || t === "longtext") return t.toUpperCase();
  if (/char|clob|text|json/.test(t)) return indexed ? "VARCHAR(191)" : "LONGTEXT";
  if (t === "" || t.includes("blob")) return indexed ? "VARBINARY(255)" : "LONGBLOB";
  if (/real|floa|doub/.test(t)) return "DOUBLE";
  return "DOUBLE"; // NUMERIC affinity without precision
}

/** A SQLite column default MySQL can take as is (literals, CURRENT_TIMESTAMP on dates), else none. */
function mysqlDefault(column: SqliteColumn, type: string): string | undefined {
  const d = column.defaultSql;
  if (d === null) return undefined;
  if (/^(LONGTEXT|LONGBLOB|MEDIUMTEXT)$/.test(type)) return undefined; // no literal defaults on these in MySQL 8
  if (/^current_timestamp$/i.test(d)) return type.startsWith("DATETIME") ? "CURRENT_TIMESTAMP(3)" : undefined;
  if (/^[-+]?\d+(\.\d+)?$/.test(d) || /^'([^']|'')*'$/.test(d) || /^null$/i.test(d)) return d;
  if (/^(true|false)$/i.test(d)) return d.toLowerCase() === "true" ? "1" : "0";
  return undefined;
}

export function createTableSql(table: SqliteTable): string {
  const indexed = indexedColumns(table);
  const pk = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const lines = table.columns.map((c) => {
    const type = mysqlType(c.type, indexed.has(c.name));
    const auto = table.autoIncrement && c.pk === 1 && pk.length === 1;
    const def = auto ? undefined : mysqlDefault(c, type);
    return `  ${mysql.escapeId(c.name)} ${type}${c.notNull || c.pk > 0 ? " NOT NULL" : ""}${auto ? " AUTO_INCREMENT" : ""}${
      def === undefined ? "" : ` DEFAULT ${def}`
    }`;
  });
  if (pk.length > 0) lines.push(`  PRIMARY KEY (${pk.map((c) => mysql.escapeId(c.name)).join(", ")})`);
  for (const index of table.indexes)
    lines.push(
      `  ${index.unique ? "UNIQUE KEY" : "KEY"} ${mysql.escapeId(index.name.slice(0, 64))} (${index.columns
        .map((c) => mysql.escapeId(c))
        .join(", ")})`,
    );
  return `CREATE TABLE ${mysql.escapeId(table.name)} (\n${lines.join(",\n")}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;
}

export function foreignKeySql(table: SqliteTable): string[] {
  const action = (a: string) =>
    /^(CASCADE|SET NULL|RESTRICT|NO ACTION)$/i.test(a) ? a.toUpperCase() : "NO ACTION";
  return table.foreignKeys.map(
    (fk, i) =>
      `ALTER TABLE ${mysql.escapeId(table.name)} ADD CONSTRAINT ${mysql.escapeId(`${table.name}_fk${i + 1}`.slice(0, 64))} FOREIGN KEY (${fk.columns
        .map((c) => mysql.escapeId(c))
        .join(
          ", ",
        )}) REFERENCES ${mysql.escapeId(fk.table)} (${fk.to.map((c) => mysql.escapeId(c)).join(", ")}) ON DELETE ${action(
        fk.onDelete,
      )} ON UPDATE ${action(fk.onUpdate)}`,
  );
}

/** A SQLite value as MySQL takes it for the column's type. */
export function mysqlValue(value: SqliteValue, type: string): unknown {
  if (value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (type.startsWith("DATETIME")) {
    // epoch numbers (ms, or s when small) and ISO text become 'YYYY-MM-DD HH:MM:SS.sss' (UTC)
    if (typeof value === "number")
      return isoToMysql(new Date(value < 1e11 ? value * 1000 : value).toISOString());
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return isoToMysql(new Date(value).toISOString());
  }
  return value;
}

function isoToMysql(iso: string): string {
  return iso.replace("T", " ").replace(/Z$/, "");
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

async function mysqlCount(conn: Connection, table: string): Promise<number> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM ${mysql.escapeId(table)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function mysqlTables(conn: Connection): Promise<Set<string>> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
  );
  return new Set(rows.map((r) => String(r.name)));
}

interface Marker {
  state: "started" | "done";
  sha256: string;
  counts: Record<string, number>;
  at: string;
}

async function readMarker(conn: Connection, source: string): Promise<Marker | undefined> {
  if (!(await mysqlTables(conn)).has(MIGRATIONS_TABLE)) return undefined;
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT state, sha256, counts, at FROM ${MIGRATIONS_TABLE} WHERE source = ?`,
    [source],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { state: row.state, sha256: row.sha256, counts: JSON.parse(String(row.counts)), at: String(row.at) };
}

async function writeMarker(conn: Connection, source: string, marker: Omit<Marker, "at">): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (source VARCHAR(191) NOT NULL PRIMARY KEY, state VARCHAR(16) NOT NULL, sha256 CHAR(64) NOT NULL, counts LONGTEXT NOT NULL, at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  );
  await conn.query(
    `INSERT INTO ${MIGRATIONS_TABLE} (source, state, sha256, counts, at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE state = VALUES(state), sha256 = VALUES(sha256), counts = VALUES(counts), at = VALUES(at)`,
    [source, marker.state, marker.sha256, JSON.stringify(marker.counts)],
  );
}

/**
 * Migrates `file` into the database `conn` is connected to (the app user, on the app database;
 * undefined in a dry run whose database does not exist yet).
 * Throws when the counts differ, when the SQLite file changed after it was migrated, or when
 * MySQL already has tables of the same names that this tool did not make.
 */
export async function migrateSqliteToMysql(
  file: string,
  conn: Connection | undefined,
  reporter: Reporter,
  options: { dryRun: boolean },
): Promise<MigrationResult> {
  const source = `sqlite:${basename(file)}`;
  const digest = sha256(file);
  const db = await openSqlite(file);
  try {
    const check = sqliteRows(db, "PRAGMA quick_check")[0];
    if (check?.quick_check !== "ok")
      throw new Error(`${file} fails SQLite's quick_check: ${String(check?.quick_check)}`);
    const schema = readSqliteSchema(db);
    const sqliteCount = (table: string) =>
      Number(sqliteRows(db, `SELECT COUNT(*) AS n FROM ${quoteSqlite(table)}`)[0]?.n);
    const counts = Object.fromEntries(schema.map((t) => [t.name, sqliteCount(t.name)]));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    reporter.note(`SQLite ${file}: ${schema.length} tables, ${total} rows (sha256 ${digest.slice(0, 12)}…)`);

    const wouldMigrate = (): MigrationResult => {
      reporter.record("would create", `migration ${source}`, `${schema.length} tables, ${total} rows`);
      const tables = schema.map((t) => ({ table: t.name, sqlite: counts[t.name] ?? 0, mysql: 0 }));
      return { action: "would migrate", source, sha256: digest, tables, migratedAt: undefined };
    };
    if (conn === undefined) {
      if (!options.dryRun) throw new TypeError("migrateSqliteToMysql needs a MySQL connection");
      return wouldMigrate();
    }
    const marker = await readMarker(conn, source);
    if (marker?.state === "done") {
      if (marker.sha256 !== digest)
        throw new Error(
          `${file} changed after it was migrated on ${marker.at} (MySQL is the app's database since): not migrating again; --destroy --drop-data starts over`,
        );
      const tables: TableCount[] = [];
      for (const t of schema)
        tables.push({ table: t.name, sqlite: counts[t.name] ?? 0, mysql: await mysqlCount(conn, t.name) });
      reporter.record("unchanged", `migration ${source}`, `done on ${marker.at} UTC`);
      return { action: "already migrated", source, sha256: digest, tables, migratedAt: marker.at };
    }
    const existing = await mysqlTables(conn);
    const clash = schema.filter((t) => existing.has(t.name));
    if (marker === undefined && clash.length > 0)
      throw new Error(
        `MySQL already has ${clash.map((t) => t.name).join(", ")}, not made by this migration: not overwriting them`,
      );
    if (options.dryRun) return wouldMigrate();
    if (marker?.state === "started") {
      reporter.note(
        `a migration of ${source} started on ${marker.at} did not finish: dropping its tables and redoing it`,
      );
      await conn.query("SET FOREIGN_KEY_CHECKS = 0");
      for (const t of clash) await conn.query(`DROP TABLE ${mysql.escapeId(t.name)}`);
      await conn.query("SET FOREIGN_KEY_CHECKS = 1");
    }
    await writeMarker(conn, source, { state: "started", sha256: digest, counts });
    for (const table of schema) {
      await conn.query(createTableSql(table));
      const types = new Map(
        table.columns.map((c) => [c.name, mysqlType(c.type, indexedColumns(table).has(c.name))] as const),
      );
      const columns = table.columns.map((c) => c.name);
      const insert = `INSERT INTO ${mysql.escapeId(table.name)} (${columns.map((c) => mysql.escapeId(c)).join(", ")}) VALUES ?`;
      const statement = db.prepare(
        `SELECT ${columns.map(quoteSqlite).join(", ")} FROM ${quoteSqlite(table.name)}`,
      );
      try {
        await conn.beginTransaction();
        let batch: unknown[][] = [];
        while (statement.step()) {
          const row = statement.get();
          batch.push(row.map((value, i) => mysqlValue(value, types.get(columns[i] ?? "") ?? "")));
          if (batch.length === BATCH) {
            await conn.query(insert, [batch]);
            batch = [];
          }
        }
        if (batch.length > 0) await conn.query(insert, [batch]);
        await conn.commit();
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        throw new Error(`copying table ${table.name}: ${(error as Error).message}`, { cause: error });
      } finally {
        statement.free();
      }
    }
    for (const table of schema) for (const sql of foreignKeySql(table)) await conn.query(sql);
    const tables: TableCount[] = [];
    for (const t of schema)
      tables.push({ table: t.name, sqlite: counts[t.name] ?? 0, mysql: await mysqlCount(conn, t.name) });
    const wrong = tables.filter((t) => t.sqlite !== t.mysql);
    if (wrong.length > 0)
      throw new Error(
        `row counts differ after the copy: ${wrong.map((t) => `${t.table} SQLite ${t.sqlite} / MySQL ${t.mysql}`).join(", ")}`,
      );
    await writeMarker(conn, source, { state: "done", sha256: digest, counts });
    const done = await readMarker(conn, source);
    reporter.record(
      "created",
      `migration ${source}`,
      `${schema.length} tables, ${total} rows, counts equal on both sides`,
    );
    return { action: "migrated", source, sha256: digest, tables, migratedAt: done?.at };
  } finally {
    db.close();
  }
}
