// The worker behind sync-http.mjs: makes each request it is sent and posts the answer back, then
// wakes the blocked main thread through the shared flag.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { workerData } from "node:worker_threads";

const { port, flag } = workerData;

function send({ url, method, headers, body, ca }) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(target, { method, headers, ca, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timed out: ${method} ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

port.on("message", async (message) => {
  let answer;
  try {
    answer = await send(message);
  } catch (error) {
    answer = { error: String(error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
