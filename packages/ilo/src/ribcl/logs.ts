/**
 * Reading the RIBCL event logs and firmware inventory into the protocol-neutral shapes:
 *
 * - `GET_EVENT_LOG` in SERVER_INFO (the IML) and in RIB_INFO (the iLO Event Log) answer
 *   `<EVENT_LOG DESCRIPTION="…"><EVENT SEVERITY CLASS LAST_UPDATE INITIAL_UPDATE COUNT DESCRIPTION/>`
 *   (HP's RIBCL guide, GET_EVENT_LOG return messages; python-hpilo's `get_server_event_log` and
 *   `get_ilo_event_log` read the same), iLO 4+ with `EVENT_CLASS="0x0021" EVENT_CODE="0x0002"`.
 *   Times are `MM/DD/YYYY HH:MM` in the iLO's clock (read as UTC), or `[NOT SET]`.
 * - `GET_EMBEDDED_HEALTH` → `FIRMWARE_INFORMATION` (`INDEX_n` with FIRMWARE_NAME/FIRMWARE_VERSION),
 *   as iLO 3 answers it; `GET_FW_VERSION` adds the iLO itself where that list lacks it.
 */
import type { FirmwareComponent, LogEntry, LogSeverity } from "../types.js";
import { childValue, type RibclNode } from "./parse.js";

const SEVERITIES: Record<string, LogSeverity> = {
  informational: "informational",
  caution: "caution",
  critical: "critical",
  failed: "critical",
  repaired: "repaired",
};

/** `01/30/2011 16:33` → `2011-01-30T16:33:00Z`; `[NOT SET]` or anything else → undefined. */
export function ribclLogTime(value: string | undefined): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(value?.trim() ?? "");
  if (!m) return undefined;
  const [, month, day, year, hour, minute] = m;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function hexNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value, 16) : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** The entries of an `<EVENT_LOG>` element, oldest first. */
export function ribclLogEntries(log: RibclNode | undefined): LogEntry[] {
  return (log?.children.EVENT ?? []).map((e, i) => {
    const a = e.attrs;
    const count = a.COUNT === undefined ? undefined : Number.parseInt(a.COUNT, 10);
    return {
      id: String(i + 1),
      eventNumber: undefined,
      created: ribclLogTime(a.INITIAL_UPDATE),
      updated: ribclLogTime(a.LAST_UPDATE),
      severity: SEVERITIES[(a.SEVERITY ?? "").toLowerCase()] ?? "unknown",
      message: a.DESCRIPTION ?? "",
      count: Number.isFinite(count) ? count : undefined,
      className: a.CLASS,
      eventClass: hexNumber(a.EVENT_CLASS),
      code: hexNumber(a.EVENT_CODE),
    };
  });
}

/**
 * The components of `FIRMWARE_INFORMATION` (any child with a FIRMWARE_NAME), plus the iLO from
 * `GET_FW_VERSION` when that list does not name it.
 */
export function ribclFirmwareInventory(
  health: RibclNode | undefined,
  fwVersion: RibclNode | undefined,
): FirmwareComponent[] {
  const info = health?.children.FIRMWARE_INFORMATION?.[0];
  const list: FirmwareComponent[] = [];
  for (const nodes of Object.values(info?.children ?? {})) {
    for (const n of nodes) {
      const name = childValue(n, "FIRMWARE_NAME")?.trim();
      if (!name) continue;
      list.push({
        name,
        version: childValue(n, "FIRMWARE_VERSION")?.trim() ?? "",
        updateable: undefined,
        location: undefined,
      });
    }
  }
  const ilo = fwVersion?.attrs.FIRMWARE_VERSION;
  if (ilo !== undefined && !list.some((c) => /^iLO\b/i.test(c.name))) {
    const date = fwVersion?.attrs.FIRMWARE_DATE;
    list.push({
      name: "iLO",
      version: date ? `${ilo} ${date}` : ilo,
      updateable: undefined,
      location: undefined,
    });
  }
  return list;
}
