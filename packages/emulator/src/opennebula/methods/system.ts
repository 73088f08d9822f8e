/**
 * `one.system.*`: version, config (a small OPENNEBULA_CONFIGURATION, oned.conf defaults), and the
 * SQL calls. The emulator has no database: `sql` answers every statement as a backend that
 * refused it, and `sqlquery` answers plain SELECTs over the object tables (`vm_pool`, `host_pool`,
 * …) from the state, in oned's `<SQL_COMMAND>` shape; anything else fails as a refused query.
 */
import { ErrorCode, failures, OneFailure } from "../errors.js";
import type { OpenNebulaState, Owned } from "../state.js";
import { cdata } from "../xml.js";
import { clusterXml } from "./cluster.js";
import type { Ctx, MethodDef } from "./context.js";
import { bool, str } from "./context.js";
import { datastoreXml } from "./datastore.js";
import { groupXml } from "./group.js";
import { hostXml } from "./host.js";
import { imageXml } from "./image.js";
import { templateXml } from "./template.js";
import { userXml } from "./user.js";
import { vmXml } from "./vm.js";
import { vnetXml } from "./vn.js";

/** SqlError::SQL (include/SqlDB.h): what a statement the backend rejects returns, as resp_id. */
const SQL_ERROR = 0x2000000;

/** SystemAPI::sql/sql_query: only oneadmin (uid 0), AUTHORIZATION with no message otherwise. */
function requireOneadmin(ctx: Ctx): void {
  if (ctx.user.id !== 0)
    throw new OneFailure(
      ErrorCode.AUTHORIZATION,
      `User [${ctx.user.id}] not authorized to perform action on -.`,
    );
}

const refused = () => failures.action("", SQL_ERROR);

type Row = Record<string, string | number>;

const perms = (o: Owned) => ({
  uid: o.uid,
  gid: o.gid,
  owner_u: o.permissions[0],
  group_u: o.permissions[3],
  other_u: o.permissions[6],
});

const OWNED = ["oid", "name", "body", "uid", "gid", "owner_u", "group_u", "other_u"];
const oneadminOwned = { uid: 0, gid: 0, owner_u: 1, group_u: 0, other_u: 0 };

/** The object tables `sqlquery` can read: their columns (oned's, in order; no JSON/search ones) and rows. */
const TABLES: Record<string, { columns: string[]; rows: (s: OpenNebulaState) => Row[] }> = {
  vm_pool: {
    columns: [...OWNED, "state", "lcm_state"],
    rows: (s) =>
      [...s.vms.values()].map((vm) => ({
        oid: vm.id,
        name: vm.name,
        body: vmXml(s, vm),
        ...perms(vm),
        state: vm.state,
        lcm_state: vm.lcm,
      })),
  },
  host_pool: {
    columns: [...OWNED, "state", "cid"],
    rows: (s) =>
      [...s.hosts.values()].map((h) => ({
        oid: h.id,
        name: h.name,
        body: hostXml(s, h),
        ...oneadminOwned,
        state: h.state,
        cid: h.clusterId,
      })),
  },
  user_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.users.values()].map((u) => ({
        oid: u.id,
        name: u.name,
        body: userXml(s, u),
        ...oneadminOwned,
        uid: u.id,
        gid: u.gid,
      })),
  },
  group_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.groups.values()].map((g) => ({
        oid: g.id,
        name: g.name,
        body: groupXml(s, g),
        ...oneadminOwned,
      })),
  },
  image_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.images.values()].map((i) => ({ oid: i.id, name: i.name, body: imageXml(s, i), ...perms(i) })),
  },
  network_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.vnets.values()].map((v) => ({ oid: v.id, name: v.name, body: vnetXml(s, v), ...perms(v) })),
  },
  template_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.templates.values()].map((t) => ({
        oid: t.id,
        name: t.name,
        body: templateXml(s, t),
        ...perms(t),
      })),
  },
  datastore_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.datastores.values()].map((d) => ({
        oid: d.id,
        name: d.name,
        body: datastoreXml(s, d),
        ...perms(d),
      })),
  },
  cluster_pool: {
    columns: OWNED,
    rows: (s) =>
      [...s.clusters.values()].map((c) => ({
        oid: c.id,
        name: c.name,
        body: clusterXml(s, c),
        ...oneadminOwned,
      })),
  },
};

const SELECT =
  /^\s*SELECT\s+(\*|[a-z_]\w*(?:\s*,\s*[a-z_]\w*)*)\s+FROM\s+([a-z_]\w*)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+([a-z_]\w*)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*;?\s*$/is;
const COND = /^\s*([a-z_]\w*)\s*(=|<>|!=|<=|>=|<|>)\s*(-?\d+|'(?:[^']|'')*')\s*$/is;

