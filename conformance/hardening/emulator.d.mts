// Types of emulator.mjs (plain JavaScript so that bench/hardening can import it with node alone).
export const BIN: string;
export const TOPOLOGY: string;

export interface HardeningEmulator {
  dir: string;
  pid: number;
  /** What `homelab-emulator up --json` printed. */
  // biome-ignore lint/suspicious/noExplicitAny: the printed JSON, read loosely by the probes
  endpoints: any;
  /** The PEM the iLO endpoints chain to. */
  ca: string;
  stderr(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

export function startEmulator(options?: { args?: string[]; cwd?: string }): Promise<HardeningEmulator>;

export interface SendSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string | { declared: number; send: Buffer };
  ca?: string;
  keep?: number;
  timeoutMs?: number;
}

export interface Answer {
  /** 0 when there was no answer (then `error` holds the socket error's code). */
  status: number;
  headers?: Record<string, string | string[] | undefined>;
  /** The first `keep` bytes of the answer. */
  text: string;
  /** The whole answer's length in bytes. */
  length: number;
  ms: number;
  error?: string;
}

export function send(spec: SendSpec): Promise<Answer>;
