"""pyone (OpenNebula's official Python binding, from PyPI) against the homelab-kit OpenNebula emulator.

Usage: pyone_peer.py ENDPOINT.json   (the line conformance/opennebula/serve.mjs prints)

pyone decodes the XML-RPC envelope with xmlrpc.client and every document with its generateDS bindings
(generated from the official XSDs), so a document the emulator gets wrong fails here. Exits 1 if any
check fails.
"""
import json
import socket
import sys
import traceback
import urllib.request

import pyone
from pyone_support import refused, until, wait_image

cfg = json.load(open(sys.argv[1]))
URL = cfg["endpoint"]
one = pyone.OneServer(URL, session="%s:%s" % (cfg["user"], cfg["password"]))
results = []


def check(name, fn):
    try:
        fn()
        results.append((name, True))
        print("PASS", name, flush=True)
    except Exception as e:  # report every failure, keep going
        results.append((name, False))
        print("FAIL", name, "-", repr(e), flush=True)
        traceback.print_exc()


def expect(actual, wanted, what):
    if actual != wanted:
        raise AssertionError("%s: expected %r, got %r" % (what, wanted, actual))


def wait_state(vm_id, state, lcm, timeout=15.0):
    seen = []

    def probe():
        vm = one.vm.info(vm_id)
        seen.append((vm.STATE, vm.LCM_STATE))
        return vm if vm.STATE == state and vm.LCM_STATE == lcm else None

    vm = until(lambda: "VM %d in %d/%d; saw %r" % (vm_id, state, lcm, seen[-5:]), probe, timeout)
    return vm, seen


def version():
    expect(one.system.version(), "7.4.0", "one.system.version")
    cfg_doc = one.system.config()
    expect(int(cfg_doc.PORT), 2633, "OPENNEBULA_CONFIGURATION/PORT")


state = {}


def lifecycle():
    vm_id = one.template.instantiate(0, "pyone-vm", False, 'LABELS="peer"', False)
    vm = one.vm.info(vm_id)
    expect((vm.STATE, vm.NAME), (1, "pyone-vm"), "fresh VM is PENDING with its name")
    vm, seen = wait_state(vm_id, 3, 3)
    lcms = [lcm for st, lcm in seen if st == 3]
    if 1 not in lcms and 2 not in lcms:
        raise AssertionError("no PROLOG/BOOT seen before RUNNING: %r" % seen)
    nic = vm.TEMPLATE["NIC"]
    expect(nic["NETWORK"], "lan", "NIC network")
    if not nic["IP"].startswith("192.168.10."):
        raise AssertionError("lease %r not from the lan range" % nic["IP"])
    expect(vm.HISTORY_RECORDS.HISTORY[-1].HOSTNAME in ("node01", "node02", "node03"), True, "placed on a host")
    expect(vm.USER_TEMPLATE["LABELS"], "peer", "USER_TEMPLATE/LABELS")
    state["vm"], state["ip"] = vm_id, nic["IP"]
    one.vm.action("poweroff", vm_id)
    wait_state(vm_id, 8, 0)
    one.vm.action("resume", vm_id)
    wait_state(vm_id, 3, 3)
    one.vm.action("terminate", vm_id)
    vm, _ = wait_state(vm_id, 6, 0)
    if vm.ETIME <= 0:
        raise AssertionError("DONE VM has no ETIME")
    lan = one.vn.info(0)
    leases = [l.IP for ar in lan.AR_POOL.AR for l in (ar.LEASES.LEASE if ar.LEASES else [])]
    expect(state["ip"] in leases, False, "lease returned to the range after terminate")


def wrong_state():
    vm_id = one.vm.allocate('NAME="held"\nCPU="1"\nMEMORY="128"', True)
    expect(one.vm.info(vm_id).STATE, 2, "allocate(hold=True) is HOLD")
    refused(lambda: one.vm.action("poweroff", vm_id), pyone.OneActionException, "not available for state HOLD")
    one.vm.action("release", vm_id)
    expect(one.vm.info(vm_id).STATE, 1, "released VM is PENDING")
    one.vm.recover(vm_id, 3)
    wait_state(vm_id, 6, 0)


