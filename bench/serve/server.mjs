/**
 * One server per process, chosen by argv[2]; prints its URL on stdout. Imports the BUILT emulator
 * (run `pnpm --filter @homelab-kit/emulator build` first), or the snapshot in EMULATOR_ENTRY.
 *   bare          node:http returning pre-encoded bytes
 *   bare-object   node:http running JSON.stringify(object) per request (the cost serve-object also pays)
 *   bare-object-loaded  the same, in a process that has also imported the emulator (the heap serve() runs in)
 *   serve-bytes   emulator serve(), the route returns the same pre-encoded bytes
 *   serve-object  emulator serve(), the route returns the object (JSON.stringify per request)
 *   msw           node:http → msw getResponse() with http.get(...) returning HttpResponse.json(object)
 */

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { makeDocument } from "./document.mjs";

const variant = process.argv[2];
const doc = makeDocument();
const bytes = Buffer.from(JSON.stringify(doc));
const PATH = "/redfish/v1/Systems/1/";

function listen(server) {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}${PATH}`)),
  );
}

let url;
if (variant === "bare") {
  url = await listen(
    createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": bytes.byteLength });
      res.end(bytes);
    }),
  );
} else if (variant === "bare-object" || variant === "bare-object-loaded") {
  if (variant === "bare-object-loaded")
    await import(
      process.env.EMULATOR_ENTRY ?? new URL("../../packages/emulator/dist/index.js", import.meta.url).href
    );
  url = await listen(
    createServer((_req, res) => {
      const body = Buffer.from(JSON.stringify(doc));
      res.writeHead(200, { "content-type": "application/json", "content-length": body.byteLength });
      res.end(body);
    }),
  );
} else if (variant === "serve-bytes" || variant === "serve-object") {
  // EMULATOR_ENTRY: a snapshot made by `run.mjs --snapshot` (immune to concurrent rebuilds of dist/).
  const entry =
    process.env.EMULATOR_ENTRY ?? new URL("../../packages/emulator/dist/index.js", import.meta.url).href;
  const { serve, route } = await import(entry);
  const body = variant === "serve-bytes" ? bytes : doc;
  const served = await serve([
    route("GET", PATH, () => ({ headers: { "content-type": "application/json" }, body })),
    route("GET", "/redfish/v1/Managers/:id/", (req) => ({ body: { Id: req.params.id } })),
  ]);
  url = `${served.url}${PATH}`;
} else if (variant === "msw") {
  const require = createRequire(new URL("../../packages/emulator/package.json", import.meta.url));
  const mswDir = dirname(require.resolve("msw/package.json"));
  const { http, HttpResponse, getResponse } = await import(
    pathToFileURL(join(mswDir, "lib/core/index.mjs")).href
  );
  const handlers = [http.get(`*${PATH}`, () => HttpResponse.json(doc))];
  url = await listen(
    createServer(async (req, res) => {
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers: req.headers,
      });
      const response = await getResponse(handlers, request);
      if (response === undefined) {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, {
        ...Object.fromEntries(response.headers),
        "content-length": body.byteLength,
      });
      res.end(body);
    }),
  );
} else {
  console.error(`unknown variant ${variant}`);
  process.exit(2);
}
process.stdout.write(`${url} ${bytes.byteLength}\n`);
