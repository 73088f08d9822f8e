import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import {
  HttpError,
  InvalidRequestError,
  NetworkError,
  ResponseTooLargeError,
  ResponseValidationError,
  TimeoutError,
} from "@homelab-kit/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createOpenNebulaClient,
  isOpenNebulaError,
  type OpenNebulaClient,
  OpenNebulaError,
  PoolFilter,
  VmStateFilter,
  XmlSyntaxError,
} from "../src/index.js";
import {
  failure,
  fault,
  startXmlRpcServer,
  stringValue,
  success,
  type TestServer,
} from "./helpers/xmlrpc-server.js";

const samples = new URL("../../../docs/reference/opennebula/samples/", import.meta.url);
const vmXml = readFileSync(new URL("vm.xml", samples), "utf8");
const vmPoolXml = readFileSync(new URL("vm_pool.xml", samples), "utf8");

const CANARY = "canary-P4ssw0rd-never-shown";

let server: TestServer;
let one: OpenNebulaClient;

beforeAll(async () => {
  server = await startXmlRpcServer(() => success(stringValue(vmXml)));
});
afterAll(async () => {
  await one?.close();
  await server.close();
});
afterEach(async () => {
  await one?.close();
  server.calls.length = 0;
});

function client(extra: Partial<Parameters<typeof createOpenNebulaClient>[0]> = {}): OpenNebulaClient {
  one = createOpenNebulaClient({
    url: server.url,
    username: "oneadmin",
    password: CANARY,
    version: "7.4.0",
    ...extra,
  });
  return one;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/** Every way an error may be rendered: none may show the password or the session. */
function expectNoSecret(error: unknown): void {
  const renderings = [
    String(error),
    (error as Error).stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    String((error as Error).cause ?? ""),
  ];
  for (const text of renderings) {
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(`oneadmin:${CANARY}`);
  }
}

describe("calls and responses", () => {
  it("one.vm.info sends the session and the id, and returns the validated VM", async () => {
    server.handle(() => success(stringValue(vmXml)));
    const vm = await client().vm.info(42);
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]!.method).toBe("one.vm.info");
    expect(server.calls[0]!.params).toEqual([`oneadmin:${CANARY}`, 42]);
    expect(server.calls[0]!.headers["content-type"]).toBe("text/xml");
    expect(vm.ID).toBe(42);
    expect(vm.NAME).toBe("web-01");
    expect(vm.STATE).toEqual({ value: 3, name: "ACTIVE" });
    expect(vm.LCM_STATE).toEqual({ value: 3, name: "RUNNING" });
    expect(vm.TEMPLATE.NIC[0]!.IP).toBe("192.168.10.100");
  });

  it("sends optional parameters only when given, in wire order", async () => {
    server.handle(() => success("<value><i4>7</i4></value>"));
    const one = client();
    expect(await one.vm.action("poweroff-hard", 7)).toBe(7);
    expect(await one.vm.deploy(7, 2, true)).toBe(7);
    expect(await one.vm.info(7, true).catch(() => "not a VM")).toBe("not a VM");
    expect(server.calls.map((c) => c.params.slice(1))).toEqual([
      ["poweroff-hard", 7],
      [7, 2, true],
      [7, true],
    ]);
  });

  it("one.vmpool.info returns the short bodies as an array, also for one VM and for none", async () => {
    server.handle(() => success(stringValue(vmPoolXml)));
    const vms = await client().vmpool.info(PoolFilter.ALL, -1, -1, VmStateFilter.NOT_DONE);
    expect(vms.length).toBeGreaterThan(1);
    expect(server.calls[0]!.params.slice(1)).toEqual([-2, -1, -1, -1]);
    const first = vmPoolXml.slice(vmPoolXml.indexOf("<VM>"), vmPoolXml.indexOf("</VM>") + 5);
    server.handle(() => success(stringValue(`<VM_POOL>${first}</VM_POOL>`)));
    expect(await one.vmpool.info(-2, -1, -1, -1)).toHaveLength(1);
    server.handle(() => success(stringValue("<VM_POOL/>")));
    expect(await one.vmpool.info(-2, -1, -1, -1)).toEqual([]);
  });

  it("lenient IDs: a boolean where an ID is promised gives back the call's ID (docs/reference/opennebula/ISSUES.md #8)", async () => {
    server.handle(() => success("<value><boolean>1</boolean></value>"));
    expect(await client().vm.lock(12, 2)).toBe(12);
  });

  it("client.call reaches any method and returns the raw value", async () => {
    server.handle(() => success(stringValue("7.4.0")));
    expect(await client().call("one.system.version")).toBe("7.4.0");
    server.handle(() => success("<value><i8>9007199254740993</i8></value>"));
    expect(await one.call("one.zone.fedreplicate", ["x"])).toBe(9007199254740993n);
  });
});

