import { readFileSync } from "node:fs";
import { connect } from "node:tls";
import { answerRibcl, createIloEmulator, createIloState, manualClock } from "@homelab-kit/emulator/ilo";
import { describe, expect, it } from "vitest";

const samples = new URL("../../../docs/reference/ilo/samples/ribcl/ilo3-1.82-bl460c-g7/", import.meta.url);

function script(commands: string, section = "SERVER_INFO", mode = "read", password = "password") {
  return `<?xml version="1.0"?>\r\n<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="Administrator" PASSWORD="${password}"><${section} MODE="${mode}">${commands}</${section}></LOGIN></RIBCL>\r\n`;
}

function setup(generation: "ilo3" | "ilo4" | "ilo5" = "ilo3") {
  const clock = manualClock(1_000_000);
  const emulator = createIloEmulator({ generation, clock });
  const transport = emulator.transport();
  const post = async (body: string) => {
    const res = await transport({ method: "POST", url: "https://ilo.test/ribcl", headers: {}, body });
    return { status: res.status, headers: res.headers, text: new TextDecoder().decode(res.body) };
  };
  return { clock, emulator, post };
}

/** Each document's RESPONSE status and message, in order. */
function statuses(text: string): Array<[string, string]> {
  return [...text.matchAll(/STATUS="(0x[0-9A-F]{4})"\s+MESSAGE='([^']*)'/g)].map((m) => [m[1]!, m[2]!]);
}

