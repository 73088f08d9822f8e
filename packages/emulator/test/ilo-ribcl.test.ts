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
    // The URL check Redfish makes too (ilo/virtual-media.ts): a scheme iLO mounts from and a location.
    for (const url of ["file:///y.iso", "http://"]) {
      const badUrl = await post(
        script(`<INSERT_VIRTUAL_MEDIA DEVICE="CDROM" IMAGE_URL="${url}"/>`, "RIB_INFO", "write"),
      );
      expect(statuses(badUrl.text).at(-1)).toEqual([
        "0x0035",
        "An invalid Virtual Media option has been given",
      ]);
    }
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

  it('refuses a write inside MODE="read" (or with no MODE), as HP\'s RIBCL guide says: the host stays off', async () => {
    const { post, clock, emulator } = setup();
    await post(script('<SET_HOST_POWER HOST_POWER="No"/>', "SERVER_INFO", "write"));
    for (const mode of ["read", "READ", ""]) {
      const text = script('<SET_HOST_POWER HOST_POWER="Yes"/>', "SERVER_INFO", mode).replace(' MODE=""', "");
      expect(statuses((await post(text)).text).at(-1)).toEqual([
        "0x0023",
        "Server information is open for read-only access. Write access is required for this operation.",
      ]);
    }
    clock.advance(emulator.state.timings.powerOnMs * 2);
    expect((await post(script("<GET_HOST_POWER_STATUS/>"))).text).toContain('HOST_POWER="OFF"');
    const rib = await post(
      script('<INSERT_VIRTUAL_MEDIA DEVICE="CDROM" IMAGE_URL="http://x/y.iso"/>', "RIB_INFO"),
    );
    expect(statuses(rib.text).at(-1)?.[1]).toBe(
      "iLO information is open for read-only access. Write access is required for this operation.",
    );
    expect(emulator.state.virtualMedia.cd.image).toBeNull();
    const users = await post(script('<DELETE_USER USER_LOGIN="Administrator"/>', "USER_INFO"));
    expect(statuses(users.text).at(-1)?.[1]).toMatch(/^User information is open for read-only access/);
    expect(emulator.state.users.has("Administrator")).toBe(true);
    // Reads are fine in either mode.
    expect((await post(script("<GET_HOST_POWER_STATUS/>", "SERVER_INFO", "write"))).text).toContain(
      "HOST_POWER=",
    );
  });

  it("lets only ADMIN_PRIV read other accounts or list them; a user reads and re-passwords only their own", async () => {
    const { post, emulator } = setup();
    await post(
      script('<ADD_USER USER_NAME="op" USER_LOGIN="op" PASSWORD="operator1"/>', "USER_INFO", "write"),
    );
    const asOp = (commands: string, mode = "read") =>
      post(
        script(commands, "USER_INFO", mode).replace(
          'USER_LOGIN="Administrator" PASSWORD="password"',
          'USER_LOGIN="op" PASSWORD="operator1"',
        ),
      );
    const adminRequired = ["0x0023", "User does NOT have correct privilege for action. ADMIN_PRIV required."];
    expect(statuses((await asOp('<GET_USER USER_LOGIN="Administrator"/>')).text).at(-1)).toEqual(
      adminRequired,
    );
    expect(statuses((await asOp('<GET_USER USER_LOGIN="nobody"/>')).text).at(-1)).toEqual(adminRequired);
    expect(statuses((await asOp("<GET_ALL_USERS/>")).text).at(-1)).toEqual(adminRequired);
    expect((await asOp('<GET_USER USER_LOGIN="op"/>')).text).toContain('USER_LOGIN="op" ADMIN_PRIV="N"');
    const rename = await asOp('<MOD_USER USER_LOGIN="op"><USER_NAME value="boss"/></MOD_USER>', "write");
    expect(statuses(rename.text).at(-1)).toEqual(adminRequired);
    const promote = await asOp('<MOD_USER USER_LOGIN="op"><ADMIN_PRIV value="Yes"/></MOD_USER>', "write");
    expect(statuses(promote.text).at(-1)).toEqual(adminRequired);
    expect(emulator.state.users.get("op")?.privileges.admin).toBe(false);
    const own = await asOp('<MOD_USER USER_LOGIN="op"><PASSWORD value="operator2"/></MOD_USER>', "write");
    expect(statuses(own.text).every(([code]) => code === "0x0000")).toBe(true);
    expect(emulator.state.users.get("op")?.password).toBe("operator2");
    // The administrator reads anyone and lists everyone.
    expect((await post(script('<GET_USER USER_LOGIN="op"/>', "USER_INFO"))).text).toContain(
      'USER_LOGIN="op"',
    );
    expect((await post(script("<GET_ALL_USERS/>", "USER_INFO"))).text).toContain('<USER_LOGIN VALUE="op"/>');
  });

  it("answers a character reference to no character (&#99999999;) with a RIBCL syntax error, before login too", async () => {
    const { post } = setup();
    for (const password of ["&#99999999;", "&#xD800;", "&#0;", "&#x110000;"]) {
      const res = await post(script("<GET_HOST_POWER_STATUS/>", "SERVER_INFO", "read", password));
      expect(res.status).toBe(200);
      expect(statuses(res.text)).toHaveLength(1);
      expect(statuses(res.text)[0]?.[0]).toBe("0x0001");
    }
  });

  it("bounds a script: nesting and element counts are syntax errors, messages never repeat much of it", async () => {
    const { post } = setup();
    const deep = await post(`<RIBCL VERSION="2.0">${"<X>".repeat(1000)}`);
    expect(statuses(deep.text)[0]?.[0]).toBe("0x0001");
    const wide = await post(`<RIBCL VERSION="2.0"><LOGIN>${"<X/>".repeat(20_000)}</LOGIN></RIBCL>`);
    expect(statuses(wide.text)[0]?.[0]).toBe("0x0001");
    const longName = await post(`<RIBCL${"N".repeat(200_000)} VERSION="2.0"></RIBCL${"N".repeat(200_000)}>`);
    expect(longName.text.length).toBeLessThan(2_000);
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