describe("OpenNebula errors", () => {
  it.each([
    [0x100, "AUTHENTICATION", "AUTHENTICATION"],
    [0x200, "AUTHORIZATION", "AUTHORIZATION"],
    [0x400, "NO_EXISTS", "NO_EXISTS"],
    [0x800, "ACTION", "ACTION"],
    [0x1000, "RPC_API", "XML_RPC_API"],
    [0x2000, "INTERNAL", "INTERNAL"],
    [0x4000, "ALLOCATE", "ALLOCATE"],
    [0x8000, "LOCKED", "LOCKED"],
    [0x10000, "REPLICATION", "REPLICATION"],
    [0x3, "UNKNOWN", "UNKNOWN"],
  ])("code %i → %s", async (errorCode, name, legacy) => {
    server.handle(() => failure(`[one.vm.info] message for ${name}`, errorCode, 42));
    const error = (await rejection(client().vm.info(42))) as OpenNebulaError;
    expect(error).toBeInstanceOf(OpenNebulaError);
    expect(isOpenNebulaError(error)).toBe(true);
    expect(error).toMatchObject({
      kind: "error",
      code: name,
      legacyName: legacy,
      errorCode,
      method: "one.vm.info",
      objectId: 42,
      replicationIndex: 0,
    });
    expect(error.message).toBe(`[one.vm.info] message for ${name} (${name}, 0x${errorCode.toString(16)})`);
    expectNoSecret(error);
  });

  it("reads the 4-element failure of OpenNebula ≤5.8", async () => {
    server.handle(() => failure("[one.vm.info] Error getting virtual machine [9].", 0x400, 9, true));
    const error = (await rejection(client().vm.info(9))) as OpenNebulaError;
    expect(error).toMatchObject({ code: "NO_EXISTS", objectId: 9, replicationIndex: undefined });
  });

  it.each([
    [-506, "METHOD_NOT_FOUND", "Method 'one.vm.exec' not defined"],
    [-501, "BAD_PARAMS", "Not enough parameters"],
    [-500, "FAULT", "Internal error"],
  ])("fault %i → kind fault, code %s", async (faultCode, code, text) => {
    server.handle(() => fault(faultCode, text));
    const error = (await rejection(client().vm.retryexec(3))) as OpenNebulaError;
    expect(error).toBeInstanceOf(OpenNebulaError);
    expect(error).toMatchObject({ kind: "fault", code, errorCode: faultCode, method: "one.vm.retryexec" });
    expect(error.reply).toBe("fault");
    expect(OpenNebulaError.kind).toBe("OpenNebulaError");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "OpenNebulaError",
      reply: "fault",
      kind: "fault",
    });
    expect(error.message).toBe(`XML-RPC fault ${faultCode}: ${text}`);
  });

  it("wrong credentials: AUTHENTICATION, and the password shows in no rendering of the error", async () => {
    server.handle((call) =>
      call.params[0] === "oneadmin:right"
        ? success(stringValue(vmXml))
        : failure(
            `[one.vm.info] User couldn't be authenticated, aborting call. (${String(call.params[0])})`,
            256,
          ),
    );
    const error = (await rejection(client().vm.info(42))) as OpenNebulaError;
    expect(error.code).toBe("AUTHENTICATION");
    // the server echoed the session: redacted
    expect(error.message).toContain("[REDACTED]");
    expectNoSecret(error);
  });
});

