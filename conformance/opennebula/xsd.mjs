// Validates every XML document type the OpenNebula emulator returns against the official XSDs
// (docs/reference/opennebula/xsd) with xmllint. The documents come from a scenario that puts
// VMs, images and hosts through their states, so each type is checked in several shapes.
// Usage: node conformance/opennebula/xsd.mjs [UP.json]   (needs xmllint: Debian libxml2-utils, and a
// built dist). Without an argument the scenarios run in-process on the OpenNebula emulator; with
// the JSON `homelab-emulator up --json` printed, they run over that emulator's XML-RPC and control
// API (up-target.mjs; start it with a tiny --speed and a topology like
// conformance/topologies/mixed-ilo.yaml, whose OpenNebula part is the reference state).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  answerXmlRpc,
  createOpenNebulaState,
  manualClock,
  setHostReachable,
} from "../../packages/emulator/dist/opennebula/index.js";
import { emulatorCaller } from "./call.mjs";
import { upTarget } from "./up-target.mjs";

const xsdDir = join(import.meta.dirname, "../../docs/reference/opennebula/xsd");

/**
 * The one place the official vm.xsd is stricter than oned 7.4: it requires TEMPLATE/TM_MAD_SYSTEM,
 * which oned writes only when a VM is first deployed (VirtualMachine::check_tm_mad_disks); a VM
 * never deployed (PENDING, HOLD, or DONE from there) has none in real oned, and so in the emulator
 * (conformance/opennebula-oned compares them). Such a document passes when every schema error is
 * the missing TM_MAD_SYSTEM of one of its VMs that has none — any other error still fails.
 */
const TM_MAD_SYSTEM_NOTE = "no TM_MAD_SYSTEM before the first deploy, as oned 7.4; vm.xsd requires it";
function onlyMissingTmMadSystem(xml, stderr) {
  const errors = stderr.split("\n").filter((l) => l.includes("Schemas validity error"));
  const vms = xml.split(/<VM>/).slice(1);
  const without = vms.filter(
    (vm) => /<TEMPLATE>/.test(vm) && !/<TM_MAD_SYSTEM>/.test(vm.split("</TEMPLATE>")[0]),
  ).length;
  return (
    errors.length > 0 &&
    errors.length <= without &&
    errors.every((l) =>
      /This element is not expected\. Expected is (one of )?\( .*TM_MAD_SYSTEM \)\.$/.test(l),
    )
  );
}

/** Fresh OpenNebula states on a manual clock, answered in-process. */
const inProcess = {
  label: "the OpenNebula emulator in-process",
  fresh() {
    const clock = manualClock(1_753_862_400_000);
    const state = createOpenNebulaState({ clock });
    return { state, clock, setHostReachable, invoke: emulatorCaller(answerXmlRpc, state) };
  },
  close() {},
};
const target = process.argv[2] === undefined ? inProcess : upTarget(process.argv[2]);
const main = target.fresh();
const { state, clock } = main;

/**
 * `call` answers one method on `on` (throws unless it succeeded); `keep` also records the document;
 * `add` records a document built from answers (not one method's answer as it is).
 */
function client(on) {
  const invoke = on.invoke;
  const call = (method, params, session) => invoke(method, params, session).value;
  const add = (label, xsd, xml) => docs.push({ label, xsd, xml });
  const keep = (label, xsd, method, params, session) => add(label, xsd, call(method, params, session));
  return { call, keep, add };
}

const docs = [];
const { call, keep, add } = client(main);

