/**
 * PARITY: the request sequence recorded in the reference samples (129 calls: auth, versioning,
 * health, OSDs, pools, RBD images/snapshots/clones/trash, users, every error case), plus EXTRA bad
 * input, replayed in order against the real Ceph started by scripts/ceph/start.sh AND against the emulator, each
 * with its own tokens. For every call it compares the status code, the Content-Type, the
 * response shape (keys and value types, recursively) and, for errors, the dashboard's detail,
 * code and component to the letter; it prints every difference, and fails on any
 * difference not listed in ALLOWED below with its reason.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createCephEmulator } from "@homelab-kit/emulator/ceph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDir } from "../../vitest.shared.js";
import { realCeph } from "./env.js";
import { type RawResponse, rawRequest } from "./raw-http.js";
import { shapeDiff } from "./shape.js";

const SAMPLES = join(rootDir, "docs/reference/ceph/samples");

interface Sample {
  name: string;
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; body: unknown };
}

/** An allowed difference: which calls (sample name regex), which paths (regex), and why. */
interface Allowed {
  sample: RegExp;
  path: RegExp;
  reason: string;
}

/** A slow real task answered 202 where the emulator finished at once: its body is the task. */
const TASK_TIMING =
  "task endpoints answer their outcome (201/200/204, or the error) when done within 2 s and 202 + /api/task otherwise: real Ceph's timing decides, the emulator's tasks are instant by default";

const ALLOWED: Allowed[] = [
  {
    sample: /^cluster_conf_(all|filter)$/,
    path: /^\[\]\.(default|min|max|value|source|enum_values|daemon_default)$/,
    reason:
      "the emulator serves 15 of Pacific's ~2000 options: the union of value types over its list is narrower",
  },
  {
    sample: /^osd_safe_to_destroy$/,
    path: /^(message|safe_to_destroy|active|missing_stats|stored_pgs)$/,
    reason:
      "osd safe-to-destroy: while the mon lacks PG stats for a fresh OSD, real Ceph answers {message, is_safe_to_destroy: false} instead of the lists (timing)",
  },
  {
    sample: /.*/,
    path: /(^|\.)(pg_info\.statuses|pg_status)\./,
    reason: "PG state names are data (keys like 'active+clean', 'creating+peering' depend on timing)",
  },
  {
    sample: /^(health_full)$/,
    path: /^(mgr_map|fs_map|mon_status\.feature_map)\./,
    reason:
      "mgr/fs/feature maps are copied from one recording; their per-client/per-module keys are live data",
  },
  {
    sample: /.*/,
    path: /(^|\.)(osd_stats\.(hb_peers|op_queue_age_hist|perf_stat|alerts)|stats_history)\b/,
    reason: "OSD heartbeat peers, op histograms and stats history are live daemon data",
  },
  {
    sample: /.*/,
    path: /(^|\.)permissions\.|scopes_permissions\./,
    reason: "permission scope names are data",
  },
  {
    sample: /^mgr_modules$/,
    path: /^\[\]\.options\./,
    reason: "the emulator lists 8 of Pacific's ~30 mgr modules: the union of their option names is smaller",
  },
  {
    sample: /^(task_.*|summary)$/,
    path: /^(finished|executing)_tasks\[\]\.(metadata\.|exception($|\.)|ret_value$|end_time$|duration$|success$)/,
    reason:
      "task history is data: the real cluster's list also holds earlier operations (other metadata keys, failures) and mgr progress events",
  },
];

type TrashList = Array<{ value: Array<{ id: string; name: string }> }>;

interface Side {
  name: "real" | "emulator";
  url: string;
  adminToken: string;
  /** Recorded tokens (read-only user) → this side's live ones. */
  tokens: Map<string, string>;
  stop?: () => Promise<void>;
}

const V1 = { Accept: "application/vnd.ceph.api.v1.0+json", Authorization: "Bearer <token>" };

