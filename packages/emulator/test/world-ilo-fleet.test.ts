/**
 * The BMC fleet (src/world/ilo-fleet.ts) serves every BMC of a generation from one HTTPS server:
 * each request must reach the BMC of the port it connected to, whatever `Host` header the client
 * sends (python-hpilo sends `Host: localhost`; others a name, an address without the port, a
 * stale port, or nothing). Raw TLS sockets, so the Host header is exactly what the test writes.
 */
import { connect } from "node:tls";
import { createEmulator, type Emulator, type EmulatorEndpoints } from "@homelab-kit/emulator/world";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let emulator: Emulator;
let endpoints: EmulatorEndpoints;

const host = (name: string, generation: string) => ({
  name,
  memoryGiB: 16,
  ilo: { generation, users: [{ login: "Administrator", password: "fleet-pw-1" }] },
});

beforeAll(async () => {
  emulator = createEmulator({
    // two BMCs per generation share a server: only the connection tells them apart
    topology: {
      name: "fleet",
      hosts: [
        host("a3", "ilo3"),
        host("b3", "ilo3"),
        host("c4", "ilo4"),
        host("d4", "ilo4"),
        host("e5", "ilo5"),
        host("f5", "ilo5"),
      ],
    },
  });
  // A name in Host is refused unless allowed (the browser guard's DNS-rebinding check): allow the
  // one the test sends, so that dispatch is tested whatever the name.
  endpoints = await emulator.listen({ allowedHosts: ["ilo-node7.example"] });
});
afterAll(async () => {
  await emulator.close();
});

/** One request on a fresh TLS connection to `url`'s port; `head` is written as is. */
function raw(url: string, head: string, body = ""): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1",
      port: Number(port),
      ca: endpoints.iloCa,
      servername: "localhost",
    });
    const chunks: Buffer[] = [];
    socket.on("secureConnect", () => socket.end(`${head}\r\n\r\n${body}`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

function serialOf(name: string): string {
  return emulator.world.host(name).ilo.identity.serialNumber;
}

describe("the BMC fleet dispatches by connection", () => {
  const hostHeaders: Array<[string, (port: string) => string | undefined]> = [
    ["no Host header (HTTP/1.0)", () => undefined],
    ["Host: localhost (python-hpilo)", () => "localhost"],
    ["Host: a name", () => "ilo-node7.example"],
    ["Host: an IP without port", () => "127.0.0.1"],
    ["Host: a wrong port", () => "127.0.0.1:1"],
    ["Host: another BMC's address", (port) => `127.0.0.1:${port === "1" ? "2" : String(Number(port) + 1)}`],
  ];
  for (const [label, hostFor] of hostHeaders) {
    it(`reaches the BMC of the port it connected to: ${label}`, async () => {
      for (const endpoint of endpoints.ilo) {
        const port = new URL(endpoint.url).port;
        const value = hostFor(port);
        const head =
          value === undefined
            ? "GET /xmldata?item=all HTTP/1.0"
            : `GET /xmldata?item=all HTTP/1.1\r\nHost: ${value}\r\nConnection: close`;
        const answer = await raw(endpoint.url, head);
        expect(answer.status, `${endpoint.host} ${label}`).toBe(200);
        expect(answer.text).toContain(`<SBSN>${serialOf(endpoint.host)}</SBSN>`);
      }
    });
  }

  it("RIBCL sent as python-hpilo sends it (Host: localhost) changes only the BMC connected to", async () => {
    const ribcl = (name: string, command: string) => {
      const endpoint = endpoints.ilo.find((e) => e.host === name);
      if (endpoint === undefined) throw new Error(`no BMC ${name}`);
      const script =
        '<?xml version="1.0"?>\r\n<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="Administrator" PASSWORD="fleet-pw-1">' +
        `<SERVER_INFO MODE="write">${command}</SERVER_INFO></LOGIN></RIBCL>\r\n`;
      const head = `POST /ribcl HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${script.length}\r\nConnection: close`;
      return raw(endpoint.url, head, script);
    };
    const off = await ribcl("b3", '<SET_HOST_POWER HOST_POWER="No"/>');
    expect(off.status).toBe(200);
    expect(off.text).toContain('STATUS="0x0000"');
    expect((await ribcl("b3", "<GET_HOST_POWER_STATUS/>")).text).toContain('HOST_POWER="OFF"');
    expect((await ribcl("a3", "<GET_HOST_POWER_STATUS/>")).text).toContain('HOST_POWER="ON"');
  });
});
