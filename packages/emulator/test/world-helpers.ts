import { createCephClient } from "@homelab-kit/ceph";
import type { Emulator } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";

/** Public clients over the emulator's in-process transports (no sockets). */
export function clientsFor(emulator: Emulator) {
  const ceph = emulator.ceph;
  if (ceph === undefined) throw new Error("this topology has no Ceph");
  const cephUser = emulator.world.topology.ceph?.users[0] ?? {
    username: "admin",
    password: "Adm1n-Passw0rd!",
  };
  const cephClient = createCephClient({
    baseUrl: "https://ceph.test",
    ...cephUser,
    transport: ceph.transport(),
  });
  const ilo = (host: string) => {
    const endpoint = emulator.ilo.get(host);
    const user = emulator.world.host(host).spec.ilo.users[0];
    if (endpoint === undefined || user === undefined) throw new Error(`no iLO for ${host}`);
    return createIloClient({
      baseUrl: `https://ilo-${host}.test`,
      username: user.login,
      password: user.password,
      transport: endpoint.transport(),
    });
  };
  return { ceph: cephClient, ilo };
}

/** The OpenNebula client (oneadmin) over the emulator's in-process transport. */
export function oneClientFor(emulator: Emulator) {
  const endpoint = emulator.opennebula;
  if (endpoint === undefined) throw new Error("no OpenNebula");
  return createOpenNebulaClient({
    url: "http://one.test:2633/RPC2",
    username: "oneadmin",
    password: "opennebula",
    transport: endpoint.transport(),
  });
}
