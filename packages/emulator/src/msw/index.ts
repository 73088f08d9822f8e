/** `@homelab-kit/emulator/msw`: msw handlers from route tables (needs the optional peer `msw`). */
export { type MswHandlerOptions, toMswHandlers } from "../common/msw.js";