describe("bad responses get typed errors", () => {
  it("malformed XML → ResponseValidationError with the XmlSyntaxError (line, column) as cause", async () => {
    server.handle(() => '<?xml version="1.0"?>\n<methodResponse>\n<params><param><value><int>1</i4>');
    const error = (await rejection(client().vm.info(1))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.code).toBe("XMLRPC_PARSE");
    expect(error.cause).toBeInstanceOf(XmlSyntaxError);
    expect((error.cause as XmlSyntaxError).line).toBe(3);
    expect(error.message).toContain("one.vm.info: malformed XML-RPC response: expected </int> at line 3");
  });

  it("a malformed pool document in a valid envelope is reported with its line and column", async () => {
    server.handle(() => success(stringValue("<VM_POOL>\n<VM><ID>1</ID>\n<NAME>x</VM>")));
    const error = (await rejection(client().vmpool.info(-2, -1, -1, -1))) as ResponseValidationError;
    expect(error.code).toBe("XML_SYNTAX");
    expect(error.message).toContain("mismatched end tag: expected </NAME> at line 3, column 8");
  });

  it("a document that does not match the schema → ResponseValidationError with paths", async () => {
    server.handle(() => success(stringValue("<VM><ID>not-a-number</ID></VM>")));
    const error = (await rejection(client().vm.info(1))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.issues.some((i) => i.path.join(".") === "VM.ID")).toBe(true);
  });

  it("an entity bomb is refused without expansion", async () => {
    server.handle(
      () =>
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><methodResponse><params><param><value><string>&c;</string></value></param></params></methodResponse>',
    );
    const error = (await rejection(client().vm.info(1))) as ResponseValidationError;
    expect((error.cause as XmlSyntaxError).reason).toBe(
      "DOCTYPE is not allowed (no DTDs, no entity expansion)",
    );
  });

  it("invalid UTF-8 is reported with its byte offset (docs/reference/opennebula/ISSUES.md #5)", async () => {
    const body = Buffer.from(success(stringValue("<VM><NAME>caf__</NAME></VM>")));
    const at = body.indexOf("caf") + 3;
    body[at] = 0xc3;
    body[at + 1] = 0x28; // 0xC3 must be followed by a continuation byte
    server.handle(() => body);
    const error = (await rejection(client().vm.info(1))) as ResponseValidationError;
    expect((error.cause as XmlSyntaxError).reason).toBe(`invalid UTF-8 (byte 0xc3 at byte offset ${at})`);
  });

  it("an unexpected envelope shape → ResponseValidationError", async () => {
    server.handle(() =>
      success("<value><i4>1</i4></value>").replace("<boolean>1</boolean>", "<string>yes</string>"),
    );
    const error = (await rejection(client().vm.info(1))) as ResponseValidationError;
    expect(error.code).toBe("XMLRPC_SHAPE");
  });

  it("a 100 MB body is decoded as far as it is valid and fails with a typed error", async () => {
    const junk = Buffer.alloc(100 * 2 ** 20, "a");
    const envelope = success(stringValue("X"));
    const head = Buffer.from(envelope.slice(0, envelope.indexOf("X")));
    server.handle(() => Buffer.concat([head, junk]));
    const started = Date.now();
    const error = (await rejection(client().vm.info(1))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error.cause as XmlSyntaxError).reason).toBe("unexpected end of document");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("maxResponseBytes refuses larger responses", async () => {
    server.handle(() => success(stringValue(vmXml)));
    const error = (await rejection(client({ maxResponseBytes: 1024 }).vm.info(1))) as ResponseTooLargeError;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.code).toBe("RESPONSE_TOO_LARGE");
    expect(error.limit).toBe(1024);
    expect(error.message).toMatch(/^one\.vm\.info: response of \d+ bytes exceeds maxResponseBytes \(1024\)$/);
  });
});

