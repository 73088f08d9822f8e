// Starts one emulated iLO per flavour (iLO 3, 4, 5) over HTTPS on loopback for the peer suites and
// prints {"ilo3": {"url", "port", "ca"}, …, "images": "http://…"} on one line; stops on SIGTERM/SIGINT.
// Needs the built emulator (pnpm --filter @homelab-kit/emulator build).
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
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
  const ca = join(dir, `ilo-ca-${generation}.pem`);
  writeFileSync(ca, served.ca ?? "");
  out[generation] = { url: served.url, port: served.port, ca };
}
// A plain HTTP server for install images: proliantutils HEADs the image URL before inserting it.
const images = createServer((req, res) => {
  const ok = req.url?.endsWith(".iso") || req.url?.endsWith(".img");
  res.writeHead(ok ? 200 : 404, {
    "content-type": "application/octet-stream",
    "content-length": ok ? 4096 : 0,
  });
  res.end(req.method === "HEAD" || !ok ? undefined : Buffer.alloc(4096));
});
await new Promise((resolve) => images.listen(0, "127.0.0.1", resolve));
out.images = `http://127.0.0.1:${images.address().port}`;
console.log(JSON.stringify(out));
const stop = async () => {
  images.close();
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
