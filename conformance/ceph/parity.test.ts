/**
 * PARITY: the request sequence recorded in the reference samples (129 calls: auth, versioning,
 * health, OSDs, pools, RBD images/snapshots/clones/trash, users, every error case), plus EXTRA bad
 * input, replayed in order against the real Ceph started by scripts/ceph/start.sh AND against two
 * emulators — `createCephEmulator` served alone, and the Ceph endpoint `homelab-emulator up` prints
 * (the user's path) — each with its own tokens. For every call and emulator it compares:
 * - the status code, the Content-Type and the set of response header names (framing headers aside);
 * - the body's shape: keys and value types, recursively (conformance/ceph/shape.ts; values are not
 *   compared: ids, sizes and times differ between two clusters);
 * - for an error answer (either side 4xx/5xx), the values of `detail`, `code`, `component` and
 *   `status` to the letter;
 * - for a call real Ceph answered 202 (its task outlived the dashboard's 2 s wait) and the emulator
 *   did not: how the real task ended (from /api/task) instead of the 202 — success wants the status
 *   the endpoint gives when done in time (POST 201, PUT 200, DELETE 204); failure wants an error whose
 *   fields equal the task's exception. Only the 202 and its task body are excused, nothing else.
 * It prints every difference and fails on any not named in ALLOWED (calls and paths, one by one, with
 * the reason), and on a non-timing allowance that allowed nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createCephEmulator } from "@homelab-kit/emulator/ceph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDir } from "../../vitest.shared.js";
import { startUp } from "../emulator-up.js";
import { realCeph, realCephMetrics } from "./env.js";
import { type RawResponse, rawRequest } from "./raw-http.js";
import { type ShapeDifference as Difference, shapeDiff } from "./shape.js";

const SAMPLES = join(rootDir, "docs/reference/ceph/samples");

interface Sample {
  name: string;
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers?: Record<string, string>; body: unknown };
}

/**
 * An allowed difference, named: the calls (sample names) and the difference paths it covers (a path as
 * printed, or `prefix.*` for everything under one field of the body), and why it is not a defect.
 * `timing`: it shows only when real Ceph is in a given state (so it may allow nothing in a run).
 */
interface Allowed {
  samples: string[];
  paths: string[];
  reason: string;
  timing?: true;
  /** Only where real Ceph's answer holds more: a key only in real Ceph, or a type union that contains the emulator's. */
  realHasMore?: true;
}

function realHasMore(message: string): boolean {
  if (message === "only in real Ceph") return true;
  const m = /^type: real (\S+), emulator (\S+)$/.exec(message);
  if (!m) return false;
  const real = m[1]!.split("|");
  return m[2]!.split("|").every((k) => real.includes(k));
}

function allows(a: Allowed, sample: string, d: Difference): boolean {
  return (
    a.samples.includes(sample) && pathMatches(a.paths, d.path) && (!a.realHasMore || realHasMore(d.message))
  );
}

