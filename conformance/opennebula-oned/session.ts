/**
 * Runs a scenario against one target and records what it compared: every `call` is a compared step;
 * `setup` and the polling of `waitVm` are not (they only get the target where the next compared step
 * starts from the same place). Answers are normalised once the scenario ends, when every object it
 * created has its alias.
 */
import { Aliases, answerLines, type IdType, type Line } from "./normalise.js";
import { type RpcAnswer, type RpcParam, rpc, type Target } from "./rpc.js";

export interface Step {
  label: string;
  method: string;
  params: RpcParam[];
  lines: Line[];
}

interface RawStep {
  label: string;
  method: string;
  params: RpcParam[];
  answer: RpcAnswer;
}

export class Session {
  readonly aliases: Aliases;
  private readonly raw: RawStep[];
  private readonly sessionString: string;

  constructor(
    readonly target: Target,
    options: { aliases?: Aliases; raw?: RawStep[]; session?: string } = {},
  ) {
    this.aliases = options.aliases ?? new Aliases();
    this.raw = options.raw ?? [];
    this.sessionString = options.session ?? `${target.user}:${target.password}`;
  }

  /** The same recording, calling as another user (`name:password`). */
  as(user: string, password: string): Session {
    return new Session(this.target, { aliases: this.aliases, raw: this.raw, session: `${user}:${password}` });
  }

  /** A compared call. */
  async call(label: string, method: string, ...params: RpcParam[]): Promise<RpcAnswer> {
    const answer = await rpc(this.target, method, params, this.sessionString);
    this.raw.push({ label, method, params, answer });
    return answer;
  }

  /** A compared call that must succeed with a new ID, which gets the alias `name`. */
  async create(type: IdType, name: string, method: string, ...params: RpcParam[]): Promise<number> {
    const answer = await this.call(`${method} ${name}`, method, ...params);
    const id = okValue(this.target, method, answer);
    if (typeof id !== "number")
      throw new Error(`${this.target.name} ${method}: no ID in ${JSON.stringify(answer)}`);
    this.aliases.set(type, id, name);
    return id;
  }

  /** A call that is not compared (setup, look-ups); it must succeed. */
  async setup(method: string, ...params: RpcParam[]): Promise<string | number | boolean> {
    return okValue(this.target, method, await rpc(this.target, method, params, this.sessionString));
  }

  /** The ID of the object called `name` in a pool document (`one.hostpool.info` …); aliased as `name`. */
  async lookup(type: IdType, poolMethod: string, name: string, ...params: RpcParam[]): Promise<number> {
    const xml = String(await this.setup(poolMethod, ...params));
    const m = new RegExp(`<ID>(\\d+)</ID>(?:(?!<ID>)[\\s\\S])*?<NAME>${name}</NAME>`).exec(xml);
    if (m === null) throw new Error(`${this.target.name}: no ${type} named ${name} in ${poolMethod}`);
    const id = Number(m[1]);
    this.aliases.set(type, id, name);
    return id;
  }

  /** Polls one.vm.info (not compared) until STATE (and LCM_STATE) are reached; fails after `ms`. */
  async waitVm(id: number, state: number, lcm?: number, ms = 90_000): Promise<void> {
    const until = Date.now() + ms;
    let last = "";
    while (Date.now() < until) {
      const xml = String(await this.setup("one.vm.info", id));
      const s = /<STATE>(\d+)<\/STATE><LCM_STATE>(\d+)<\/LCM_STATE>/.exec(xml);
      last = s === null ? "?" : `${s[1]}/${s[2]}`;
      if (s !== null && Number(s[1]) === state && (lcm === undefined || Number(s[2]) === lcm)) return;
      if (
        s !== null &&
        [36, 37, 38, 39, 40, 41, 42, 44, 46, 47, 48, 61, 62].includes(Number(s[2])) &&
        Number(s[1]) === 3
      )
        throw new Error(
          `${this.target.name}: VM ${id} failed (LCM_STATE ${s[2]}) waiting for ${state}/${lcm}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${this.target.name}: VM ${id} did not reach ${state}/${lcm ?? "*"} in ${ms} ms (last ${last})`,
    );
  }

  /**
   * Polls one.vm.info (not compared) until STATE/LCM_STATE are reached and `pattern` matches, and stay
   * so for `holdMs`: oned queues some actions, so a VM may still show its old state just after the call.
   */
  async waitVmSettled(
    id: number,
    state: number,
    lcm: number,
    pattern: RegExp,
    holdMs = 1_000,
    ms = 90_000,
  ): Promise<void> {
    const until = Date.now() + ms;
    let since: number | undefined;
    while (Date.now() < until) {
      const xml = String(await this.setup("one.vm.info", id));
      const s = /<STATE>(\d+)<\/STATE><LCM_STATE>(\d+)<\/LCM_STATE>/.exec(xml);
      const ok = s !== null && Number(s[1]) === state && Number(s[2]) === lcm && pattern.test(xml);
      if (!ok) since = undefined;
      else if (since === undefined) since = Date.now();
      else if (Date.now() - since >= holdMs) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.target.name}: VM ${id} did not settle in ${state}/${lcm} matching ${pattern}`);
  }

  /** Polls an info method (not compared) until its document matches `pattern`. */
  async waitFor(method: string, id: number, pattern: RegExp, ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (pattern.test(String(await this.setup(method, id)))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.target.name}: ${method} ${id} never matched ${pattern}`);
  }

  /** Polls an info method (not compared) until it fails: oned deletes images and networks asynchronously. */
  async waitGone(method: string, id: number, ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const answer = await rpc(this.target, method, [id], this.sessionString);
      if (answer.values[0] === false) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.target.name}: ${method} ${id} still answers after ${ms} ms`);
  }

  /** The recorded steps, normalised. */
  steps(): Step[] {
    return this.raw.map((s) => ({
      label: s.label,
      method: s.method,
      params: s.params,
      lines: answerLines(s.method, s.answer, this.aliases),
    }));
  }
}

function okValue(target: Target, method: string, answer: RpcAnswer): string | number | boolean {
  if (answer.fault !== undefined) throw new Error(`${target.name} ${method}: fault ${answer.fault.message}`);
  const [ok, value] = answer.values;
  if (ok !== true || value === undefined)
    throw new Error(`${target.name} ${method} failed: ${String(value)}`);
  return value;
}
