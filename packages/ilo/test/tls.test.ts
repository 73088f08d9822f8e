import { X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { generateSelfSignedCertificate } from "@homelab-kit/emulator";
import { createIloEmulator, type IloGeneration } from "@homelab-kit/emulator/ilo";
import { createIloClient, type IloClientOptions } from "@homelab-kit/ilo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Served = Awaited<ReturnType<ReturnType<typeof createIloEmulator>["listen"]>>;
const served: Partial<Record<IloGeneration, Served>> = {};
const emulators = {
  ilo3: createIloEmulator({ generation: "ilo3", users: [{ login: "admin", password: "pw&<x" }] }),
  ilo5: createIloEmulator({ generation: "ilo5", users: [{ login: "admin", password: "pw&<x" }] }),
};

beforeAll(async () => {
  served.ilo3 = await emulators.ilo3.listen();
  served.ilo5 = await emulators.ilo5.listen();
});
afterAll(async () => {
  await Promise.all(Object.values(served).map((s) => s?.close()));
});

function client(generation: "ilo3" | "ilo5", extra: Partial<IloClientOptions>) {
  return createIloClient({
    baseUrl: served[generation]!.url,
    username: "admin",
    password: "pw&<x",
    ...extra,
  });
}

describe("over HTTPS with the real undici transport", () => {
  it("refuses the self-signed certificate by default", async () => {
    const c = client("ilo5", {});
    const err = await c.power.get().catch((e: unknown) => e);
    await c.close();
    expect(err).toMatchObject({ name: "NetworkError" });
  });

  it("verifies against a given CA, speaking RIBCL to iLO 3 and Redfish to iLO 5", async () => {
    for (const generation of ["ilo3", "ilo5"] as const) {
      const c = client(generation, { tls: { ca: served[generation]!.ca } });
      expect(await c.protocol()).toBe(generation === "ilo3" ? "ribcl" : "redfish");
      expect(await c.power.get()).toBe("On");
      expect((await c.firmware()).managementProcessor).toBe(generation === "ilo3" ? "iLO 3" : "iLO 5");
      await c.close();
    }
    expect(emulators.ilo5.state.sessions.size).toBe(0);
  });

  it("pins the certificate fingerprint, and fails on a wrong pin", async () => {
    const fingerprint = new X509Certificate(served.ilo5!.ca!).fingerprint256;
    const pinned = client("ilo5", { tls: { fingerprint } });
    expect(await pinned.power.get()).toBe("On");
    await pinned.close();
    const wrong = client("ilo5", { tls: { fingerprint: "00".repeat(32) } });
    const err = await wrong.power.get().catch((e: unknown) => e);
    await wrong.close();
    expect(err).toMatchObject({ name: "NetworkError" });
  });

  it("skips verification only when told to (insecure: true)", async () => {
    const c = client("ilo3", { insecure: true });
    expect(await c.power.get()).toBe("On");
    await c.close();
  });
});

/**
 * An iLO whose TLS stops at 1.2 (as old firmware does): a node:https server capped at TLS 1.2 that
 * answers with the emulator's route table.
 */
async function cappedIlo(): Promise<{ url: string; ca: string; server: Server }> {
  const credentials = await generateSelfSignedCertificate();
  const inProcess = createIloEmulator({ generation: "ilo3", users: [{ login: "admin", password: "pw&<x" }] });
  const transport = inProcess.transport();
  const server = createServer({ ...credentials, maxVersion: "TLSv1.2" }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const answer = await transport({
        method: req.method ?? "GET",
        url: `https://ilo.test${req.url}`,
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer.status, { "content-type": answer.headers["content-type"] ?? "text/xml" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, ca: credentials.ca, server };
}

describe("TLS versions for old iLO firmware", () => {
  it("passes tls.minVersion/maxVersion through: TLSv1.3-only fails on a TLS 1.2 iLO, maxVersion TLSv1.2 works", async () => {
    const ilo = await cappedIlo();
    try {
      const strict = createIloClient({
        baseUrl: ilo.url,
        username: "admin",
        password: "pw&<x",
        tls: { ca: ilo.ca, minVersion: "TLSv1.3" },
      });
      const err = await strict.power.get().catch((e: unknown) => e);
      await strict.close();
      expect(err).toMatchObject({ name: "NetworkError" });
      const old = createIloClient({
        baseUrl: ilo.url,
        username: "admin",
        password: "pw&<x",
        tls: { ca: ilo.ca, minVersion: "TLSv1", maxVersion: "TLSv1.2", ciphers: "DEFAULT:@SECLEVEL=0" },
      });
      expect(await old.protocol()).toBe("ribcl");
      expect(await old.power.get()).toBe("On");
      await old.close();
    } finally {
      ilo.server.closeAllConnections();
      await new Promise((resolve) => ilo.server.close(resolve));
    }
  });
});
