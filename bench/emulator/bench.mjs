// bench/emulator: start time of a topology (CLI spawn → every endpoint answering: HTTP 200 and the
// expected content from the control API, Ceph, OpenNebula and every BMC), the emulator process's CPU
// time until then, RSS, and mixed-API requests per second (every answer checked the same way).
//   pnpm build && node bench/emulator/bench.mjs [seconds=5] [runs=3]     (pnpm bench emulator)
//   --quick: one run, 1 s of load, a generated topology of 20 hosts / 200 VMs instead of 1,000 / 10,000
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  emulatorCopy,
  emulatorUp,
  goal,
  numbers,
  QUICK,
  requireBuilt,
  writeResult,
} from "../lib/harness.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
requireBuilt("core", "emulator");
// undici is the emulator's devDependency: resolve it from there
const { Agent, request } = createRequire(join(root, "packages/emulator/package.json"))("undici");
const bin = emulatorCopy();
const [seconds = QUICK ? 1 : 5, runs = QUICK ? 1 : 3] = numbers;
const [bigHosts, bigVms] = QUICK ? [20, 200] : [1000, 10_000];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A generated topology: `hosts` hosts with Ceph OSDs, `vms` VMs spread over them. */
function generatedTopology(hosts, vms) {
  const lines = ["name: generated", "hosts:"];
  for (let h = 1; h <= hosts; h++) {
    lines.push(
      `  - { name: host${h}, memoryGiB: 512, cpu: { sockets: 2, cores: 32, threads: 64 }, ilo: { generation: ilo5 }, ceph: { osds: 1, osdGiB: 1000, mon: ${h <= 3} } }`,
    );
  }
  lines.push(
    "ceph:",
    "  pools: [{ name: rbd, pgNum: 1024 }]",
    "opennebula:",
    "  datastores: [{ name: ceph-images, type: image, driver: ceph, pool: rbd }]",
    "  networks: [{ name: lan, range: { ip: 10.0.0.10, size: 60000 } }]",
    "  images: [{ name: base, datastore: ceph-images, sizeMiB: 2048 }]",
    "  templates: [{ name: small, cpu: 0.5, vcpu: 1, memoryMiB: 1024, image: base, network: lan }]",
    "  vms:",
  );
  for (let v = 0; v < vms; v++)
    lines.push(`    - { name: vm${v}, template: small, host: host${(v % hosts) + 1} }`);
  return `${lines.join("\n")}\n`;
}

/** CPU seconds (user + system) the process has used so far (Linux /proc, clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** What a healthy answer of each API looks like (status 200 and this content). */
const EXPECT = {
  control: (body) => JSON.parse(body) !== null,
  ceph: (body) => typeof JSON.parse(body).health === "object",
  opennebula: (body) => body.includes("<boolean>1</boolean>"),
  xmldata: (body) => body.includes("<RIMP>"),
  ribcl: (body) => body.includes('STATUS="0x0000"'),
};

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const RIBCL_POWER = `<?xml version="1.0"?><RIBCL VERSION="2.0"><LOGIN USER_LOGIN="Administrator" PASSWORD="emulator-ilo"><SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO></LOGIN></RIBCL>`;
const xmlrpc = (method, ...params) =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value>${p}</value></param>`).join("")}</params></methodCall>`;

/** Spawns `homelab-emulator up --json`, waits for every endpoint to answer; returns times and the child. */
async function start(args) {
  const t0 = performance.now();
  // the cluster is measured by bench/kubernetes; here the APIs alone
  const up = emulatorUp(bin, mkdtempSync(join(tmpdir(), "emu-")), ["--no-kubernetes", ...args]);
  const child = up.child;
  started.add(child);
  const endpoints = await up.endpoints;
  const printed = performance.now() - t0;
  const ca = readFileSync(endpoints.iloCaFile, "utf8");
  const dispatcher = new Agent({ connect: { ca }, connections: 64 });
  /** Asks, and fails the bench unless the answer is a 200 with the expected content. */
  const answer = async (what, url, init = {}) => {
    const res = await request(url, { dispatcher, ...init });
    const body = await res.body.text();
    if (res.statusCode !== 200 || !EXPECT[what](body))
      throw new Error(`${what} ${url}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`);
    return res.statusCode;
  };
  const token = await cephToken(endpoints, dispatcher);
  const checks = [
    answer("control", `${endpoints.control.url}/_emulator/health`),
    answer("ceph", `${endpoints.ceph.url}/api/health/minimal`, {
      headers: { authorization: `Bearer ${token}`, accept: "application/vnd.ceph.api.v1.0+json" },
    }),
    answer("opennebula", endpoints.opennebula.url, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: xmlrpc(
        "one.system.version",
        `<string>${endpoints.opennebula.username}:${endpoints.opennebula.password}</string>`,
      ),
    }),
  ];
  for (let i = 0; i < endpoints.ilo.length; i += 200) {
    await Promise.all(
      endpoints.ilo.slice(i, i + 200).map((ilo) => answer("xmldata", `${ilo.url}/xmldata?item=all`)),
    );
  }
  const statuses = await Promise.all(checks);
  const answering = performance.now() - t0;
  const cpu = cpuSeconds(child.pid);
  return { child, endpoints, dispatcher, printed, answering, cpu, statuses };
}

