// One benchmark case in a fresh process: reads the input file, then times decode → walked VMs
// (ID, NAME, STATE, LCM_STATE, TEMPLATE.NIC.IP). Prints one JSON line: seconds, cpuSeconds,
// peak RSS (MiB), VMs and IPs walked. Run by bench.mjs; imports the BUILT packages (dist).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Readable } from "node:stream";

const [name, file] = process.argv.slice(2);
const pkg = new URL("../../packages/opennebula/", import.meta.url);
const require = createRequire(new URL("package.json", pkg));
const one = await import(new URL("dist/index.js", pkg).href);

const list = (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

/** Walks raw XML objects (strings). */
function walkRaw(vms) {
  let count = 0;
  let ips = 0;
  for (const vm of list(vms)) {
    if (
      vm.ID === undefined ||
      vm.NAME === undefined ||
      vm.STATE === undefined ||
      vm.LCM_STATE === undefined
    ) {
      throw new Error("missing field");
    }
    count++;
    for (const nic of list(vm.TEMPLATE?.NIC)) if (nic.IP) ips++;
  }
  return { vms: count, ips };
}

/** Walks validated, typed VMs (numbers, named states, NIC always an array). */
function walkTyped(vms) {
  let count = 0;
  let ips = 0;
  for (const vm of vms) {
    if (
      typeof vm.ID !== "number" ||
      typeof vm.NAME !== "string" ||
      vm.STATE.name === undefined ||
      vm.LCM_STATE.name === undefined
    ) {
      throw new Error("missing field");
    }
    count++;
    for (const nic of vm.TEMPLATE.NIC) if (nic.IP) ips++;
  }
  return { vms: count, ips };
}

/**
 * A client whose transport answers with the input (no sockets: the decode is measured). The body
 * is handed over, as a socket transport's response is: nothing else keeps a reference to it.
 */
function clientOver(take, validate) {
  return one.createOpenNebulaClient({
    url: "http://frontend:2633/RPC2",
    username: "oneadmin",
    password: "bench",
    version: "7.4.0",
    validate,
    transport: async () => ({ status: 200, headers: { "content-type": "text/xml" }, body: take() }),
  });
}

const cases = {
  /** Ours: envelope → raw XML objects (pool read straight from the escaped envelope). */
  "ours-envelope": (take) =>
    walkRaw(one.decodeDocumentResponse(take(), "one.vmpool.infoextended").VM_POOL.VM),
  /** Ours: envelope → zod-validated typed VMs (VmPoolExtended). */
  "ours-envelope-zod": (take) =>
    walkTyped(
      one.VmPoolExtended.parse(one.decodeDocumentResponse(take(), "one.vmpool.infoextended").VM_POOL).VM,
    ),
  /** The client's whole path (transport answer → envelope → pool → zod, item by item). */
  "client-zod": async (take) => walkTyped(await clientOver(take, true).vmpool.infoextended(-2, -1, -1, -1)),
  /** The client with `validate: false` (raw objects typed as models; the item list an array). */
  "client-raw": async (take) => walkRaw(await clientOver(take, false).vmpool.infoextended(-2, -1, -1, -1)),
  /** Ours: the pool document alone. */
  "ours-pool": (take) => walkRaw(one.parseXmlDocument(take()).VM_POOL.VM),
  /** fast-xml-parser 5 on the pool document alone. */
  "fxp-pool": (take) => {
    const { XMLParser } = require("fast-xml-parser");
    const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true });
    return walkRaw(parser.parse(take()).VM_POOL.VM);
  },
  /** The xmlrpc npm deserializer + fast-xml-parser (FireEdge's stack). */
  "xmlrpc-fxp-envelope": async (take) => {
    const Deserializer = require("xmlrpc/lib/deserializer.js");
    const { XMLParser } = require("fast-xml-parser");
    const value = await new Promise((resolve, reject) =>
      new Deserializer().deserializeMethodResponse(Readable.from([take()]), (e, v) =>
        e ? reject(e) : resolve(v),
      ),
    );
    const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true });
    return walkRaw(parser.parse(value[1]).VM_POOL.VM);
  },
};

const run = cases[name];
if (run === undefined) throw new Error(`unknown case ${name}`);
// The bytes in memory are handed to the decoder, which becomes their only owner (as a response
// body is): `take()` gives them once.
let input = readFileSync(file);
const take = () => {
  const bytes = input;
  input = undefined;
  return bytes;
};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const walked = await run(take);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssMiB: process.resourceUsage().maxRSS / 1024,
    ...walked,
  }),
);
