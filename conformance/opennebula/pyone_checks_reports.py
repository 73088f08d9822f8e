"""pyone checks: users and groups (secondary groups, enable, auth driver, quotas, admins, VLAN
rules), the SQL calls and the pool reports (accounting, monitoring, showback).

USER/GROUP documents come back through pyone's bindings from user.xsd / group.xsd,
HISTORY_RECORDS from acct.xsd, SHOWBACK_RECORDS from showback.xsd, MONITORING_DATA from
monitoring_data.xsd. Each check makes its own users, groups and VMs.
"""
import time

import pyone
from pyone_support import refused


def users_and_groups(one, expect, wait_state):
    uid = one.user.allocate("pyone-rep", "rep-pass", "core", [])
    gid = one.group.allocate("pyone-rep-g")
    one.user.addgroup(uid, gid)
    one.group.addadmin(gid, uid)
    user = one.user.info(uid)
    expect(sorted(user.GROUPS.ID), sorted([1, gid]), "secondary group")
    group = one.group.info(gid)
    expect((group.USERS.ID, group.ADMINS.ID), ([uid], [uid]), "group members and admins")
    refused(lambda: one.user.delgroup(uid, 1), pyone.OneActionException,
            "Cannot remove user from the primary group")
    refused(lambda: one.group.addadmin(gid, uid), pyone.OneInternalException,
            "is already an administrator of Group")
    one.group.update(gid, 'DESCRIPTION="reports"', 1)
    one.group.vlan(gid, 'RULE=[ID="100-110", SCOPE="CLUSTER", VNTEMPLATE="0"]')
    expect(one.group.info(gid).TEMPLATE.get("DESCRIPTION"), "reports", "group TEMPLATE")
    # enable: a disabled user cannot authenticate
    session = pyone.OneServer(_url(one), session="pyone-rep:rep-pass")
    expect(session.user.info(-1).NAME, "pyone-rep", "user session")
    one.user.enable(uid, False)
    expect(one.user.info(uid).ENABLED, 0, "ENABLED 0")
    refused(lambda: session.user.info(-1), pyone.OneAuthenticationException, "couldn't be authenticated")
    one.user.enable(uid, True)
    # chauth: a non-core driver's password no longer authenticates
    one.user.chauth(uid, "ldap", "")
    expect(one.user.info(uid).AUTH_DRIVER, "ldap", "AUTH_DRIVER")
    refused(lambda: session.user.info(-1), pyone.OneAuthenticationException, "couldn't be authenticated")
    one.user.chauth(uid, "core", "rep-pass")
    expect(session.user.info(-1).AUTH_DRIVER, "core", "back to core")
    one.group.deladmin(gid, uid)
    one.user.delgroup(uid, gid)
    expect(one.group.info(gid).USERS.ID, [], "no members left")


def quotas(one, expect, wait_state):
    uid = one.user.allocate("pyone-quota", "quota-pass", "core", [])
    one.user.quota(uid, 'VM=[VMS="1", MEMORY="1024"]\nDATASTORE=[ID="1", IMAGES="2"]')
    session = pyone.OneServer(_url(one), session="pyone-quota:quota-pass")
    vm = session.vm.allocate('NAME="q1"\nCPU="0.1"\nMEMORY="512"', True)
    refused(lambda: session.vm.allocate('NAME="q2"\nCPU="0.1"\nMEMORY="64"', True),
            pyone.OneAuthorizationException,
           "user [%d] limit of 1 reached for VMS quota in VM" % uid)
    quota = one.user.info(uid).VM_QUOTA.VM[0]
    expect((quota.VMS, quota.VMS_USED, quota.MEMORY_USED), ("1", "1", "512"), "VM quota and usage")
    expect(one.user.info(uid).DATASTORE_QUOTA.DATASTORE[0].IMAGES, "2", "DATASTORE quota")
    refused(lambda: one.user.quota(uid, 'VM=[VMS="-7"]'), pyone.OneActionException,
            "Negative limits or bad format in quota VM")
    refused(lambda: one.user.quota(0, 'VM=[VMS="1"]'), pyone.OneActionException,
            "Cannot set quotas for oneadmin user")
    one.vm.recover(vm, 3)
    session.vm.allocate('NAME="q2"\nCPU="0.1"\nMEMORY="64"', True)
    pool = one.userpool.info()
    expect(any(q.ID == uid for q in pool.QUOTAS), True, "USER_POOL lists the user's QUOTAS")


def system_sql(one, expect, wait_state):
    refused(lambda: one.system.sql("DELETE FROM vm_pool", False), pyone.OneActionException, "")
    uid = one.user.allocate("pyone-sql", "sql-pass", "core", [])
    other = pyone.OneServer(_url(one), session="pyone-sql:sql-pass")
    refused(lambda: other.system.sqlquery("SELECT oid FROM vm_pool"), pyone.OneAuthorizationException,
            "User [%d] not authorized to perform action on -." % uid)


def reports(one, expect, wait_state):
    vm_id = one.vm.allocate('NAME="pyone-billed"\nCPU="1"\nMEMORY="128"\nCPU_COST="2"', False)
    vm, _ = wait_state(vm_id, 3, 3)
    acct = one.vmpool.accounting(-2, -1, -1)
    mine = [h for h in acct.HISTORY if h.OID == vm_id]
    expect(len(mine), 1, "one history record")
    expect((mine[0].SEQ, mine[0].VM.ID, mine[0].VM.NAME), (0, vm_id, "pyone-billed"), "record and its VM")
    expect(mine[0].HID, vm.HISTORY_RECORDS.HISTORY[0].HID, "same host as the VM's history")
    one.vmpool.monitoring(-2, 0)  # MONITORING_DATA through pyone's bindings (may be empty this early)
    one.vmpool.monitoring(-2, -1)
    one.hostpool.monitoring(0)
    refused(lambda: one.vmpool.accounting(-9, -1, -1), pyone.OneApiException, "Incorrect filter_flag")
    time.sleep(1.5)  # history times are in seconds: let the record span at least one
    expect(one.vmpool.calculateshowback(-1, -1, -1, -1), " ", "oned answers a single space")
    records = [r for r in one.vmpool.showback(-2, -1, -1, -1, -1).SHOWBACK if r.VMID == vm_id]
    expect(len(records) >= 1, True, "a showback record for the VM")
    expect((records[0].VMNAME, records[0].UID), ("pyone-billed", 0), "showback owner")
    expect(records[0].CPU_COST >= 0 and records[0].HOURS >= 0, True, "costs and hours")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def _url(one):
    """The endpoint pyone's server proxy talks to (pyone keeps it as the proxy's host and handler)."""
    return "http://%s%s" % (one._ServerProxy__host, one._ServerProxy__handler)


CHECKS = [
    ("users: secondary groups, admins, enable, chauth, group template and VLAN rules", users_and_groups),
    ("quotas: limits, computed usage, VM quota enforced", quotas),
    ("system.sql / sqlquery: refused write, oneadmin only", system_sql),
    ("pool reports: accounting, monitoring, showback", reports),
]
