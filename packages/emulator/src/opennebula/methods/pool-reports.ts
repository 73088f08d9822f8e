/** Pool reports: one.vmpool.{accounting,showback,calculateshowback,monitoring}, one.hostpool.monitoring. */
import type { MethodDef } from "./context.js";

export const poolReportMethods: Record<string, MethodDef> = {};
