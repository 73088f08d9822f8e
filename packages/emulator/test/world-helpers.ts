import { createCephClient } from "@homelab-kit/ceph";
import type { Emulator } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";

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
