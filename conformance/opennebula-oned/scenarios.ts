/**
 * The differential scenarios: each runs, unchanged, against real oned and against the emulator, and
 * every `call` it makes is compared (differential.test.ts). They create their own objects (named
 * `diff-*`) and remove them, so they do not depend on each other. Both targets start from the
 * reference topology (packages/emulator/src/topology/default-topology.ts): hosts node1..3, datastores
 * ceph-images / ceph-system, network lan, image ubuntu-24.04, templates mysql, prometheus, k8s-node.
 *
 * VMs are created on hold and placed with one.vm.deploy: oned runs without its scheduler here, and
 * the emulator's scheduler must not race the scenario's own placement.
 */
import type { Session } from "./session.js";

export interface Scenario {
  name: string;
  run(s: Session): Promise<void>;
}

// oned's numeric states (include/VirtualMachine.h, include/Host.h, include/Image.h)
const VM = { HOLD: 2, ACTIVE: 3, POWEROFF: 8, SUSPENDED: 5, DONE: 6 } as const;
const LCM = { LCM_INIT: 0, RUNNING: 3 } as const;
const USERS_GROUP = 1;

/** Aliases for the reference topology's objects, found by name (not compared). */
async function reference(s: Session) {
  const host1 = await s.lookup("host", "one.hostpool.info", "node1");
  const host2 = await s.lookup("host", "one.hostpool.info", "node2");
  const images = await s.lookup("datastore", "one.datastorepool.info", "ceph-images");
  const system = await s.lookup("datastore", "one.datastorepool.info", "ceph-system");
  const lan = await s.lookup("vnet", "one.vnpool.info", "lan", -2, -1, -1);
  const image = await s.lookup("image", "one.imagepool.info", "ubuntu-24.04", -2, -1, -1);
  s.aliases.set("user", 0, "oneadmin");
  s.aliases.set("group", 0, "oneadmin");
  s.aliases.set("group", USERS_GROUP, "users");
  s.aliases.set("cluster", 0, "default");
  return { host1, host2, images, system, lan, image };
}

/** A small VM template of our own on the reference image and network. */
function vmTemplate(name: string, image: number, lan: number): string {
  return [
    `NAME="${name}"`,
    `CPU="0.5"`,
    `VCPU="1"`,
    `MEMORY="256"`,
    `DISK=[IMAGE_ID="${image}"]`,
    `NIC=[NETWORK_ID="${lan}"]`,
    `CONTEXT=[NETWORK="YES"]`,
  ].join("\n");
}

/** A VM of `template` on hold, deployed to `host`, RUNNING. */
async function runningVm(s: Session, alias: string, template: number, host: number): Promise<number> {
  const vm = await s.create("vm", alias, "one.template.instantiate", template, alias, true, "", false);
  await s.call("deploy", "one.vm.deploy", vm, host, false, -1);
  await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
  return vm;
}

