import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OneServer, okId, okText, startOneServer, userXml, VM_QUOTA } from "./helpers/one-server.js";
import { failure } from "./helpers/xmlrpc-server.js";

const NEW_PASSWORD = "n3w-Secret-never-shown";
let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.user.info": ([id]) => okText(userXml(id as number, "alice")),
    "one.user.allocate": () => okId(5),
    // oned echoing the password in an error must not leak it
    "one.user.passwd": ([, password]) =>
      failure(`[one.user.passwd] bad password ${String(password)}`, 2048, 5),
    "one.user.login": () => okText("8b1d7f2e0c"),
    "one.user.enable": ([id]) => okId(id as number),
    "one.userpool.info": () =>
      okText(
        `<USER_POOL>${userXml(2, "alice")}${userXml(3, "bob")}<QUOTAS><ID>2</ID>${VM_QUOTA}</QUOTAS></USER_POOL>`,
      ),
  });
});
afterAll(() => one.close());

describe("one.user.*", () => {
  it("info → a validated User", async () => {
    const user = await one.client().user.info(2);
    expect([user.NAME, user.GROUPS.ID, user.TEMPLATE.SSH_PUBLIC_KEY]).toEqual([
      "alice",
      [1],
      "ssh-ed25519 AAAA alice",
    ]);
  });

  it("info(-1) asks for the caller's own user, as oned reads -1; -2 is refused before sending", async () => {
    const client = one.client();
    await client.user.info(-1);
    expect(one.calls().at(-1)).toEqual(["one.user.info", -1]);
    await expect(client.user.info(-2)).rejects.toThrow("id must be >= -1");
  });

  it("allocate sends the group IDs as an <array> of <int>, only when given", async () => {
    const client = one.client();
    expect(await client.user.allocate("bob", "pw-1234", "core", [1, 100])).toBe(5);
    expect(await client.user.allocate("carol", "pw-1234", "")).toBe(5);
    expect(one.calls().slice(-2)).toEqual([
      ["one.user.allocate", "bob", "pw-1234", "core", [1, 100]],
      ["one.user.allocate", "carol", "pw-1234", ""],
    ]);
    await expect(client.user.allocate("x", "pw", "core", [1.5])).rejects.toMatchObject({
      code: "INVALID_PARAM",
    });
  });

  it("a new password never shows in the error, even when oned echoes it", async () => {
    const error = await one
      .client()
      .user.passwd(5, NEW_PASSWORD)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "ACTION",
      message: expect.stringContaining("bad password [REDACTED]"),
    });
    for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 5 })]) {
      expect(text).not.toContain(NEW_PASSWORD);
    }
  });

  it("a password shorter than 4 characters is not redacted alone (it would blank every match)", async () => {
    one.handle("one.user.allocate", () => failure("[one.user.allocate] abc: user already exists", 16384));
    try {
      const error = await one
        .client()
        .user.allocate("abc", "ab", "core")
        .catch((e: unknown) => e);
      expect((error as Error).message).toContain("abc: user already exists");
    } finally {
      one.handle("one.user.allocate", () => okId(5));
    }
  });

  it("login (uname, token, valid, egid?) returns the token", async () => {
    expect(await one.client().user.login("alice", "", 3600)).toBe("8b1d7f2e0c");
    expect(one.calls().at(-1)).toEqual(["one.user.login", "alice", "", 3600]);
  });

  it("enable is a 6.0 method: refused on 5.12 before sending", async () => {
    expect(await one.client().user.enable(2, false)).toBe(2);
    await expect(one.client({ version: "5.12.0" }).user.enable(2, true)).rejects.toMatchObject({
      code: "UNSUPPORTED_BY_SERVER",
    });
  });
});

describe("one.userpool.*", () => {
  it("info returns the whole UserPool: users and the quotas listed apart", async () => {
    const pool = await one.client().userpool.info();
    expect(pool.USER.map((u) => u.NAME)).toEqual(["alice", "bob"]);
    expect(pool.QUOTAS.map((q) => [q.ID, q.VM_QUOTA?.VM[0]?.MEMORY_USED])).toEqual([[2, "2048"]]);
  });
});
