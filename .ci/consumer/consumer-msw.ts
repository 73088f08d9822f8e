/**
 * The emulator's msw entry, as an msw user writes it: a route table answered through msw's
 * `setupServer`. Type-checked by `.ci/consumer.sh` on its own (tsconfig.msw.json) because msw's
 * declarations need the DOM library, which consumer.ts must not have (it would hide a published
 * declaration that leans on DOM types instead of Node's).
 */
import { strict as assert } from "node:assert";
import { route } from "@homelab-kit/emulator";
import { toMswHandlers } from "@homelab-kit/emulator/msw";
import { setupServer } from "msw/node";

const routes = [
  route("GET", "/api/pool/:name", (req) => ({ body: { pool_name: req.params.name, size: 3 } })),
];
const server = setupServer(...toMswHandlers(routes, { baseUrl: "https://ceph.lab:8443" }));
server.listen({ onUnhandledRequest: "error" });
try {
  const res = await fetch("https://ceph.lab:8443/api/pool/rbd");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { pool_name: "rbd", size: 3 });
  console.log("consumer-msw: msw answered GET /api/pool/rbd from the route table");
} finally {
  server.close();
}