/** Bad input beyond the recordings, replayed right after `rbd_get` (smoke-pool/smoke-img exists then). */
const EXTRA: Sample[] = [
  [
    "extra_rbd_create_negative_size",
    "POST",
    "/api/block/image",
    { name: "neg", pool_name: "smoke-pool", size: -1 },
  ],
  ["extra_rbd_resize_not_integer", "PUT", "/api/block/image/smoke-pool%2Fsmoke-img", { size: "big" }],
  [
    "extra_rbd_create_size_as_string",
    "POST",
    "/api/block/image",
    { name: "strsize", pool_name: "smoke-pool", size: "1048576" },
  ],
  ["extra_rbd_delete_size_as_string", "DELETE", "/api/block/image/smoke-pool%2Fstrsize", null],
  [
    "extra_pool_create_negative_pg_num",
    "POST",
    "/api/pool",
    { pool: "smoke-neg-pg", pool_type: "replicated", pg_num: -1 },
  ],
  ["extra_snap_delete_missing", "DELETE", "/api/block/image/smoke-pool%2Fsmoke-img/snap/nosnap", null],
  [
    "extra_snap_rename_missing",
    "PUT",
    "/api/block/image/smoke-pool%2Fsmoke-img/snap/nosnap",
    { new_snap_name: "x" },
  ],
  ["extra_flatten_not_a_clone", "POST", "/api/block/image/smoke-pool%2Fsmoke-img/flatten", {}],
  [
    "extra_copy_to_existing",
    "POST",
    "/api/block/image/smoke-pool%2Fsmoke-img/copy",
    {
      dest_pool_name: "smoke-pool",
      dest_namespace: null,
      dest_image_name: "smoke-img",
    },
  ],
  [
    "extra_trash_restore_missing",
    "POST",
    "/api/block/image/trash/smoke-pool%2Fdeadbeef/restore",
    { new_image_name: "z" },
  ],
  ["extra_unknown_path", "GET", "/api/nonexistent", null],
].map(([name, method, path, body]) => ({
  name: name as string,
  request: {
    method: method as string,
    path: path as string,
    headers: body === null ? V1 : { ...V1, "Content-Type": "application/json" },
    body,
  },
  response: { status: 0, body: null },
}));

function loadSamples(): Sample[] {
  const recorded = readdirSync(SAMPLES)
    .filter((f) => /^\d{3}_.+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(SAMPLES, f), "utf8")) as Sample);
  const at = recorded.findIndex((s) => s.name === "rbd_get") + 1;
  return [...recorded.slice(0, at), ...EXTRA, ...recorded.slice(at)];
}

function substitute(text: string, side: Side): string {
  let out = text.replaceAll("<token>", side.adminToken);
  for (const [recorded, live] of side.tokens) out = out.replaceAll(recorded, live);
  return out;
}

async function send(side: Side, sample: Sample): Promise<RawResponse> {
  const { method, path, headers, body } = sample.request;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = substitute(value, side);
  const payload =
    body === null || body === undefined
      ? undefined
      : substitute(typeof body === "string" ? body : JSON.stringify(body), side);
  return rawRequest(side.url, method, substitute(path, side), out, payload);
}

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await rawRequest(
    url,
    "POST",
    "/api/auth",
    { Accept: "application/vnd.ceph.api.v1.0+json", "Content-Type": "application/json" },
    JSON.stringify({ username, password }),
  );
  if (response.status !== 201) throw new Error(`login to ${url} failed: ${response.status} ${response.text}`);
  return (JSON.parse(response.text) as { token: string }).token;
}

