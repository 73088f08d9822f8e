// Loopback Ceph emulator for bench/ceph (built dist of @homelab-kit/emulator), in its own process
// so that it does not share the clients' event loop. Seeds IMAGES RBD images in pool "rbd".
import { createCephEmulator } from "../../packages/emulator/dist/ceph/index.js";

const IMAGES = Number(process.argv[2] ?? 1000);
const emulator = createCephEmulator();
const transport = emulator.transport();
const accept = "application/vnd.ceph.api.v1.0+json";
const call = async (method, path, body, token) => {
  const res = await transport({
    method,
    url: `http://bench${path}`,
    headers: {
      accept,
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return JSON.parse(Buffer.from(res.body).toString() || "null");
};
const { token } = await call("POST", "/api/auth", { username: "admin", password: "Adm1n-Passw0rd!" });
for (let i = 0; i < IMAGES; i++) {
  await call(
    "POST",
    "/api/block/image",
    { name: `img-${String(i).padStart(4, "0")}`, pool_name: "rbd", size: 2 ** 30 },
    token,
  );
}
const server = await emulator.listen({ keepAliveTimeout: 60_000 });
process.send?.({ url: server.url, images: emulator.state.images.size });
process.on("disconnect", () => server.close().then(() => process.exit(0)));
