/**
 * The emulator's one time line (docs/DESIGN.md §5): every delay (POST, power-off, Ceph tasks, VM
 * states) is computed from `now()` when the state is next observed, so nothing ever sleeps.
 * - `manualClock()`: time moves only when told (`advance`), for deterministic tests;
 * - `realClock({speed})`: wall-clock time, optionally faster (`speed: 60` makes a 30 s POST last 0.5 s);
 *   `advance()` jumps it forward too (the control API's `POST /_emulator/clock`).
 */
export interface EmulatorClock {
  /** Milliseconds on the emulator's time line. */
  now(): number;
}

/** A clock that can be moved forward by hand (both kinds the emulator makes are). */
export interface ControllableClock extends EmulatorClock {
  /** Moves the time line forward by `ms` milliseconds (>= 0). */
  advance(ms: number): void;
  /** `"manual"` (only `advance` moves it) or `"real"` (wall clock times `speed`). */
  readonly kind: "manual" | "real";
  /** How many emulated ms pass per real ms (0 for a manual clock). */
  readonly speed: number;
}

export interface ManualClock extends ControllableClock {
  /** Jumps to `ms` (may go backwards: only for test set-up). */
  set(ms: number): void;
}

export const systemClock: EmulatorClock = { now: () => Date.now() };

function checkAdvance(ms: number): void {
  if (typeof ms !== "number" || !(ms >= 0) || !Number.isFinite(ms))
    throw new RangeError(`advance(${ms}): ms must be a finite number >= 0`);
}

export function manualClock(start = 0): ManualClock {
  let t = start;
  return {
    kind: "manual",
    speed: 0,
    now: () => t,
    advance(ms) {
      checkAdvance(ms);
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

export interface RealClockOptions {
  /** Emulated ms per real ms (default 1; must be > 0). */
  speed?: number;
  /** Where the time line starts (default: the wall clock now). */
  start?: number;
  /** The wall clock (default `Date.now`; tests pass their own). */
  wall?: () => number;
}

/** Wall-clock time times `speed`, starting at `start`; `advance()` adds a jump. */
export function realClock(options: RealClockOptions = {}): ControllableClock {
  const speed = options.speed ?? 1;
  if (typeof speed !== "number" || !(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`realClock: speed must be a finite number > 0, got ${String(speed)}`);
  const wall = options.wall ?? Date.now;
  const realStart = wall();
  const start = options.start ?? realStart;
  let offset = 0;
  return {
    kind: "real",
    speed,
    now: () => start + (wall() - realStart) * speed + offset,
    advance(ms) {
      checkAdvance(ms);
      offset += ms;
    },
  };
}
