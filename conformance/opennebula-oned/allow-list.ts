/**
 * Differences between real oned and the emulator that stay, one entry each, with the reason.
 * An entry matches a difference by method, by "scenario: step", by path (array indices written
 * `[]`) and by either side's value; every entry must match at least one difference of the run
 * (differential.test.ts fails on stale entries), so the list cannot outlive what it explains.
 *
 * Every entry is a difference that cannot or should not be emulated, of one of these kinds:
 * - topology: oned runs here with the dummy drivers (no Ceph, no hypervisor), the emulator models
 *   the reference topology's Ceph datastores and KVM hosts; what follows from the drivers is not a
 *   fault (the values a driver reports are normalised in normalise.ts; what stays here is where the
 *   driver decides whether an element exists or which constant it holds);
 * - timing: oned's dummy monitor reports every few seconds, the emulator computes on demand;
 * - random: values oned draws at random;
 * - third-party wording: messages of code that is not OpenNebula's (xmlrpc-c, bison).
 * A difference that is an emulator gap is fixed in packages/emulator/src/opennebula, not listed.
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
      "topology: the dummy IM probe (im_mad/remotes/dummy-probes.d) makes up 2 NUMA nodes of cores, hugepages and memory and a list of PCI devices; the emulator's hosts have no NUMA layout and, as a KVM host with oned's default PCI filter, no PCI devices (empty NUMA_NODES / PCI_DEVICES); the layout is host-specific and its element count differs with it",
  },
  {
    method: /^one\.host\.info$/,
    path: /^HOST\/TEMPLATE\/(TOTALCPU|TOTALMEMORY)$/,
    reason:
      "topology: the dummy probe writes TOTALCPU / TOTALMEMORY into the host's template; a KVM host's probes (kvm-probes.d) report the capacity through HOST_SHARE only, as the emulator does",
  },

  {
    method: /^one\.host\.info$/,
    path: /^HOST\/MONITORING(\/.*)?$/,
    reason:
      "timing: a host's last monitoring record is the dummy probes' (NUMA hugepages included), sent every 10 s; the emulator writes a record only for what it models",
  },
  // --- networks -------------------------------------------------------------------------------
  {
    method: /^one\.vn\.info$/,
    path: /^VNET\/AR_POOL\/AR\[\]\/(MAC|MAC_END)$/,
    oned: /^02:00:/,
    reason:
      "random: oned draws a random MAC for an ETHER range given no MAC (AddressRange::set_mac); the emulator numbers them from 02:00:00:01:00:00 so that its answers are reproducible",
  },
  // --- images and disks -------------------------------------------------------------------------
  {
    method: /^one\.image\.info$/,
    path: /^IMAGE\/DISK_TYPE$/,
    oned: /^0$/,
    emulator: /^3$/,
    reason:
      "topology: ceph-images is a Ceph datastore in the emulator (RBD disks, DISK_TYPE 3) and a dummy one in oned (FILE, 0): there is no Ceph for oned here",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/DISK(\[\])?\/(TYPE|DISK_TYPE)$/,
    oned: /^FILE$/,
    emulator: /^RBD$/,
    reason: "topology: a disk of a Ceph datastore is RBD in the emulator, of oned's dummy datastore FILE",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/(TEMPLATE\/DISK(\[\])?\/ALLOW_ORPHANS|SNAPSHOTS\/ALLOW_ORPHANS)$/,
    oned: /^NO$/,
    emulator: /^(mixed|MIXED)$/,
    reason:
      "topology: a disk inherits ALLOW_ORPHANS from its datastore's TM_MAD_CONF entry: mixed for ceph (the emulator), none (NO) for dummy (oned)",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/DISK(\[\])?\/CLONE_TARGET$/,
    oned: /^SYSTEM$/,
    emulator: /^SELF$/,
    reason:
      "topology: TM_MAD_CONF's CLONE_TARGET: SELF for ceph (the clone stays in the Ceph pool, the emulator), SYSTEM for dummy (oned)",
  },
  {
    method: /^one\.user\.info$/,
    path: /^USER\/VM_QUOTA\/VM\/SYSTEM_DISK_SIZE_USED$/,
    reason:
      "topology: with the dummy TM (CLONE_TARGET SYSTEM) oned counts the image's clone as system disk; with Ceph (CLONE_TARGET SELF) the emulator counts nothing (VirtualMachineDisk::system_ds_size, quotas.ts)",
  },
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/TEMPLATE\/AUTOMATIC_DS_REQUIREMENTS$/,
    oned: /& \(TM_MAD = "dummy"\)$/,
    emulator: /& \(TM_MAD = "ceph"\)$/,
    reason:
      "topology: the requirements recomputed at migration name the VM's TM_MAD_SYSTEM, the system datastore's driver: dummy in oned, ceph in the emulator",
  },
  // --- parsers and third-party code ---------------------------------------------------------------
  {
    method: /^one\.template\.allocate$/,
    step: /: allocate a syntax error$/,
    path: /^failed\/message$/,
    reason:
      "third-party wording: bison's own syntax-error text with its token names and columns (oned's generated template parser) against the emulator's hand-written parser's; the code (INTERNAL) and the 'Parse error: syntax error' start are the same",
  },
  {
    method: /^one\.acl\.addrule$/,
    path: /^failed\/message$/,
    reason:
      "oned reads each part of a rule with strtoull and no check (zz → 0, then lists every bit the zero rule misses: 'Rule ?? /?? USE #0 is malformed: …'); the emulator refuses the part it cannot read ('Error parsing [user]: zz'); both answer INTERNAL. Emulating a rule built from unparsed garbage would only reproduce strtoull's accident",
  },
  {
    path: /^fault\/message$/,
    step: /: wrong parameter type$/,
    reason:
      "third-party wording: xmlrpc-c's fault text. Debian bookworm's libxmlrpc-c 1.33 (the oned built here) says 'Parameter that is supposed to be integer is not'; newer xmlrpc-c releases, and the emulator, name the parameter and its type; the fault code (-501) is the same",
  },
  // --- VMs --------------------------------------------------------------------------------------
  {
    method: /^one\.vm\.info$/,
    path: /^VM\/(LAST_POLL|MONITORING(\/.*)?)$/,
    reason:
      "timing: oned has not polled a VM that has just reached RUNNING (LAST_POLL 0, an empty MONITORING until the dummy VM probe's next report); the emulator monitors a VM from the moment it runs",
  },
];