describe("transport failures", () => {
  it("a 503 is an HttpError; idempotent reads are retried when asked, mutations never", async () => {
    server.handle((_call, i) => (i === 0 ? { status: 503, body: "busy" } : success(stringValue(vmXml))));
    const error = (await rejection(client().vm.info(42))) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(503);
    expectNoSecret(error);

    server.calls.length = 0;
    server.handle((_call, i) => (i === 0 ? { status: 503, body: "busy" } : success(stringValue(vmXml))));
    const vm = await client({ retry: { limit: 2, backoffBase: 1 } }).vm.info(42);
    expect(vm.ID).toBe(42);
    expect(server.calls).toHaveLength(2);

    server.calls.length = 0;
    server.handle((_call, i) =>
      i === 0 ? { status: 503, body: "busy" } : success("<value><i4>42</i4></value>"),
    );
    await expect(
      client({ retry: { limit: 2, backoffBase: 1 } }).vm.action("poweroff", 42),
    ).rejects.toBeInstanceOf(HttpError);
    expect(server.calls).toHaveLength(1);
  });

  it("a server that never answers → TimeoutError after the call's deadline", async () => {
    server.handle(() => ({ action: "hang" }));
    const started = Date.now();
    const error = await rejection(client().vm.info(1, undefined, { timeout: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expectNoSecret(error);
  });

  it("a connection reset → NetworkError", async () => {
    server.handle(() => ({ action: "reset" }));
    const error = await rejection(client().vm.info(1));
    expect(error).toBeInstanceOf(NetworkError);
    expectNoSecret(error);
  });

  it("a refused connection → NetworkError ECONNREFUSED", async () => {
    const closed = await startXmlRpcServer(() => "");
    const url = closed.url;
    await closed.close();
    const error = await rejection(client({ url }).vm.info(1));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("ECONNREFUSED");
  });

  it("a caller's abort passes through untouched", async () => {
    server.handle(() => ({ action: "hang" }));
    const controller = new AbortController();
    const reason = new Error("user gave up");
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(client().vm.info(1, undefined, { signal: controller.signal }))).toBe(reason);
  });
});

describe("parameters, versions, lifecycle", () => {
  it("bad parameters are refused before anything is sent, without echoing strings", async () => {
    const one = client();
    const bad = [
      () => one.vm.action("explode" as "poweroff", 1),
      () => one.vm.info(-1),
      () => one.vm.info(1.5),
      () => one.vm.info("1" as unknown as number),
      () => one.vm.rename(1, 42 as unknown as string),
      () => one.vmpool.info(-5, -1, -1, -1),
      () => one.vmpool.info(-2, -1, -1, 12 as 11),
      () => one.vm.migrate(1, 2, "yes" as unknown as boolean),
      () => one.vm.deploy(1, 2, undefined, 3),
    ];
    for (const call of bad) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).code).toBe("INVALID_PARAM");
    }
    const error = await rejection(one.vm.action(`${CANARY}` as "poweroff", 1));
    expect(error.message).toBe(
      'one.vm.action: action must be one of "terminate", "terminate-hard", "undeploy", "undeploy-hard", "poweroff", "poweroff-hard", "reboot", "reboot-hard", "hold", "release", "stop", "suspend", "resume", "resched", "unresched" (got a string of 27 characters)',
    );
    expect(server.calls).toHaveLength(0);
  });

  it("values XML cannot carry are refused as InvalidRequestError before sending", async () => {
    const one = client();
    const error = await rejection(one.vm.update(1, `A="x\u0001"`));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe("one.vm.update: character U+0001 cannot be sent in XML at params[2]");
    await expect(one.call("one.vm.info", [Number.NaN])).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.calls).toHaveLength(0);
  });

  it("a login token makes the session user:token", async () => {
    server.handle(() => success("<value><i4>3</i4></value>"));
    const one = createOpenNebulaClient({
      url: server.url,
      username: "alice",
      token: "0123abcd",
      version: "7.4.0",
    });
    await one.vm.unlock(3);
    await one.close();
    expect(server.calls[0]!.params).toEqual(["alice:0123abcd", 3]);
  });

  it("detects the version once and refuses methods the server does not have", async () => {
    server.handle((call) =>
      call.method === "one.system.version"
        ? success(stringValue("6.4.2"))
        : success("<value><i4>5</i4></value>"),
    );
    const one = client({ version: undefined });
    expect(await one.vm.attachsg(5, 0, 1)).toBe(5); // 6.4
    const error = await rejection(one.vm.exec(5, "uptime", ""));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe("one.vm.exec needs OpenNebula 7.2 or later; the server runs 6.4.2");
    expect(await one.vm.action("resume", 5)).toBe(5); // no version needed
    expect(server.calls.map((c) => c.method)).toEqual([
      "one.system.version",
      "one.vm.attachsg",
      "one.vm.action",
    ]);
  });

  it("a failed version detection is not cached", async () => {
    server.handle((call, i) =>
      call.method === "one.system.version" && i === 0
        ? failure("[one.system.version] User couldn't be authenticated, aborting call.", 256)
        : call.method === "one.system.version"
          ? success(stringValue("7.4.0"))
          : success("<value><i4>5</i4></value>"),
    );
    const one = client({ version: undefined });
    expect(((await rejection(one.vm.exec(5, "uptime", ""))) as OpenNebulaError).code).toBe("AUTHENTICATION");
    expect(await one.vm.exec(5, "uptime", "")).toBe(5);
    expect(await one.version()).toBe("7.4.0");
    expect(server.calls.map((c) => c.method)).toEqual([
      "one.system.version",
      "one.system.version",
      "one.vm.exec",
    ]);
  });

  it("many concurrent calls share the keep-alive transport", async () => {
    server.handle((call) => success(`<value><i4>${call.params[2] as number}</i4></value>`));
    const one = client();
    const ids = Array.from({ length: 60 }, (_, i) => i);
    expect(await Promise.all(ids.map((i) => one.vm.action("resume", i)))).toEqual(ids);
  });

  it("a parameter newer than the server is refused rather than silently ignored", async () => {
    server.handle(() => success("<value><i4>5</i4></value>"));
    const one = client({ version: "5.12.0" });
    expect(await one.vm.updateconf(5, 'CONTEXT=[A="1"]')).toBe(5);
    const error = await rejection(one.vm.updateconf(5, 'CONTEXT=[A="1"]', 1));
    expect(error.message).toBe(
      "one.vm.updateconf append needs OpenNebula 6.0 or later; the server runs 5.12.0",
    );
  });

  it("close() ends the client: later calls fail with CLIENT_CLOSED", async () => {
    const one = client();
    await one.close();
    const error = await rejection(one.vm.info(1));
    expect((error as InvalidRequestError).code).toBe("CLIENT_CLOSED");
  });

  it("options are validated without echoing secrets", () => {
    const make = (o: object) => () =>
      createOpenNebulaClient({ url: server.url, username: "a", ...o } as never);
    expect(make({})).toThrow("give exactly one of password and token");
    expect(make({ password: CANARY, token: CANARY })).toThrow("give exactly one of password and token");
    expect(make({ password: CANARY, url: "ftp://x" })).toThrow("url must use http or https");
    expect(make({ password: CANARY, version: "latest" })).toThrow('version must look like "7.4.0"');
    expect(make({ password: CANARY, username: "a:b" })).toThrow(
      "username must be a non-empty string without ':'",
    );
    try {
      make({ password: CANARY, timeout: -1 })();
    } catch (error) {
      expectNoSecret(error);
    }
  });
});
