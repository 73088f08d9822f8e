/** NIC leases: an address from a network's address ranges for a NIC, and back again. */
import { type AddressRange, numberToIp, numberToMac, type OpenNebulaState, type VmNic } from "./state.js";
import { getAttr } from "./template.js";

/** A NIC vector with a lease from its network (oned's NEXT_INDEX search); recorded in `taken` for rollback. */
export function leaseNic(
  state: OpenNebulaState,
  vmId: number,
  n: Record<string, string>,
  nicId: number,
  taken: Array<{ ar: AddressRange; index: number; prevNext: number }>,
  fail: (msg: string) => Error,
): VmNic {
  const net =
    n.NETWORK_ID !== undefined
      ? state.vnets.get(Number(n.NETWORK_ID))
      : [...state.vnets.values()].find((v) => v.name === n.NETWORK);
  if (!net) throw fail(`Error getting virtual network [${n.NETWORK_ID ?? n.NETWORK}].`);
  for (const ar of net.ars) {
    for (let k = 0; k < ar.size; k++) {
      const index = (ar.next + k) % ar.size;
      if (ar.leases.has(index)) continue;
      ar.leases.set(index, { vm: vmId });
      taken.push({ ar, index, prevNext: ar.next });
      ar.next = (index + 1) % ar.size;
      const ip = ar.ip === null ? null : numberToIp(ar.ip + index);
      const mac = numberToMac(ar.mac + index);
      return {
        nicId,
        networkId: net.id,
        arId: ar.id,
        index,
        ip,
        mac,
        attrs: {
          // what oned 7.4 adds to a leased NIC besides the lease (conformance/opennebula-oned)
          NAME: `NIC${nicId}`,
          ...n,
          BRIDGE_TYPE: "linux",
          CLUSTER_ID: String(net.clusterIds[0] ?? 0),
          SECURITY_GROUPS: n.SECURITY_GROUPS ?? getAttr(net.template, "SECURITY_GROUPS") ?? "0",
          AR_ID: String(ar.id),
          BRIDGE: net.bridge,
          ...(ip === null ? {} : { IP: ip }),
          MAC: mac,
          NETWORK: net.name,
          NETWORK_ID: String(net.id),
          NIC_ID: String(nicId),
          TARGET: `one-${vmId}-${nicId}`,
          VN_MAD: net.vnMad,
        },
      };
    }
  }
  throw fail(`Cannot get IP/MAC lease from virtual network ${net.id}.`);
}

/** Gives a NIC's lease back to its address range. */
export function releaseLease(state: OpenNebulaState, nic: VmNic): void {
  state.vnets
    .get(nic.networkId)
    ?.ars.find((a) => a.id === nic.arId)
    ?.leases.delete(nic.index);
}
