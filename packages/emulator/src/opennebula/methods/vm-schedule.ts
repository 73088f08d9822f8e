/** VM scheduled actions, guest exec and VM group membership: one.vm.{schedadd,scheddelete,schedupdate,exec,cancelexec,retryexec,vmgroupadd,vmgroupdel}. */
import type { MethodDef } from "./context.js";

export const vmScheduleMethods: Record<string, MethodDef> = {};
