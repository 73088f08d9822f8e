import { afterEach, describe, expect, test } from "vitest";
import {
  ApiError,
  HttpError,
  type ReauthPolicy,
  registerSecret,
  singleFlight,
  withReauth,
} from "../src/index.js";

const SECRET_TOKEN = "tok-3f9c1d-secret";

/** A client's session as the three clients keep one: a token, logins shared, a 401 refuses it. */
function fakeSession() {
  let token: string | undefined;
  let logins = 0;
  const unregister: Array<() => void> = [];
  const login = singleFlight(async () => {
    logins++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = `${SECRET_TOKEN}-${logins}`;
    unregister.push(registerSecret(fresh));
    token = fresh;
    return fresh;
  });
  const policy: ReauthPolicy<string> = {
    current: async () => token ?? login(),
    invalidate: (used) => {
      if (token === used) token = undefined;
    },
    isAuthFailure: (error) => error instanceof HttpError && error.status === 401,
  };
  return {
    policy,
    get logins() {
      return logins;
    },
    expire() {
      token = "expired";
    },
    dispose() {
      for (const u of unregister) u();
    },
  };
}

/** A server that accepts only the token it was told is valid, answering 401 otherwise. */
function server(valid: () => string | undefined) {
  const seen: string[] = [];
  const send = async (credential: string) => {
    seen.push(credential);
    if (credential !== valid()) {
      throw new HttpError({
        request: { method: "GET", url: "http://h/x", headers: { authorization: `Bearer ${credential}` } },
        response: { status: 401, body: `token ${credential} refused` },
      });
    }
    return `ok with ${credential}`;
  };
  return { send, seen };
}

describe("withReauth", () => {
  let session: ReturnType<typeof fakeSession>;
  afterEach(() => session?.dispose());

  test("a refused credential: one new login, the request sent once more, and it succeeds", async () => {
    session = fakeSession();
    await withReauth(session.policy, async (c) => c); // first login
    session.expire();
    const s = server(() => `${SECRET_TOKEN}-2`);
    await expect(withReauth(session.policy, s.send)).resolves.toBe(`ok with ${SECRET_TOKEN}-2`);
    expect(s.seen).toEqual(["expired", `${SECRET_TOKEN}-2`]);
    expect(session.logins).toBe(2);
  });

  test("no auth failure: no login beyond the first, one send", async () => {
    session = fakeSession();
    const s = server(() => `${SECRET_TOKEN}-1`);
    await expect(withReauth(session.policy, s.send)).resolves.toBe(`ok with ${SECRET_TOKEN}-1`);
    expect(s.seen).toHaveLength(1);
    expect(session.logins).toBe(1);
  });

  test("a second refusal surfaces as the client's typed auth error: never a third try, no secret shown", async () => {
    session = fakeSession();
    const s = server(() => undefined);
    const error = await withReauth(session.policy, s.send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as HttpError).status).toBe(401);
    expect(s.seen).toHaveLength(2);
    expect(session.logins).toBe(2);
    const shown = [
      (error as Error).message,
      (error as Error).stack,
      JSON.stringify(error),
      JSON.stringify((error as HttpError).request),
    ].join("\n");
    expect(shown).not.toContain(SECRET_TOKEN);
  });

  test("any other error is rethrown untouched, without a login", async () => {
    session = fakeSession();
    const boom = new Error("boom");
    let sends = 0;
    await expect(
      withReauth(session.policy, async () => {
        sends++;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(sends).toBe(1);
    expect(session.logins).toBe(1);
  });

  test("concurrent requests refused together share one login", async () => {
    session = fakeSession();
    await withReauth(session.policy, async (c) => c);
    session.expire();
    const s = server(() => `${SECRET_TOKEN}-2`);
    const results = await Promise.all(Array.from({ length: 8 }, () => withReauth(session.policy, s.send)));
    expect(results).toEqual(Array(8).fill(`ok with ${SECRET_TOKEN}-2`));
    expect(session.logins).toBe(2);
    expect(s.seen.filter((c) => c === "expired")).toHaveLength(8);
  });

  test("concurrent first requests share one login too", async () => {
    session = fakeSession();
    const s = server(() => `${SECRET_TOKEN}-1`);
    await Promise.all(Array.from({ length: 5 }, () => withReauth(session.policy, s.send)));
    expect(session.logins).toBe(1);
    expect(s.seen).toEqual(Array(5).fill(`${SECRET_TOKEN}-1`));
  });
});

describe("singleFlight", () => {
  test("calls during a run share it (first caller's arguments); the next call runs again", async () => {
    const calls: number[] = [];
    const run = singleFlight(async (n: number) => {
      calls.push(n);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return n;
    });
    expect(run.pending).toBeUndefined();
    const a = run(1);
    expect(run.pending).toBe(a);
    expect(run(2)).toBe(a);
    expect(await a).toBe(1);
    expect(run.pending).toBeUndefined();
    expect(await run(3)).toBe(3);
    expect(calls).toEqual([1, 3]);
  });

  test("a failed run is not kept, and a synchronous throw becomes a rejection", async () => {
    let fail = true;
    const run = singleFlight((): Promise<string> => {
      if (fail) throw new Error("down");
      return Promise.resolve("up");
    });
    await expect(run()).rejects.toThrow("down");
    fail = false;
    await expect(run()).resolves.toBe("up");
  });
});