// A scenario: VMs in PENDING, HOLD, PROLOG, RUNNING, POWEROFF, DONE; images LOCKED/READY/USED; a host in ERROR.
const user = call("one.user.allocate", ["alice", "alice-pw", ""]);
call("one.user.login", ["alice", "", 3600, -1], "alice:alice-pw"); // her own session: oned gives oneadmin no full token for her
const vmRunning = call("one.template.instantiate", [
  0,
  "web & <db>",
  false,
  'DESCRIPTION="a ]]> b"\nLABELS="prod,web"',
  false,
]);
const vmOff = call("one.template.instantiate", [0, "", false, "", false]);
const vmDone = call("one.vm.allocate", [
  'NAME="raw"\nCPU="0.5"\nMEMORY="512"\nGRAPHICS=[TYPE="VNC"]\nCONTEXT=[X="1"]',
  false,
]);
call("one.vm.allocate", ['NAME="held"\nCPU=1\nMEMORY=128\nVIDEO=[TYPE="virtio"]\nCPU_COST=[X=1]', true]);
const img = call("one.image.allocate", ['NAME="data"\nTYPE="DATABLOCK"\nSIZE="1024"', 1, false]);
keep("IMAGE locked", "image.xsd", "one.image.info", [img]);
call("one.vn.allocate", [
  'NAME="dmz"\nVN_MAD="bridge"\nAR=[TYPE="IP4", IP="10.0.0.1", SIZE="5"]\nAR=[TYPE="ETHER", SIZE="3"]',
  -1,
]);
call("one.vn.hold", [1, 'LEASES=[IP="10.0.0.3"]']);
call("one.template.allocate", ['NAME="t2"\nCPU=1\nMEMORY=64\nDISK=[IMAGE_ID=0]\nNIC=[NETWORK="dmz"]']);
call("one.cluster.allocate", ["edge"]);
call("one.group.allocate", ["devs"]);
keep("VM pending", "vm.xsd", "one.vm.info", [vmRunning]);
clock.advance(5_500);
keep("VM prolog", "vm.xsd", "one.vm.info", [vmRunning]);
clock.advance(10_000);
call("one.vm.action", ["poweroff", vmOff]);
call("one.vm.action", ["terminate", vmDone]);
clock.advance(10_000);
call("one.vm.lock", [vmOff, 1, false]);
keep("VM running", "vm.xsd", "one.vm.info", [vmRunning]);
keep("VM poweroff, locked", "vm.xsd", "one.vm.info", [vmOff]);
keep("VM done", "vm.xsd", "one.vm.info", [vmDone]);
keep("MONITORING_DATA vm running", "monitoring_data.xsd", "one.vm.monitoring", [vmRunning]);
keep("MONITORING_DATA vm pending", "monitoring_data.xsd", "one.vm.monitoring", [vmDone]);
// Owner, group, bits and capacity changed; then a live migration (second history record).
call("one.vm.unlock", [vmOff]);
call("one.vm.chown", [vmOff, user, 1]);
call("one.vm.chmod", [vmOff, -1, -1, -1, 1, 1, 0, 1, 0, 0]);
call("one.vm.resize", [vmOff, 'CPU="2"\nVCPU="2"\nMEMORY="1024"', true]);
keep("VM chown/chmod/resize", "vm.xsd", "one.vm.info", [vmOff]);
const from = Number(/<HID>(\d+)<\/HID>(?![\s\S]*<HID>)/.exec(call("one.vm.info", [vmRunning]))[1]);
call("one.vm.migrate", [vmRunning, from === 0 ? 1 : 0, true, true, -1, 0]);
keep("VM migrating", "vm.xsd", "one.vm.info", [vmRunning]);
clock.advance(120_000);
keep("VM migrated", "vm.xsd", "one.vm.info", [vmRunning]);
keep("MONITORING_DATA vm after migration", "monitoring_data.xsd", "one.vm.monitoring", [vmRunning]);
// Hot-plug: a volatile disk, a second NIC, a system snapshot and two disk snapshots (a tree).
call("one.vm.attach", [vmRunning, 'DISK=[TYPE="fs", SIZE="256"]']);
keep("VM in HOTPLUG", "vm.xsd", "one.vm.info", [vmRunning]);
clock.advance(1_000);
call("one.vm.attachnic", [vmRunning, "NIC=[NETWORK_ID=0]"]);
clock.advance(1_000);
call("one.vm.snapshotcreate", [vmRunning, "before <upgrade>"]);
clock.advance(1_000);
call("one.vm.disksnapshotcreate", [vmRunning, 0, "s0"]);
clock.advance(1_000);
call("one.vm.disksnapshotcreate", [vmRunning, 0, "s1"]);
clock.advance(1_000);
keep("VM with hot-plugged disk/NIC and snapshots", "vm.xsd", "one.vm.info", [vmRunning]);
keep("VM_POOL extended with snapshots", "vm_pool_extended.xsd", "one.vmpool.infoextended", [-2, -1, -1, -1]);
// one.host.monitoring records are host.xsd MONITORING elements: each is checked in a HOST document.
const hostDoc = call("one.host.info", [0]);
const hostRecords = call("one.host.monitoring", [0]).match(/<MONITORING>[\s\S]*?<\/MONITORING>/g) ?? [];
if (hostRecords.length === 0) throw new Error("one.host.monitoring returned no records");
for (const [n, record] of hostRecords.slice(0, 2).entries()) {
  add(
    `HOST with one.host.monitoring record ${n}`,
    "host.xsd",
    hostDoc.replace(/<MONITORING>[\s\S]*?<\/MONITORING>/, record),
  );
}
keep("VM_POOL short", "vm_pool.xsd", "one.vmpool.info", [-2, -1, -1, -2]);
keep("VM_POOL extended", "vm_pool_extended.xsd", "one.vmpool.infoextended", [-2, -1, -1, -2]);
keep("VM_POOL infoset", "vm_pool.xsd", "one.vmpool.infoset", [`${vmRunning},${vmOff}`, false]);
keep("VM_POOL empty page", "vm_pool.xsd", "one.vmpool.info", [-2, 100, -10, -1]);
keep("VMTEMPLATE", "vmtemplate.xsd", "one.template.info", [0]);
keep("VMTEMPLATE_POOL", "vmtemplate_pool.xsd", "one.templatepool.info", [-2, -1, -1]);
keep("HOST monitored", "host.xsd", "one.host.info", [0]);
main.setHostReachable(state, "node03", false);
keep("HOST error", "host.xsd", "one.host.info", [2]);
keep("HOST_POOL", "host_pool.xsd", "one.hostpool.info", []);
keep("IMAGE used", "image.xsd", "one.image.info", [0]);
keep("IMAGE ready", "image.xsd", "one.image.info", [img]);
keep("IMAGE_POOL", "image_pool.xsd", "one.imagepool.info", [-2, -1, -1]);
keep("DATASTORE", "datastore.xsd", "one.datastore.info", [1]);
keep("DATASTORE_POOL", "datastore_pool.xsd", "one.datastorepool.info", []);
keep("VNET leases", "vnet.xsd", "one.vn.info", [0]);
keep("VNET two ranges", "vnet.xsd", "one.vn.info", [1]);
keep("VNET_POOL", "vnet_pool.xsd", "one.vnpool.info", [-2, -1, -1]);
keep("USER", "user.xsd", "one.user.info", [user]);
keep("USER self", "user.xsd", "one.user.info", [-1], "alice:alice-pw");
keep("USER_POOL", "user_pool.xsd", "one.userpool.info", []);
keep("GROUP", "group.xsd", "one.group.info", [0]);
keep("GROUP_POOL", "group_pool.xsd", "one.grouppool.info", []);
keep("CLUSTER", "cluster.xsd", "one.cluster.info", [0]);
keep("CLUSTER_POOL", "cluster_pool.xsd", "one.clusterpool.info", []);
const sg = call("one.secgroup.allocate", [
  'NAME="web"\nDESCRIPTION="http & <https>"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND"]\nRULE=[PROTOCOL="ALL", RULE_TYPE="OUTBOUND"]',
]);
keep("SECURITY_GROUP default", "security_group.xsd", "one.secgroup.info", [0]);
keep("SECURITY_GROUP", "security_group.xsd", "one.secgroup.info", [sg]);
keep("SECURITY_GROUP_POOL", "security_group_pool.xsd", "one.secgrouppool.info", [-2, -1, -1]);
const vg = call("one.vmgroup.allocate", [
  'NAME="db"\nROLE=[NAME="primary", POLICY="ANTI_AFFINED", HOST_AFFINED="0,1"]\nROLE=[NAME="replica"]\nLABEL="x"',
]);
call("one.vmgroup.lock", [vg, 2, false]);
call("one.vm.allocate", [
  `NAME="member"\nCPU=1\nMEMORY=64\nVMGROUP=[VMGROUP_ID="${vg}", ROLE="primary"]`,
  true,
]);
keep("VM_GROUP with a VM, locked", "vm_group.xsd", "one.vmgroup.info", [vg]);
keep("VM_GROUP_POOL", "vm_group_pool.xsd", "one.vmgrouppool.info", [-2, -1, -1]);
call("one.acl.addrule", ["100000002", "1000400000000", "3", ""]);
keep("ACL_POOL", "acl_pool.xsd", "one.acl.info", []);
keep("OPENNEBULA_CONFIGURATION", "opennebula_configuration.xsd", "one.system.config", []);

