import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type OneServer, okId, okText, startOneServer } from "./helpers/one-server.js";
import { failure } from "./helpers/xmlrpc-server.js";

const PASSWORD = "pa55-Word-canary";
let one: OneServer;
let issued = 0;
/** Tokens oned accepts; a revoked one answers AUTHENTICATION. */
const valid = new Set<string>();

beforeAll(async () => {
  one = await startOneServer({
    "one.user.login": (_params, call) => {
      if (call.params[0] !== `alice:${PASSWORD}`)
        return failure("[one.user.login] User couldn't be authenticated, aborting call.", 256);
      const token = `tok${++issued}-0123456789abcdef`;
      valid.add(token);
      return okText(token);
    },
    "one.vm.rename": ([id], call) => {
      const token = String(call.params[0]).slice("alice:".length);
      if (!valid.has(token))
        return failure("[one.vm.rename] User couldn't be authenticated, aborting call.", 256);
      return okId(id as number);
    },
  });
});
afterAll(() => one.close());
afterEach(() => {
  vi.restoreAllMocks();
});

const sessions = () => one.server.calls.map((call) => [call.method, call.params[0]]);

describe("login tokens (login option)", () => {
  it("logs in once with the password, then sends user:token", async () => {
    const start = one.server.calls.length;
    const client = one.client({ username: "alice", password: PASSWORD, login: { ttl: 3600 } });
    await client.vm.rename(1, "a");
    await client.vm.rename(1, "b");
    const token = `tok${issued}-0123456789abcdef`;
    expect(sessions().slice(start)).toEqual([
      ["one.user.login", `alice:${PASSWORD}`],
      ["one.vm.rename", `alice:${token}`],
      ["one.vm.rename", `alice:${token}`],
    ]);
    expect(one.calls().at(start)).toEqual(["one.user.login", "alice", "", 3600, -1]);
  });

  it("concurrent first calls share one login", async () => {
    const start = one.server.calls.length;
    const client = one.client({ username: "alice", password: PASSWORD, login: { ttl: 3600, egid: 1 } });
    await Promise.all([client.vm.rename(1, "a"), client.vm.rename(2, "b"), client.vm.rename(3, "c")]);
    const logins = one
      .calls()
      .slice(start)
      .filter(([method]) => method === "one.user.login");
    expect(logins).toEqual([["one.user.login", "alice", "", 3600, 1]]);
  });

  it("renews the token renewBefore ms ahead of its expiry", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const start = one.server.calls.length;
    const client = one.client({
      username: "alice",
      password: PASSWORD,
      login: { ttl: 600, renewBefore: 60_000 },
    });
    await client.vm.rename(1, "a"); // login at t0
    now += 539_000; // 1 s before the renewal point: same token
    await client.vm.rename(1, "b");
    now += 2_000; // past expiry - renewBefore: renewed before the call
    await client.vm.rename(1, "c");
    const methods = one
      .calls()
      .slice(start)
      .map(([method]) => method);
    expect(methods).toEqual([
      "one.user.login",
      "one.vm.rename",
      "one.vm.rename",
      "one.user.login",
      "one.vm.rename",
    ]);
    const used = sessions()
      .slice(start)
      .filter(([m]) => m === "one.vm.rename")
      .map(([, s]) => s);
    expect(used[0]).toBe(used[1]);
    expect(used[2]).not.toBe(used[1]);
  });

  it("a token oned refuses (revoked) is renewed once and the call sent again", async () => {
    const client = one.client({ username: "alice", password: PASSWORD, login: { ttl: 3600 } });
    await client.vm.rename(1, "a");
    valid.clear(); // revoked on the server
    const start = one.server.calls.length;
    expect(await client.vm.rename(7, "b")).toBe(7);
    expect(
      one
        .calls()
        .slice(start)
        .map(([method]) => method),
    ).toEqual(["one.vm.rename", "one.user.login", "one.vm.rename"]);
  });

  it("a wrong password fails with AUTHENTICATION and neither password nor token shows", async () => {
    const client = one.client({ username: "alice", password: "wrong-password-canary", login: { ttl: 3600 } });
    const error = await client.vm.rename(1, "a").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "AUTHENTICATION" });
    for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 5 })]) {
      expect(text).not.toContain("wrong-password-canary");
    }
  });

  it("needs a password; ttl must be seconds > 0 or -1", () => {
    expect(() =>
      one.client({ username: "alice", password: undefined, token: "t0ken", login: { ttl: 60 } }),
    ).toThrow(/login needs the password/);
    expect(() => one.client({ username: "alice", password: PASSWORD, login: { ttl: 0 } })).toThrow(
      /login.ttl/,
    );
  });
});
