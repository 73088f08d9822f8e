/**
 * Steps with progress: each step is announced, its actions are printed as they happen (created,
 * updated, unchanged, deleted), waits print each change of what they watch with the time taken,
 * and a failure becomes one StepError naming the step. The reporter also remembers every change,
 * so a failed run can say what it left behind and a second run can say that it changed nothing.
 */
import { TimeoutError, waitFor } from "@homelab-kit/core";
import { type StepChange, StepError } from "./errors.js";

export type Action =
  | "created"
  | "updated"
  | "unchanged"
  | "deleted"
  | "absent"
  | "kept"
  | "would create"
  | "would update"
  | "would delete";

export interface Change extends StepChange {
  action: Action;
}

export interface WaitOptions {
  /** ms; default 600 000 (a real PVC or certificate can take minutes). */
  timeout: number;
  /** ms between polls; default 1000. */
  interval: number;
}

export interface Observation {
  done: boolean;
  /** What the wait sees now, in a few words ("Pending", "1/1 available"). */
  status: string;
}

export class Reporter {
  readonly changes: Change[] = [];
  #step = "";
  #n = 0;

  constructor(
    readonly log: (line: string) => void = (line) => console.log(line),
    readonly waits: WaitOptions = { timeout: 600_000, interval: 1_000 },
  ) {}

  /** Runs one step; any error becomes a StepError naming it. */
  async step<T>(name: string, run: () => Promise<T>): Promise<T> {
    this.#step = name;
    this.#n += 1;
    this.log(`${this.#n}. ${name}`);
    try {
      return await run();
    } catch (error) {
      throw error instanceof StepError ? error : new StepError(name, error, { changes: [...this.changes] });
    }
  }

  /** Records and prints what a step did to one thing. */
  record(action: Action, what: string, detail?: string): void {
    this.changes.push({ step: this.#step, action, what, detail });
    this.log(`   ${action} ${what}${detail === undefined ? "" : ` (${detail})`}`);
  }

  /** A line of information inside the current step. */
  note(line: string): void {
    this.log(`   ${line}`);
  }

  /** What this run changed (created, updated, deleted). */
  get changed(): Change[] {
    return this.changes.filter(
      (c) => c.action === "created" || c.action === "updated" || c.action === "deleted",
    );
  }

  /**
   * Polls until `observe` says done, printing the status each time it changes; on timeout the
   * error says what it still saw.
   */
  async wait(
    what: string,
    observe: (signal: AbortSignal) => Promise<Observation>,
    options: Partial<WaitOptions> = {},
  ) {
    const { timeout, interval } = { ...this.waits, ...options };
    const started = performance.now();
    let last: string | undefined;
    const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    try {
      const final = await waitFor(
        async ({ signal }) => {
          const seen = await observe(signal);
          if (seen.status !== last && !seen.done) this.log(`   ... ${what}: ${seen.status} (${seconds()})`);
          last = seen.status;
          return seen;
        },
        (seen) => seen.done,
        { timeout, interval, description: what },
      );
      this.log(`   ${what}: ${final.status} (${seconds()})`);
      return final;
    } catch (error) {
      if (error instanceof TimeoutError)
        throw new TimeoutError({
          timeout,
          phase: "total",
          message: `${what}: still ${last === undefined ? "not answering" : `"${last}"`} after ${(timeout / 1000).toFixed(0)} s`,
        });
      throw error;
    }
  }
}
