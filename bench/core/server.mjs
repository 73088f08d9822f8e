// Loopback HTTP server for bench/core: answers every request with the same 679-byte JSON body and
// echoes the path asked for in an x-path header (the bench checks it), keep-alive on. Runs in its own process so that it does not share the clients' event loop.
import { createServer } from "node:http";

const body = Buffer.from(
  JSON.stringify({
    items: Array.from({ length: 16 }, (_, i) => ({ id: i, name: `vm-${i}`, state: "RUNNING" })),
  }),
);
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": body.length,
      "x-path": req.url,
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: server.address().port, bytes: body.length });
});
process.on("disconnect", () => process.exit(0));
