// Synchronous HTTP(S) for the XSD scenarios, whose steps are synchronous calls (xsd.mjs runs them
// in-process, or over `homelab-emulator up` through up-target.mjs): a worker makes the request
// while this thread waits on a shared flag, then reads the answer off the message port.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

export function createSyncHttp() {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./sync-http-worker.mjs", import.meta.url), {
    workerData: { port: port2, flag },
    transferList: [port2],
  });
  worker.unref();
  return {
    /** `{url, method, headers, body, ca}` → `{status, text}`; throws when no answer came. */
    request(options) {
      Atomics.store(flag, 0, 0);
      port1.postMessage(options);
      if (Atomics.wait(flag, 0, 0, 60_000) === "timed-out")
        throw new Error(`no answer in 60 s: ${options.url}`);
      const answer = receiveMessageOnPort(port1)?.message;
      if (answer === undefined) throw new Error(`no answer: ${options.url}`);
      if (answer.error !== undefined) throw new Error(answer.error);
      return answer;
    },
    close: () => worker.terminate(),
  };
}
