/** VM backups: one.vm.{backup,backupcancel,restore}. */
import type { MethodDef } from "./context.js";

export const vmBackupMethods: Record<string, MethodDef> = {};