/** After a 202 on real Ceph, wait for the task so the next call sees its result (as the recording did). */
async function settle(side: Side, response: RawResponse): Promise<void> {
  if (response.status !== 202) return;
  const { name } = JSON.parse(response.text) as { name: string };
  for (let i = 0; i < 720; i++) {
    const tasks = await rawRequest(
      side.url,
      "GET",
      `/api/task?name=${encodeURIComponent(name)}`,
      { Accept: "application/vnd.ceph.api.v1.0+json", Authorization: `Bearer ${side.adminToken}` },
      undefined,
    );
    if ((JSON.parse(tasks.text) as { executing_tasks: unknown[] }).executing_tasks.length === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function parse(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe("Ceph parity: real Pacific vs emulator, same request sequence", () => {
  const real = realCeph();
  const sides: Side[] = [];
  beforeAll(async () => {
    const realToken = await login(real.url, real.username, real.password);
    const hosts = await rawRequest(
      real.url,
      "GET",
      "/api/host",
      { Accept: "application/vnd.ceph.api.v1.1+json", Authorization: `Bearer ${realToken}` },
      undefined,
    );
    // The same topology as the CI cluster: one host (the machine's name) with one OSD.
    const hostname = (JSON.parse(hosts.text) as Array<{ hostname: string }>)[0]?.hostname ?? "localhost";
    const emulator = createCephEmulator({
      hosts: [{ name: hostname, osds: 1 }],
      users: [{ username: real.username, password: real.password, roles: ["administrator"] }],
      warnOnNoRedundancy: false,
    });
    const served = await emulator.listen();
    sides.push(
      { name: "real", url: real.url, adminToken: realToken, tokens: new Map() },
      {
        name: "emulator",
        url: served.url,
        adminToken: await login(served.url, real.username, real.password),
        tokens: new Map(),
        stop: () => served.close(),
      },
    );
  });
  afterAll(async () => {
    const realSide = sides[0];
    if (realSide !== undefined) {
      // Leave the real cluster as we found it, whatever happened above.
      const headers = {
        Accept: "application/vnd.ceph.api.v1.0+json",
        Authorization: `Bearer ${realSide.adminToken}`,
      };
      for (const pool of ["smoke-pool", "smoke-pool-size1", "smoke-neg-pg"]) {
        await rawRequest(realSide.url, "DELETE", `/api/pool/${pool}`, headers, undefined).catch(() => {});
      }
      await rawRequest(realSide.url, "DELETE", "/api/user/smoke-ro", headers, undefined).catch(() => {});
    }
    await sides[1]?.stop?.();
  });

  it("answers every recorded call alike (status, content-type, shape), up to the listed allowances", {
    timeout: 600_000,
  }, async () => {
    const samples = loadSamples();
    expect(samples.length).toBe(129 + EXTRA.length);
    const unexplained: string[] = [];
    const allowed = new Map<string, number>();
    let compared = 0;
    for (const sample of samples) {
      const started = performance.now();
      const [r, e] = [await send(sides[0]!, sample), await send(sides[1]!, sample)];
      await settle(sides[0]!, r);
      const took = performance.now() - started;
      if (took > 3_000)
        console.log(`slow: ${sample.name} took ${Math.round(took)} ms on real Ceph (status ${r.status})`);
      // A read-only user's login: remember each side's token for the recorded one.
      if (sample.request.path === "/api/auth" && r.status === 201 && e.status === 201) {
        const recorded = (sample.response.body as { token?: string } | null)?.token;
        if (recorded) {
          sides[0]!.tokens.set(recorded, (JSON.parse(r.text) as { token: string }).token);
          sides[1]!.tokens.set(recorded, (JSON.parse(e.text) as { token: string }).token);
        }
      }
      // Trashed images are addressed by id: map the recorded ids to each side's, by name.
      if (sample.name === "rbd_trash_list") {
        for (const [side, response] of [
          [sides[0]!, r],
          [sides[1]!, e],
        ] as const) {
          const live = (JSON.parse(response.text) as TrashList).flatMap((p) => p.value);
          for (const entry of (sample.response.body as TrashList).flatMap((p) => p.value)) {
            const found = live.find((l) => l.name === entry.name);
            if (found !== undefined) side.tokens.set(entry.id, found.id);
          }
        }
      }
      const differences = shapeDiff(parse(r.text), parse(e.text)).map((d) => ({ ...d }));
      if (r.status !== e.status)
        differences.push({ path: "status", message: `real ${r.status}, emulator ${e.status}` });
      const rType = r.headers["content-type"];
      const eType = e.headers["content-type"];
      if (rType !== eType)
        differences.push({ path: "content-type", message: `real ${rType}, emulator ${eType}` });
      // The same response headers (names), framing and hop-by-hop headers aside.
      const framing = new Set(["date", "content-length", "transfer-encoding", "connection", "keep-alive"]);
      for (const header of new Set([...Object.keys(r.headers), ...Object.keys(e.headers)])) {
        if (framing.has(header)) continue;
        if ((r.headers[header] === undefined) !== (e.headers[header] === undefined)) {
          const side = r.headers[header] === undefined ? "the emulator" : "real Ceph";
          differences.push({ path: `header ${header}`, message: `only from ${side}` });
        }
      }
      compared++;
      // A slow real task answered 202 (its success or failure then shows in /api/task) where the
      // emulator answered the outcome at once.
      const slowRealTask = r.status === 202 && e.status !== 202;
      for (const d of differences) {
        const line = `${sample.name} ${sample.request.method} ${sample.request.path}: ${d.path}: ${d.message}`;
        const reason = slowRealTask
          ? TASK_TIMING
          : ALLOWED.find((a) => a.sample.test(sample.name) && a.path.test(d.path))?.reason;
        if (reason === undefined) {
          unexplained.push(line);
          console.log(`DIFF ${line}`);
        } else {
          allowed.set(reason, (allowed.get(reason) ?? 0) + 1);
        }
      }
    }
    console.log(`compared ${compared} calls; allowed differences by reason:`);
    for (const [reason, n] of allowed) console.log(`  ${n} × ${reason}`);
    console.log(`unexplained differences: ${unexplained.length}`);
    expect(unexplained).toEqual([]);
  });
});