/** Logs in to the emulated Ceph Dashboard (the health endpoint needs a token, as on real Ceph). */
async function cephToken(endpoints, dispatcher) {
  const login = await request(`${endpoints.ceph.url}/api/auth`, {
    dispatcher,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/vnd.ceph.api.v1.0+json" },
    body: JSON.stringify({ username: endpoints.ceph.username, password: endpoints.ceph.password }),
  });
  const body = await login.body.text();
  if (login.statusCode !== 201 && login.statusCode !== 200)
    throw new Error(`ceph login: HTTP ${login.statusCode}: ${body.slice(0, 200)}`);
  return JSON.parse(body).token;
}

/** Every emulator this bench started: stopped however the bench ends. */
const started = new Set();
process.on("exit", () => {
  for (const child of started) child.kill("SIGTERM");
});

async function stop(child) {
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGTERM");
  await exited;
  started.delete(child);
}

/**
 * Mixed API load: Ceph health, OpenNebula vm.info, iLO /xmldata and RIBCL at the same time, each
 * with `inFlight / 4` requests in flight of its own (so a slow API does not hold the others back).
 */
async function mixed({ endpoints, dispatcher }, ms, inFlight = 16) {
  const token = await cephToken(endpoints, dispatcher);
  const auth = `${endpoints.opennebula.username}:${endpoints.opennebula.password}`;
  const ops = [
    () =>
      request(`${endpoints.ceph.url}/api/health/minimal`, {
        dispatcher,
        headers: { authorization: `Bearer ${token}`, accept: "application/vnd.ceph.api.v1.0+json" },
      }),
    () =>
      request(endpoints.opennebula.url, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: xmlrpc("one.vm.info", `<string>${auth}</string>`, "<int>0</int>"),
      }),
    () => request(`${endpoints.ilo[0].url}/xmldata?item=all`, { dispatcher }),
    () =>
      request(`${endpoints.ilo[1 % endpoints.ilo.length].url}/ribcl`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: RIBCL_POWER,
      }),
  ];
  // BENCH_OPS=0,1,2 keeps only those operations (0 Ceph, 1 OpenNebula, 2 iLO xmldata, 3 iLO RIBCL)
  const keep = (process.env.BENCH_OPS ?? "0,1,2,3").split(",").map(Number);
  ops.splice(0, ops.length, ...ops.filter((_, i) => keep.includes(i)));
  const kinds = ["ceph", "opennebula", "xmldata", "ribcl"].filter((_, i) => keep.includes(i));
  const counts = ops.map(() => 0);
  let errors = 0;
  let firstError;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      const k = worker % ops.length;
      while (performance.now() < end) {
        try {
          const res = await ops[k]();
          const body = await res.body.text();
          if (res.statusCode === 200 && EXPECT[kinds[k]](body)) counts[k]++;
          else {
            errors++;
            firstError ??= `${kinds[k]}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`;
          }
        } catch (error) {
          errors++;
          firstError ??= `${kinds[k]}: ${error}`;
        }
      }
    }),
  );
  if (errors > 0) throw new Error(`mixed load: ${errors} bad answers, first: ${firstError}`);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    reqPerSec: Math.round(total / (ms / 1000)),
    perApi: counts.map((c) => Math.round(c / (ms / 1000))),
    errors,
  };
}

