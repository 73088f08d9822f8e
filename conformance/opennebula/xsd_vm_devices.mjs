// XSD scenario: VMs through the device and disk operations — a disk resized (DISK_RESIZE with
// SIZE_PREV/RESIZE, then grown), a disk saved as an image (HOTPLUG_SAVEAS* with the
// HOTPLUG_SAVE_AS attributes; the new image LOCKED then READY, with SAVED_* attributes), renamed
// disk snapshots, PCI devices, security groups on NICs (SECURITY_GROUP_RULE in TEMPLATE), NIC QoS,
// and an updateconf of OS/FEATURES/INPUT/GRAPHICS/RAW/CPU_MODEL/VIDEO/BACKUP_CONFIG/CONTEXT.
import { keepVmPools } from "./scenario-support.mjs";

export default function vmDevicesScenario({ clock, call, keep }) {
  const vm = call("one.template.instantiate", [0, "devices", false, "", false]);
  const off = call("one.template.instantiate", [0, "devices-off", false, "", false]);
  clock.advance(10_000);
  call("one.vm.action", ["poweroff", off]);
  clock.advance(3_000);

  // Disk resize while RUNNING and while POWEROFF.
  call("one.vm.diskresize", [vm, 0, "10240"]);
  keep("VM in DISK_RESIZE (SIZE_PREV, RESIZE)", "vm.xsd", "one.vm.info", [vm]);
  call("one.vm.diskresize", [off, 0, "4096"]);
  keep("VM in DISK_RESIZE_POWEROFF", "vm.xsd", "one.vm.info", [off]);
  clock.advance(1_000);

  // Disk snapshots renamed, then a save-as from a snapshot of the POWEROFF VM.
  const snap = call("one.vm.disksnapshotcreate", [off, 0, "base"]);
  clock.advance(1_000);
  call("one.vm.disksnapshotrename", [off, 0, snap, "renamed & <kept>"]);
  const fromSnap = call("one.vm.disksaveas", [off, 0, "from-snapshot", "DATABLOCK", snap]);
  keep("VM in HOTPLUG_SAVEAS_POWEROFF (HOTPLUG_SAVE_AS attributes)", "vm.xsd", "one.vm.info", [off]);
  keep("IMAGE saved from a VM disk, LOCKED", "image.xsd", "one.image.info", [fromSnap]);
  const saved = call("one.vm.disksaveas", [vm, 0, "golden", "", -1]);
  keep("VM in HOTPLUG_SAVEAS", "vm.xsd", "one.vm.info", [vm]);
  clock.advance(2_000);
  keep("IMAGE saved from a VM disk, READY", "image.xsd", "one.image.info", [saved]);

  // PCI devices on the POWEROFF VM (one detached again).
  call("one.vm.attachpci", [off, 'PCI=[VENDOR="10de", DEVICE="1eb8", CLASS="0302"]']);
  call("one.vm.attachpci", [off, 'PCI=[SHORT_ADDRESS="0000:41:00.0"]']);
  call("one.vm.attachpci", [off, 'PCI=[CLASS="0c03", VM_BUS="0x02"]']);
  call("one.vm.detachpci", [off, 1]);

  // Security groups on both NICs of the RUNNING VM, one detached from one NIC.
  const sg = call("one.secgroup.allocate", [
    'NAME="web"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND"]\nRULE=[PROTOCOL="ALL", RULE_TYPE="OUTBOUND"]',
  ]);
  call("one.vm.attachnic", [vm, "NIC=[NETWORK_ID=0]"]);
  clock.advance(1_000);
  call("one.vm.attachsg", [vm, 0, sg]);
  call("one.vm.attachsg", [vm, 1, sg]);
  call("one.vm.detachsg", [vm, 0, 0]); // the NIC had the network's group 0 (as in oned 7.4)
  call("one.vm.attachsg", [vm, 0, 0]);
  call("one.vm.detachsg", [vm, 1, sg]);
  keep("SECURITY_GROUP with a VM", "security_group.xsd", "one.secgroup.info", [sg]);

  // NIC QoS, live (HOTPLUG_NIC) and in place.
  call("one.vm.updatenic", [vm, 0, 'NIC=[INBOUND_AVG_BW="512", OUTBOUND_AVG_BW="256"]', 1]);
  keep("VM in HOTPLUG_NIC after updatenic, with SGs and rules", "vm.xsd", "one.vm.info", [vm]);
  clock.advance(1_000);
  call("one.vm.updatenic", [off, 0, 'NIC=[INBOUND_PEAK_BW="1024"]', 0]);

  // updateconf: replace on the POWEROFF VM, a live context update on the RUNNING one.
  call("one.vm.updateconf", [
    off,
    'OS=[ARCH="x86_64", FIRMWARE="UEFI", BOOT="disk0"]\nFEATURES=[ACPI="YES", GUEST_AGENT="YES"]\nINPUT=[TYPE="tablet", BUS="usb"]\nGRAPHICS=[TYPE="VNC", LISTEN="0.0.0.0", KEYMAP="es"]\nRAW=[TYPE="kvm", DATA="<devices><serial/></devices>"]\nCPU_MODEL=[MODEL="host-passthrough"]\nVIDEO=[TYPE="virtio", VRAM="16384"]\nBACKUP_CONFIG=[MODE="INCREMENT", KEEP_LAST="2"]\nCONTEXT=[NETWORK="YES", HOSTNAME="off & <on>"]',
    0,
  ]);
  keep("VM POWEROFF with PCI devices, QoS and updateconf", "vm.xsd", "one.vm.info", [off]);
  call("one.vm.updateconf", [vm, 'CONTEXT=[START_SCRIPT="echo ]]> done"]', 1]);
  keep("VM in HOTPLUG (live updateconf)", "vm.xsd", "one.vm.info", [vm]);
  clock.advance(1_000);
  keepVmPools(keep, "after the device operations");
  keep("IMAGE_POOL with saved images", "image_pool.xsd", "one.imagepool.info", [-2, -1, -1]);
}
