// Starts one emulated iLO per flavour (iLO 3, 4, 5) over HTTPS on loopback for the peer suites and
// prints {"ilo3": {"url", "port"}, …, "ca": "/path/ca.pem"} on one line; stops on SIGTERM/SIGINT.
// Needs the built emulator (pnpm --filter @homelab-kit/emulator build).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createIloEmulator } from "../../packages/emulator/dist/ilo/index.js";

const dir = process.argv[2] ?? process.cwd();
// Short delays so read-back after a power change needs only a little polling.
const timings = { powerOnMs: 300, postMs: 600, gracefulOffMs: 300, forcedOffMs: 0 };
const users = [
  { login: "Administrator", password: "Adm1n&<secret" },
  {
    login: "operator",
    password: "operator-pw",
    privileges: {
      admin: false,
      remoteConsole: true,
      resetServer: true,
      virtualMedia: true,
      configIlo: false,
    },
  },
];
const out = {};
const servers = [];
for (const generation of ["ilo3", "ilo4", "ilo5"]) {
  const emulator = createIloEmulator({ generation, timings, users, maxSessions: 4 });
  const served = await emulator.listen({ tls: "self-signed", onError: (e) => console.error(e) });
  servers.push(served);
  out[generation] = { url: served.url, port: served.port };
  if (!out.ca) {
    out.ca = join(dir, "ilo-ca.pem");
    writeFileSync(out.ca, served.ca ?? "");
  } else writeFileSync(join(dir, `ilo-ca-${generation}.pem`), served.ca ?? "");
  out[generation].ca = join(dir, `ilo-ca-${generation}.pem`);
  writeFileSync(out[generation].ca, served.ca ?? "");
}
console.log(JSON.stringify(out));
const stop = async () => {
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
