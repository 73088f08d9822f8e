// Helpers shared by the XSD scenarios (xsd_<area>.mjs, run by xsd.mjs; this file is not one of them).

/** Keeps the VM pool as it stands, short (vm_pool.xsd) and extended (vm_pool_extended.xsd). */
export function keepVmPools(keep, when) {
  keep(`VM_POOL extended ${when}`, "vm_pool_extended.xsd", "one.vmpool.infoextended", [-2, -1, -1, -1]);
  keep(`VM_POOL short ${when}`, "vm_pool.xsd", "one.vmpool.info", [-2, -1, -1, -1]);
}