const dir = mkdtempSync(join(tmpdir(), "emu-bench-"));
const bigFile = join(dir, "big.json");
const bigYaml = generatedTopology(bigHosts, bigVms);
// the same topology as JSON (what a generator writes; JSON is YAML too and is read much faster)
const { parse } = createRequire(join(root, "packages/emulator/package.json"))("yaml");
writeFileSync(bigFile, JSON.stringify(parse(bigYaml)));
const bigYamlFile = join(dir, "big.yaml");
writeFileSync(bigYamlFile, bigYaml);

const results = { default: [], big: [], bigYaml: [], mixed: [] };
for (let run = 1; run <= runs; run++) {
  const small = await start([]);
  const rss = rssMiB(small.child.pid);
  results.default.push({ printed: small.printed, answering: small.answering, cpu: small.cpu, rss });
  const load = await mixed(small, seconds * 1000);
  results.mixed.push({ ...load, rssAfter: rssMiB(small.child.pid) });
  await small.dispatcher.close();
  await stop(small.child);

  if (process.env.BENCH_BIG === "0") {
    console.error(
      `run ${run}/${runs}:`,
      JSON.stringify({ default: results.default.at(-1), mixed: results.mixed.at(-1) }),
    );
    continue;
  }
  const big = await start(["--topology", bigFile]);
  results.big.push({
    printed: big.printed,
    answering: big.answering,
    cpu: big.cpu,
    rss: rssMiB(big.child.pid),
    ilos: big.endpoints.ilo.length,
  });
  await big.dispatcher.close();
  await stop(big.child);
  const bigY = await start(["--topology", bigYamlFile]);
  results.bigYaml.push({
    printed: bigY.printed,
    answering: bigY.answering,
    cpu: bigY.cpu,
    rss: rssMiB(bigY.child.pid),
  });
  await bigY.dispatcher.close();
  await stop(bigY.child);
  console.error(
    `run ${run}/${runs}:`,
    JSON.stringify({
      default: results.default.at(-1),
      mixed: results.mixed.at(-1),
      big: results.big.at(-1),
      bigYaml: results.bigYaml.at(-1),
    }),
  );
}

const fmt = (n) => (n === undefined ? "-" : Math.round(n).toLocaleString("en"));
const med = (list, key) => median(list.map((r) => r[key]));
console.log(`
| topology | CLI printed endpoints (ms) | every endpoint answered 200 (ms) | emulator CPU until then (s) | RSS (MiB) |
|---|---:|---:|---:|---:|
| default (3 hosts, 2 VMs) | ${fmt(med(results.default, "printed"))} | ${fmt(med(results.default, "answering"))} | ${med(results.default, "cpu").toFixed(2)} | ${fmt(med(results.default, "rss"))} |
| generated (${bigHosts} hosts, ${bigVms} VMs), JSON file | ${fmt(med(results.big, "printed"))} | ${fmt(med(results.big, "answering"))} | ${med(results.big, "cpu")?.toFixed(2)} | ${fmt(med(results.big, "rss"))} |
| the same, YAML file | ${fmt(med(results.bigYaml, "printed"))} | ${fmt(med(results.bigYaml, "answering"))} | ${med(results.bigYaml, "cpu")?.toFixed(2)} | ${fmt(med(results.bigYaml, "rss"))} |

Mixed API (default topology, 16 in flight, ${seconds} s, every answer checked): ${fmt(med(results.mixed, "reqPerSec"))} req/s (median of ${runs}); per API [Ceph health, ONE vm.info, iLO xmldata, iLO RIBCL]: ${results.mixed.map((r) => r.perApi.join("/")).join("; ")}; RSS after ${fmt(med(results.mixed, "rssAfter"))} MiB
`);
const cmd = "pnpm bench emulator";
const goals = [
  goal(
    "default topology: spawn → every endpoint answered 200 (wall)",
    med(results.default, "answering") / 1000,
    "<=",
    1,
    " s",
    cmd,
  ),
];
if (results.big.length)
  goals.push(
    goal(
      `${bigHosts} hosts / ${bigVms} VMs (JSON): spawn → every endpoint answered 200 (wall)`,
      med(results.big, "answering") / 1000,
      "<=",
      10,
      " s",
      cmd,
    ),
    goal(
      `${bigHosts} hosts / ${bigVms} VMs: emulator RSS`,
      Math.max(...results.big.map((r) => r.rss), ...results.bigYaml.map((r) => r.rss)),
      "<=",
      1024,
      " MiB",
      cmd,
    ),
  );
writeResult("emulator", { seconds, runs, bigHosts, bigVms, results, goals });