def pagination():
    ids = [one.vm.allocate('NAME="page-%d"\nCPU="0.1"\nMEMORY="64"' % n, True) for n in range(7)]
    pages, offset = [], 0
    while True:
        page = one.vmpool.info(-2, offset, -3, -1).VM
        pages.append([v.ID for v in page])
        if len(page) < 3:
            break
        offset += 3
    flat = [i for p in pages for i in p]
    expect(flat, sorted(flat, reverse=True), "pages come newest first (API_LIST_ORDER=DESC)")
    expect(set(ids) <= set(flat), True, "every VM is on some page")
    expect(len(flat), len(set(flat)), "no VM on two pages")
    ranged = one.vmpool.info(-2, ids[1], ids[3], -1).VM
    expect(sorted(v.ID for v in ranged), ids[1:4], "ID range")
    ext = one.vmpool.infoextended(-2, -1, -1, -1).VM
    expect(all(v.TEMPLATE.get("VMID") is not None for v in ext), True, "extended bodies carry TEMPLATE/VMID")


def infos():
    hosts = one.hostpool.info().HOST
    expect([h.NAME for h in hosts], ["node01", "node02", "node03"], "host names")
    host = one.host.info(0)
    expect((host.STATE, host.HOST_SHARE.TOTAL_CPU, host.HOST_SHARE.TOTAL_MEM), (2, 1600, 36 * 1024 * 1024), "node01 capacity")
    image = one.image.info(0)
    expect((image.NAME, image.TYPE, image.DATASTORE_ID), ("ubuntu-24.04", 0, 1), "image 0")
    ds = one.datastore.info(1)
    expect((ds.NAME, ds.TYPE, ds.DS_MAD), ("ceph_images", 0, "ceph"), "datastore 1")
    expect([d.NAME for d in one.datastorepool.info().DATASTORE], ["system", "ceph_images", "files"], "datastores")
    vn = one.vn.info(0)
    ar = vn.AR_POOL.AR[0]
    expect((vn.NAME, ar.IP, ar.SIZE, ar.TYPE), ("lan", "192.168.10.100", 100, "IP4"), "vnet 0 AR")
    expect([v.NAME for v in one.vnpool.info(-2, -1, -1).VNET], ["lan"], "vnet pool")
    expect(one.template.info(0).NAME, "ubuntu-small", "template 0")
    expect(one.cluster.info(0).HOSTS.ID, [0, 1, 2], "cluster hosts")
    expect(one.user.info(0).NAME, "oneadmin", "user 0")
    expect([g.NAME for g in one.grouppool.info().GROUP], ["oneadmin", "users"], "groups")


def image_states():
    img = one.image.allocate('NAME="pyone-data"\nTYPE="DATABLOCK"\nSIZE="512"', 1)
    expect(one.image.info(img).STATE, 4, "new image is LOCKED")
    wait_image(one, img, 1)
    one.image.delete(img)
    refused(lambda: one.image.info(img), pyone.OneNoExistsException, "")


def authentication():
    bad = pyone.OneServer(URL, session="oneadmin:wrong-password")
    try:
        bad.vm.info(0)
        raise AssertionError("wrong password accepted")
    except pyone.OneAuthenticationException as e:
        expect(str(e), "[one.vm.info] User couldn't be authenticated, aborting call.", "message")


def authorization():
    uid = one.user.allocate("pyone-user", "pyone-pass", "core", [])
    user = pyone.OneServer(URL, session="pyone-user:pyone-pass")
    refused(lambda: user.host.delete(0), pyone.OneAuthorizationException, "")
    mine = user.vm.allocate('NAME="mine"\nCPU="0.1"\nMEMORY="64"', True)
    expect([v.ID for v in user.vmpool.info(-3, -1, -1, -1).VM], [mine], "own VMs only")
    expect(user.vm.info(mine).UID, uid, "owner")
    # a full token comes from the user's own session (oned 7.4 refuses oneadmin's for another user)
    token = user.user.login("pyone-user", "", 60, -1)
    expect(pyone.OneServer(URL, session="pyone-user:" + token).vm.info(mine).ID, mine, "login token works")


def no_exists():
    try:
        one.vm.info(424242)
        raise AssertionError("unknown VM found")
    except pyone.OneNoExistsException as e:
        expect(str(e), "[one.vm.info] Error getting virtual machine [424242].", "message")


def faults():
    try:
        one.vm.savedisk(0)
        raise AssertionError("undefined method answered")
    except Exception as e:  # xmlrpc.client.Fault, maybe wrapped by pyone
        if "-506" not in repr(e) and "not defined" not in str(e):
            raise
    try:
        one.vm.info("not-an-id")
        raise AssertionError("a string VM id was accepted")
    except Exception as e:  # xmlrpc.client.Fault -501, maybe wrapped by pyone
        if "-501" not in repr(e) and "supposed to be integer" not in str(e):
            raise
    try:
        one.vm.action("poweroff")
        raise AssertionError("a missing parameter was accepted")
    except Exception as e:
        if "-501" not in repr(e) and "Not enough parameters" not in str(e):
            raise
    body = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><methodCall><methodName>&b;</methodName></methodCall>"
    req = urllib.request.Request(URL, data=body, headers={"Content-Type": "text/xml"})
    text = urllib.request.urlopen(req, timeout=5).read().decode()
    expect("<name>faultCode</name>" in text and "-503" in text, True, "entity bomb gets a -503 fault")
    expect(one.system.version(), "7.4.0", "server still serving")


