/** The iLO's user accounts over Redfish: the root's `AccountService` → `Accounts`. */
import type { CallOptions } from "@homelab-kit/core";
import { RedfishError } from "../errors.js";
import type { IloBackend } from "../types.js";
import type { RedfishContext } from "./context.js";
import { linkAt, notLinked, oemOf } from "./links.js";
import { AccountService, ManagerAccount } from "./schemas.js";

export function redfishAccounts({ http, nav, patchWithEtag }: RedfishContext): IloBackend["users"] {
  async function accountsUrl(call?: CallOptions): Promise<string> {
    const service = await nav.fromRoot("AccountService", call);
    const { body } = await http.get(service, AccountService, call);
    const accounts = linkAt(body, "Accounts");
    if (accounts === undefined) throw notLinked(nav.absolute(service), "Accounts collection");
    return accounts;
  }

  async function accountPath(login: string, call?: CallOptions): Promise<string> {
    const accounts = await accountsUrl(call);
    for (const member of await nav.members(accounts, call)) {
      const { body: a } = await http.get(member, ManagerAccount, call);
      if (a.UserName === login) return member;
    }
    throw new RedfishError({
      request: { method: "GET", url: nav.absolute(accounts) },
      response: { status: 404, body: `no account ${login}` },
      code: "REDFISH_NO_SUCH_ACCOUNT",
    });
  }

  return {
    async list(call) {
      const accounts = await nav.readAll(await accountsUrl(call), ManagerAccount, call);
      return accounts.map((a) => ({
        login: a.UserName,
        name: typeof oemOf(a).LoginName === "string" ? (oemOf(a).LoginName as string) : undefined,
        admin: a.RoleId ? a.RoleId === "Administrator" : undefined,
      }));
    },
    async add(user, call) {
      await http.post(
        await accountsUrl(call),
        {
          UserName: user.login,
          Password: user.password,
          RoleId: user.admin ? "Administrator" : "Operator",
        },
        call,
      );
    },
    async remove(login, call) {
      await http.delete(await accountPath(login, call), call);
    },
    async setPassword(login, password, call) {
      await patchWithEtag(await accountPath(login, call), ManagerAccount, { Password: password }, call);
    },
  };
}