// More scenarios, one file per area: conformance/opennebula/xsd_<area>.mjs, each exporting
// `default ({ state, clock, call, keep, add, setHostReachable })`, run on a fresh state in name order.
for (const file of readdirSync(import.meta.dirname)
  .filter((f) => /^xsd_[\w-]+\.mjs$/.test(f))
  .sort()) {
  const fresh = target.fresh();
  const scenario = (await import(join(import.meta.dirname, file))).default;
  await scenario({
    state: fresh.state,
    clock: fresh.clock,
    ...client(fresh),
    setHostReachable: fresh.setHostReachable,
  });
}
target.close();

const work = mkdtempSync(join(tmpdir(), "one-xsd-"));
let failed = 0;
try {
  // Negative control: a document that breaks host.xsd must be refused, or the check proves nothing.
  const broken = join(work, "broken.xml");
  writeFileSync(
    broken,
    docs
      .find((d) => d.xsd === "host.xsd")
      .xml.replace("<HOST>", '<HOST xmlns="http://opennebula.org/XMLSchema"><BOGUS/>'),
  );
  try {
    execFileSync("xmllint", ["--noout", "--schema", join(xsdDir, "host.xsd"), broken], { stdio: "pipe" });
    console.log("FAIL negative control: xmllint accepted an invalid HOST document");
    failed++;
  } catch {
    console.log("ok   negative control: an invalid HOST document is refused");
  }
  for (const [n, doc] of docs.entries()) {
    if (doc.xml.startsWith("<?xml") || doc.xml.includes("\n")) {
      console.log(`FAIL ${doc.label}: oned sends one line with no XML declaration`);
      failed++;
    }
    const file = join(work, `${n}.xml`);
    // oned's documents carry no namespace; the XSDs target http://opennebula.org/XMLSchema.
    writeFileSync(file, doc.xml.replace(/^<([A-Z_]+)/, '<$1 xmlns="http://opennebula.org/XMLSchema"'));
    try {
      execFileSync("xmllint", ["--noout", "--schema", join(xsdDir, doc.xsd), file], { stdio: "pipe" });
      console.log(`ok   ${doc.label} (${doc.xsd}, ${doc.xml.length} bytes)`);
    } catch (e) {
      const stderr = String(e.stderr);
      if (onlyMissingTmMadSystem(doc.xml, stderr)) {
        console.log(`ok   ${doc.label} (${doc.xsd}, ${doc.xml.length} bytes; ${TM_MAD_SYSTEM_NOTE})`);
        continue;
      }
      failed++;
      console.log(`FAIL ${doc.label} (${doc.xsd})\n${stderr.slice(0, 2000)}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${docs.length - failed}/${docs.length} documents valid (from ${target.label})`);
process.exit(failed === 0 && docs.length > 0 ? 0 : 1);
