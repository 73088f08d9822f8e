/**
 * The MySQL VM of the reference stack (docs/DESIGN.md §1): found by name in OpenNebula, made from
 * its template when absent, brought to RUNNING (resumed from POWEROFF/STOPPED/SUSPENDED/UNDEPLOYED,
 * released from HOLD), and its NIC address read. The VM is shared by every app's database, so
 * `--destroy` keeps it.
 */
import {
  createOpenNebulaClient,
  type OpenNebulaClient,
  VM_LCM_FAILURE_STATES,
  type VmAction,
} from "@homelab-kit/opennebula";
import type { StackEnv } from "./env.js";
import type { Reporter } from "./progress.js";

export interface MysqlVm {
  id: number;
  name: string;
  /** The VM's address on the LAN (what the pods connect to). */
  ip: string;
  /** `STATE/LCM_STATE` as last seen. */
  state: string;
  host: string | undefined;
}

const WAKE: Record<string, VmAction> = {
  POWEROFF: "resume",
  SUSPENDED: "resume",
  STOPPED: "resume",
  UNDEPLOYED: "resume",
  HOLD: "release",
};
const FAILURE = new Set<string>([...VM_LCM_FAILURE_STATES, "UNKNOWN", "BOOT_UNKNOWN"]);

/**
 * Makes sure the VM exists and runs; in a dry run only reports what it would do (and returns the
 * VM as it is, or undefined when it would be created).
 */
/** The VM named MYSQL_VM that is not DONE, or undefined; more than one is an error. */
export async function findMysqlVm(one: OpenNebulaClient, name: string): Promise<number | undefined> {
  const found: number[] = [];
  for await (const vm of one.vmpool.iterate({ filter: -2 })) {
    if (vm.NAME === name && vm.STATE.name !== "DONE") found.push(vm.ID);
  }
  if (found.length > 1)
    throw new Error(
      `${found.length} OpenNebula VMs are named "${name}" (IDs ${found.join(", ")}): set MYSQL_VM to one name`,
    );
  return found[0];
}

export function openNebula(stack: StackEnv): OpenNebulaClient {
  return createOpenNebulaClient({ ...stack.opennebula, timeout: 30_000 });
}

async function vmStatus(one: OpenNebulaClient, id: number) {
  const vm = await one.vm.info(id);
  const history = vm.HISTORY_RECORDS?.HISTORY ?? [];
  const ip = vm.TEMPLATE.NIC[0]?.IP;
  return {
    vm,
    state: String(vm.STATE.name),
    lcm: String(vm.LCM_STATE.name),
    host: history[history.length - 1]?.HOSTNAME,
    ip: ip === undefined ? "" : String(ip),
  };
}

/**
 * For `--destroy`: the VM as it is, without creating or starting it (undefined when absent).
 * Its database can only be reached while it runs.
 */
export async function lookupMysqlVm(stack: StackEnv): Promise<MysqlVm | undefined> {
  const one = openNebula(stack);
  try {
    const id = await findMysqlVm(one, stack.mysql.vm);
    if (id === undefined) return undefined;
    const now = await vmStatus(one, id);
    return { id, name: stack.mysql.vm, ip: now.ip, state: `${now.state}/${now.lcm}`, host: now.host };
  } finally {
    await one.close();
  }
}

/**
 * Makes sure the VM exists and runs; in a dry run only reports what it would do (and returns the
 * VM as it is, or undefined when it would be created).
 */
export async function ensureMysqlVm(
  stack: StackEnv,
  reporter: Reporter,
  options: { dryRun: boolean },
): Promise<MysqlVm | undefined> {
  const { vm: name, template } = stack.mysql;
  const one = openNebula(stack);
  try {
    const existing = await findMysqlVm(one, name);
    let vmId = existing;
    if (vmId === undefined) {
      const templates = await one.templatepool.info(-2, -1, -1);
      const from = templates.find((t) => t.NAME === template);
      if (from === undefined)
        throw new Error(
          `no VM "${name}" in OpenNebula and no template "${template}" to make it from (MYSQL_VM, MYSQL_TEMPLATE)`,
        );
      if (options.dryRun) {
        reporter.record("would create", `VM ${name}`, `from template ${template} (${from.ID})`);
        return undefined;
      }
      vmId = await one.template.instantiate(from.ID, name);
      reporter.record("created", `VM ${name}`, `ID ${vmId} from template ${template}`);
    }
    const id = vmId;
    let now = await vmStatus(one, id);
    const wake = WAKE[now.state];
    if (wake !== undefined) {
      if (options.dryRun) reporter.record("would update", `VM ${name}`, `${wake} from ${now.state}`);
      else {
        await one.vm.action(wake, id);
        reporter.record("updated", `VM ${name}`, `${wake} from ${now.state}`);
      }
    } else if (existing !== undefined && now.lcm === "RUNNING")
      reporter.record("unchanged", `VM ${name}`, `ID ${id}`);
    if (!options.dryRun && !(now.state === "ACTIVE" && now.lcm === "RUNNING")) {
      await reporter.wait(`VM ${name} (${id}) RUNNING`, async () => {
        now = await vmStatus(one, id);
        if (
          now.state === "FAILED" ||
          now.state === "DONE" ||
          (now.state === "ACTIVE" && FAILURE.has(now.lcm))
        )
          throw new Error(
            `VM ${name} (${id}) is ${now.state}/${now.lcm}${now.host ? ` on host ${now.host}` : ""}: ${
              now.lcm.endsWith("UNKNOWN")
                ? "its host does not answer (power it on: the bootstrap example does)"
                : "it needs one.vm.recover or a new VM"
            }`,
          );
        return { done: now.lcm === "RUNNING", status: `${now.state}/${now.lcm}` };
      });
    }
    if (now.ip === "") throw new Error(`VM ${name} (${id}) has no NIC address`);
    reporter.note(
      `VM ${name}: ID ${id}, ${now.state}/${now.lcm} at ${now.ip}${now.host ? ` on ${now.host}` : ""}`,
    );
    return { id, name, ip: now.ip, state: `${now.state}/${now.lcm}`, host: now.host };
  } finally {
    await one.close();
  }
}
