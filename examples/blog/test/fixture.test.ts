import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite, readSqliteSchema } from "@homelab-kit/example-app-deploy";
import { describe, expect, it } from "vitest";
import { blog, blogSqliteFile } from "../src/blog.js";
import { ensureBlogFixture } from "../src/fixture.js";

describe("the blog's SQLite fixture", () => {
  it("is the same file every time, made once, never touched again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blog-fixture-"));
    const a = await ensureBlogFixture(join(dir, "a", "blog.sqlite"));
    const b = await ensureBlogFixture(join(dir, "b.sqlite"));
    expect(a.created).toBe(true);
    expect(a.rows).toEqual({ posts: 12, posts_tags: 20, settings: 4, tags: 5, users: 2 });
    expect(readFileSync(a.file)).toEqual(readFileSync(b.file));
    const again = await ensureBlogFixture(a.file);
    expect(again).toEqual({ ...a, created: false });
    const db = await openSqlite(a.file);
    const schema = readSqliteSchema(db);
    db.close();
    expect(schema.map((t) => [t.name, t.foreignKeys.map((f) => f.table)])).toEqual([
      ["posts", ["users"]],
      ["posts_tags", ["tags", "posts"]],
      ["settings", []],
      ["tags", []],
      ["users", []],
    ]);
  });
});

describe("the blog's definition", () => {
  it("points Ghost at MySQL through the Secret and migrates before the Deployment", () => {
    const app = blog("/data/blog.sqlite");
    const env = app.env({ secret: "blog-db", host: "blog.example.com" });
    expect(env.slice(0, 2)).toEqual([
      { name: "url", value: "https://blog.example.com" },
      { name: "database__client", value: "mysql" },
    ]);
    expect(env.find((e) => e.name === "database__connection__password")?.valueFrom?.secretKeyRef).toEqual({
      name: "blog-db",
      key: "password",
    });
    expect(app.prepareData?.step).toBe("SQLite to MySQL migration");
    expect(blogSqliteFile({}, undefined, "/home/me")).toBe("/home/me/blog.sqlite");
    expect(blogSqliteFile({ BLOG_SQLITE_FILE: "x.db" }, undefined, "/home/me")).toBe("/home/me/x.db");
    expect(blogSqliteFile({ BLOG_SQLITE_FILE: "x.db" }, "/abs/y.db", "/home/me")).toBe("/abs/y.db");
  });
});
