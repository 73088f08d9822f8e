/**
 * The blog's existing SQLite database, as the reference stack had it before the move to MySQL: a
 * small Ghost-like schema (users, posts, tags, posts_tags, settings: Ghost's table and column
 * names and its SQLite column types) with deterministic rows — text in several scripts and an
 * emoji (utf8mb4), NULLs, quotes, a BLOB, booleans, dates, an AUTOINCREMENT key, unique and plain
 * indexes, foreign keys. Made with sql.js, written once; an existing file is never touched.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openSqlite, saveSqlite } from "@homelab-kit/example-app-deploy";

const SCHEMA = `
CREATE TABLE users (
  id varchar(24) NOT NULL PRIMARY KEY,
  name varchar(191) NOT NULL,
  slug varchar(191) NOT NULL UNIQUE,
  email varchar(191) NOT NULL UNIQUE,
  bio text,
  profile_image blob,
  status varchar(50) NOT NULL DEFAULT 'active',
  created_at datetime NOT NULL
);
CREATE TABLE posts (
  id varchar(24) NOT NULL PRIMARY KEY,
  uuid varchar(36) NOT NULL,
  title varchar(2000) NOT NULL,
  slug varchar(191) NOT NULL UNIQUE,
  html text,
  plaintext text,
  featured boolean NOT NULL DEFAULT 0,
  status varchar(50) NOT NULL DEFAULT 'draft',
  author_id varchar(24) NOT NULL REFERENCES users (id),
  published_at datetime,
  created_at datetime NOT NULL,
  updated_at datetime
);
CREATE INDEX posts_status_published_at_index ON posts (status, published_at);
CREATE TABLE tags (
  id varchar(24) NOT NULL PRIMARY KEY,
  name varchar(191) NOT NULL,
  slug varchar(191) NOT NULL UNIQUE,
  description text,
  created_at datetime NOT NULL
);
CREATE TABLE posts_tags (
  id varchar(24) NOT NULL PRIMARY KEY,
  post_id varchar(24) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag_id varchar(24) NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  sort_order integer NOT NULL DEFAULT 0
);
CREATE INDEX posts_tags_post_id_tag_id_index ON posts_tags (post_id, tag_id);
CREATE TABLE settings (
  id integer PRIMARY KEY AUTOINCREMENT,
  key varchar(50) NOT NULL UNIQUE,
  value text,
  type varchar(50) NOT NULL,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP
);
`;

/** Ghost's ids are 24 hex digits (ObjectId); these are made from a counter, so the file is the same every time. */
function id(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, "0")}${n.toString(16).padStart(16, "0")}`;
}

const TITLES = [
  "Racking three DL360 G7s",
  "Ceph on the same hosts: one pool for OpenNebula and Kubernetes",
  "Kubespray on OpenNebula VMs",
  "MetalLB, NGINX Ingress and a DNS01 certificate",
  "Moving the blog from SQLite to MySQL",
  "iLO 3: RIBCL over HTTPS, by hand",
  "Redmine on an RBD volume",
  "Ünïcödé, 日本語 and 🚀 in titles",
  "Quotes: \"double\", 'single' and `back`",
  "Power-off drill: what Prometheus saw",
  "Snapshots before upgrades",
  "Draft: the next rack",
];
const TAGS = ["homelab", "ceph", "kubernetes", "opennebula", "mysql"];

export interface BlogFixture {
  file: string;
  created: boolean;
  rows: Record<string, number>;
}

/** Makes the fixture at `file` unless a file is there; returns its table sizes. */
export async function ensureBlogFixture(file: string): Promise<BlogFixture> {
  if (existsSync(file)) {
    const db = await openSqlite(file);
    try {
      return { file, created: false, rows: tableSizes(db) };
    } finally {
      db.close();
    }
  }
  const db = await openSqlite();
  try {
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(SCHEMA);
    const day = (n: number) => `2019-0${1 + (n % 9)}-${String(10 + n).padStart(2, "0")} 08:30:00`;
    db.run("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
      id(1, 1),
      "Owner",
      "owner",
      "owner@example.com",
      "Runs the rack.",
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]),
      "active",
      day(0),
    ]);
    db.run("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
      id(1, 2),
      "Guest Writer",
      "guest",
      "guest@example.com",
      null,
      null,
      "inactive",
      day(1),
    ]);
    TITLES.forEach((title, i) => {
      const n = i + 1;
      const draft = title.startsWith("Draft");
      db.run("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        id(2, n),
        `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
        title,
        `post-${n}`,
        `<p>${title}</p>`,
        title,
        n % 4 === 0 ? 1 : 0,
        draft ? "draft" : "published",
        id(1, n % 3 === 0 ? 2 : 1),
        draft ? null : day(n),
        day(n),
        n % 2 === 0 ? day(n + 1) : null,
      ]);
    });
    TAGS.forEach((tag, i) => {
      db.run("INSERT INTO tags VALUES (?, ?, ?, ?, ?)", [
        id(3, i + 1),
        tag,
        tag,
        i === 0 ? null : `About ${tag}`,
        day(i),
      ]);
    });
    let link = 0;
    for (let post = 1; post <= TITLES.length; post++)
      for (let tag = 1; tag <= TAGS.length; tag++)
        if ((post + tag) % 3 === 0)
          db.run("INSERT INTO posts_tags VALUES (?, ?, ?, ?)", [id(4, ++link), id(2, post), id(3, tag), tag]);
    for (const [key, value, type] of [
      ["title", "Homelab notes", "blog"],
      ["description", "Three servers, one cloud", "blog"],
      ["locale", "en", "core"],
      ["db_hash", null, "core"],
    ])
      db.run("INSERT INTO settings (key, value, type, updated_at) VALUES (?, ?, ?, ?)", [
        key ?? "",
        value ?? null,
        type ?? "",
        day(20),
      ]);
    mkdirSync(dirname(file), { recursive: true });
    saveSqlite(db, file);
    return { file, created: true, rows: tableSizes(db) };
  } finally {
    db.close();
  }
}

function tableSizes(db: Awaited<ReturnType<typeof openSqlite>>): Record<string, number> {
  const tables = db.exec(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return Object.fromEntries(
    (tables[0]?.values ?? []).map(([name]) => {
      const count = db.exec(`SELECT COUNT(*) FROM "${String(name)}"`)[0]?.values[0]?.[0];
      return [String(name), Number(count)];
    }),
  );
}
