"""pyone checks: virtual network reservations and range edits, and a cluster's OneDRS plan.

Each document comes back through pyone's bindings generated from vnet.xsd / cluster.xsd. The
cluster check builds its own cluster and hosts, so the VMs of the other checks do not move it.
"""
import pyone
from pyone_support import refused, until


def reservations(one, expect, wait_state):
    rid = one.vn.reserve(0, 'SIZE="3"\nNAME="pyone-res"')
    res = one.vn.info(rid)
    expect(str(res.PARENT_NETWORK_ID), "0", "PARENT_NETWORK_ID")
    expect(len(res.AR_POOL.AR), 1, "one range")
    expect(str(res.AR_POOL.AR[0].PARENT_NETWORK_AR_ID), "0", "PARENT_NETWORK_AR_ID")
    expect(int(res.AR_POOL.AR[0].SIZE), 3, "reserved SIZE")
    first = res.AR_POOL.AR[0].IP
    held = [l for ar in one.vn.info(0).AR_POOL.AR for l in ar.LEASES.LEASE if l.VNET == rid]
    expect(len(held), 3, "the parent holds 3 leases for the reservation")
    expect(held[0].IP, first, "first reserved address")
    expect(one.vn.reserve(0, "SIZE=1\nNETWORK_ID=%d" % rid), rid, "reserve into the reservation")
    expect(len(one.vn.info(rid).AR_POOL.AR), 2, "a second range")
    refused(lambda: one.vn.reserve(0, "SIZE=100000\nNAME=big"), pyone.OneActionException,
            "Not enough free addresses in an address range")
    refused(lambda: one.vn.update_ar(rid, 'AR=[AR_ID="0", SIZE="9"]'), pyone.OneInternalException,
            "The SIZE of a reservation cannot be changed.")
    one.vn.rename(rid, "pyone-res-2")
    one.vn.chmod(rid, -1, -1, -1, 1, -1, -1, -1, -1, -1)
    one.vn.chown(rid, -1, 1)
    one.vn.lock(rid, 2, False)
    locked = one.vn.info(rid)
    expect((locked.NAME, locked.LOCK.LOCKED, locked.PERMISSIONS.GROUP_U, locked.GID),
           ("pyone-res-2", 2, 1, 1), "renamed, locked, chmod, chown")
    # oned 7.4 refuses a locked object while authorizing: AUTHORIZATION, not LOCKED (0x8000)
    refused(lambda: one.vn.update(rid, 'X="1"', 1), pyone.OneAuthorizationException, "NET is locked")
    one.vn.unlock(rid)
    refused(lambda: one.vn.recover(rid, 1), pyone.OneInternalException,
            "Could not perform 'recover success' on VN %d, wrong state READY." % rid)
    one.vn.free_ar(rid, 1)
    one.vn.free_ar(rid, 0)
    one.vn.delete(rid)
    left = [l for ar in one.vn.info(0).AR_POOL.AR for l in ar.LEASES.LEASE if l.VNET == rid]
    expect(left, [], "the parent's leases are free again")


def _wait_plan(one, cid, state):
    def probe():
        plan = one.cluster.info(cid).PLAN
        return plan if plan is not None and plan.STATE == state else None

    return until("the plan of cluster %d in state %d" % (cid, state), probe)


def drs_plan(one, expect, wait_state):
    cid = one.cluster.allocate("pyone-drs")
    one.cluster.rename(cid, "pyone-drs-2")
    one.cluster.update(cid, 'RESERVED_CPU="0"\nDESCRIPTION="pyone"', 1)
    hosts = [one.host.allocate(n, "kvm", "kvm", cid) for n in ("drs-a", "drs-b")]
    for h in hosts:
        one.host.status(h, 0)
    vms = []
    for n in range(3):
        vm = one.vm.allocate('NAME="drs-%d"\nCPU="4"\nMEMORY="512"' % n, True)
        one.vm.deploy(vm, hosts[0], False)
        vms.append(vm)
    for vm in vms:
        wait_state(vm, 3, 3)
    refused(lambda: one.cluster.planexecute(cid), pyone.OneActionException, "Plan is not ready")
    one.cluster.optimize(cid)
    cluster = one.cluster.info(cid)
    expect(cluster.NAME, "pyone-drs-2", "renamed cluster")
    plan = cluster.PLAN
    expect((plan.ID, plan.STATE), (cid, 0), "a READY plan for the cluster")
    action = plan.ACTION
    expect((action.OPERATION, action.HOST_ID, action.STATE), ("migrate", hosts[1], 0), "migrate to the idle host")
    one.cluster.planexecute(cid)
    refused(lambda: one.cluster.optimize(cid), pyone.OneActionException, "A previous plan is currently being applied.")
    plan = _wait_plan(one, cid, 2)
    expect(plan.ACTION.STATE, 2, "action DONE")
    vm, _ = wait_state(action.VM_ID, 3, 3)
    expect(vm.HISTORY_RECORDS.HISTORY[-1].HID, hosts[1], "the VM runs on the idle host")
    one.cluster.plandelete(cid)
    expect(one.cluster.info(cid).PLAN, None, "no plan after plandelete")
    refused(lambda: one.cluster.plandelete(cid), pyone.OneActionException, "Plan for cluster %d does not exist" % cid)
    for vm in vms:
        one.vm.action("terminate-hard", vm)
    for vm in vms:
        wait_state(vm, 6, 0)
    for h in hosts:
        one.host.delete(h)
    one.cluster.delete(cid)


CHECKS = [
    ("vn reserve/free_ar/update_ar/rename/chmod/chown/lock/recover", reservations),
    ("cluster rename/update, OneDRS optimize/planexecute/plandelete", drs_plan),
]
