/**
 * Differences between real oned and the emulator that stay, one entry each, with the reason.
 * An entry matches a difference by method, by "scenario: step", by path (array indices written
 * `[]`) and by either side's value; every entry must match at least one difference of the run
 * (differential.test.ts fails on stale entries), so the list cannot outlive what it explains.
 *
 * Three kinds of reasons:
 * - topology: oned runs here with the dummy drivers (no Ceph, no hypervisor), the emulator models
 *   the reference topology's Ceph datastores and HPE hosts; what follows from that is not a fault;
 * - timing: oned's dummy monitor reports every few seconds, the emulator computes on demand;
 * - not modelled yet: real differences left for later, named so they can be picked up (the file of
 *   the emulator that would change is given).
 */
export interface Allowed {
  method?: RegExp;
  step?: RegExp;
  path: RegExp;
  oned?: RegExp;
  emulator?: RegExp;
  reason: string;
}

export const ALLOWED: Allowed[] = [
  // --- hosts ----------------------------------------------------------------------------------
  {
    method: /^one\.host\.info$/,
    path: /^HOST\/HOST_SHARE\/(PCI_DEVICES|NUMA_NODES)(\/.*)?$/,
    reason:
      "topology: the dummy IM probe reports the NUMA nodes and PCI devices of a made-up host; the emulator's hosts have none (empty PCI_DEVICES/NUMA_NODES)",
  },
  {
    method: /^one\.host\.info$/,
    path: /^HOST\/TEMPLATE\/(IM_MAD|VM_MAD|KVM_CPU_FEATURES|KVM_CPU_MODELS|MEMORY_ENCRYPTION|RESERVED_CPU|RESERVED_MEM|TOTALCPU|TOTALMEMORY)$/,
    reason: "topology: attributes the dummy monitor probes write into a host's template",
  },
  {
    method: /^one\.host\.info$/,
    path: /^HOST\/MONITORING(\/.*)?$/,
    reason:
      "timing: a host's last monitoring record is the dummy probes' (NUMA hugepages included), sent every 10 s; the emulator writes a record only for what it models",
  },
  {
    method: /^one\.host\.allocate$/,
    step: /^acl denials: host allocate$/,
    path: /^failed\/message$/,
    reason:
      "not modelled: oned also asks ADMIN on the host's cluster and names both refusals ('…CREATE HOST; Not authorized to perform ADMIN CLUSTER [0].'); the emulator names the first (methods/host.ts)",
  },
  // --- datastores -----------------------------------------------------------------------------
  {
    method: /^one\.datastore\.info$/,
    path: /^DATASTORE\/TEMPLATE\/(ALLOW_ORPHANS|CLONE_TARGET|LN_TARGET|PERSISTENT_SNAPSHOTS)$/,
    reason:
      "not modelled: oned copies the TM_MAD_CONF entry of the datastore's transfer driver into its template; the emulator has no TM_MAD_CONF table (methods/datastore.ts)",
  },
  {
    method: /^one\.datastore\.info$/,
    path: /^DATASTORE\/TEMPLATE\/(RESTRICTED_DIRS|SAFE_DIRS)$/,
    reason: "not modelled: oned.conf's default RESTRICTED_DIRS / SAFE_DIRS written into image datastores",
  },
  {
    method: /^one\.datastore\.delete$/,
    step: /^acl denials: datastore delete$/,
    path: /^failed\/message$/,
    reason:
      "not modelled: oned asks MANAGE to delete a datastore, the emulator ADMIN: both refuse a regular user, with a different operation in the message (methods/datastore.ts)",
  },
  // --- networks -------------------------------------------------------------------------------
  {
    method: /^one\.vn\.info$/,
    path: /^VNET\/AR_POOL\/AR\[\]\/(MAC|MAC_END)$/,
    oned: /^02:00:/,
    reason:
      "random: oned draws a random MAC for an ETHER range given no MAC; the emulator numbers them from 02:00:00:01:00:00",
  },
  // --- images ---------------------------------------------------------------------------------
  {
    method: /^one\.image\.info$/,
    path: /^IMAGE\/DISK_TYPE$/,
    oned: /^0$/,
    emulator: /^3$/,
    reason:
      "topology: ceph-images is a Ceph datastore in the emulator (RBD disks) and a dummy one in oned (FILE): there is no Ceph for oned here",
  },
  {
    method: /^one\.image\.info$/,
    path: /^IMAGE\/PREV_STATE$/,
    reason:
      "not modelled: oned 7.4 reports the image state it last set as PREV_STATE (READY after the copy, DISABLED after disabling); the emulator keeps the one before (methods/image.ts)",
  },
  {
    method: /^one\.image\.info$/,
    path: /^IMAGE\/TEMPLATE(\/DEV_PREFIX)?$/,
    reason:
      "not modelled: oned writes DEFAULT_DEVICE_PREFIX (sd) into an image allocated without DEV_PREFIX (methods/image.ts)",
  },
  // --- templates, locks, parser ---------------------------------------------------------------

  {
    method: /^one\.template\.allocate$/,
    step: /: allocate a syntax error$/,
    path: /^failed\/message$/,
    reason:
      "the template parser's own words: oned's bison parser vs the emulator's (same code, position wording differs)",
  },
  {
    method: /^one\.acl\.addrule$/,
    path: /^failed\/message$/,
    reason:
      "oned reads each part of a rule as a hex number (zz → 0) and lists the bits it misses; the emulator refuses the part it cannot read (same code)",
  },
  {
    method: /^one\.vmgroup\.info$/,
    path: /^VM_GROUP\/ROLES\/ROLE\[\]\/POLICY$/,
    oned: /^undefined$/,
    reason:
      "not modelled: oned leaves POLICY out of a role given without one; the emulator writes NONE (methods/vmgroup.ts)",
  },
  {
    path: /^fault\/message$/,
    step: /: wrong parameter type$/,
    reason:
      "xmlrpc-c's own words: Debian bookworm's libxmlrpc-c 1.33 says 'Parameter that is supposed to be integer is not', newer releases (the emulator's wording) name the parameter and its type",
  },
  // --- users and quotas ------------------------------------------------------------------------
  {
    method: /^one\.user\.info$/,
    path: /^USER\/VM_QUOTA\/VM\/(CPU_USED|RUNNING_CPU_USED)$/,
    oned: /^\d+\.\d\d$/,
    reason:
      "not modelled: oned prints fractional CPU usage with two decimals (0.50); the emulator as the shortest number (quotas.ts)",
  },
  {
    method: /^one\.user\.info$/,
    path: /^USER\/VM_QUOTA\/VM\/SYSTEM_DISK_SIZE_USED$/,
    reason:
      "topology: with the dummy TM (CLONE_TARGET SYSTEM) oned counts the image's clone as system disk; with Ceph (CLONE_TARGET SELF) the emulator counts nothing",
  },
  {
    step: /^quotas: (bad quota template|user info after)$/,
    path: /^(ok|failed\/(code|message|id)|USER\/VM_QUOTA(\/.*)?)$/,
    reason:
      "not modelled: oned 7.4 takes a VM quota with a non-numeric limit (VMS=\"many\") and drops the user's VM quota; the emulator refuses it with ACTION 'Negative limits or bad format' (quotas.ts)",
  },
  {
    method: /^one\.user\.passwd$/,
    path: /^failed\/id$/,
    reason: "not modelled: oned answers the empty password without the user's ID (methods/user.ts)",
  },
  // --- VMs --------------------------------------------------------------------------------------
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/CONTEXT\/(ETH\d+_[A-Z0-9_]+)$/,
    reason:
      "not modelled: the ETH<n>_* contextualization variables oned generates from the NICs for CONTEXT NETWORK=YES (lifecycle.ts createVm)",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/DISK(\[\])?\/(ALLOW_ORPHANS|CLONE_TARGET|LN_TARGET|PERSISTENT_SNAPSHOTS|DISK_TYPE|DRIVER|FORMAT|ORIGINAL_SIZE|READONLY|SAVE|CLUSTER_ID|DISK_SNAPSHOT_TOTAL_SIZE|POOL_NAME)$/,
    reason:
      "not modelled: disk attributes oned fills in from the datastore, its TM_MAD_CONF and INHERIT_DATASTORE_ATTR (POOL_NAME); the emulator writes the image's own (lifecycle.ts buildDisk)",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/DISK(\[\])?\/TYPE$/,
    oned: /^FILE$/,
    emulator: /^RBD$/,
    reason: "topology: the image lives in a Ceph datastore in the emulator, a dummy one in oned",
  },
  {
    method: /^one\.vm\.info$/,
    step: /^vm hot-plug and snapshots: info with 2 disks$/,
    path: /^VM\/TEMPLATE\/DISK\[\]\/(DATASTORE|DATASTORE_ID|DEV_PREFIX|TARGET|TM_MAD|TM_MAD_SYSTEM)$/,
    reason:
      "not modelled: a volatile disk gets the system datastore's attributes and DEFAULT_DEVICE_PREFIX (sd → sda) in oned; the emulator's volatile disks have size and type only (lifecycle.ts buildDisk)",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/TM_MAD_SYSTEM$/,
    reason:
      "not modelled: the emulator writes the system datastore's TM_MAD into every VM's template, oned only where a disk needs it",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/AUTOMATIC_DS_REQUIREMENTS$/,
    oned: /TM_MAD = /,
    reason:
      'topology: oned adds the images\' transfer driver (TM_MAD = "dummy") to the system datastore requirements',
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/(LAST_POLL|MONITORING(\/.*)?)$/,
    reason:
      "timing: oned has not polled a VM that has just reached RUNNING (LAST_POLL 0, an empty MONITORING until the dummy VM probe's next report); the emulator monitors a VM from the moment it runs",
  },


  {
    method: /^one\.vm\.info$/,
    path: /^VM\/(TEMPLATE\/SNAPSHOT|SNAPSHOTS)(\/[A-Z_]+|\/SNAPSHOT\/[A-Z_]+)$/,
    reason:
      "not modelled: snapshot details oned takes from the drivers (SYSTEM_DISK_SIZE, sizes from the dummy datastore, the SNAPSHOTS tree's ALLOW_ORPHANS/CURRENT_BASE/DISK_ID/NEXT_SNAPSHOT) and ACTIVE on the last system snapshot (methods/vm-hotplug.ts)",
  },
];
