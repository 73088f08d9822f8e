"""pyone checks of scheduled actions, guest exec, VM group membership and backups:
schedadd/schedupdate/scheddelete, exec/retryexec/cancelexec, vmgroupadd/vmgroupdel,
backup/backupcancel/restore (loaded by pyone_peer.py). The served emulator runs on the real clock
(serve.mjs: backup 300 ms, exec 100 ms)."""
import time

import pyone
from pyone_support import as_list, refused, until


def scheduled_actions(one, expect, wait_state):
    vm_id = one.template.instantiate(0, "pyone-sched", False, "", False)
    vm, _ = wait_state(vm_id, 3, 3)
    sched = one.vm.schedadd(vm_id, 'SCHED_ACTION=[ACTION="snapshot-create", TIME="+86400", ARGS="nightly"]')
    expect(one.vm.schedupdate(vm_id, sched, 'SCHED_ACTION=[TIME="+172800"]'), sched, "schedupdate answers the id")
    vm = one.vm.info(vm_id)
    expect(list(vm.SCHED_ACTIONS.ID), [sched], "SCHED_ACTIONS/ID")
    sa = as_list(vm.TEMPLATE["SCHED_ACTION"])[0]
    expect(sa["ACTION"], "snapshot-create", "SCHED_ACTION/ACTION")
    expect(int(sa["TIME"]), vm.STIME + 172800, "SCHED_ACTION/TIME (+seconds after STIME)")
    refused(lambda: one.vm.schedadd(vm_id, 'SCHED_ACTION=[ACTION="explode", TIME="+1"]'),
            pyone.OneActionException, "explode is not supported.")
    refused(lambda: one.vm.scheddelete(vm_id, 999999), pyone.OneNoExistsException,
            "Error getting scheduled action [999999].")
    one.vm.scheddelete(vm_id, sched)
    expect(list(one.vm.info(vm_id).SCHED_ACTIONS.ID), [], "SCHED_ACTIONS after scheddelete")
    # An action due now runs on the emulator's clock: poweroff-hard.
    now = int(time.time())
    one.vm.schedadd(vm_id, 'SCHED_ACTION=[ACTION="poweroff-hard", TIME="%d"]' % now)
    vm, _ = wait_state(vm_id, 8, 0)
    done = as_list(vm.TEMPLATE["SCHED_ACTION"])[0]
    expect(int(done["DONE"]) >= now, True, "SCHED_ACTION/DONE set by the run")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def guest_exec_and_groups(one, expect, wait_state):
    vm_id = one.template.instantiate(0, "pyone-exec", False, "", False)
    wait_state(vm_id, 3, 3)
    one.vm.exec(vm_id, "hostname", "")
    ga = until("QEMU_GA_EXEC DONE", lambda: (lambda g: g if g["STATUS"] == "DONE" else None)(
        one.vm.info(vm_id).TEMPLATE["QEMU_GA_EXEC"]))
    expect(ga["COMMAND"], "hostname", "QEMU_GA_EXEC/COMMAND")
    expect(ga["RETURN_CODE"], "0", "QEMU_GA_EXEC/RETURN_CODE")
    one.vm.retryexec(vm_id)
    one.vm.cancelexec(vm_id)
    expect(one.vm.info(vm_id).TEMPLATE["QEMU_GA_EXEC"]["STATUS"], "CANCELLED", "cancelled command")
    refused(lambda: one.vm.cancelexec(vm_id), pyone.OneActionException, "no command is being executed")
    vg = one.vmgroup.allocate('NAME="pyone-members"\nROLE=[NAME="web"]')
    one.vm.vmgroupadd(vm_id, vg, "web")
    expect(one.vm.info(vm_id).TEMPLATE["VMGROUP"]["ROLE"], "web", "TEMPLATE/VMGROUP/ROLE")
    expect(one.vmgroup.info(vg).ROLES.ROLE[0].VMS, str(vm_id), "the role lists the VM")
    refused(lambda: one.vm.vmgroupadd(vm_id, vg, "web"), pyone.OneActionException, "already in VM group")
    one.vm.vmgroupdel(vm_id)
    one.vmgroup.delete(vg)
    one.vm.action("poweroff-hard", vm_id)
    wait_state(vm_id, 8, 0)
    refused(lambda: one.vm.exec(vm_id, "id", ""), pyone.OneActionException, "wrong state POWEROFF")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def backups(one, expect, wait_state):
    ds = one.datastore.allocate('NAME="pyone-backups"\nTYPE="BACKUP_DS"\nDS_MAD="rsync"\nTM_MAD="-"', -1)
    vm_id = one.template.instantiate(0, "pyone-backup", False, 'BACKUP_CONFIG=[MODE="INCREMENT"]', False)
    wait_state(vm_id, 3, 3)
    refused(lambda: one.vm.backup(vm_id, 0, False), pyone.OneActionException, "Datastore needs to be of type BACKUP")
    one.vm.backup(vm_id, ds, False)
    expect(one.vm.info(vm_id).LCM_STATE, 69, "BACKUP")
    vm, _ = wait_state(vm_id, 3, 3)
    image_id = vm.BACKUPS.BACKUP_IDS.ID[0]
    expect(vm.BACKUPS.BACKUP_CONFIG.MODE, "INCREMENT", "BACKUP_CONFIG/MODE")
    expect(int(vm.BACKUPS.BACKUP_CONFIG.LAST_BACKUP_ID), image_id, "BACKUP_CONFIG/LAST_BACKUP_ID")
    image = one.image.info(image_id)
    expect(image.TYPE, 6, "backup image TYPE")
    expect(image.DATASTORE_ID, ds, "backup image in the backup datastore")
    one.vm.backup(vm_id, ds, False)
    one.vm.backupcancel(vm_id)
    wait_state(vm_id, 3, 3)
    one.vm.action("poweroff-hard", vm_id)
    wait_state(vm_id, 8, 0)
    one.vm.restore(vm_id, image_id, 0, -1)
    expect(one.vm.info(vm_id).LCM_STATE, 71, "RESTORE")
    wait_state(vm_id, 8, 0)
    refused(lambda: one.vm.restore(vm_id, 0, -1, -1), pyone.OneActionException, "Image has to be of type BACKUP")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


CHECKS = [
    ("scheduled actions: schedadd/update/delete, a due poweroff-hard runs", scheduled_actions),
    ("guest exec (QEMU_GA_EXEC) and vmgroupadd/vmgroupdel", guest_exec_and_groups),
    ("backup (INCREMENT), backupcancel, restore", backups),
]
