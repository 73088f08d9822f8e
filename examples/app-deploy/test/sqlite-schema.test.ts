import { describe, expect, it } from "vitest";
import { openSqlite } from "../src/sqlite.js";
import {
  createTableSql,
  foreignKeySql,
  mysqlType,
  mysqlValue,
  readSqliteSchema,
} from "../src/sqlite-migration.js";

describe("SQLite schema to MySQL", () => {
  it("maps declared types (names MySQL knows, else SQLite's affinity rules)", () => {
    const cases: Array<[string, boolean, string]> = [
      ["varchar(24)", false, "VARCHAR(24)"],
      ["VARCHAR (191)", true, "VARCHAR(191)"],
      ["char(36)", false, "CHAR(36)"],
      ["integer", false, "BIGINT"],
      ["bigint", false, "BIGINT"],
      ["unsigned big int", false, "BIGINT"],
      ["boolean", false, "TINYINT(1)"],
      ["datetime", false, "DATETIME(3)"],
      ["date", false, "DATE"],
      ["text", false, "LONGTEXT"],
      ["text", true, "VARCHAR(191)"],
      ["json", false, "LONGTEXT"],
      ["clob", false, "LONGTEXT"],
      ["blob", false, "LONGBLOB"],
      ["", false, "LONGBLOB"],
      ["", true, "VARBINARY(255)"],
      ["real", false, "DOUBLE"],
      ["float", false, "DOUBLE"],
      ["decimal(10,2)", false, "DECIMAL(10,2)"],
      ["numeric", false, "DOUBLE"],
    ];
    for (const [declared, indexed, expected] of cases)
      expect([declared, mysqlType(declared, indexed)]).toEqual([declared, expected]);
  });

  it("reads keys, indexes and foreign keys and writes MySQL DDL", async () => {
    const db = await openSqlite();
    db.exec(`
      CREATE TABLE a (id integer PRIMARY KEY AUTOINCREMENT, "key" text NOT NULL UNIQUE, n real DEFAULT 1.5, s varchar(10) DEFAULT 'x''y', at datetime DEFAULT CURRENT_TIMESTAMP, body text DEFAULT 'ignored');
      CREATE TABLE b (a_id integer NOT NULL REFERENCES a (id) ON DELETE CASCADE, k2 varchar(5), PRIMARY KEY (a_id, k2));
      CREATE INDEX b_k2 ON b (k2);
    `);
    const [a, b] = readSqliteSchema(db);
    expect(a?.autoIncrement).toBe(true);
    expect(createTableSql(a!)).toBe(
      [
        "CREATE TABLE `a` (",
        "  `id` BIGINT NOT NULL AUTO_INCREMENT,",
        "  `key` VARCHAR(191) NOT NULL,",
        "  `n` DOUBLE DEFAULT 1.5,",
        "  `s` VARCHAR(10) DEFAULT 'x''y',",
        "  `at` DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),",
        "  `body` LONGTEXT,",
        "  PRIMARY KEY (`id`),",
        "  UNIQUE KEY `sqlite_autoindex_a_1` (`key`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
      ].join("\n"),
    );
    expect(b?.autoIncrement).toBe(false);
    expect(createTableSql(b!)).toContain("PRIMARY KEY (`a_id`, `k2`),\n  KEY `b_k2` (`k2`)");
    expect(foreignKeySql(b!)).toEqual([
      "ALTER TABLE `b` ADD CONSTRAINT `b_fk1` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
    ]);
    db.close();
  });

  it("converts values for their MySQL column", () => {
    expect(mysqlValue(null, "LONGTEXT")).toBeNull();
    expect(mysqlValue(new Uint8Array([0, 255]), "LONGBLOB")).toEqual(Buffer.from([0, 255]));
    expect(mysqlValue(1_560_000_000_000, "DATETIME(3)")).toBe("2019-06-08 13:20:00.000");
    expect(mysqlValue(1_560_000_000, "DATETIME(3)")).toBe("2019-06-08 13:20:00.000");
    expect(mysqlValue("2019-06-08T13:20:00.5Z", "DATETIME(3)")).toBe("2019-06-08 13:20:00.500");
    expect(mysqlValue("2019-06-08 13:20:00", "DATETIME(3)")).toBe("2019-06-08 13:20:00");
    expect(mysqlValue(42, "BIGINT")).toBe(42);
  });

  it("refuses a file that is not SQLite", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "not-sqlite-")), "x.sqlite");
    writeFileSync(file, "hello, this is not a database at all");
    await expect(openSqlite(file)).rejects.toThrow(/is not a SQLite 3 database/);
  });
});
