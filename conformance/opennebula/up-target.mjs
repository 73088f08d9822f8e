// What the XSD scenarios of xsd.mjs need, over a running `homelab-emulator up` (the JSON its
// --json prints) instead of an in-process state: XML-RPC calls to its OpenNebula endpoint, the
// emulated clock moved by its control API (start `up` with a tiny --speed, so that only these
// moves count), a host made unreachable by powering it off through its own iLO (RIBCL), and a
// fresh world for each scenario (the control API's snapshot, taken at the start, put back).
import { readFileSync } from "node:fs";
import { xmlRpcCaller } from "./call.mjs";
import { createSyncHttp } from "./sync-http.mjs";

export function upTarget(upJsonFile) {
  const up = JSON.parse(readFileSync(upJsonFile, "utf8"));
  if (up.opennebula === undefined) throw new Error(`${upJsonFile}: this topology has no OpenNebula`);
  const http = createSyncHttp();
  const control = (method, path, body) => {
    const answer = http.request({
      url: `${up.control.url}${path}`,
      method,
      headers: { authorization: `Bearer ${up.control.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status >= 300)
      throw new Error(`${method} ${path}: ${answer.status} ${answer.text.slice(0, 500)}`);
    return answer.text;
  };
  const snapshot = control("GET", "/_emulator/state");
  const caCert = readFileSync(up.iloCaFile, "utf8");
  const attr = (v) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const session = `${up.opennebula.username}:${up.opennebula.password}`;

  const clock = { advance: (ms) => control("POST", "/_emulator/clock", { advanceMs: ms }) };
  function setHostReachable(_state, name, reachable) {
    const ilo = up.ilo.find((i) => i.host === name);
    if (ilo === undefined) throw new Error(`no iLO for host ${name}`);
    const script =
      `<?xml version="1.0"?>\r\n<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="${attr(ilo.username)}" PASSWORD="${attr(ilo.password)}">` +
      `<SERVER_INFO MODE="write"><SET_HOST_POWER HOST_POWER="${reachable ? "Yes" : "No"}"/></SERVER_INFO></LOGIN></RIBCL>\r\n`;
    const answer = http.request({ url: `${ilo.url}/ribcl`, method: "POST", body: script, ca: caCert });
    if (!answer.text.includes('STATUS="0x0000"'))
      throw new Error(`RIBCL power change refused: ${answer.text}`);
    // Powering on takes the iLO's power-on delay and POST (30 s) before the host is reachable.
    if (reachable) clock.advance(60_000);
    else clock.advance(1);
  }
  const caller = xmlRpcCaller((body) => {
    const answer = http.request({
      url: up.opennebula.url,
      method: "POST",
      headers: { "content-type": "text/xml" },
      body,
    });
    return answer.text;
  });
  return {
    label: `homelab-emulator up (${up.opennebula.url})`,
    /** A world as it was when the target was made; returns what a scenario needs. */
    fresh() {
      control("PUT", "/_emulator/state", JSON.parse(snapshot));
      return {
        state: undefined,
        clock,
        setHostReachable,
        invoke: (method, params, s = session) => caller(method, params, s),
      };
    },
    close: () => http.close(),
  };
}