function pathMatches(paths: string[], path: string): boolean {
  return paths.some((p) => {
    if (!p.endsWith(".*")) return p === path;
    const prefix = p.slice(0, -2);
    return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[]`);
  });
}

const PROGRESS_EVENTS =
  "the mgr's progress module adds its events ('progress/Global Recovery Event' {global}, 'progress/PG autoscaler…' {pool}, successful) to every /api/task answer whatever the name filter; the emulator has no recovery or autoscaler events";
const TASK_HISTORY =
  "the real cluster's task list also holds the tasks of calls made before this sequence (conformance/ceph/client.test.ts, earlier runs on a developer's cluster): other metadata keys, failures (DashboardException ones with code/component/status/task), return values; the emulator starts with none. Only differences where real Ceph has more are allowed";

/** The calls that list tasks (`/api/task`, with and without a name filter). */
const TASK_SAMPLES = [
  "task_pool_create_size1_failed",
  "task_list_while_running",
  "task_pool_create_done",
  "task_pool_edit_done",
  "task_pool_create_duplicate_done",
  "task_list",
  "task_list_rbd",
  "task_pool_delete_done",
];

const ALLOWED: Allowed[] = [
  {
    samples: ["health_full"],
    paths: ["osd_map.blocklist.*"],
    reason:
      "the osdmap blocklist lists the clients of a mgr or OSD that restarted, for an hour (start.sh enabling the prometheus module respawns the mgr; conformance/ceph/metrics.test.ts restarts osd.0): live data",
    timing: true,
    realHasMore: true,
  },
  {
    samples: ["health_full", "monitor"],
    paths: ["mon_status.feature_map.client", "mon_status.feature_map.client.*"],
    reason:
      "the mon's feature map counts the client sessions open at that moment (ceph CLI calls, the mgr modules' librados handles a while after the mgr respawned): absent from real Ceph while none is open; live data",
    timing: true,
  },
  {
    samples: ["health_full"],
    paths: ["mgr_map.available_modules[].module_options.*"],
    reason: "the emulator lists 8 of Pacific's ~30 mgr modules: the union of their option names is smaller",
  },
  {
    samples: ["mgr_modules"],
    paths: ["[].options.*"],
    reason: "the emulator lists 8 of Pacific's ~30 mgr modules: the union of their option names is smaller",
  },
  {
    samples: TASK_SAMPLES,
    paths: ["finished_tasks[].metadata.global", "finished_tasks[].metadata.pool"],
    reason: PROGRESS_EVENTS,
    timing: true,
    realHasMore: true,
  },
  {
    samples: TASK_SAMPLES,
    paths: [
      "finished_tasks[].metadata.*",
      "finished_tasks[].exception",
      "finished_tasks[].exception.*",
      "finished_tasks[].ret_value",
    ],
    reason: TASK_HISTORY,
    timing: true,
    realHasMore: true,
  },
  {
    samples: ["cluster_conf_all"],
    paths: ["[].daemon_default"],
    reason:
      "the emulator serves 15 of Pacific's ~2000 options, with no daemon-reported default: on real Ceph the union of daemon_default types over all options depends on what the running daemons reported (absent on some runs)",
    timing: true,
  },
  {
    samples: ["health_minimal", "health_full", "health_with_flag_warning"],
    paths: ["pg_info.statuses.*"],
    reason:
      "PG state names are keys ('active+clean', 'creating+peering', …): which ones exist depends on how long ago the pools were created",
    timing: true,
  },
  {
    samples: ["osd_safe_to_destroy"],
    paths: ["message", "safe_to_destroy", "active", "missing_stats", "stored_pgs"],
    reason:
      "while the mon lacks PG stats for a fresh OSD, real Ceph answers {message, is_safe_to_destroy: false} instead of the lists",
    timing: true,
  },
  {
    samples: ["osd_list"],
    paths: [
      "[].osd_stats.hb_peers",
      "[].osd_stats.op_queue_age_hist.*",
      "[].osd_stats.perf_stat.*",
      "[].osd_stats.alerts",
      "[].stats_history.*",
    ],
    reason:
      "OSD heartbeat peers, op histograms and stats history are live daemon data (empty lists right after start)",
    timing: true,
  },
];

type TrashList = Array<{ value: Array<{ id: string; name: string }> }>;

interface Side {
  name: "real" | "emulator" | "up";
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
  // Past a uint64_t: the Python binding refuses it before librbd runs (a 500 task exception).
  [
    "extra_rbd_create_huge_size",
    "POST",
    "/api/block/image",
    { name: "huge", pool_name: "smoke-pool", size: 1e308 },
  ],
  // librbd's id object `rbd_id.<name>` is over osd_max_object_name_len: ENAMETOOLONG (errno 36).
  [
    "extra_rbd_create_name_too_long",
    "POST",
    "/api/block/image",
    { name: "n".repeat(2042), pool_name: "smoke-pool", size: 1048576 },
  ],
  [
    "extra_rbd_create_name_10mb",
    "POST",
    "/api/block/image",
    { name: "n".repeat(10_000_000), pool_name: "smoke-pool", size: 1048576 },
  ],
  [
    "extra_rbd_create_empty_name",
    "POST",
    "/api/block/image",
    { name: "", pool_name: "smoke-pool", size: 1048576 },
  ],
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

/**
 * Waits until the real mgr lists its prometheus module in `mgr_map.services` (/api/health/full, the
 * field the sequence compares): start.sh enables the module just before the suites run, and the
 * respawned mgr publishes the service a little later.
 */
async function waitForPrometheusService(url: string, token: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const health = await rawRequest(
      url,
      "GET",
      "/api/health/full",
      { Accept: "application/vnd.ceph.api.v1.0+json", Authorization: `Bearer ${token}` },
      undefined,
    );
    const services = (JSON.parse(health.text) as { mgr_map?: { services?: Record<string, string> } }).mgr_map
      ?.services;
    if (services?.prometheus !== undefined) return;
    if (Date.now() > deadline)
      throw new Error(
        `the real mgr runs the prometheus module (start.sh wrote CEPH_PROMETHEUS_URL) but mgr_map.services lists only ${Object.keys(services ?? {}).join(", ")} after 90 s`,
      );
    await new Promise((r) => setTimeout(r, 1000));
  }
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

/** How a task that answered 202 ended, from `/api/task` (the dashboard's finished_tasks entry). */
interface TaskOutcome {
  success: boolean;
  /** `{detail, code?, component?, status?}` of a failed task. */
  exception: Record<string, unknown> | null;
}

/**
 * After a 202 on real Ceph, wait for the task so the next call sees its result (as the recording
 * did), and give its outcome: what the call would have answered had it finished within the
 * dashboard's 2 s wait.
 */
async function settle(side: Side, response: RawResponse): Promise<TaskOutcome | undefined> {
  if (response.status !== 202) return undefined;
  const { name, metadata } = JSON.parse(response.text) as { name: string; metadata: unknown };
  const same = (t: { name: string; metadata: unknown }) =>
    t.name === name && JSON.stringify(t.metadata) === JSON.stringify(metadata);
  for (let i = 0; i < 720; i++) {
    const tasks = await rawRequest(
      side.url,
      "GET",
      `/api/task?name=${encodeURIComponent(name)}`,
      { Accept: "application/vnd.ceph.api.v1.0+json", Authorization: `Bearer ${side.adminToken}` },
      undefined,
    );
    const list = JSON.parse(tasks.text) as {
      executing_tasks: Array<{ name: string; metadata: unknown }>;
      finished_tasks: Array<{ name: string; metadata: unknown } & TaskOutcome>;
    };
    if (!list.executing_tasks.some(same)) {
      // newest first: the one this call started
      const done = list.finished_tasks.find(same);
      if (done === undefined) throw new Error(`task ${name} ${JSON.stringify(metadata)} vanished`);
      return { success: done.success, exception: done.exception };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`task ${name} ${JSON.stringify(metadata)} still running after 3 minutes`);
}

/** The status a task endpoint answers when its task finished in time (RESTController's defaults). */
const DONE_STATUS: Record<string, number> = { POST: 201, PUT: 200, DELETE: 204 };

/** The error fields compared to the letter: the dashboard's {detail, code, component} and CherryPy's status text. */
const ERROR_FIELDS = ["detail", "code", "component", "status"] as const;

function errorValueDiffs(real: unknown, emulated: unknown, only?: readonly string[]): Difference[] {
  const r = (real !== null && typeof real === "object" ? real : {}) as Record<string, unknown>;
  const e = (emulated !== null && typeof emulated === "object" ? emulated : {}) as Record<string, unknown>;
  const out: Difference[] = [];
  for (const field of only ?? ERROR_FIELDS) {
    if (r[field] === undefined && e[field] === undefined) continue;
    if (JSON.stringify(r[field]) !== JSON.stringify(e[field]))
      out.push({
        path: `value ${field}`,
        message: `real ${JSON.stringify(r[field])}, emulator ${JSON.stringify(e[field])}`,
      });
  }
  return out;
}

function parse(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The topology `homelab-emulator up` is started with: the real cluster's Ceph view (one host, the
 * machine's name, one 10 GiB OSD, the `rbd` pool, the same dashboard user) on an iLO 3 host, next to
 * an iLO 4 and an iLO 5 host without Ceph — the mixed fleet a user's `up` serves.
 */
function upTopology(hostname: string, username: string, password: string): string {
  return [
    "name: ceph-parity",
    "hosts:",
    `  - { name: ${hostname}, memoryGiB: 32, ilo: { generation: ilo3 }, ceph: { osds: 1, osdGiB: 10, mon: true } }`,
    "  - { name: parity-ilo4, memoryGiB: 32, ilo: { generation: ilo4 } }",
    "  - { name: parity-ilo5, memoryGiB: 32, ilo: { generation: ilo5 } }",
    "ceph:",
    `  users: [{ username: ${JSON.stringify(username)}, password: ${JSON.stringify(password)} }]`,
    "  pools: [{ name: rbd, pgNum: 8, applications: [rbd] }]",
    "",
  ].join("\n");
}

/** Per emulator side: calls compared, calls with no unexplained difference, the unexplained lines. */
interface Tally {
  compared: number;
  alike: number;
  settledTasks: number;
  errorsCompared: number;
  unexplained: string[];
}

describe("Ceph parity: real Pacific vs the emulator (served alone, and by homelab-emulator up), same request sequence", () => {
  const realCluster = realCeph();
  let real: Side | undefined;
  const emulators: Side[] = [];
  beforeAll(async () => {
    const realToken = await login(realCluster.url, realCluster.username, realCluster.password);
    real = { name: "real", url: realCluster.url, adminToken: realToken, tokens: new Map() };
    const hosts = await rawRequest(
      realCluster.url,
      "GET",
      "/api/host",
      { Accept: "application/vnd.ceph.api.v1.1+json", Authorization: `Bearer ${realToken}` },
      undefined,
    );
    // The same topology as the CI cluster: one host (the machine's name) with one OSD.
    const hostname = (JSON.parse(hosts.text) as Array<{ hostname: string }>)[0]?.hostname ?? "localhost";
    const emulator = createCephEmulator({
      hosts: [{ name: hostname, osds: 1 }],
      users: [{ username: realCluster.username, password: realCluster.password, roles: ["administrator"] }],
      warnOnNoRedundancy: false,
    });
    const served = await emulator.listen();
    const adminToken = await login(served.url, realCluster.username, realCluster.password);
    // The CI cluster runs the prometheus module (scripts/ceph/start.sh with CEPH_PROMETHEUS_PORT);
    // `up` serves it too: the emulator served alone gets it enabled the way a user would.
    if (realCephMetrics() !== undefined) {
      await waitForPrometheusService(realCluster.url, realToken);
      // With a body (Content-Length): a bodyless raw POST gets CherryPy's 411, as on real Ceph.
      const enabled = await rawRequest(
        served.url,
        "POST",
        "/api/mgr/module/prometheus/enable",
        {
          Accept: "application/vnd.ceph.api.v1.0+json",
          "Content-Type": "application/json",
          Authorization: `Bearer ${adminToken}`,
        },
        "{}",
      );
      if (enabled.status >= 300)
        throw new Error(
          `enabling the emulator's prometheus module answered ${enabled.status}: ${enabled.text}`,
        );
    }
    emulators.push({
      name: "emulator",
      url: served.url,
      adminToken,
      tokens: new Map(),
      stop: () => served.close(),
    });
    // What a user gets: the Ceph endpoint `homelab-emulator up` prints.
    const up = await startUp({
      topologyYaml: upTopology(hostname, realCluster.username, realCluster.password),
    });
    const ceph = up.endpoints.ceph;
    if (ceph === undefined) throw new Error("homelab-emulator up printed no Ceph endpoint");
    console.log(`homelab-emulator up: Ceph dashboard at ${ceph.url}`);
    emulators.push({
      name: "up",
      url: ceph.url,
      adminToken: await login(ceph.url, ceph.username, ceph.password),
      tokens: new Map(),
      stop: () => up.stop(),
    });
  });
  afterAll(async () => {
    if (real !== undefined) {
      // Leave the real cluster as we found it, whatever happened above.
      const headers = {
        Accept: "application/vnd.ceph.api.v1.0+json",
        Authorization: `Bearer ${real.adminToken}`,
      };
      for (const pool of ["smoke-pool", "smoke-pool-size1", "smoke-neg-pg"]) {
        await rawRequest(real.url, "DELETE", `/api/pool/${pool}`, headers, undefined).catch(() => {});
      }
      await rawRequest(real.url, "DELETE", "/api/user/smoke-ro", headers, undefined).catch(() => {});
    }
    for (const side of emulators) await side.stop?.();
  });

  it("answers every recorded call alike (status, content-type, header names, shape, error values), up to the named allowances", {
    timeout: 900_000,
  }, async () => {
    const samples = loadSamples();
    expect(samples.length).toBe(129 + EXTRA.length);
    const realSide = real!;
    const tallies = new Map<Side, Tally>(
      emulators.map((side) => [
        side,
        { compared: 0, alike: 0, settledTasks: 0, errorsCompared: 0, unexplained: [] },
      ]),
    );
    const used = new Map<Allowed, number>();
    for (const sample of samples) {
      const started = performance.now();
      const r = await send(realSide, sample);
      const outcome = await settle(realSide, r);
      const took = performance.now() - started;
      if (took > 3_000)
        console.log(`slow: ${sample.name} took ${Math.round(took)} ms on real Ceph (status ${r.status})`);
      for (const side of emulators) {
        const e = await send(side, sample);
        trackIds(sample, realSide, r, side, e);
        const tally = tallies.get(side)!;
        const differences = compare(sample, r, outcome, e, tally);
        let unexplained = 0;
        for (const d of differences) {
          const line = `${side.name}: ${sample.name} ${sample.request.method} ${sample.request.path}: ${d.path}: ${d.message}`;
          const allowance = ALLOWED.find((a) => allows(a, sample.name, d));
          if (allowance === undefined) {
            unexplained++;
            tally.unexplained.push(line);
            console.log(`DIFF ${line}`);
          } else {
            used.set(allowance, (used.get(allowance) ?? 0) + 1);
            if (process.env.PARITY_VERBOSE) console.log(`allowed ${line}`);
          }
        }
        tally.compared++;
        if (unexplained === 0) tally.alike++;
      }
      // the real side's ids after all sides saw the call (trackIds reads the real response once per side)
      trackIds(sample, realSide, r, undefined, undefined);
    }
    for (const [side, t] of tallies)
      console.log(
        `${side.name}: ${t.alike}/${t.compared} calls alike (${t.settledTasks} slow real tasks compared by their outcome, ${t.errorsCompared} error answers compared by value); unexplained differences: ${t.unexplained.length}`,
      );
    console.log("allowed differences (all sides):");
    for (const a of ALLOWED)
      console.log(`  ${used.get(a) ?? 0} × ${a.samples.join(", ")}: ${a.paths.join(", ")} — ${a.reason}`);
    for (const [side, t] of tallies) {
      expect(t.unexplained, side.name).toEqual([]);
      // the error values were compared, not skipped: the sequence has dozens of error answers
      expect(t.errorsCompared, side.name).toBeGreaterThan(30);
    }
    // an allowance that allowed nothing is stale (the emulator or Ceph changed), unless it is a timing one
    const stale = ALLOWED.filter((a) => !a.timing && !used.has(a)).map(
      (a) => `${a.samples.join(", ")}: ${a.paths.join(", ")}`,
    );
    expect(stale).toEqual([]);
  });
});

