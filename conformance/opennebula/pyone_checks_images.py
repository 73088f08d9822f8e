"""pyone checks of images, VM templates and datastores: template chown/lock/unlock, image
chown/lock/chtype/clone/snapshots/restore, datastore update/rename/chown/chmod/enable (loaded by
pyone_peer.py)."""
import pyone
from pyone_support import as_list, refused, wait_image


def templates(one, expect, wait_state):
    uid = one.user.allocate("pyone-tmpl-user", "pw", "")
    tid = one.template.allocate('NAME="pyone-locked"\nCPU="1"\nMEMORY="64"')
    one.template.chown(tid, uid, 1)
    expect(one.template.info(tid).UNAME, "pyone-tmpl-user", "VMTEMPLATE/UNAME after chown")
    one.template.lock(tid, 2, False)
    locked = one.template.info(tid)
    expect((locked.LOCK.LOCKED, locked.LOCK.OWNER), (2, 0), "VMTEMPLATE/LOCK")
    # oned 7.4 refuses a locked object while authorizing: AUTHORIZATION, not LOCKED
    refused(lambda: one.template.rename(tid, "x"), pyone.OneAuthorizationException, "TEMPLATE is locked")
    vm_id = one.template.instantiate(tid, "pyone-from-locked", True, "", False)  # USE passes a MANAGE lock
    refused(lambda: one.template.lock(tid, 9, False), pyone.OneActionException, "Wrong lock level specified")
    one.template.unlock(tid)
    expect(one.template.info(tid).LOCK, None, "no LOCK after unlock")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)
    deep = one.template.clone(0, "pyone-deep", True)
    img = int(one.template.info(deep).TEMPLATE["DISK"]["IMAGE_ID"])
    expect(one.image.info(img).NAME, "pyone-deep-disk-0", "recursive clone's image")
    wait_image(one, img, 1)
    one.template.delete(deep, True)
    refused(lambda: one.image.info(img), pyone.OneNoExistsException, "Error getting image")


def images(one, expect, wait_state):
    img = one.image.allocate('NAME="pyone-base"\nTYPE="OS"\nSIZE="64"', 1, False)
    wait_image(one, img, 1)
    one.image.chtype(img, "DATABLOCK")
    expect(one.image.info(img).TYPE, 2, "IMAGE/TYPE after chtype")
    refused(lambda: one.image.chtype(img, "KERNEL"), pyone.OneActionException, "incompatible type")
    clone = one.image.clone(img, "pyone-clone", -1)
    src = one.image.info(img)
    expect((src.STATE, src.CLONING_OPS, src.CLONES.ID), (2, 1, [clone]), "source USED with CLONES")
    expect(one.image.info(clone).CLONING_ID, img, "clone CLONING_ID")
    wait_image(one, clone, 1)
    expect(one.image.info(img).STATE, 1, "source READY after the clone")
    refused(lambda: one.image.clone(img, "pyone-clone", -1), pyone.OneException, "NAME is already taken by IMAGE")
    one.image.lock(clone, 2, False)
    refused(lambda: one.image.chown(clone, 0, 0), pyone.OneAuthorizationException, "IMAGE is locked")
    one.image.unlock(clone)
    uid = one.user.allocate("pyone-img-user", "pw", "")
    one.image.chown(clone, uid, 1)
    expect(one.image.info(clone).UNAME, "pyone-img-user", "IMAGE/UNAME after chown")