export const scenarios: Scenario[] = [
  {
    name: "system",
    async run(s) {
      await s.call("version", "one.system.version");
      await s.call("unknown method", "one.nosuch.method", 1);
      const bad = s.as("oneadmin", "not-the-password");
      await bad.call("wrong password", "one.vm.info", 0);
      await s.as("nobody", "x").call("unknown user", "one.hostpool.info");
    },
  },
  {
    name: "host",
    async run(s) {
      await reference(s);
      const id = await s.create("host", "diff-host", "one.host.allocate", "diff-host", "dummy", "dummy", -1);
      await s.waitFor("one.host.info", id, /<STATE>(<!\[CDATA\[)?2(\]\]>)?<\/STATE>/);
      await s.call("info", "one.host.info", id);
      await s.call("update merge", "one.host.update", id, 'LABELS="diff"\nRACK="r1"', 1);
      await s.call("update replace", "one.host.update", id, 'RACK="r2"', 0);
      await s.call("info after update", "one.host.info", id);
      await s.call("rename", "one.host.rename", id, "diff-host-2");
      await s.call("rename to a taken name", "one.host.rename", id, "node1");
      await s.call("disable", "one.host.status", id, 1);
      await s.call("info disabled", "one.host.info", id);
      await s.call("offline", "one.host.status", id, 2);
      await s.call("enable", "one.host.status", id, 0);
      await s.call("bad status", "one.host.status", id, 7);
      await s.call("allocate a taken name", "one.host.allocate", "node1", "dummy", "dummy", -1);
      await s.call(
        "allocate in a missing cluster",
        "one.host.allocate",
        "diff-host-x",
        "dummy",
        "dummy",
        9999,
      );
      await s.call("delete", "one.host.delete", id);
      await s.call("info deleted", "one.host.info", id);
      await s.call("delete deleted", "one.host.delete", id);
    },
  },
  {
    name: "datastore",
    async run(s) {
      await reference(s);
      const id = await s.create(
        "datastore",
        "diff-ds",
        "one.datastore.allocate",
        'NAME="diff-ds"\nTYPE="IMAGE_DS"\nDS_MAD="dummy"\nTM_MAD="dummy"',
        -1,
      );
      await s.call("info", "one.datastore.info", id);
      await s.call("update merge", "one.datastore.update", id, 'LABEL="diff"', 1);
      await s.call("rename", "one.datastore.rename", id, "diff-ds-2");
      await s.call("chmod", "one.datastore.chmod", id, 1, 1, 0, 1, 0, 0, 0, 0, 0);
      await s.call("disable", "one.datastore.enable", id, false);
      await s.call("info disabled", "one.datastore.info", id);
      await s.call("enable", "one.datastore.enable", id, true);
      await s.call(
        "allocate without DS_MAD",
        "one.datastore.allocate",
        'NAME="diff-ds-x"\nTYPE="IMAGE_DS"',
        -1,
      );
      await s.call(
        "allocate a taken name",
        "one.datastore.allocate",
        'NAME="ceph-images"\nDS_MAD="dummy"\nTM_MAD="dummy"',
        -1,
      );
      await s.call("delete", "one.datastore.delete", id);
      await s.call("info deleted", "one.datastore.info", id);
    },
  },
  {
    name: "vnet",
    async run(s) {
      await reference(s);
      const id = await s.create(
        "vnet",
        "diff-net",
        "one.vn.allocate",
        'NAME="diff-net"\nBRIDGE="br1"\nVN_MAD="bridge"\nAR=[TYPE="IP4",IP="192.168.2.10",SIZE="5"]',
        -1,
      );
      // oned: LOCK_CREATE until the network driver's create action answers, then READY
      await s.waitFor("one.vn.info", id, /<STATE>(<!\[CDATA\[)?1(\]\]>)?<\/STATE>/);
      await s.call("info", "one.vn.info", id);
      await s.call("add_ar", "one.vn.add_ar", id, 'AR=[TYPE="ETHER",SIZE="3"]');
      await s.call("hold", "one.vn.hold", id, 'LEASES=[IP="192.168.2.11"]');
      await s.call("hold outside the ranges", "one.vn.hold", id, 'LEASES=[IP="10.9.9.9"]');
      await s.call("info with a hold", "one.vn.info", id);
      await s.call("release", "one.vn.release", id, 'LEASES=[IP="192.168.2.11"]');
      await s.call("rm_ar", "one.vn.rm_ar", id, 1);
      await s.call("rm_ar missing", "one.vn.rm_ar", id, 42);
      await s.call("update merge", "one.vn.update", id, 'GATEWAY="192.168.2.1"', 1);
      await s.call("rename", "one.vn.rename", id, "diff-net-2");
      await s.call("info after update", "one.vn.info", id);
      await s.call(
        "allocate an AR of size 0",
        "one.vn.allocate",
        'NAME="diff-net-x"\nBRIDGE="br1"\nVN_MAD="bridge"\nAR=[TYPE="IP4",IP="192.168.3.1",SIZE="0"]',
        -1,
      );
      await s.call("delete", "one.vn.delete", id);
      await s.waitGone("one.vn.info", id);
      await s.call("info deleted", "one.vn.info", id);
    },
  },
  {
    name: "image",
    async run(s) {
      const ref = await reference(s);
      const id = await s.create(
        "image",
        "diff-img",
        "one.image.allocate",
        'NAME="diff-img"\nTYPE="DATABLOCK"\nSIZE="64"',
        ref.images,
        false,
      );
      await s.waitFor("one.image.info", id, /<STATE>(<!\[CDATA\[)?1(\]\]>)?<\/STATE>/);
      await s.call("info", "one.image.info", id);
      await s.call("update merge", "one.image.update", id, 'DESCRIPTION="diff"', 1);
      await s.call("rename", "one.image.rename", id, "diff-img-2");
      await s.call("persistent", "one.image.persistent", id, true);
      await s.call("chtype", "one.image.chtype", id, "OS");
      await s.call("disable", "one.image.enable", id, false);
      await s.call("info disabled", "one.image.info", id);
      await s.call("enable", "one.image.enable", id, true);
      await s.call("chtype bad type", "one.image.chtype", id, "NOPE");
      await s.call(
        "allocate in a missing datastore",
        "one.image.allocate",
        'NAME="diff-img-x"\nTYPE="DATABLOCK"\nSIZE="1"',
        9999,
        false,
      );
      await s.call(
        "allocate in a system datastore",
        "one.image.allocate",
        'NAME="diff-img-x"\nTYPE="DATABLOCK"\nSIZE="1"',
        ref.system,
        false,
      );
      await s.call(
        "allocate a taken name",
        "one.image.allocate",
        'NAME="ubuntu-24.04"\nTYPE="DATABLOCK"\nSIZE="1"',
        ref.images,
        false,
      );
      await s.call("delete", "one.image.delete", id);
      await s.waitGone("one.image.info", id);
      await s.call("info deleted", "one.image.info", id);
    },
  },
  {
    name: "template",
    async run(s) {
      const ref = await reference(s);
      const id = await s.create(
        "template",
        "diff-tpl",
        "one.template.allocate",
        vmTemplate("diff-tpl", ref.image, ref.lan),
      );
      await s.call("info", "one.template.info", id);
      await s.call("update merge", "one.template.update", id, 'DESCRIPTION="diff"', 1);
      await s.call("rename", "one.template.rename", id, "diff-tpl-2");
      const clone = await s.create(
        "template",
        "diff-tpl-clone",
        "one.template.clone",
        id,
        "diff-tpl-clone",
        false,
      );
      await s.call("info clone", "one.template.info", clone);
      await s.call("chmod", "one.template.chmod", id, 1, 1, 0, 1, 0, 0, 1, 0, 0);
      await s.call("lock", "one.template.lock", id, 1, false);
      await s.call("update locked", "one.template.update", id, 'X="1"', 1);
      await s.call("unlock", "one.template.unlock", id);
      await s.call("allocate a syntax error", "one.template.allocate", 'NAME="diff-tpl-x"\nCPU=[');
      await s.call("allocate a taken name", "one.template.allocate", 'NAME="diff-tpl-2"\nCPU="1"');
      await s.call("instantiate a missing template", "one.template.instantiate", 9999, "x", true, "", false);
      await s.call("delete clone", "one.template.delete", clone, false);
      await s.call("delete", "one.template.delete", id, false);
      await s.call("info deleted", "one.template.info", id);
    },
  },
  {
    name: "user and group",
    async run(s) {
      await reference(s);
      const group = await s.create("group", "diff-group", "one.group.allocate", "diff-group");
      await s.call("group info", "one.group.info", group);
      const user = await s.create("user", "diff-user", "one.user.allocate", "diff-user", "diff-pass", "core");
      await s.call("user info", "one.user.info", user);
      await s.call("chgrp", "one.user.chgrp", user, group);
      await s.call("addgroup", "one.user.addgroup", user, USERS_GROUP);
      await s.call("delgroup", "one.user.delgroup", user, USERS_GROUP);
      await s.call("passwd", "one.user.passwd", user, "diff-pass-2");
      await s.call("passwd empty", "one.user.passwd", user, "");
      await s.call("full login token for another user", "one.user.login", "diff-user", "", 60);
      await s.call("update merge", "one.user.update", user, 'EMAIL="diff@example.org"', 1);
      await s.call("group addadmin", "one.group.addadmin", group, user);
      await s.call("group info with admin", "one.group.info", group);
      await s.call("group deladmin", "one.group.deladmin", group, user);
      await s.call("disable", "one.user.enable", user, false);
      await s.call("user info disabled", "one.user.info", user);
      await s.call("enable", "one.user.enable", user, true);
      await s.call("allocate a taken name", "one.user.allocate", "diff-user", "x", "core");
      await s.call("allocate an empty password", "one.user.allocate", "diff-user-x", "", "core");
      await s.call("group allocate a taken name", "one.group.allocate", "diff-group");
      await s.call("delete a group with users", "one.group.delete", group);
      await s.call("delete user", "one.user.delete", user);
      await s.call("delete group", "one.group.delete", group);
      await s.call("user info deleted", "one.user.info", user);
      await s.call("group info deleted", "one.group.info", group);
    },
  },
  {
    name: "cluster",
    async run(s) {
      const ref = await reference(s);
      const id = await s.create("cluster", "diff-cluster", "one.cluster.allocate", "diff-cluster");
      const host = await s.create(
        "host",
        "diff-chost",
        "one.host.allocate",
        "diff-chost",
        "dummy",
        "dummy",
        id,
      );
      await s.call("info", "one.cluster.info", id);
      await s.call("adddatastore", "one.cluster.adddatastore", id, ref.images);
      await s.call("addvnet", "one.cluster.addvnet", id, ref.lan);
      await s.call("info with members", "one.cluster.info", id);
      await s.call("delete a cluster with hosts", "one.cluster.delete", id);
      await s.call("delhost", "one.cluster.delhost", id, host);
      await s.call("deldatastore", "one.cluster.deldatastore", id, ref.images);
      await s.call("delvnet", "one.cluster.delvnet", id, ref.lan);
      await s.call("update merge", "one.cluster.update", id, 'RESERVED_CPU="10"', 1);
      await s.call("rename", "one.cluster.rename", id, "diff-cluster-2");
      await s.call("addhost a missing host", "one.cluster.addhost", id, 9999);
      await s.call("host delete", "one.host.delete", host);
      await s.call("delete", "one.cluster.delete", id);
      await s.call("info deleted", "one.cluster.info", id);
    },
  },
  {
    name: "security group",
    async run(s) {
      await reference(s);
      const id = await s.create(
        "secgroup",
        "diff-sg",
        "one.secgroup.allocate",
        'NAME="diff-sg"\nRULE=[PROTOCOL="TCP",RULE_TYPE="INBOUND",RANGE="22"]',
      );
      await s.call("info", "one.secgroup.info", id);
      await s.call(
        "update replace",
        "one.secgroup.update",
        id,
        'RULE=[PROTOCOL="ICMP",RULE_TYPE="OUTBOUND"]',
        0,
      );
      await s.call("info after update", "one.secgroup.info", id);
      const clone = await s.create("secgroup", "diff-sg-clone", "one.secgroup.clone", id, "diff-sg-clone");
      await s.call(
        "allocate a bad protocol",
        "one.secgroup.allocate",
        'NAME="diff-sg-x"\nRULE=[PROTOCOL="NOPE",RULE_TYPE="INBOUND"]',
      );
      await s.call("delete clone", "one.secgroup.delete", clone);
      await s.call("delete", "one.secgroup.delete", id);
      await s.call("delete default", "one.secgroup.delete", 0);
      await s.call("info deleted", "one.secgroup.info", id);
    },
  },
  {
    name: "vm group",
    async run(s) {
      await reference(s);
      const id = await s.create(
        "vmgroup",
        "diff-vmg",
        "one.vmgroup.allocate",
        'NAME="diff-vmg"\nROLE=[NAME="web",POLICY="ANTI_AFFINED"]\nROLE=[NAME="db"]',
      );
      await s.call("info", "one.vmgroup.info", id);
      await s.call("update merge", "one.vmgroup.update", id, 'DESCRIPTION="diff"', 1);
      await s.call("rename", "one.vmgroup.rename", id, "diff-vmg-2");
      await s.call(
        "allocate a duplicate role",
        "one.vmgroup.allocate",
        'NAME="diff-vmg-x"\nROLE=[NAME="a"]\nROLE=[NAME="a"]',
      );
      await s.call("delete", "one.vmgroup.delete", id);
      await s.call("info deleted", "one.vmgroup.info", id);
    },
  },
  {
    name: "acl",
    async run(s) {
      await reference(s);
      const rule = await s.create(
        "acl",
        "diff-acl",
        "one.acl.addrule",
        "0x100000001",
        "0x2400000000",
        "0x1",
        "0x100000000",
      );
      await s.call("delrule", "one.acl.delrule", rule);
      await s.call("delrule missing", "one.acl.delrule", 99999);
      await s.call("addrule malformed", "one.acl.addrule", "zz", "0x1", "0x1");
    },
  },
  {
    name: "vm lifecycle",
    async run(s) {
      const ref = await reference(s);
      const tpl = await s.create(
        "template",
        "diff-vm-tpl",
        "one.template.allocate",
        vmTemplate("diff-vm-tpl", ref.image, ref.lan),
      );
      const vm = await s.create("vm", "diff-vm", "one.template.instantiate", tpl, "diff-vm", true, "", false);
      await s.call("info on hold", "one.vm.info", vm);
      await s.call("deploy to a missing host", "one.vm.deploy", vm, 9999, false, -1);
      await s.call("deploy", "one.vm.deploy", vm, ref.host1, false, -1);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("info running", "one.vm.info", vm);
      await s.call("resume while running", "one.vm.action", "resume", vm);
      await s.call("bad action", "one.vm.action", "explode", vm);
      await s.call("poweroff", "one.vm.action", "poweroff", vm);
      await s.waitVm(vm, VM.POWEROFF);
      await s.call("info poweroff", "one.vm.info", vm);
      await s.call("resume", "one.vm.action", "resume", vm);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("suspend", "one.vm.action", "suspend", vm);
      await s.waitVm(vm, VM.SUSPENDED);
      await s.call("info suspended", "one.vm.info", vm);
      await s.call("resume from suspended", "one.vm.action", "resume", vm);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("migrate live", "one.vm.migrate", vm, ref.host2, true, false, -1, 0);
      // oned queues the migration: wait until the VM runs on node2 (last history record) and stays so
      await s.waitVmSettled(
        vm,
        VM.ACTIVE,
        LCM.RUNNING,
        new RegExp(`<HID>${ref.host2}</HID>(?![\\s\\S]*<HID>)`),
      );
      await s.call("info migrated", "one.vm.info", vm);
      await s.call("migrate to a missing host", "one.vm.migrate", vm, 9999, true, false, -1, 0);
      await s.call("rename", "one.vm.rename", vm, "diff-vm-2");
      await s.call("update merge", "one.vm.update", vm, 'LABELS="diff"', 1);
      await s.call("terminate", "one.vm.action", "terminate-hard", vm);
      await s.waitVm(vm, VM.DONE);
      await s.call("info done", "one.vm.info", vm);
      await s.call("action on a done VM", "one.vm.action", "resume", vm);
      await s.call("template delete", "one.template.delete", tpl, false);
    },
  },
  {
    name: "vm hot-plug and snapshots",
    async run(s) {
      const ref = await reference(s);
      const tpl = await s.create(
        "template",
        "diff-hp-tpl",
        "one.template.allocate",
        vmTemplate("diff-hp-tpl", ref.image, ref.lan),
      );
      const vm = await runningVm(s, "diff-hp", tpl, ref.host1);
      await s.call("attach volatile disk", "one.vm.attach", vm, 'DISK=[TYPE="fs",SIZE="16"]');
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("info with 2 disks", "one.vm.info", vm);
      await s.call("detach", "one.vm.detach", vm, 2);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("detach a missing disk", "one.vm.detach", vm, 42);
      await s.call("attachnic", "one.vm.attachnic", vm, `NIC=[NETWORK_ID="${ref.lan}"]`);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("info with 2 nics", "one.vm.info", vm);
      await s.call("detachnic", "one.vm.detachnic", vm, 1);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("snapshotcreate", "one.vm.snapshotcreate", vm, "diff-snap");
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("info with a snapshot", "one.vm.info", vm);
      await s.call("snapshotdelete", "one.vm.snapshotdelete", vm, 0);
      await s.waitVm(vm, VM.ACTIVE, LCM.RUNNING);
      await s.call("snapshotdelete missing", "one.vm.snapshotdelete", vm, 7);
      await s.call("poweroff", "one.vm.action", "poweroff", vm);
      await s.waitVm(vm, VM.POWEROFF);
      await s.call("disksnapshotcreate", "one.vm.disksnapshotcreate", vm, 0, "diff-dsnap");
      await s.waitVm(vm, VM.POWEROFF);
      await s.call("info with a disk snapshot", "one.vm.info", vm);
      await s.call("disksnapshotdelete", "one.vm.disksnapshotdelete", vm, 0, 0);
      await s.waitVm(vm, VM.POWEROFF);
      await s.call("resize", "one.vm.resize", vm, 'CPU="1"\nMEMORY="512"', false);
      await s.call("info resized", "one.vm.info", vm);
      await s.call("terminate", "one.vm.action", "terminate-hard", vm);
      await s.waitVm(vm, VM.DONE);
      await s.call("template delete", "one.template.delete", tpl, false);
    },
  },
  {
    name: "quotas",
    async run(s) {
      const ref = await reference(s);
      const user = await s.create("user", "diff-quser", "one.user.allocate", "diff-quser", "qpass", "core");
      const tpl = await s.create(
        "template",
        "diff-q-tpl",
        "one.template.allocate",
        vmTemplate("diff-q-tpl", ref.image, ref.lan),
      );
      await s.call("share template", "one.template.chmod", tpl, 1, 1, 0, 1, 0, 0, 1, 0, 0);
      await s.call("share image", "one.image.chmod", ref.image, 1, 1, 0, 1, 0, 0, 1, 0, 0);
      await s.call("share network", "one.vn.chmod", ref.lan, 1, 1, 0, 1, 0, 0, 1, 0, 0);
      await s.call(
        "set quota",
        "one.user.quota",
        user,
        'VM=[VMS="1",CPU="1",MEMORY="512",RUNNING_VMS="-1",RUNNING_CPU="-1",RUNNING_MEMORY="-1",SYSTEM_DISK_SIZE="-1"]',
      );
      await s.call("user info with quota", "one.user.info", user);
      const as = s.as("diff-quser", "qpass");
      const vm = await as.create(
        "vm",
        "diff-q1",
        "one.template.instantiate",
        tpl,
        "diff-q1",
        true,
        "",
        false,
      );
      await s.call("user info with usage", "one.user.info", user);
      await as.call("over the VM quota", "one.template.instantiate", tpl, "diff-q2", true, "", false);
      await s.call("bad quota template", "one.user.quota", user, 'VM=[VMS="many"]');
      await s.call("terminate", "one.vm.action", "terminate-hard", vm);
      await s.waitVm(vm, VM.DONE);
      await s.call("user info after", "one.user.info", user);
      await s.call("unshare image", "one.image.chmod", ref.image, 1, 1, 0, 0, 0, 0, 0, 0, 0);
      await s.call("unshare network", "one.vn.chmod", ref.lan, 1, 1, 0, 0, 0, 0, 0, 0, 0);
      await s.call("template delete", "one.template.delete", tpl, false);
      await s.call("user delete", "one.user.delete", user);
    },
  },
  {
    name: "acl denials",
    async run(s) {
      const ref = await reference(s);
      const user = await s.create("user", "diff-auser", "one.user.allocate", "diff-auser", "apass", "core");
      const as = s.as("diff-auser", "apass");
      const tpl = await s.create(
        "template",
        "diff-a-tpl",
        "one.template.allocate",
        vmTemplate("diff-a-tpl", ref.image, ref.lan),
      );
      await as.call("host allocate", "one.host.allocate", "diff-denied", "dummy", "dummy", -1);
      await as.call("host info", "one.host.info", ref.host1);
      await as.call("private template info", "one.template.info", tpl);
      await as.call("instantiate a private template", "one.template.instantiate", tpl, "x", true, "", false);
      await as.call("datastore delete", "one.datastore.delete", ref.images);
      await as.call("other user's info", "one.user.info", 0);
      await as.call("user allocate", "one.user.allocate", "diff-denied", "x", "core");
      await as.call("acl addrule", "one.acl.addrule", "0x100000001", "0x2400000000", "0x1");
      await as.call("own info", "one.user.info", -1);
      await s.call("template delete", "one.template.delete", tpl, false);
      await s.call("user delete", "one.user.delete", user);
    },
  },
  {
    name: "missing objects",
    async run(s) {
      await reference(s);
      for (const method of [
        "one.vm.info",
        "one.host.info",
        "one.image.info",
        "one.datastore.info",
        "one.vn.info",
        "one.template.info",
        "one.user.info",
        "one.group.info",
        "one.cluster.info",
        "one.secgroup.info",
        "one.vmgroup.info",
      ]) {
        await s.call("missing", method, 99999);
      }
      await s.call("vm action on a missing VM", "one.vm.action", "poweroff", 99999);
      await s.call("wrong parameter type", "one.vm.info", "zero");
      await s.call("missing parameter", "one.vm.action", "poweroff");
    },
  },
];
