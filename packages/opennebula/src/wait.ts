/**
 * `one.vm.waitFor(id, predicate, options)`: polls `one.vm.info` on core's `waitFor` (backoff,
 * deadline, abort) until the predicate accepts the VM, and fails fast when the VM reaches a state
 * waiting cannot leave (an LCM `*_FAILURE` state, CLONING_FAILURE, DONE).
 */
import { ApiError, hasErrorKind, type WaitForOptions, waitFor } from "@homelab-kit/core";
import {
  VM_LCM_FAILURE_STATES,
  VmLcmState,
  type VmLcmStateName,
  VmState,
  type VmStateName,
} from "./models/enums.js";
import type { Vm } from "./models/vm.js";
import type { OpenNebulaCallOptions } from "./options.js";

/** What a wait predicate sees: the VM's state names (null for a number 7.4 does not know) and the VM. */
export interface VmStatus {
  id: number;
  /** STATE name: `"ACTIVE"`, `"POWEROFF"`, … */
  state: VmStateName | null;
  /** LCM_STATE name: `"RUNNING"`, `"BOOT"`, … (`"LCM_INIT"` outside ACTIVE). */
  lcmState: VmLcmStateName | null;
  stateValue: number;
  lcmStateValue: number;
  /** The VM as `one.vm.info` returned it. */
  vm: Vm;
}

export interface VmWaitOptions extends Omit<WaitForOptions, "description"> {
  /**
   * Fail with a {@link VmWaitError} as soon as the VM is in a state waiting cannot leave and the
   * predicate does not accept it: an LCM state of `VM_LCM_FAILURE_STATES`, CLONING_FAILURE,
   * FAILED or DONE (default `true`; `false` waits on until the timeout).
   */
  failFast?: boolean | undefined;
}

/** A VM reached a state that waiting cannot leave (`one.vm.recover` or a new VM can). */
export class VmWaitError extends ApiError {
  static override readonly kind: string = "VmWaitError";
  declare readonly code: "VM_FAILED" | "VM_DONE";
  declare readonly vmId: number;
  declare readonly state: VmStateName | null;
  declare readonly lcmState: VmLcmStateName | null;

  constructor(status: Omit<VmStatus, "vm">) {
    const done = status.state === "DONE";
    super(
      `VM ${status.id} is ${status.state ?? status.stateValue}/${status.lcmState ?? status.lcmStateValue}: ${
        done ? "it no longer exists" : "an operation failed (one.vm.recover)"
      }`,
      {
        code: done ? "VM_DONE" : "VM_FAILED",
        fields: { vmId: status.id, state: status.state, lcmState: status.lcmState },
      },
    );
  }
}

export const isVmWaitError = (value: unknown): value is VmWaitError => hasErrorKind(value, VmWaitError.kind);

const STATE_NAMES = invert(VmState);
const LCM_NAMES = invert(VmLcmState);
const FAILURE = new Set<string>(VM_LCM_FAILURE_STATES);

function invert<N extends string>(names: Record<N, number>): Map<number, N> {
  return new Map(Object.entries(names).map(([name, value]) => [value as number, name as N]));
}

/** A state field as validated (`{value, name}`) or raw (`"3"`, with `validate: false`). */
function stateNumber(field: unknown): number {
  return Number(typeof field === "object" && field !== null ? (field as { value: unknown }).value : field);
}

export function vmStatus(id: number, vm: Vm): VmStatus {
  const stateValue = stateNumber(vm.STATE);
  const lcmStateValue = stateNumber(vm.LCM_STATE);
  return {
    id,
    state: STATE_NAMES.get(stateValue) ?? null,
    lcmState: LCM_NAMES.get(lcmStateValue) ?? null,
    stateValue,
    lcmStateValue,
    vm,
  };
}

function isTerminal(status: VmStatus): boolean {
  if (status.state === "DONE" || status.state === "CLONING_FAILURE" || status.state === "FAILED") return true;
  return status.state === "ACTIVE" && status.lcmState !== null && FAILURE.has(status.lcmState);
}

export async function waitForVm(
  info: (id: number, callOptions: OpenNebulaCallOptions) => Promise<Vm>,
  id: number,
  predicate: (status: VmStatus) => boolean,
  options: VmWaitOptions = {},
): Promise<VmStatus> {
  if (typeof predicate !== "function")
    throw new TypeError("one.vm.waitFor(id, predicate, options): predicate must be a function");
  const failFast = options.failFast ?? true;
  return waitFor(
    async ({ signal }) => vmStatus(id, await info(id, { signal })),
    (status) => {
      if (predicate(status)) return true;
      if (failFast && isTerminal(status)) throw new VmWaitError(status);
      return false;
    },
    {
      interval: options.interval ?? { initial: 500, factor: 1.5, max: 5_000 },
      timeout: options.timeout,
      signal: options.signal,
      description: `VM ${id}`,
    },
  );
}