/**
 * Ids a later call needs: a read-only user's token (by the recorded one), trashed image ids (by
 * name). With `side` the emulator side's response is read; without, the real side's.
 */
function trackIds(
  sample: Sample,
  realSide: Side,
  r: RawResponse,
  side: Side | undefined,
  e: RawResponse | undefined,
): void {
  const [target, response] = side === undefined || e === undefined ? [realSide, r] : [side, e];
  if (sample.request.path === "/api/auth" && response.status === 201) {
    const recorded = (sample.response.body as { token?: string } | null)?.token;
    if (recorded) target.tokens.set(recorded, (JSON.parse(response.text) as { token: string }).token);
  }
  if (sample.name === "rbd_trash_list") {
    const live = (JSON.parse(response.text) as TrashList).flatMap((p) => p.value);
    for (const entry of (sample.response.body as TrashList).flatMap((p) => p.value)) {
      const found = live.find((l) => l.name === entry.name);
      if (found !== undefined) target.tokens.set(entry.id, found.id);
    }
  }
}

/** Every difference between real Ceph's answer (and, for a 202, how its task ended) and one emulator side's. */
function compare(
  sample: Sample,
  r: RawResponse,
  outcome: TaskOutcome | undefined,
  e: RawResponse,
  tally: Tally,
): Difference[] {
  const differences: Difference[] = [];
  if (outcome !== undefined && e.status !== 202) {
    // A slow real task answered 202 + the task where the emulator (instant tasks) answered the
    // outcome: compare the emulator's answer with how the real task ended — only the 202 is excused.
    tally.settledTasks++;
    if (outcome.success) {
      const expected = DONE_STATUS[sample.request.method];
      if (e.status !== expected)
        differences.push({
          path: "status",
          message: `real task succeeded (${expected} had it finished in 2 s), emulator ${e.status}`,
        });
    } else {
      if (e.status < 400)
        differences.push({ path: "status", message: `real task failed, emulator ${e.status}` });
      // the task's exception carries what it has of {detail, code, component, status}
      tally.errorsCompared++;
      differences.push(
        ...errorValueDiffs(outcome.exception, parse(e.text), Object.keys(outcome.exception ?? {})),
      );
    }
  } else {
    differences.push(...shapeDiff(parse(r.text), parse(e.text)));
    if (r.status !== e.status)
      differences.push({ path: "status", message: `real ${r.status}, emulator ${e.status}` });
    if (r.status >= 400 || e.status >= 400) {
      tally.errorsCompared++;
      differences.push(...errorValueDiffs(parse(r.text), parse(e.text)));
    }
  }
  // A settled 202's content type is the one real Ceph gave when the call finished in time: the
  // recording's (an error's depends on the layer that raised it: application/json or the API's)
  const inTime =
    outcome !== undefined && e.status !== 202 && sample.response.status !== 202
      ? sample.response.headers?.["Content-Type"]
      : undefined;
  const rType = inTime ?? r.headers["content-type"];
  const eType = e.headers["content-type"];
  if (rType !== eType)
    differences.push({
      path: "content-type",
      message: `real ${rType}${inTime ? " (recorded, finished in time)" : ""}, emulator ${eType}`,
    });
  // The same response headers (names), framing and hop-by-hop headers aside.
  const framing = new Set(["date", "content-length", "transfer-encoding", "connection", "keep-alive"]);
  for (const header of new Set([...Object.keys(r.headers), ...Object.keys(e.headers)])) {
    if (framing.has(header)) continue;
    if ((r.headers[header] === undefined) !== (e.headers[header] === undefined)) {
      const side = r.headers[header] === undefined ? "the emulator" : "real Ceph";
      differences.push({ path: `header ${header}`, message: `only from ${side}` });
    }
  }
  return differences;
}