def snapshots(one, expect, wait_state):
    img = one.image.allocate('NAME="pyone-pers"\nTYPE="DATABLOCK"\nSIZE="128"\nPERSISTENT="YES"', 1, False)
    wait_image(one, img, 1)
    vm_id = one.vm.allocate('NAME="pyone-snap"\nCPU="1"\nMEMORY="64"\nDISK=[IMAGE_ID="%d"]' % img, False)
    wait_state(vm_id, 3, 3)
    one.vm.disksnapshotcreate(vm_id, 0, "s0")
    wait_state(vm_id, 3, 3)
    one.vm.disksnapshotcreate(vm_id, 0, "s1")
    wait_state(vm_id, 3, 3)
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)
    image = wait_image(one, img, 1)
    snaps = image.SNAPSHOTS.SNAPSHOT
    expect([s.NAME for s in snaps], ["s0", "s1"], "IMAGE/SNAPSHOTS from the VM disk")
    expect(snaps[1].ACTIVE, "YES", "the last snapshot is active")
    refused(lambda: one.image.snapshotdelete(img, 1), pyone.OneActionException, "Cannot delete the active snapshot")
    one.image.snapshotrevert(img, 0)
    expect(one.image.info(img).TARGET_SNAPSHOT, 0, "TARGET_SNAPSHOT while reverting")
    wait_image(one, img, 1)
    one.image.snapshotdelete(img, 1)
    image = wait_image(one, img, 1)
    expect([s.ID for s in image.SNAPSHOTS.SNAPSHOT], [0], "snapshot 1 deleted")
    one.image.snapshotflatten(img, 0)
    image = wait_image(one, img, 1)
    expect(image.SNAPSHOTS.SNAPSHOT, [], "no snapshots after flatten")


def restore(one, expect, wait_state):
    ds = one.datastore.allocate('NAME="pyone-restore-backups"\nTYPE="BACKUP_DS"\nDS_MAD="restic"\nTM_MAD="-"', -1)
    vm_id = one.template.instantiate(0, "pyone-backed", False, "", False)
    wait_state(vm_id, 3, 3)
    one.vm.backup(vm_id, ds, False)
    vm, _ = wait_state(vm_id, 3, 3)
    backup = as_list(vm.BACKUPS.BACKUP_IDS.ID)[-1]
    refused(lambda: one.image.restore(0, 1, ""), pyone.OneActionException, "Can only restore images of type BACKUP")
    answer = one.image.restore(backup, 1, 'NAME="pyone-restored"')
    tid, iid = [int(x) for x in answer.split(" ")]
    expect(one.image.info(iid).NAME, "pyone-restored-disk-0", "restored image NAME")
    disk = one.template.info(tid).TEMPLATE["DISK"]
    expect(disk["IMAGE_ID"], str(iid), "restored template DISK/IMAGE_ID")
    wait_image(one, iid, 1)
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def datastores(one, expect, wait_state):
    ds = one.datastore.allocate('NAME="pyone-ds"\nDS_MAD="fs"\nTM_MAD="ssh"', -1)
    one.datastore.update(ds, 'TM_MAD="qcow2"\nNOTE="pyone"', 1)
    info = one.datastore.info(ds)
    expect((info.TM_MAD, info.TEMPLATE["NOTE"], info.TEMPLATE["DS_MAD"]), ("qcow2", "pyone", "fs"), "updated")
    one.datastore.rename(ds, "pyone-ds2")
    one.datastore.chmod(ds, -1, -1, -1, 1, 1, -1, -1, -1, -1)
    uid = one.user.allocate("pyone-ds-user", "pw", "")
    one.datastore.chown(ds, uid, 1)
    info = one.datastore.info(ds)
    expect((info.NAME, info.UNAME, info.PERMISSIONS.GROUP_M), ("pyone-ds2", "pyone-ds-user", 1), "renamed/chowned")
    refused(lambda: one.datastore.enable(ds, False), pyone.OneInternalException, "Only SYSTEM_DS")
    one.datastore.enable(0, False)
    expect(one.datastore.info(0).STATE, 1, "system datastore DISABLED")
    one.datastore.enable(0, True)
    expect(one.datastore.info(0).STATE, 0, "system datastore READY")
    one.datastore.delete(ds)


CHECKS = [
    ("templates: chown, lock (AUTHORIZATION, USE passes), unlock, recursive clone/delete", templates),
    ("images: chtype, clone (USED + CLONES → READY), lock, chown", images),
    ("image snapshots from a persistent disk: revert, delete, flatten", snapshots),
    ("image restore of a one.vm.backup image into an image and a template", restore),
    ("datastores: update, rename, chmod, chown, enable system only", datastores),
]
