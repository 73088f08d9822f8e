// Types of probes.mjs (plain JavaScript so that bench/hardening can import it with node alone).
import type { Answer, HardeningEmulator } from "./emulator.mjs";

export interface ProbeContext {
  // biome-ignore lint/suspicious/noExplicitAny: the printed JSON of `up --json`, read loosely
  endpoints: any;
  ca: string;
  cephToken(): Promise<string>;
}

export interface Probe {
  name: string;
  run(ctx: ProbeContext): Promise<Answer | Answer[]>;
  /** A description of what is wrong with the answer, or undefined when it is right. */
  // biome-ignore lint/suspicious/noExplicitAny: one answer or several, as the probe's run gives them
  check(answer: any): string | undefined;
}

export const PROBES: Probe[];
export function probeContext(emulator: HardeningEmulator): ProbeContext;
export function xmlRpcCall(method: string, params: string): string;
export function stringParam(text: string): string;
export function ribclScript(body: string, login?: string, password?: string): string;
export function ribclStatuses(text: string): Array<[string, string]>;