describe("iLO RIBCL emulator", () => {
  it("answers a python-hpilo request recorded from a real client with six documents like iLO 3 1.82", async () => {
    const { post, emulator } = setup();
    emulator.state.users.get("Administrator")!.password = "TestPassword";
    const raw = readFileSync(new URL("requests/get_host_power_status-97d170e1.request", samples), "latin1");
    const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
    const res = await post(body);
    expect(res.status).toBe(200);
    const recorded = readFileSync(new URL("responses/get_host_power_status.xml", samples), "latin1");
    const docs = (text: string) => text.split('<?xml version="1.0"?>').filter((d) => d.trim() !== "");
    expect(docs(res.text)).toHaveLength(docs(recorded).length);
    const payloadAt = (text: string) => docs(text).findIndex((d) => d.includes("<GET_HOST_POWER"));
    expect(payloadAt(res.text)).toBe(payloadAt(recorded));
    expect(res.text).toMatch(/<GET_HOST_POWER HOST_POWER="ON"\/>/);
    expect(statuses(res.text).every(([s, m]) => s === "0x0000" && m === "No error")).toBe(true);
  });

  it("powers off at once, powers on after the POST delay on the emulator clock, and says 'already'", async () => {
    const { post, clock, emulator } = setup();
    const off = await post(script('<SET_HOST_POWER HOST_POWER="No"/>', "SERVER_INFO", "write"));
    expect(statuses(off.text).every(([s]) => s === "0x0000")).toBe(true);
    expect((await post(script("<GET_HOST_POWER_STATUS/>"))).text).toContain('HOST_POWER="OFF"');
    const again = await post(script('<SET_HOST_POWER HOST_POWER="No"/>', "SERVER_INFO", "write"));
    expect(statuses(again.text)).toContainEqual(["0x0000", "Host power is already OFF."]);
    await post(script('<SET_HOST_POWER HOST_POWER="Yes"/>', "SERVER_INFO", "write"));
    expect((await post(script("<GET_HOST_POWER_STATUS/>"))).text).toContain('HOST_POWER="OFF"');
    clock.advance(emulator.state.timings.powerOnMs);
    expect((await post(script("<GET_HOST_POWER_STATUS/>"))).text).toContain('HOST_POWER="ON"');
    const on = await post(script('<SET_HOST_POWER HOST_POWER="Yes"/>', "SERVER_INFO", "write"));
    expect(statuses(on.text)).toContainEqual(["0x0000", "Host power is already ON."]);
  });

  it("rejects a wrong password with 0x005F and nothing after it", async () => {
    const { post } = setup();
    const res = await post(script("<GET_HOST_POWER_STATUS/>", "SERVER_INFO", "read", "nope"));
    const recorded = readFileSync(new URL("constructed/login-failed.response.xml", samples), "latin1");
    expect(statuses(res.text)).toEqual(statuses(recorded));
    expect(statuses(res.text).at(-1)).toEqual(["0x005F", "Login failed."]);
  });

  it("accepts raw & and < inside PASSWORD, as python-hpilo sends it unescaped", async () => {
    const { post, emulator } = setup();
    emulator.state.users.get("Administrator")!.password = "a&b<c";
    const res = await post(script("<GET_HOST_POWER_STATUS/>", "SERVER_INFO", "read", "a&b<c"));
    expect(res.text).toContain('HOST_POWER="ON"');
  });

  it("answers unknown commands and malformed XML with iLO's syntax error, and keeps serving", async () => {
    const { post } = setup();
    const unknown = await post(script('<SET_SERVER_FQDN VALUE="x"/>', "SERVER_INFO", "write"));
    expect(statuses(unknown.text).at(-1)![0]).toBe("0x0001");
    expect(statuses(unknown.text).at(-1)![1]).toMatch(
      /^Syntax error: Line #0: syntax error near "SET_SERVER_FQDN"/,
    );
    const broken = await post('<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="a" PASSWORD="b"><SERVER_INFO>');
    expect(statuses(broken.text)[0]![0]).toBe("0x0001");
    const garbage = await post("\u0000\u0001 not xml at all");
    expect(statuses(garbage.text)[0]![0]).toBe("0x0001");
    expect((await post(script("<GET_HOST_POWER_STATUS/>"))).text).toContain('HOST_POWER="ON"');
  });

  it("keeps one-time boot and virtual media state, read back through RIBCL", async () => {
    const { post } = setup();
    await post(script('<SET_ONE_TIME_BOOT VALUE="CDROM"/>', "SERVER_INFO", "write"));
    expect((await post(script("<GET_ONE_TIME_BOOT/>"))).text).toContain('<BOOT_TYPE VALUE="CDROM"/>');
    const bad = await post(script('<SET_ONE_TIME_BOOT VALUE="TAPE"/>', "SERVER_INFO", "write"));
    expect(statuses(bad.text).at(-1)![0]).toBe("0x0001");
    await post(
      script(
        '<INSERT_VIRTUAL_MEDIA DEVICE="CDROM" IMAGE_URL="http://10.0.0.1/a&amp;b.iso"/>',
        "RIB_INFO",
        "write",
      ),
    );
    const vm = await post(script('<GET_VM_STATUS DEVICE="CDROM"/>', "RIB_INFO"));
    expect(vm.text).toContain('IMAGE_INSERTED="YES"');
    expect(vm.text).toContain('IMAGE_URL="http://10.0.0.1/a&amp;b.iso"');
    const badVm = await post(
      script('<INSERT_VIRTUAL_MEDIA DEVICE="TAPE" IMAGE_URL="http://x/y"/>', "RIB_INFO", "write"),
    );
    expect(statuses(badVm.text).at(-1)).toEqual(["0x0035", "An invalid Virtual Media option has been given"]);
    await post(script('<EJECT_VIRTUAL_MEDIA DEVICE="CDROM"/>', "RIB_INFO", "write"));
    expect((await post(script('<GET_VM_STATUS DEVICE="CDROM"/>', "RIB_INFO"))).text).toContain(
      'IMAGE_INSERTED="NO"',
    );
  });

  it("checks privileges and password length for users", async () => {
    const { post, emulator } = setup();
    const short = await post(
      script('<ADD_USER USER_NAME="x" USER_LOGIN="x" PASSWORD="short"/>', "USER_INFO", "write"),
    );
    expect(statuses(short.text).at(-1)).toEqual(["0x0004", "Password is too short."]);
    await post(
      script('<ADD_USER USER_NAME="ro" USER_LOGIN="ro" PASSWORD="readonly1"/>', "USER_INFO", "write"),
    );
    expect(emulator.state.users.get("ro")?.privileges.resetServer).toBe(false);
    const denied = await post(
      script('<SET_HOST_POWER HOST_POWER="No"/>', "SERVER_INFO", "write").replace(
        'USER_LOGIN="Administrator" PASSWORD="password"',
        'USER_LOGIN="ro" PASSWORD="readonly1"',
      ),
    );
    expect(statuses(denied.text).at(-1)![0]).toBe("0x0023");
  });

  it("serves /xmldata?item=all without auth and 404s /redfish on iLO 3", async () => {
    const { emulator } = setup();
    const t = emulator.transport();
    const x = await t({ method: "GET", url: "https://ilo.test/xmldata?item=all", headers: {} });
    expect(new TextDecoder().decode(x.body)).toContain("<PN>Integrated Lights-Out 3 (iLO 3)</PN>");
    const r = await t({ method: "GET", url: "https://ilo.test/redfish/v1/", headers: {} });
    expect(r.status).toBe(404);
  });

  it("on the wire: exactly HTTP/1.1 200, chunked, connection closed after the body", async () => {
    const emulator = createIloEmulator({ generation: "ilo3" });
    const served = await emulator.listen();
    try {
      const body = script("<GET_HOST_POWER_STATUS/>");
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect({
          host: "127.0.0.1",
          port: served.port,
          ca: served.ca,
          servername: "localhost",
        });
        let data = "";
        socket.on("secureConnect", () => {
          socket.write(
            `POST /ribcl HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\nConnection: Close\r\n\r\n`,
          );
          socket.write(body);
        });
        socket.on("data", (d) => {
          data += d.toString("latin1");
        });
        socket.on("end", () => resolve(data));
        socket.on("error", reject);
      });
      expect(raw.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
      expect(raw).toMatch(/\r\ntransfer-encoding: chunked\r\n/i);
      expect(raw).toContain("Server: Allegro-Software-RomPager/4.62");
      expect(raw).toMatch(/\r\n1e2\r\n/);
      expect(raw.endsWith("0\r\n\r\n")).toBe(true);
    } finally {
      await served.close();
    }
  });

  it("answers every mangled script with a RIBCL document and never throws (2,000 mutations)", () => {
    const state = createIloState({ generation: "ilo3", clock: manualClock() });
    const base = script(
      '<SET_ONE_TIME_BOOT VALUE="CDROM"/><GET_VM_STATUS DEVICE="CDROM"/>',
      "SERVER_INFO",
      "write",
    );
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ["<", ">", "/", '"', "'", "=", "&", "\u0000", " ", "A", "</RIBCL>", "<LOGIN", "?>"];
    for (let i = 0; i < 2000; i++) {
      let text = base;
      for (let k = 1 + random(4); k > 0; k--) {
        const at = random(text.length);
        const op = random(3);
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + random(8));
        else if (op === 1) text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at);
        else text = text.slice(0, at);
      }
      const answer = answerRibcl(state, text);
      expect(answer).toMatch(
        /^<\?xml version="1.0"\?>\r\n<RIBCL VERSION="2.23">\n<RESPONSE\n {4}STATUS="0x[0-9A-F]{4}"/,
      );
    }
  });
});
