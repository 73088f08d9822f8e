import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { routesTransport } from "@homelab-kit/emulator";
import { type CephStateOptions, createCephEmulator } from "@homelab-kit/emulator/ceph";
import { describe, expect, it } from "vitest";

const V1 = "application/vnd.ceph.api.v1.0+json";

/** Raw HTTP against a fresh Ceph emulator, in-process: no client code involved. */
function raw(options?: CephStateOptions) {
  const emulator = createCephEmulator(options);
  const transport = routesTransport(emulator.routes);
  const send = async (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ) => {
    const response = await transport({
      method,
      url: `http://ceph.test${path}`,
      headers: { accept: V1, ...init.headers },
      body: init.body,
    });
    const text = Buffer.from(response.body).toString("utf8");
    return {
      status: response.status,
      headers: response.headers,
      json: text === "" ? undefined : JSON.parse(text),
    };
  };
  const login = async (username = "admin", password = "Adm1n-Passw0rd!") =>
    (
      await send("POST", "/api/auth", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password }),
      })
    ).json.token as string;
  return { emulator, send, login };
}

describe("ceph emulator: the dashboard's HTTP rules", () => {
  it("logs in with a JWT and a cookie, as Pacific does", async () => {
    const { send } = raw();
    const ok = await send("POST", "/api/auth", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "Adm1n-Passw0rd!" }),
    });
    expect(ok.status).toBe(201);
    expect(ok.headers["content-type"]).toBe(V1);
    expect(ok.headers.server).toBe("Ceph-Dashboard");
    expect(ok.headers["set-cookie"]).toMatch(/^token=.+; HttpOnly; Path=\/; SameSite=Strict$/);
    const claims = JSON.parse(Buffer.from(ok.json.token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ iss: "ceph-dashboard", username: "admin" });
    expect(claims.exp - claims.iat).toBe(28_800);
    const bad = await send("POST", "/api/auth", {
      body: JSON.stringify({ username: "admin", password: "nope" }),
    });
    expect(bad).toMatchObject({
      status: 400,
      json: { detail: "Invalid credentials", code: "invalid_credentials", component: "auth" },
    });
    expect(bad.headers["content-type"]).toBe("application/json");
    const missing = await send("POST", "/api/auth", { body: JSON.stringify({ username: "admin" }) });
    expect(missing.status).toBe(500);
    expect(missing.json).toMatchObject({ status: "500 Internal Server Error" });
  });

  it("answers 401 for no, bad, forged, expired and revoked tokens", async () => {
    let now = Date.now();
    const { send, login } = raw({ now: () => now });
    const token = await login();
    const forged = `${token.split(".").slice(0, 2).join(".")}.c2lnbmF0dXJl`;
    for (const auth of [undefined, "Bearer not-a-jwt", `Bearer ${forged}`]) {
      const r = await send("GET", "/api/health/minimal", { headers: auth ? { authorization: auth } : {} });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({
        status: "401 Unauthorized",
        detail: "You are not authorized to access that resource",
      });
      expect(r.json.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await send("GET", "/api/health/minimal", { headers: { cookie: `token=${token}` } })).status).toBe(
      200,
    );
    now += 28_801_000;
    expect(
      (await send("GET", "/api/health/minimal", { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
    now -= 28_801_000;
    const logout = await send("POST", "/api/auth/logout", {
      headers: { authorization: `Bearer ${token}` },
      body: "{}",
    });
    expect(logout).toMatchObject({ status: 200, json: { redirect_url: "#/login" } });
    expect(
      (await send("GET", "/api/health/minimal", { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
  });

  it("answers 415 for a missing or wrong Accept version and accepts an older minor", async () => {
    const { send, login } = raw();
    const authorization = `Bearer ${await login()}`;
    for (const accept of ["application/json", "*/*", ""]) {
      const r = await send("GET", "/api/health/minimal", { headers: { authorization, accept } });
      expect(r).toMatchObject({ status: 415, json: { detail: "Unable to find version in request header" } });
    }
    const newer = await send("GET", "/api/health/minimal", {
      headers: { authorization, accept: "application/vnd.ceph.api.v2.0+json" },
    });
    expect(newer.json.detail).toBe("Incorrect version: endpoint is '1.0', client requested '2.0'");
    const list = await send("GET", "/api/block/image", { headers: { authorization } });
    expect(list.json.detail).toBe("Incorrect version: endpoint is '2.0', client requested '1.0'");
    const hosts = await send("GET", "/api/host", { headers: { authorization } });
    expect(hosts.status).toBe(200);
    expect(hosts.headers["content-type"]).toBe("application/vnd.ceph.api.v1.1+json");
  });

  it("answers 411 without a body, 400 for malformed JSON, 404 for unknown paths, 403 for read-only writes", async () => {
    const { send, login, emulator } = raw();
    const authorization = `Bearer ${await login()}`;
    const noBody = await send("POST", "/api/block/image/rbd%2Fx/flatten", { headers: { authorization } });
    expect(noBody).toMatchObject({ status: 411, json: { detail: "Client must specify Content-Length" } });
    const badJson = await send("POST", "/api/pool", { headers: { authorization }, body: '{"pool": ' });
    expect(badJson).toMatchObject({
      status: 400,
      json: { status: "400 Bad Request", detail: "Invalid JSON document" },
    });
    const unknown = await send("GET", "/api/nonexistent", { headers: { authorization } });
    expect(unknown).toMatchObject({
      status: 404,
      json: { detail: "The path '/api/nonexistent' was not found." },
    });
    emulator.state.addUser({ username: "ro", password: "Ro-Passw0rd", roles: ["read-only"] });
    const ro = `Bearer ${await login("ro", "Ro-Passw0rd")}`;
    expect((await send("GET", "/api/pool", { headers: { authorization: ro } })).status).toBe(200);
    const forbidden = await send("POST", "/api/pool", {
      headers: { authorization: ro },
      body: '{"pool":"x"}',
    });
    expect(forbidden).toMatchObject({ status: 403, json: { status: "403 Forbidden" } });
  });

  it("reproduces Pacific's pool quirks", async () => {
    const { send, login } = raw();
    const authorization = `Bearer ${await login()}`;
    const post = (body: unknown) =>
      send("POST", "/api/pool", { headers: { authorization }, body: JSON.stringify(body) });
    expect((await post({ pool: "p", pool_type: "replicated", pg_num: 8 })).status).toBe(201);
    expect((await post({ pool: "p", pool_type: "replicated", pg_num: 8 })).status).toBe(201);
    expect((await post({ pool: "q", pool_type: "triple", pg_num: 8 })).json).toEqual({
      detail: "[errno -22] unknown pool type 'triple'",
      code: "22",
      component: "pool",
    });
    expect((await post({ pool: "", pool_type: "replicated", pg_num: 8 })).json.detail).toBe(
      "[errno -22] (22) Invalid argument",
    );
    expect((await post({ pool: "r", pool_type: "replicated", pg_num: "many" })).status).toBe(500);
    expect((await post({ pool_type: "replicated", pg_num: 8 })).status).toBe(500);
    const size1 = await post({ pool: "one", pool_type: "replicated", pg_num: 8, size: 1 });
    expect(size1.status).toBe(400);
    expect(size1.json.detail).toContain("--yes-i-really-mean-it");
    // …and the pool exists anyway, half-configured.
    expect((await send("GET", "/api/pool/one", { headers: { authorization } })).status).toBe(200);
    expect((await send("DELETE", "/api/pool/no-such-pool", { headers: { authorization } })).status).toBe(204);
    const missing = await send("GET", "/api/pool/no-such-pool", { headers: { authorization } });
    expect(missing).toMatchObject({
      status: 404,
      json: { detail: "The path 'No such pool' was not found." },
    });
    const tasks = await send("GET", "/api/task?name=pool/create", { headers: { authorization } });
    expect(tasks.json.finished_tasks[0]).toMatchObject({
      name: "pool/create",
      metadata: { pool_name: "one" },
      success: false,
      exception: { detail: size1.json.detail },
    });
  });

  it("answers RBD errors with the task they are about", async () => {
    const { send, login } = raw();
    const authorization = `Bearer ${await login()}`;
    const headers = { authorization };
    const create = { name: "img", pool_name: "rbd", size: 2 ** 30 };
    expect((await send("POST", "/api/block/image", { headers, body: JSON.stringify(create) })).status).toBe(
      201,
    );
    const dup = await send("POST", "/api/block/image", { headers, body: JSON.stringify(create) });
    expect(dup.headers["content-type"]).toBe(V1);
    expect(dup.json).toEqual({
      detail: "[errno 17] RBD image already exists (error creating image)",
      code: "17",
      component: "rbd",
      status: 400,
      task: { name: "rbd/create", metadata: { pool_name: "rbd", namespace: null, image_name: "img" } },
    });
    expect((await send("GET", "/api/block/image/no-slash-here", { headers })).status).toBe(500);
    expect(
      (await send("POST", "/api/block/image", { headers, body: '{"name":"x","pool_name":"rbd"}' })).status,
    ).toBe(500);
    const snapNoFlag = await send("POST", "/api/block/image/rbd%2Fimg/snap", {
      headers,
      body: '{"snapshot_name":"s"}',
    });
    expect(snapNoFlag.status).toBe(500);
    const task = { name: "rbd/create", metadata: { pool_name: "rbd", namespace: null, image_name: "neg" } };
    const negative = await send("POST", "/api/block/image", {
      headers,
      body: '{"name":"neg","pool_name":"rbd","size":-1}',
    });
    expect(negative).toMatchObject({
      status: 500,
      json: { detail: "can't convert negative value to uint64_t", component: null, status: 500, task },
    });
    const resize = await send("PUT", "/api/block/image/rbd%2Fimg", { headers, body: '{"size":"big"}' });
    expect(resize).toMatchObject({
      status: 500,
      json: { detail: "an integer is required", task: { name: "rbd/edit" } },
    });
    const shrink = await send("PUT", "/api/block/image/rbd%2Fimg", { headers, body: '{"size":"1048576"}' });
    expect(shrink.status).toBe(200);
    expect((await send("GET", "/api/block/image/rbd%2Fimg", { headers })).json.size).toBe(1_048_576);
    const pg = await send("POST", "/api/pool", {
      headers,
      body: '{"pool":"p","pool_type":"replicated","pg_num":-1}',
    });
    expect(pg).toMatchObject({ status: 400, json: { code: "34", component: "pool" } });
    expect(pg.json.detail).toContain("'pg_num' must be greater than 0");
    const gone = await send("DELETE", "/api/block/image/rbd%2Fnope", { headers });
    expect(gone).toMatchObject({
      status: 404,
      json: { detail: "(404, 'Image not found')", code: 404, component: null },
    });
  });

  it("refuses what real Pacific refuses: a size past uint64 (1e308), a name past librbd's 2041 bytes, an empty name", async () => {
    const { send, login } = raw();
    const headers = { authorization: `Bearer ${await login()}` };
    const create = (body: object) =>
      send("POST", "/api/block/image", { headers, body: JSON.stringify(body) });
    const task = (name: string) => ({
      name: "rbd/create",
      metadata: { pool_name: "rbd", namespace: null, image_name: name },
    });
    // Recorded on Pacific 16.2.15 (docs/reference/ceph/NOTES.md "Hostile sizes and names").
    expect(await create({ name: "huge", pool_name: "rbd", size: 1e308 })).toMatchObject({
      status: 500,
      json: {
        detail: "Python int too large to convert to C unsigned long",
        component: null,
        task: task("huge"),
      },
    });
    expect((await create({ name: "frac", pool_name: "rbd", size: 1.5 })).status).toBe(201);
    expect((await create({ name: "k".repeat(2041), pool_name: "rbd", size: 2 ** 20 })).status).toBe(201);
    expect(await create({ name: "k".repeat(2042), pool_name: "rbd", size: 2 ** 20 })).toMatchObject({
      status: 400,
      json: { detail: "[errno 36] error creating image", code: "36", component: "rbd" },
    });
    expect(await create({ name: "", pool_name: "rbd", size: 2 ** 20 })).toMatchObject({
      status: 400,
      json: { detail: "[errno 22] RBD invalid argument (error creating image)", code: "22", task: task("") },
    });
    // A 10 MB name: refused the same way, and the answer (which repeats it in the task) stays small.
    const tenMb = await create({ name: "n".repeat(10_000_000), pool_name: "rbd", size: 2 ** 20 });
    expect(tenMb).toMatchObject({ status: 400, json: { code: "36" } });
    expect(JSON.stringify(tenMb.json).length).toBeLessThan(2_000);
    const names = (
      await send("GET", "/api/block/image?pool_name=rbd", {
        headers: { ...headers, accept: "application/vnd.ceph.api.v2.0+json" },
      })
    ).json[0].value.map((i: { name: string }) => i.name.length);
    expect(names.sort((a: number, b: number) => a - b)).toEqual([4, 2041]);
  });

  it("budgets bodies: a login over 4 KiB is 413, nested JSON 400, and without a token nothing is read", async () => {
    const { send, login } = raw();
    const json = { "content-type": "application/json" };
    const long = JSON.stringify({ username: "admin", password: "p".repeat(5_000) });
    expect((await send("POST", "/api/auth", { headers: json, body: long })).status).toBe(413);
    const headers = { ...json, authorization: `Bearer ${await login()}` };
    const nested = await send("POST", "/api/pool", {
      headers,
      body: `{"pool": ${"[".repeat(100)}${"]".repeat(100)}}`,
    });
    expect(nested).toMatchObject({ status: 400, json: { detail: "Invalid JSON document" } });
    // Over a socket: a 15 MB body without a token is answered 401 from the head, the body never sent.
    const served = await createCephEmulator().listen();
    try {
      const answer = await new Promise<string>((resolve) => {
        let received = "";
        const socket = connect(served.port, "127.0.0.1", () =>
          socket.write(
            `POST /api/block/image HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: ${V1}\r\nContent-Type: application/json\r\nContent-Length: 15000000\r\n\r\n`,
          ),
        );
        socket.setEncoding("latin1");
        socket.on("data", (chunk: string) => {
          received += chunk;
        });
        socket.on("close", () => resolve(received));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toContain("You are not authorized to access that resource");
    } finally {
      await served.close();
    }
  });
});

describe("ceph emulator: values real Pacific gives (conformance/ceph/parity.test.ts found them)", () => {
  it("a read-only user's login lists the read-only role's scopes only (no config-opt, no dashboard-settings)", async () => {
    const { send, login } = raw({
      users: [
        { username: "admin", password: "Adm1n-Passw0rd!", roles: ["administrator"] },
        { username: "ro", password: "Ro-Passw0rd-1", roles: ["read-only"] },
      ],
    });
    await login();
    const ro = await send("POST", "/api/auth", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "ro", password: "Ro-Passw0rd-1" }),
    });
    const recorded = JSON.parse(
      readFileSync(
        join(import.meta.dirname, "../../../docs/reference/ceph/samples/054_auth_login_read_only.json"),
        "utf8",
      ),
    ) as { response: { body: { permissions: unknown } } };
    expect(ro.json.permissions).toEqual(recorded.response.body.permissions);
  });

  it("the trash/move task names the image only, whatever the delay", async () => {
    const { send, login } = raw();
    const auth = { authorization: `Bearer ${await login()}`, "content-type": "application/json" };
    await send("POST", "/api/block/image", {
      headers: auth,
      body: JSON.stringify({ name: "img", pool_name: "rbd", size: 1048576 }),
    });
    const moved = await send("POST", "/api/block/image/rbd%2Fimg/move_trash", {
      headers: auth,
      body: JSON.stringify({ delay: 60 }),
    });
    expect(moved.status).toBe(200);
    const tasks = await send("GET", "/api/task?name=rbd/trash/move", { headers: auth });
    expect(tasks.json.finished_tasks.map((t: { metadata: unknown }) => t.metadata)).toEqual([
      { image_spec: "rbd/img" },
    ]);
  });
});
