"""pyone checks of the VM device and disk operations: diskresize, disksaveas, disksnapshotrename,
attachpci/detachpci, attachsg/detachsg, updatenic, updateconf (loaded by pyone_peer.py)."""
import pyone
from pyone_support import as_list, refused


def disks(one, expect, wait_state):
    vm_id = one.template.instantiate(0, "pyone-disks", False, "", False)
    wait_state(vm_id, 3, 3)
    one.vm.diskresize(vm_id, 0, "8192")
    vm, seen = wait_state(vm_id, 3, 3)
    expect(as_list(vm.TEMPLATE["DISK"])[0]["SIZE"], "8192", "DISK/SIZE after diskresize")
    refused(lambda: one.vm.diskresize(vm_id, 0, "1024"), pyone.OneActionException, "greater than current one")
    snap = one.vm.disksnapshotcreate(vm_id, 0, "first")
    wait_state(vm_id, 3, 3)
    one.vm.disksnapshotrename(vm_id, 0, snap, "renamed")
    expect(one.vm.info(vm_id).SNAPSHOTS[0].SNAPSHOT[0].NAME, "renamed", "disk snapshot renamed")
    img = one.vm.disksaveas(vm_id, 0, "pyone-saved", "", -1)
    expect(one.vm.info(vm_id).LCM_STATE, 26, "HOTPLUG_SAVEAS while the image is copied")
    expect(one.image.info(img).TEMPLATE["SAVED_VM_ID"], str(vm_id), "image SAVED_VM_ID")
    wait_state(vm_id, 3, 3)
    expect(one.image.info(img).STATE, 1, "saved image READY")
    refused(
        lambda: one.vm.disksaveas(vm_id, 0, "pyone-saved", "", -1),
        pyone.OneException,
        "NAME is already taken by IMAGE %d" % img,
    )
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def pci_and_conf(one, expect, wait_state):
    vm_id = one.template.instantiate(0, "pyone-pci", False, "", False)
    wait_state(vm_id, 3, 3)
    refused(lambda: one.vm.attachpci(vm_id, 'PCI=[CLASS="0302"]'), pyone.OneActionException, "wrong state RUNNING")
    one.vm.updateconf(vm_id, 'CONTEXT=[NETWORK="YES", HOSTNAME="pyone"]', 1)
    wait_state(vm_id, 3, 3)
    expect(one.vm.info(vm_id).TEMPLATE["CONTEXT"]["HOSTNAME"], "pyone", "CONTEXT updated live")
    one.vm.action("poweroff-hard", vm_id)
    wait_state(vm_id, 8, 0)
    one.vm.attachpci(vm_id, 'PCI=[VENDOR="10de", DEVICE="1eb8", CLASS="0302"]')
    one.vm.attachpci(vm_id, 'PCI=[SHORT_ADDRESS="0000:41:00.0"]')
    pcis = as_list(one.vm.info(vm_id).TEMPLATE["PCI"])
    expect([p["PCI_ID"] for p in pcis], ["0", "1"], "PCI_IDs")
    expect(pcis[1]["VM_ADDRESS"], "01:02.0", "VM_ADDRESS of PCI 1")
    one.vm.detachpci(vm_id, 0)
    expect(as_list(one.vm.info(vm_id).TEMPLATE["PCI"])[0]["PCI_ID"], "1", "PCI 0 detached")
    one.vm.updateconf(vm_id, 'OS=[ARCH="x86_64", FIRMWARE="UEFI"]\nGRAPHICS=[TYPE="VNC", LISTEN="0.0.0.0"]', 0)
    tmpl = one.vm.info(vm_id).TEMPLATE
    expect(tmpl["OS"]["FIRMWARE"], "UEFI", "OS/FIRMWARE after updateconf")
    expect(tmpl["GRAPHICS"]["PORT"], str(5900 + vm_id), "GRAPHICS/PORT assigned")
    refused(lambda: one.vm.updateconf(vm_id, 'OS=[ARCH="x86_64"]', 2), pyone.OneApiException, "Wrong update type")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)


def nics_and_sgs(one, expect, wait_state):
    vm_id = one.template.instantiate(0, "pyone-sg", False, "", False)
    wait_state(vm_id, 3, 3)
    sg = one.secgroup.allocate('NAME="pyone-devices-sg"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND"]')
    one.vm.attachsg(vm_id, 0, sg)
    vm = one.vm.info(vm_id)
    # the NIC has the network's default group 0 from the start, as in oned 7.4
    expect(vm.TEMPLATE["NIC"]["SECURITY_GROUPS"], "0,%d" % sg, "NIC/SECURITY_GROUPS")
    rules = as_list(vm.TEMPLATE["SECURITY_GROUP_RULE"])
    expect(sorted(set(r["SECURITY_GROUP_NAME"] for r in rules)), ["default", "pyone-devices-sg"], "SECURITY_GROUP_RULE")
    expect(one.secgroup.info(sg).UPDATED_VMS.ID, [vm_id], "secgroup UPDATED_VMS")
    refused(lambda: one.vm.attachsg(vm_id, 0, sg), pyone.OneActionException, "already in NIC 0")
    one.vm.detachsg(vm_id, 0, sg)
    expect(one.vm.info(vm_id).TEMPLATE["NIC"]["SECURITY_GROUPS"], "0", "SG detached")
    one.vm.updatenic(vm_id, 0, 'NIC=[INBOUND_AVG_BW="512"]', 1)
    vm, _ = wait_state(vm_id, 3, 3)
    expect(vm.TEMPLATE["NIC"]["INBOUND_AVG_BW"], "512", "NIC QoS updated")
    refused(lambda: one.vm.updatenic(vm_id, 9, "NIC=[X=1]", 0), pyone.OneActionException, "NIC 9 does not exists")
    one.vm.action("terminate-hard", vm_id)
    wait_state(vm_id, 6, 0)
    one.secgroup.delete(sg)


CHECKS = [
    ("VM disks: diskresize, disksnapshotrename, disksaveas (HOTPLUG_SAVEAS, image READY)", disks),
    ("VM PCI attach/detach in POWEROFF, updateconf live and cold", pci_and_conf),
    ("VM security groups on NICs, updatenic QoS", nics_and_sgs),
]
