// Writes the benchmark inputs: the XML-RPC methodResponse of `one.vmpool.infoextended` with 10,000
// full VMs and the pool document inside it. By default both are the OpenNebula emulator's own
// answer (emulator-input.mjs, one line as oned writes it). `source = "sample"` builds them instead
// from the reference vm.xml (IDs, names, states and IPs varied; every 3rd VM gets a second NIC;
// the sample's indentation kept), escaped as xmlrpc-c escapes strings (& < > and CR): the input of
// the runs before the emulator produced it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorInput } from "./emulator-input.mjs";

const here = import.meta.dirname;
let sample;

export function vmXml(i) {
  sample ??= readFileSync(join(here, "../../docs/reference/opennebula/samples/vm.xml"), "utf8").trim();
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const state = [3, 3, 3, 8, 1][i % 5];
  const lcm = state === 3 ? 3 : 0;
  let xml = sample
    .replaceAll("<ID>42</ID>", `<ID>${i}</ID>`)
    .replaceAll("<![CDATA[42]]>", `<![CDATA[${i}]]>`)
    .replace("<NAME>web-01</NAME>", `<NAME>vm-${i} &amp; co</NAME>`)
    .replace("<STATE>3</STATE>", `<STATE>${state}</STATE>`)
    .replace("<LCM_STATE>3</LCM_STATE>", `<LCM_STATE>${lcm}</LCM_STATE>`)
    .replaceAll("192.168.10.100", ip)
    .replaceAll("one-42-0", `one-${i}-0`);
  if (i % 3 === 0) {
    const nic = /<NIC>[\s\S]*?<\/NIC>/.exec(xml)[0];
    xml = xml.replace(
      nic,
      `${nic}\n    ${nic.replace(ip, `172.16.${(i >> 8) & 255}.${i & 255}`).replace("<![CDATA[0]]></NIC_ID>", "<![CDATA[1]]></NIC_ID>")}`,
    );
  }
  return xml;
}

export function poolXml(count) {
  const parts = ["<VM_POOL>"];
  for (let i = count - 1; i >= 0; i--) parts.push(vmXml(i)); // oned lists newest first
  parts.push("</VM_POOL>");
  return parts.join("\n");
}

export function escapeXmlRpc(text) {
  return text.replace(/[&<>\r]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" })[c]);
}

export function envelope(xml) {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n<params>\r\n<param><value><array><data>\r\n' +
    `<value><boolean>1</boolean></value>\r\n<value><string>${escapeXmlRpc(xml)}</string></value>\r\n` +
    "<value><i4>0</i4></value>\r\n</data></array></value></param>\r\n</params>\r\n</methodResponse>\r\n"
  );
}

export function generate(count = 10_000, source = "emulator", dir = join(tmpdir(), "homelab-kit-bench")) {
  mkdirSync(dir, { recursive: true });
  const poolPath = join(dir, `vm-pool-${source}-${count}.xml`);
  const envelopePath = join(dir, `vm-pool-${source}-${count}.envelope.xml`);
  if (source === "emulator" || source === "emulator-utf8") {
    const input = emulatorInput(count, { utf8: source === "emulator-utf8" });
    writeFileSync(poolPath, input.pool);
    writeFileSync(envelopePath, input.envelope);
  } else if (source === "sample") {
    const pool = poolXml(count);
    writeFileSync(poolPath, pool);
    writeFileSync(envelopePath, envelope(pool));
  } else {
    throw new Error(`unknown input source ${source} (emulator, emulator-utf8 or sample)`);
  }
  return { poolPath, envelopePath };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 10_000);
  const { poolPath, envelopePath } = generate(count, process.argv[3] ?? "emulator");
  console.log(poolPath, readFileSync(poolPath).length, envelopePath, readFileSync(envelopePath).length);
}
