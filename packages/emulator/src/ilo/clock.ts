/**
 * The time source of an emulated iLO. Delays (POST, power-off) are computed from `now()` when the
 * state is next observed, so nothing ever sleeps: tests advance a manual clock, servers use real time.
 * A later shared World clock (issue 7) only has to provide `now()`.
 */
export interface EmulatorClock {
  /** Milliseconds on the emulator's time line. */
  now(): number;
}

export interface ManualClock extends EmulatorClock {
  /** Moves the time line forward by `ms` milliseconds. */
  advance(ms: number): void;
  set(ms: number): void;
}

export const systemClock: EmulatorClock = { now: () => Date.now() };

export function manualClock(start = 0): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance(${ms}): ms must be >= 0`);
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}
