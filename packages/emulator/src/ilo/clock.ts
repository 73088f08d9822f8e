/** Moved to `src/common/clock.ts` (one clock for the whole emulator); kept for imports. */
export { type EmulatorClock, type ManualClock, manualClock, systemClock } from "../common/clock.js";
