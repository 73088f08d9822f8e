/**
 * The control API and faults, served on loopback, exercised with undici and the public clients
 * (Ceph over HTTP, iLO over HTTPS trusting the emulator's CA).
 */
import { connect } from "node:net";
import { createCephClient } from "@homelab-kit/ceph";
import { HttpError, NetworkError } from "@homelab-kit/core";
import { createEmulator, type Emulator, type EmulatorEndpoints } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let emulator: Emulator;
let endpoints: EmulatorEndpoints;
const clients: Array<{ close(): Promise<void> }> = [];

beforeEach(async () => {
  emulator = createEmulator({ checkInvariants: true, controlToken: "test-token-0123456789" });
  endpoints = await emulator.listen();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator.close();
  expect(emulator.world.violations).toEqual([]);
});

async function control(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  token = endpoints.control.token,
) {
  const res = await request(`${endpoints.control.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text === "" ? undefined : JSON.parse(text) };
}

function ceph() {
  const c = endpoints.ceph;
  if (c === undefined) throw new Error("no Ceph");
  const client = createCephClient({ baseUrl: c.url, username: c.username, password: c.password });
  clients.push(client);
  return client;
}

function ilo(index: number) {
  const e = endpoints.ilo[index];
  if (e === undefined) throw new Error("no such iLO");
  const client = createIloClient({
    baseUrl: e.url,
    username: e.username,
    password: e.password,
    tls: { ca: endpoints.iloCa },
  });
  clients.push(client);
  return client;
}

describe("control API", () => {
  it("health is open and lists every host; everything else wants the token", async () => {
    const health = await request(`${endpoints.control.url}/_emulator/health`);
    const body = (await health.body.json()) as {
      status: string;
      hosts: Array<{ name: string; power: string }>;
    };
    expect(health.statusCode).toBe(200);
    expect(body.status).toBe("running");
    expect(body.hosts.map((h) => `${h.name}:${h.power}`)).toEqual(["node1:Off", "node2:Off", "node3:Off"]);
    expect(JSON.stringify(body)).not.toContain("emulator-ilo");
    for (const [method, path] of [
      ["GET", "/_emulator/state"],
      ["POST", "/_emulator/clock"],
      ["POST", "/_emulator/faults"],
    ] as const) {
      expect((await control(method, path, {}, "wrong")).status).toBe(401);
    }
    // only the CLI's `up` registers a shutdown handler
    expect((await control("POST", "/_emulator/shutdown")).status).toBe(501);
  });

  it("serves every BMC over HTTPS on its own endpoint; the clock moves by the control API", async () => {
    expect(endpoints.ilo.map((e) => new URL(e.url).protocol)).toEqual(["https:", "https:", "https:"]);
    expect(new Set(endpoints.ilo.map((e) => e.url)).size).toBe(3);
    const node1 = ilo(0);
    expect(await node1.power.on()).toMatchObject({ changed: true });
    expect(await node1.power.get()).toBe("Off");
    const clock = await control("POST", "/_emulator/clock", { advanceMs: 2_000 });
    expect(clock.status).toBe(200);
    expect(await node1.power.get()).toBe("On");
    expect((await control("POST", "/_emulator/clock", { advanceMs: -1 })).status).toBe(400);
    // the BMCs share one HTTPS server behind their own ports: the connection picks the BMC, not
    // the Host header (test/world-ilo-fleet.test.ts tries every kind of Host)
    const { Agent } = await import("undici");
    const dispatcher = new Agent({ connect: { ca: endpoints.iloCa } });
    const otherHost = await request(`${endpoints.ilo[0]?.url}/xmldata?item=all`, {
      dispatcher,
      headers: { host: "127.0.0.1:1" },
    });
    expect(otherHost.statusCode).toBe(200);
    expect(await otherHost.body.text()).toContain("<SBSN>CZJ0000001</SBSN>");
    await dispatcher.close();
    expect((await control("POST", "/_emulator/clock", "{not json")).status).toBe(400);
  });

  it("injects an error status for one API and operation, count times", async () => {
    const client = ceph();
    const added = await control("POST", "/_emulator/faults", {
      api: "ceph",
      operation: "GET /api/health/*",
      status: 503,
      count: 2,
    });
    expect(added.status).toBe(201);
    await expect(client.health.minimal()).rejects.toSatisfy(
      (e) => e instanceof HttpError && e.status === 503,
    );
    await expect(client.health.minimal()).rejects.toBeInstanceOf(HttpError);
    expect((await client.health.minimal()).health.status).toBeTypeOf("string");
    expect((await control("GET", "/_emulator/faults")).body).toEqual([]);
  });

  it("drops connections (reset) and adds latency", async () => {
    const client = ceph();
    await client.auth.login();
    await control("POST", "/_emulator/faults", {
      api: "ceph",
      operation: "GET /api/osd",
      drop: "reset",
      count: 1,
    });
    await expect(client.osds.list()).rejects.toBeInstanceOf(NetworkError);
    await control("POST", "/_emulator/faults", {
      api: "ceph",
      operation: "GET /api/osd",
      latencyMs: 150,
      count: 1,
    });
    const start = performance.now();
    expect(await client.osds.list()).toHaveLength(6);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it("a fault on one API leaves the others alone; probability 0 never fires", async () => {
    await control("POST", "/_emulator/faults", { api: "ilo", status: 500 });
    await control("POST", "/_emulator/faults", { api: "ceph", status: 500, probability: 0 });
    expect((await ceph().health.minimal()).health).toBeDefined();
    await expect(ilo(1).power.get()).rejects.toThrow();
    expect((await control("DELETE", "/_emulator/faults")).status).toBe(204);
    expect(await ilo(1).power.get()).toBe("Off");
  });

  it("refuses bad fault rules with the reason", async () => {
    const bad = await control("POST", "/_emulator/faults", { api: "dns", status: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(["api", "status"]);
    const empty = await control("POST", "/_emulator/faults", { api: "ceph" });
    expect(empty.body.issues[0].message).toBe("a fault needs latencyMs, status or drop");
  });

  it("world faults: a host that never powers on, listed and cleared with the HTTP rules", async () => {
    const http = await control("POST", "/_emulator/faults", {
      api: "ceph",
      operation: "GET /api/nothing",
      status: 500,
    });
    const added = await control("POST", "/_emulator/faults", { kind: "power-on-fails", host: "node2" });
    expect(added).toMatchObject({ status: 201, body: { kind: "power-on-fails", host: "node2" } });
    const listed = await control("GET", "/_emulator/faults");
    expect(listed.body.map((f: { id: number }) => f.id)).toEqual([http.body.id, added.body.id]);
    const node2 = ilo(1);
    expect(await node2.power.on()).toMatchObject({ changed: true }); // accepted …
    await control("POST", "/_emulator/clock", { advanceMs: 40_000 });
    expect(await node2.power.get()).toBe("Off"); // … but the host never came on
    const osds = await ceph().osds.list();
    expect(osds.filter((o) => o.host.name === "node2").map((o) => o.up)).toEqual([0, 0]);

    expect((await control("DELETE", `/_emulator/faults/${added.body.id}`)).status).toBe(204);
    expect((await control("GET", "/_emulator/faults")).body).toHaveLength(1);
    await node2.power.on();
    await control("POST", "/_emulator/clock", { advanceMs: 40_000 });
    expect(await node2.power.get()).toBe("On");
    const health = await request(`${endpoints.control.url}/_emulator/health`);
    const body = (await health.body.json()) as {
      hosts: Array<{ name: string; up: boolean }>;
      faults: number;
    };
    expect(body.hosts.find((h) => h.name === "node2")?.up).toBe(true);
    expect(body.faults).toBe(1);
  });

  it("world faults: an OSD that won't start stays down across power cycles; unreachable virtual media", async () => {
    for (const i of [0, 1, 2]) await ilo(i).power.on();
    await control("POST", "/_emulator/clock", { advanceMs: 40_000 });
    const client = ceph();
    expect((await client.health.minimal()).health.status).toBe("HEALTH_OK");
    const stuck = await control("POST", "/_emulator/faults", { kind: "osd-wont-start", osd: 1 });
    expect(stuck.status).toBe(201);
    const down = await client.health.full();
    expect(down.health.status).toBe("HEALTH_WARN");
    expect(down.health.checks.map((c) => c.type)).toContain("OSD_DOWN");
    await ilo(0).power.off();
    await control("POST", "/_emulator/clock", { advanceMs: 10_000 });
    await ilo(0).power.on();
    await control("POST", "/_emulator/clock", { advanceMs: 40_000 });
    const upById = async () => Object.fromEntries((await client.osds.list()).map((o) => [o.osd, o.up]));
    expect(await upById()).toMatchObject({ 0: 1, 1: 0 });

    await control("POST", "/_emulator/faults", { kind: "unreachable-media", host: "node3" });
    await ilo(2).virtualMedia.insert("cd", "http://images.test/ubuntu.iso");
    expect(await ilo(2).virtualMedia.status("cd")).toMatchObject({ inserted: false, image: null });

    expect((await control("DELETE", "/_emulator/faults")).status).toBe(204);
    expect(await upById()).toMatchObject({ 0: 1, 1: 1 });
    expect((await client.health.minimal()).health.status).toBe("HEALTH_OK");
    await ilo(2).virtualMedia.insert("cd", "http://images.test/ubuntu.iso");
    expect(await ilo(2).virtualMedia.status("cd")).toMatchObject({ image: "http://images.test/ubuntu.iso" });
  });

  it("world faults: a host whose POST hangs stays InPost until reset after the fault is cleared", async () => {
    const hang = await control("POST", "/_emulator/faults", { kind: "post-hangs", host: "node1" });
    expect(hang.status).toBe(201);
    const node1 = ilo(0);
    await node1.power.on();
    await control("POST", "/_emulator/clock", { advanceMs: 600_000 });
    expect(await node1.power.get()).toBe("On");
    const hosts = async () => {
      const res = await request(`${endpoints.control.url}/_emulator/health`);
      const body = (await res.body.json()) as { hosts: Array<{ name: string; post: string; up: boolean }> };
      return body.hosts.find((h) => h.name === "node1");
    };
    expect(await hosts()).toMatchObject({ post: "InPost", up: false });
    const osds = await ceph().osds.list();
    expect(osds.filter((o) => o.host.name === "node1").map((o) => o.up)).toEqual([0, 0]);

    await control("DELETE", `/_emulator/faults/${hang.body.id}`);
    await control("POST", "/_emulator/clock", { advanceMs: 60_000 });
    expect(await hosts()).toMatchObject({ post: "InPost", up: false }); // still hung: needs a reset
    await node1.power.coldReset();
    await control("POST", "/_emulator/clock", { advanceMs: 30_000 });
    expect(await hosts()).toMatchObject({ post: "FinishedPost", up: true });
  });

  it("refuses world faults for hosts or OSDs the world does not have", async () => {
    const host = await control("POST", "/_emulator/faults", { kind: "power-on-fails", host: "node9" });
    expect(host.status).toBe(400);
    expect(host.body.message).toContain('no host "node9"');
    expect((await control("POST", "/_emulator/faults", { kind: "osd-wont-start", osd: 99 })).status).toBe(
      400,
    );
    const kind = await control("POST", "/_emulator/faults", { kind: "meteor", host: "node1" });
    expect(kind.status).toBe(400);
    expect(kind.body.issues[0].path).toBe("kind");
    expect((await control("GET", "/_emulator/faults")).body).toEqual([]);
  });

  it("checks the token before reading a body: a 500 MB PUT without it is answered at once", async () => {
    const url = new URL(endpoints.control.url);
    /** Sends a PUT head declaring `length` bytes and one byte of body; resolves with the answer. */
    const putHead = (length: number, authorization?: string) =>
      new Promise<string>((resolve) => {
        let received = "";
        const auth = authorization === undefined ? "" : `Authorization: ${authorization}\r\n`;
        const socket = connect(Number(url.port), url.hostname, () =>
          socket.write(
            `PUT /_emulator/state HTTP/1.1\r\nHost: ${url.host}\r\n${auth}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{`,
          ),
        );
        socket.setEncoding("latin1");
        socket.on("data", (chunk: string) => {
          received += chunk;
        });
        socket.on("close", () => resolve(received));
      });
    const anonymous = await putHead(500_000_000);
    expect(anonymous).toMatch(/^HTTP\/1\.1 401 /);
    expect(anonymous).toMatch(/connection: close/i);
    // With the token, the state's limit (64 MiB) applies to the declared length: nothing is buffered.
    const tooBig = await putHead(65 << 20, `Bearer ${endpoints.control.token}`);
    expect(tooBig).toMatch(/^HTTP\/1\.1 413 /);
  });

  it("snapshots and restores the world: another emulator takes over the state", async () => {
    const client = ceph();
    await ilo(0).power.on();
    await control("POST", "/_emulator/clock", { advanceMs: 40_000 });
    await client.rbd.images.create({ name: "one-7", pool_name: "rbd", size: 1 << 30 });
    const snapshot = await control("GET", "/_emulator/state");
    expect(snapshot.status).toBe(200);
    expect(JSON.stringify(snapshot.body)).toContain("one-7");

    const other = createEmulator({ controlToken: "other-token-0123456789" });
    const otherEndpoints = await other.listen();
    try {
      const put = await request(`${otherEndpoints.control.url}/_emulator/state`, {
        method: "PUT",
        headers: { authorization: "Bearer other-token-0123456789", "content-type": "application/json" },
        body: JSON.stringify(snapshot.body),
      });
      expect(put.statusCode).toBe(204);
      const cephUser = otherEndpoints.ceph;
      if (cephUser === undefined) throw new Error("no Ceph");
      const otherCeph = createCephClient({
        baseUrl: cephUser.url,
        username: cephUser.username,
        password: cephUser.password,
      });
      clients.push(otherCeph);
      const images = await otherCeph.rbd.images.list({ pool: "rbd" });
      expect(JSON.stringify(images)).toContain("one-7");
      const osds = await otherCeph.osds.list();
      expect(osds.filter((o) => o.up === 1).map((o) => o.host.name)).toEqual(["node1", "node1"]);
      const bad = await request(`${otherEndpoints.control.url}/_emulator/state`, {
        method: "PUT",
        headers: { authorization: "Bearer other-token-0123456789", "content-type": "application/json" },
        body: JSON.stringify({ format: "nope" }),
      });
      expect(bad.statusCode).toBe(400);
    } finally {
      await other.close();
    }
  });
});
