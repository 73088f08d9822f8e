/** Moved to `src/shared/clock.ts` (one clock for the whole emulator, issue 7); kept for imports. */
export { type EmulatorClock, type ManualClock, manualClock, systemClock } from "../shared/clock.js";
