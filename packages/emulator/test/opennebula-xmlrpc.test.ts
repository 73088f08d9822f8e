import { createOpenNebulaEmulator } from "@homelab-kit/emulator/opennebula";
import { describe, expect, it } from "vitest";
import { methodCall, readResponse, rpcClient } from "./opennebula-rpc.js";

function setup() {
  const emulator = createOpenNebulaEmulator();
  return { emulator, ...rpcClient(emulator.transport()) };
}

describe("OpenNebula emulator: XML-RPC envelope", () => {
  it("answers [true, value, 0] as text/xml from an Abyss server, one line of XML with no declaration", async () => {
    const { post } = setup();
    const res = await post(methodCall("one.vm.info", ["oneadmin:opennebula", 0]));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/xml");
    expect(res.headers.server).toMatch(/^Xmlrpc-c_Abyss\//);
    const r = readResponse(res.text);
    expect(r.kind).toBe("error"); // no VM 0 yet
    const version = readResponse(
      (await post(methodCall("one.system.version", ["oneadmin:opennebula"]))).text,
    );
    expect(version).toMatchObject({ kind: "ok", value: "7.4.0", type: "string" });
    const host = readResponse((await post(methodCall("one.host.info", ["oneadmin:opennebula", 0]))).text);
    expect(
      host.kind === "ok" && typeof host.value === "string" && host.value.startsWith("<HOST><ID>0</ID>"),
    ).toBe(true);
    expect(host.kind === "ok" && String(host.value).includes("\n")).toBe(false);
  });

  it("fails with the 5-element array, the object id and an <i8> replication index", async () => {
    const { post } = setup();
    const res = await post(methodCall("one.vm.info", ["oneadmin:opennebula", 42]));
    expect(readResponse(res.text)).toMatchObject({
      kind: "error",
      code: 0x400,
      respId: 42,
      message: "[one.vm.info] Error getting virtual machine [42].",
    });
    expect(res.text).toContain("<value><i8>0</i8></value>");
  });

  it("answers an unknown method with fault -506 and too few or mistyped parameters with -501", async () => {
    const { call } = setup();
    expect(await call("one.vm.savedisk", 1)).toMatchObject({
      kind: "fault",
      faultCode: -506,
      faultString: "Method 'one.vm.savedisk' not defined",
    });
    expect(await call("one.vm.info")).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Not enough parameters",
    });
    expect(await call("one.vm.info", "7")).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await call("one.vm.action", 7, "poweroff")).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await call("one.vm.allocate", "CPU=1\nMEMORY=64", 1)).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    expect(await call("one.vm.info", { i8: 3n })).toMatchObject({ kind: "fault", faultCode: -501 });
    expect(await call("__proto__")).toMatchObject({ kind: "fault", faultCode: -506 });
  });

  it("checks parameter types before the session, and the session type itself", async () => {
    const { as, post } = setup();
    expect(await as("oneadmin:wrong").call("one.vm.info", "x")).toMatchObject({
      kind: "fault",
      faultCode: -501,
    });
    const r = readResponse((await post(methodCall("one.system.version", [5]))).text);
    expect(r).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("ignores extra trailing parameters and uses defaults for missing optional ones", async () => {
    const { call } = setup();
    expect(await call("one.imagepool.info", -2, -1, -1, 99)).toMatchObject({ kind: "ok" });
    expect(await call("one.vm.allocate", 'CPU="1"\nMEMORY="64"')).toMatchObject({
      kind: "ok",
      value: 0,
      type: "i4",
    });
  });

  it("reads <i4>, untyped strings and ignores whitespace around values", async () => {
    const { post } = setup();
    const body = `<?xml version="1.0"?><methodCall> <methodName>one.host.info</methodName> <params><param><value>oneadmin:opennebula</value></param><param><value><i4> 1 </i4></value></param></params></methodCall>`;
    const r = readResponse((await post(body)).text);
    expect(r.kind === "ok" && String(r.value).startsWith("<HOST><ID>1</ID><NAME>node02</NAME>")).toBe(true);
  });

  it.each([
    ["not XML", "hello"],
    ["unclosed element", "<methodCall><methodName>one.system.version</methodName>"],
    ["wrong root", "<methodResponse/>"],
    ["no method name", "<methodCall><params/></methodCall>"],
    [
      "bad int",
      "<methodCall><methodName>one.vm.info</methodName><params><param><value><string>a:b</string></value></param><param><value><int>1x</int></value></param></params></methodCall>",
    ],
    [
      "int out of range",
      "<methodCall><methodName>one.vm.info</methodName><params><param><value><int>99999999999</int></value></param></params></methodCall>",
    ],
    [
      "bad boolean",
      "<methodCall><methodName>m</methodName><params><param><value><boolean>yes</boolean></value></param></params></methodCall>",
    ],
    [
      "unknown type",
      "<methodCall><methodName>m</methodName><params><param><value><float>1</float></value></param></params></methodCall>",
    ],
    ["undefined entity", "<methodCall><methodName>&foo;</methodName></methodCall>"],
    ["control character", "<methodCall><methodName>one.system.version\u0001</methodName></methodCall>"],
    [
      "deep nesting",
      `<methodCall><methodName>m</methodName><params><param>${"<value><array><data>".repeat(100)}</params></methodCall>`,
    ],
  ])("answers malformed XML-RPC (%s) with fault -503 and keeps serving", async (_label, body) => {
    const { post, call } = setup();
    expect(readResponse((await post(body)).text)).toMatchObject({ kind: "fault", faultCode: -503 });
    expect(await call("one.system.version")).toMatchObject({ kind: "ok", value: "7.4.0" });
  });

  it("refuses a DOCTYPE entity bomb without expanding it", async () => {
    const { post, call } = setup();
    let defs = '<!ENTITY e0 "lol">';
    for (let i = 1; i < 10; i++) defs += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(10)}">`;
    const body = `<?xml version="1.0"?><!DOCTYPE methodCall [${defs}]><methodCall><methodName>one.vm.allocate</methodName><params><param><value>oneadmin:opennebula</value></param><param><value>&e9;</value></param></params></methodCall>`;
    const started = performance.now();
    const r = readResponse((await post(body)).text);
    expect(r).toMatchObject({ kind: "fault", faultCode: -503 });
    expect(r.kind === "fault" && r.faultString).toContain("DOCTYPE");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await call("one.system.version")).toMatchObject({ kind: "ok" });
  });

  it("answers invalid UTF-8 in a template value with fault -503 naming the byte, and keeps serving", async () => {
    const { post, call, emulator } = setup();
    const head = new TextEncoder().encode(
      methodCall("one.vm.allocate", ["oneadmin:opennebula", 'NAME="caf']).replace(
        "</string></value></param></params></methodCall>",
        "",
      ),
    );
    const tail = new TextEncoder().encode(
      '"\nCPU=1\nMEMORY=64</string></value></param></params></methodCall>',
    );
    const body = new Uint8Array([...head, 0xc3, 0x28, ...tail]);
    const r = readResponse((await post(body)).text);
    expect(r).toMatchObject({ kind: "fault", faultCode: -503 });
    expect(r.kind === "fault" && r.faultString).toContain(`byte ${head.length}`);
    expect(emulator.state.vms.size).toBe(0);
    expect(await call("one.vm.allocate", 'NAME="café ✓"\nCPU=1\nMEMORY=64')).toMatchObject({
      kind: "ok",
      value: 0,
    });
    const info = await call("one.vm.info", 0);
    expect(info.kind === "ok" && String(info.value)).toContain("<NAME>café ✓</NAME>");
  });

  it("escapes user values: names as XML text, template values in CDATA with ]]> split", async () => {
    const { ok } = setup();
    const id = await ok(
      "one.vm.allocate",
      'NAME="a & b <c>"\nCPU=1\nMEMORY=64\nDESCRIPTION="x ]]> y"',
      false,
    );
    const xml = String(await ok("one.vm.info", id));
    expect(xml).toContain("<NAME>a &amp; b &lt;c&gt;</NAME>");
    expect(xml).toContain("<DESCRIPTION><![CDATA[x ]]]]><![CDATA[> y]]></DESCRIPTION>");
  });

  it("injected invalid UTF-8 in a VM breaks every response carrying it with a fault, as xmlrpc-c does", async () => {
    const { ok, call, emulator } = setup();
    const bad = Number(await ok("one.vm.allocate", 'NAME="bad"\nCPU=1\nMEMORY=64', true));
    const good = Number(await ok("one.vm.allocate", 'NAME="good"\nCPU=1\nMEMORY=64', true));
    emulator.state.faults.invalidUtf8Vms.add(bad);
    expect(await call("one.vm.info", bad)).toMatchObject({ kind: "fault", faultCode: -510 });
    expect(await call("one.vmpool.info", -2, -1, -1, -1)).toMatchObject({ kind: "fault", faultCode: -510 });
    expect(await call("one.vm.info", good)).toMatchObject({ kind: "ok" });
    emulator.state.faults.invalidUtf8Vms.clear();
    expect(await call("one.vmpool.info", -2, -1, -1, -1)).toMatchObject({ kind: "ok" });
  });
});
