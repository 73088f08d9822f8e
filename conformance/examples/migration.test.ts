/**
 * The SQLite → MySQL migration against a real MariaDB: the blog's fixture moved with its schema
 * (types, keys, indexes, foreign keys) and rows (utf8mb4 text, BLOBs, NULLs, dates), counted on both
 * sides; a second run changes nothing; a changed SQLite file, tables made by someone else and a run
 * that stopped half-way are each handled as the module says.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MIGRATIONS_TABLE,
  migrateSqliteToMysql,
  openSqlite,
  Reporter,
  saveSqlite,
  sqliteRows,
} from "@homelab-kit/example-app-deploy";
import { ensureBlogFixture } from "@homelab-kit/example-blog";
import type mysql from "mysql2/promise";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adminConnection } from "./mariadb.js";

const dir = mkdtempSync(join(tmpdir(), "blog-migration-"));
const fixture = join(dir, "blog.sqlite");
let admin: mysql.Connection;
let conn: mysql.Connection;
let database: string;
let n = 0;

beforeAll(async () => {
  await ensureBlogFixture(fixture);
  admin = await adminConnection();
});
afterAll(async () => {
  await admin?.end();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  database = `migration_test_${process.pid}_${++n}`;
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  conn = await adminConnection(database);
});
afterEach(async () => {
  await conn?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
});

function quiet() {
  const lines: string[] = [];
  return { reporter: new Reporter((line) => lines.push(line)), lines };
}

async function rows<T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await conn.query(sql, values);
  return result as T[];
}

describe("SQLite → MySQL migration (real MariaDB)", () => {
  it("copies schema and rows, counts equal on both sides, then a second run changes nothing", async () => {
    const { reporter } = quiet();
    const result = await migrateSqliteToMysql(fixture, conn, reporter, { dryRun: false });
    expect(result.action).toBe("migrated");
    expect(result.tables).toEqual([
      { table: "posts", sqlite: 12, mysql: 12 },
      { table: "posts_tags", sqlite: 20, mysql: 20 },
      { table: "settings", sqlite: 4, mysql: 4 },
      { table: "tags", sqlite: 5, mysql: 5 },
      { table: "users", sqlite: 2, mysql: 2 },
    ]);
    expect(reporter.changed.map((c) => c.what)).toEqual(["migration sqlite:blog.sqlite"]);

    // the values, byte for byte where it matters
    const db = await openSqlite(fixture);
    for (const table of ["posts", "tags", "posts_tags", "users"]) {
      const fromSqlite = sqliteRows(db, `SELECT * FROM ${table} ORDER BY id`);
      const fromMysql = await rows(`SELECT * FROM ${table} ORDER BY id`);
      expect(fromMysql.length).toBe(fromSqlite.length);
      fromSqlite.forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) {
          const got = fromMysql[i]?.[column];
          if (value instanceof Uint8Array) expect(Buffer.from(got as Buffer)).toEqual(Buffer.from(value));
          else if (value === null) expect(got).toBeNull();
          else if (typeof value === "string" && /^\d{4}-\d\d-\d\d \d\d:/.test(value))
            expect(String(got)).toMatch(new RegExp(`^${value}(\\.000)?$`));
          else expect(String(got)).toBe(String(value));
        }
      });
    }
    db.close();
    const [emoji] = await rows<{ title: string }>("SELECT title FROM posts WHERE slug = 'post-8'");
    expect(emoji?.title).toBe("Ünïcödé, 日本語 and 🚀 in titles");

    // the schema: types, keys, indexes, foreign keys, AUTO_INCREMENT going on after the copied ids
    const columns = await rows<{
      TABLE_NAME: string;
      COLUMN_NAME: string;
      COLUMN_TYPE: string;
      IS_NULLABLE: string;
    }>(
      "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('posts', 'settings', 'users')",
    );
    const type = (t: string, c: string) => columns.find((x) => x.TABLE_NAME === t && x.COLUMN_NAME === c);
    expect(type("posts", "id")).toMatchObject({ COLUMN_TYPE: "varchar(24)", IS_NULLABLE: "NO" });
    expect(type("posts", "featured")?.COLUMN_TYPE).toBe("tinyint(1)");
    expect(type("posts", "html")?.COLUMN_TYPE).toBe("longtext");
    expect(type("posts", "published_at")).toMatchObject({ COLUMN_TYPE: "datetime(3)", IS_NULLABLE: "YES" });
    expect(type("users", "profile_image")?.COLUMN_TYPE).toBe("longblob");
    expect(type("settings", "id")?.COLUMN_TYPE).toBe("bigint(20)");
    const indexes = await rows<{ TABLE_NAME: string; INDEX_NAME: string; NON_UNIQUE: number }>(
      "SELECT DISTINCT TABLE_NAME, INDEX_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'posts' ORDER BY INDEX_NAME",
    );
    expect(indexes.map((i) => [i.INDEX_NAME, Number(i.NON_UNIQUE)])).toEqual(
      expect.arrayContaining([
        ["PRIMARY", 0],
        ["posts_status_published_at_index", 1],
      ]),
    );
    expect(
      indexes.some((i) => i.INDEX_NAME.startsWith("sqlite_autoindex_posts") && Number(i.NON_UNIQUE) === 0),
    ).toBe(true);
    const fks = await rows<{ TABLE_NAME: string; REFERENCED_TABLE_NAME: string; DELETE_RULE: string }>(
      "SELECT TABLE_NAME, REFERENCED_TABLE_NAME, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, REFERENCED_TABLE_NAME",
    );
    expect(fks.map((f) => [f.TABLE_NAME, f.REFERENCED_TABLE_NAME, f.DELETE_RULE])).toEqual([
      ["posts", "users", "NO ACTION"],
      ["posts_tags", "posts", "CASCADE"],
      ["posts_tags", "tags", "CASCADE"],
    ]);
    await expect(
      conn.query("INSERT INTO posts_tags VALUES ('x', 'no-such-post', 'no-such-tag', 0)"),
    ).rejects.toThrow(/foreign key constraint fails/);
    await conn.query("INSERT INTO settings (`key`, type) VALUES ('new', 'core')");
    const [added] = await rows<{ id: string }>("SELECT id FROM settings WHERE `key` = 'new'");
    expect(Number(added?.id)).toBe(5);

    // second run: recognised, nothing changed
    const again = quiet();
    const second = await migrateSqliteToMysql(fixture, conn, again.reporter, { dryRun: false });
    expect(second.action).toBe("already migrated");
    expect(again.reporter.changed).toEqual([]);
    expect(second.tables.find((t) => t.table === "settings")).toEqual({
      table: "settings",
      sqlite: 4,
      mysql: 5,
    });
  });

  it("a dry run reads both sides and changes nothing", async () => {
    const { reporter } = quiet();
    const plan = await migrateSqliteToMysql(fixture, conn, reporter, { dryRun: true });
    expect(plan.action).toBe("would migrate");
    expect(reporter.changes.map((c) => c.action)).toEqual(["would create"]);
    expect(await rows("SHOW TABLES")).toEqual([]);
  });

  it("refuses to migrate a SQLite file that changed after it was migrated", async () => {
    const copy = join(dir, "changed.sqlite");
    copyFileSync(fixture, copy);
    await migrateSqliteToMysql(copy, conn, quiet().reporter, { dryRun: false });
    const db = await openSqlite(copy);
    db.run("INSERT INTO tags VALUES ('t-new', 'new', 'new', NULL, '2020-01-01 00:00:00')");
    saveSqlite(db, copy);
    db.close();
    await expect(migrateSqliteToMysql(copy, conn, quiet().reporter, { dryRun: false })).rejects.toThrow(
      /changed after it was migrated on .*not migrating again/,
    );
  });

  it("never overwrites tables it did not make", async () => {
    await conn.query("CREATE TABLE posts (id INT PRIMARY KEY)");
    await conn.query("INSERT INTO posts VALUES (1)");
    await expect(migrateSqliteToMysql(fixture, conn, quiet().reporter, { dryRun: false })).rejects.toThrow(
      /MySQL already has posts, not made by this migration/,
    );
    expect(await rows("SELECT * FROM posts")).toEqual([{ id: 1 }]);
  });

  it("redoes a migration that stopped half-way", async () => {
    const broken = join(dir, "broken.sqlite");
    copyFileSync(fixture, broken);
    // a first attempt that fails while copying rows: a value MySQL refuses for its column type
    const db = await openSqlite(broken);
    db.run("UPDATE users SET created_at = 'not a date' WHERE slug = 'guest'");
    saveSqlite(db, broken);
    await conn.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
    await expect(migrateSqliteToMysql(broken, conn, quiet().reporter, { dryRun: false })).rejects.toThrow(
      /copying table users/,
    );
    const [marker] = await rows<{ state: string }>(`SELECT state FROM ${MIGRATIONS_TABLE}`);
    expect(marker?.state).toBe("started");
    // fixed, run again: the half-made tables are dropped and the copy is redone
    db.run("UPDATE users SET created_at = '2019-01-01 00:00:00' WHERE slug = 'guest'");
    saveSqlite(db, broken);
    db.close();
    const { reporter, lines } = quiet();
    const result = await migrateSqliteToMysql(broken, conn, reporter, { dryRun: false });
    expect(result.action).toBe("migrated");
    expect(lines.join("\n")).toMatch(/did not finish: dropping its tables and redoing it/);
    expect(result.tables.every((t) => t.sqlite === t.mysql)).toBe(true);
  });
});
