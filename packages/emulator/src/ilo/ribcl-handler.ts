import { logLogin, logLogout } from "./event-log.js";
import { runRibclCommand } from "./ribcl-commands.js";
import { OK, type RibclStatus, RibclStatuses, ribclDocument } from "./ribcl-response.js";
import { parseRibclScript, type RibclElement, RibclSyntaxError } from "./ribcl-xml.js";
import type { IloState } from "./state.js";

const SECTIONS = new Set(["SERVER_INFO", "RIB_INFO", "USER_INFO"]);

/**
 * Answers one RIBCL script with the concatenated response documents iLO 3 writes: one per opened
 * element (RIBCL, LOGIN, each section, two per command — the second with the payload) and one per
 * closed section and LOGIN, so a one-command script yields seven documents with the payload in the
 * fifth, as in the recorded iLO 3 traffic. A failed login is followed
 * by nothing; the first failing command stops the script.
 */
export function answerRibcl(state: IloState, script: string, client?: string): string {
  let root: RibclElement;
  try {
    root = parseRibclScript(script);
  } catch (e) {
    if (!(e instanceof RibclSyntaxError)) throw e;
    return ribclDocument({ status: RibclStatuses.syntaxError, message: e.message });
  }
  if (root.name !== "RIBCL") {
    return ribclDocument(syntax(`<${root.name}`));
  }
  const docs = [ribclDocument(OK)];
  for (const login of root.children) {
    if (login.name !== "LOGIN") {
      docs.push(ribclDocument(syntax(`<${login.name}`)));
      return docs.join("");
    }
    const user = state.users.get(login.attrs.USER_LOGIN ?? "");
    if (!user || user.password !== login.attrs.PASSWORD) {
      logLogin(state, "XML", null, client);
      docs.push(ribclDocument({ status: RibclStatuses.loginFailed, message: "Login failed." }));
      return docs.join("");
    }
    docs.push(ribclDocument(OK));
    logLogin(state, "XML", user.login, client);
    for (const section of login.children) {
      if (!SECTIONS.has(section.name)) {
        docs.push(ribclDocument(syntax(`<${section.name}`)));
        return docs.join("");
      }
      docs.push(ribclDocument(OK));
      // MODE="write" opens the block for changes; "read" (or no MODE, as HP's guides assume) does not.
      const mode = section.attrs.MODE?.toLowerCase() === "write" ? "write" : "read";
      for (const command of section.children) {
        docs.push(ribclDocument(OK));
        const { result, payload } = runRibclCommand(section.name, { state, user, command, mode });
        docs.push(ribclDocument(result, payload));
        if (result.status !== 0) return docs.join("");
      }
      docs.push(ribclDocument(OK));
    }
    docs.push(ribclDocument(OK));
    logLogout(state, "XML", user.login, client);
  }
  return docs.join("");
}

function syntax(near: string): RibclStatus {
  return {
    status: RibclStatuses.syntaxError,
    message: `Syntax error: Line #0: syntax error near "${near}" in the line: ""`,
  };
}