function compare(a: string | number, op: string, b: string | number): boolean {
  const x = typeof b === "number" ? Number(a) : String(a);
  switch (op) {
    case "=":
      return x === b;
    case "<>":
    case "!=":
      return x !== b;
    case "<":
      return x < b;
    case ">":
      return x > b;
    case "<=":
      return x <= b;
    default:
      return x >= b;
  }
}

/** Runs a plain SELECT (columns or *, one table, WHERE … AND …, ORDER BY, LIMIT); null if it is not one. */
function select(state: OpenNebulaState, sql: string): Array<Array<[string, string | number]>> | null {
  const m = SELECT.exec(sql);
  if (!m) return null;
  const table = TABLES[m[2]!.toLowerCase()];
  if (!table) return null;
  const { columns } = table;
  const has = (c: string) => columns.includes(c.toLowerCase());
  const wanted = m[1] === "*" ? columns : m[1]!.split(",").map((c) => c.trim());
  if (!wanted.every(has)) return null;
  const conds: Array<{ col: string; op: string; value: string | number }> = [];
  for (const part of m[3] ? m[3].split(/\s+AND\s+/i) : []) {
    const c = COND.exec(part);
    if (!c || !has(c[1]!)) return null;
    const raw = c[3]!;
    const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : Number(raw);
    conds.push({ col: c[1]!.toLowerCase(), op: c[2]!, value });
  }
  const order = m[4]?.toLowerCase() ?? "oid";
  if (!has(order)) return null;
  const dir = m[5]?.toUpperCase() === "DESC" ? -1 : 1;
  const out = table
    .rows(state)
    .filter((r) => conds.every((c) => compare(r[c.col]!, c.op, c.value)))
    .sort((a, b) => (a[order]! < b[order]! ? -dir : a[order]! > b[order]! ? dir : 0))
    .slice(0, m[6] === undefined ? undefined : Number(m[6]));
  return out.map((r) => wanted.map((c): [string, string | number] => [c, r[c.toLowerCase()]!]));
}

/** SystemAPI::select_cb: a value starting with `<` (an XML body) goes base64 as `<name64>`. */
function rowXml(row: Array<[string, string | number]>): string {
  const cells = row.map(([name, value]) => {
    const v = String(value);
    return v.startsWith("<")
      ? `<${name}64>${cdata(Buffer.from(v, "utf8").toString("base64"))}</${name}64>`
      : `<${name}>${cdata(v)}</${name}>`;
  });
  return `<ROW>${cells.join("")}</ROW>`;
}

export const systemMethods: Record<string, MethodDef> = {
  "one.system.version": { params: [], run: (ctx) => ctx.state.version },
  "one.system.config": {
    params: [],
    run: (ctx) =>
      `<OPENNEBULA_CONFIGURATION><ACTION_TIMEOUT>300</ACTION_TIMEOUT><API_LIST_ORDER><![CDATA[${ctx.state.listOrder}]]></API_LIST_ORDER><DEFAULT_DEVICE_PREFIX><![CDATA[hd]]></DEFAULT_DEVICE_PREFIX><DEFAULT_IMAGE_TYPE><![CDATA[OS]]></DEFAULT_IMAGE_TYPE><DEFAULT_UMASK><![CDATA[177]]></DEFAULT_UMASK><KEEPALIVE_MAX_CONN>30</KEEPALIVE_MAX_CONN><KEEPALIVE_TIMEOUT>15</KEEPALIVE_TIMEOUT><LISTEN_ADDRESS><![CDATA[0.0.0.0]]></LISTEN_ADDRESS><MAC_PREFIX><![CDATA[02:00]]></MAC_PREFIX><MAX_CONN>15</MAX_CONN><MAX_CONN_BACKLOG>15</MAX_CONN_BACKLOG><MESSAGE_SIZE>1073741824</MESSAGE_SIZE><NETWORK_SIZE>254</NETWORK_SIZE><PORT>2633</PORT><RPC_LOG><![CDATA[NO]]></RPC_LOG></OPENNEBULA_CONFIGURATION>`,
  },
  "one.system.sql": {
    params: [str(), bool()],
    run(ctx) {
      requireOneadmin(ctx);
      // No database behind the emulator: every statement fails as one the backend rejected.
      throw refused();
    },
  },
  "one.system.sqlquery": {
    params: [str()],
    run(ctx, [sql]) {
      requireOneadmin(ctx);
      const rows = select(ctx.state, sql as string);
      if (rows === null) throw refused();
      return `<SQL_COMMAND><QUERY>${cdata(sql as string)}</QUERY><RESULT>${rows.map(rowXml).join("")}</RESULT></SQL_COMMAND>`;
    },
  },
};