def vm_operations():
    vm_id = one.template.instantiate(0, "pyone-ops", False, "", False)
    vm, _ = wait_state(vm_id, 3, 3)
    hid = vm.HISTORY_RECORDS.HISTORY[-1].HID
    target = 1 if hid == 0 else 0
    one.vm.migrate(vm_id, target, True, True, -1, 0)
    vm, _ = wait_state(vm_id, 3, 3)
    expect(vm.HISTORY_RECORDS.HISTORY[-1].HID, target, "live-migrated to the target host")
    expect(len(vm.HISTORY_RECORDS.HISTORY), 2, "a history record per host")
    one.vm.attachnic(vm_id, "NIC=[NETWORK_ID=0]")
    vm, _ = wait_state(vm_id, 3, 3)
    expect(len(vm.TEMPLATE["NIC"]), 2, "two NICs after attachnic")
    expect(one.vm.disksnapshotcreate(vm_id, 0, "base"), 0, "first disk snapshot id")
    vm, _ = wait_state(vm_id, 3, 3)
    expect(vm.SNAPSHOTS[0].SNAPSHOT[0].NAME, "base", "disk snapshot in SNAPSHOTS")
    refused(lambda: one.vm.resize(vm_id, 'CPU="2"', True), pyone.OneActionException,
            "Cannot resize a VM in state RUNNING")
    one.vm.chmod(vm_id, -1, -1, -1, 1, -1, -1, -1, -1, -1)
    expect(one.vm.info(vm_id).PERMISSIONS.GROUP_U, 1, "chmod GROUP_U")
    one.vm.monitoring(vm_id)  # MONITORING_DATA through pyone's bindings
    one.host.monitoring(target)
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def groups_and_acls():
    sg = one.secgroup.allocate('NAME="pyone-sg"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND"]')
    expect(one.secgroup.info(sg).NAME, "pyone-sg", "SECURITY_GROUP/NAME")
    names = [g.NAME for g in one.secgrouppool.info(-2, -1, -1).SECURITY_GROUP]
    expect("default" in names and "pyone-sg" in names, True, "secgroup pool has default and the new group")
    vg = one.vmgroup.allocate('NAME="pyone-vg"\nROLE=[NAME="web", POLICY="AFFINED"]')
    expect(one.vmgroup.info(vg).ROLES.ROLE[0].POLICY, "AFFINED", "VM_GROUP role policy")
    expect(len(one.vmgrouppool.info(-2, -1, -1).VM_GROUP), 1, "vmgroup pool")
    rule = one.acl.addrule("100000002", "5200000001", "3", "")
    strings = [a.STRING for a in one.acl.info().ACL]
    expect("#2 VM+NET/@1 USE+MANAGE #0" in strings, True, "ACL rule listed")
    one.acl.delrule(rule)
    refused(lambda: one.acl.delrule(rule), pyone.OneInternalException, "does not exist")


for name, fn in [
    ("system version/config", version),
    ("VM lifecycle: instantiate, RUNNING, poweroff, resume, terminate", lifecycle),
    ("wrong state → ACTION, hold/release, recover delete", wrong_state),
    ("pool pagination and ID ranges", pagination),
    ("host/image/datastore/vnet/template/cluster/user/group info", infos),
    ("image LOCKED → READY, delete → NO_EXISTS", image_states),
    ("wrong password → AUTHENTICATION", authentication),
    ("regular user: AUTHORIZATION, own pool, login token", authorization),
    ("unknown VM → NO_EXISTS", no_exists),
    ("faults: undefined method, wrong type, missing parameter, entity bomb", faults),
    ("migrate, attachnic, disk snapshot, resize refused, chmod, monitoring", vm_operations),
    ("security groups, VM groups, ACL rules", groups_and_acls),
]:
    check(name, fn)

# More checks, one file per area: conformance/opennebula/pyone_checks_<area>.py, each defining
# CHECKS = [(name, fn(one, expect, wait_state)), ...]. Loaded in name order.
import glob  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402

for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyone_checks_*.py"))):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, fn in module.CHECKS:
        check(name, lambda fn=fn: fn(one, expect, wait_state))

failed = [n for n, ok in results if not ok]
print("\n%d checks, %d passed, %d failed" % (len(results), len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
