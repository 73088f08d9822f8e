/** VM device and disk operations: one.vm.{diskresize,disksaveas,disksnapshotrename,attachpci,detachpci,attachsg,detachsg,updatenic,updateconf}. */
import type { MethodDef } from "./context.js";

export const vmDeviceMethods: Record<string, MethodDef> = {};
