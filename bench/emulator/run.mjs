// bench/emulator: start time of a topology (CLI spawn → every endpoint answering), RSS, and mixed-API
// requests per second. Needs the emulator built: pnpm --filter @homelab-kit/core --filter
// @homelab-kit/emulator build && node bench/emulator/run.mjs [seconds=5] [runs=3]
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
// undici is the emulator's devDependency: resolve it from there
const { Agent, request } = createRequire(join(root, "packages/emulator/package.json"))("undici");
// A private copy of the built emulator, so a concurrent build (which cleans dist/) cannot pull it
// away mid-run; its dependencies still resolve from the package's node_modules.
const copy = mkdtempSync(join(tmpdir(), "emu-dist-"));
cpSync(join(root, "packages/emulator/dist"), join(copy, "dist"), { recursive: true });
symlinkSync(join(root, "packages/emulator/node_modules"), join(copy, "node_modules"));
cpSync(join(root, "packages/emulator/package.json"), join(copy, "package.json"));
const bin = join(copy, "dist/cli/bin.js");
const seconds = Number(process.argv[2] ?? 5);
const runs = Number(process.argv[3] ?? 3);
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
  const child = spawn(
    process.execPath,
    [bin, "up", "--json", "--no-kubernetes", "--run-dir", mkdtempSync(join(tmpdir(), "emu-")), ...args],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  const endpoints = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on("exit", (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const printed = performance.now() - t0;
  const ca = readFileSync(endpoints.iloCaFile, "utf8");
  const dispatcher = new Agent({ connect: { ca }, connections: 64 });
  const answer = async (url, init = {}) => {
    const res = await request(url, { dispatcher, ...init });
    await res.body.dump();
    return res.statusCode;
  };
  const checks = [
    answer(`${endpoints.control.url}/_emulator/health`),
    answer(`${endpoints.ceph.url}/api/health/minimal`),
    answer(endpoints.opennebula.url, {
      method: "POST",
      body: xmlrpc("one.system.version", "<string>oneadmin:opennebula</string>"),
    }),
  ];
  for (let i = 0; i < endpoints.ilo.length; i += 200) {
    await Promise.all(endpoints.ilo.slice(i, i + 200).map((ilo) => answer(`${ilo.url}/xmldata?item=all`)));
  }
  const statuses = await Promise.all(checks);
  const answering = performance.now() - t0;
  return { child, endpoints, dispatcher, printed, answering, statuses };
}

async function stop(child) {
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/**
 * Mixed API load: Ceph health, OpenNebula vm.info, iLO /xmldata and RIBCL at the same time, each
 * with `inFlight / 4` requests in flight of its own (so a slow API does not hold the others back).
 */
async function mixed({ endpoints, dispatcher }, ms, inFlight = 16) {
  const login = await request(`${endpoints.ceph.url}/api/auth`, {
    dispatcher,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/vnd.ceph.api.v1.0+json" },
    body: JSON.stringify({ username: endpoints.ceph.username, password: endpoints.ceph.password }),
  });
  const { token } = await login.body.json();
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
        body: xmlrpc("one.vm.info", `<string>${auth}</string>`, "<int>0</int>"),
      }),
    () => request(`${endpoints.ilo[0].url}/xmldata?item=all`, { dispatcher }),
    () =>
      request(`${endpoints.ilo[1 % endpoints.ilo.length].url}/ribcl`, {
        dispatcher,
        method: "POST",
        body: RIBCL_POWER,
      }),
  ];
  // BENCH_OPS=0,1,2 keeps only those operations (0 Ceph, 1 OpenNebula, 2 iLO xmldata, 3 iLO RIBCL)
  const keep = (process.env.BENCH_OPS ?? "0,1,2,3").split(",").map(Number);
  ops.splice(0, ops.length, ...ops.filter((_, i) => keep.includes(i)));
  const counts = ops.map(() => 0);
  let errors = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      const k = worker % ops.length;
      while (performance.now() < end) {
        try {
          const res = await ops[k]();
          await res.body.dump();
          if (res.statusCode >= 400) errors++;
          else counts[k]++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    reqPerSec: Math.round(total / (ms / 1000)),
    perApi: counts.map((c) => Math.round(c / (ms / 1000))),
    errors,
  };
}

const dir = mkdtempSync(join(tmpdir(), "emu-bench-"));
const bigFile = join(dir, "big.json");
const bigYaml = generatedTopology(1000, 10_000);
// the same topology as JSON (what a generator writes; JSON is YAML too and is read much faster)
const { parse } = createRequire(join(root, "packages/emulator/package.json"))("yaml");
writeFileSync(bigFile, JSON.stringify(parse(bigYaml)));
const bigYamlFile = join(dir, "big.yaml");
writeFileSync(bigYamlFile, bigYaml);

const results = { default: [], big: [], bigYaml: [], mixed: [] };
for (let run = 1; run <= runs; run++) {
  const small = await start([]);
  const rss = rssMiB(small.child.pid);
  results.default.push({ printed: small.printed, answering: small.answering, rss, statuses: small.statuses });
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
    rss: rssMiB(big.child.pid),
    ilos: big.endpoints.ilo.length,
  });
  await big.dispatcher.close();
  await stop(big.child);
  const bigY = await start(["--topology", bigYamlFile]);
  results.bigYaml.push({ printed: bigY.printed, answering: bigY.answering, rss: rssMiB(bigY.child.pid) });
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
console.log(JSON.stringify(results, null, 1));
console.log(`
| topology | CLI printed endpoints (ms) | every endpoint answered (ms) | RSS (MiB) |
|---|---:|---:|---:|
| default (3 hosts, 2 VMs) | ${fmt(median(results.default.map((r) => r.printed)))} | ${fmt(median(results.default.map((r) => r.answering)))} | ${fmt(median(results.default.map((r) => r.rss)))} |
| generated (1,000 hosts, 10,000 VMs), JSON file | ${fmt(median(results.big.map((r) => r.printed)))} | ${fmt(median(results.big.map((r) => r.answering)))} | ${fmt(median(results.big.map((r) => r.rss)))} |
| the same, YAML file | ${fmt(median(results.bigYaml.map((r) => r.printed)))} | ${fmt(median(results.bigYaml.map((r) => r.answering)))} | ${fmt(median(results.bigYaml.map((r) => r.rss)))} |

Mixed API (default topology, 16 in flight, ${seconds} s): ${fmt(median(results.mixed.map((r) => r.reqPerSec)))} req/s (median of ${runs}); per API [Ceph health, ONE vm.info, iLO xmldata, iLO RIBCL]: ${results.mixed.map((r) => r.perApi.join("/")).join("; ")}; errors ${results.mixed.map((r) => r.errors).join("/")}; RSS after ${fmt(median(results.mixed.map((r) => r.rssAfter)))} MiB
`);
