/** The named enumerations against docs/reference/opennebula/API.md, which lists them from oned's C++ headers. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DatastoreState,
  DatastoreType,
  DiskType,
  HistoryAction,
  HostState,
  ImageState,
  ImageType,
  VM_LCM_FAILURE_STATES,
  VM_LCM_TRANSIENT_STATES,
  VmLcmState,
  VmState,
  VnetState,
} from "../src/models/index.js";

const apiMd = readFileSync(new URL("../../../docs/reference/opennebula/API.md", import.meta.url), "utf8");

/** The `0=INIT, 1=PENDING, …` list that follows a bold heading of docs/reference/opennebula/API.md. */
function listAfter(heading: string): Record<string, number> {
  const start = apiMd.indexOf(heading);
  expect(start, heading).toBeGreaterThan(0);
  const paragraph = apiMd.slice(start).split("\n\n")[1] ?? "";
  return Object.fromEntries([...paragraph.matchAll(/(\d+)=([A-Z0-9_]+)/g)].map((m) => [m[2], Number(m[1])]));
}

describe("enumerations match docs/reference/opennebula/API.md", () => {
  it.each([
    ["**VM `STATE`", VmState, 12],
    ["**VM `LCM_STATE`", VmLcmState, 72],
    ["**Host `STATE`", HostState, 9],
    ["**Image `STATE`", ImageState, 11],
    ["**Image `TYPE`", ImageType, 8],
    ["**Image/Datastore `DISK_TYPE`", DiskType, 12],
    ["**Datastore `TYPE`", DatastoreType, 4],
    ["**Datastore `STATE`", DatastoreState, 2],
    ["**Virtual network `STATE`", VnetState, 7],
    ["**History `ACTION`", HistoryAction, 66],
  ])("%s", (heading, enumeration, size) => {
    expect(enumeration).toEqual(listAfter(heading));
    expect(Object.keys(enumeration)).toHaveLength(size);
  });

  it("the BACKUP image type and FILE_SYSTEM disk type that pyone got wrong", () => {
    expect(ImageType.BACKUP).toBe(6);
    expect(ImageType.FILESYSTEM).toBe(7);
    expect(DiskType.FILE_SYSTEM).toBe(10);
    expect(DatastoreType.BACKUP_DS).toBe(3);
  });
});

describe("LCM state groups", () => {
  it("transient states: hotplug, snapshots, resize, backup — never RUNNING or a failure", () => {
    expect(VM_LCM_TRANSIENT_STATES).toEqual(
      expect.arrayContaining([
        "HOTPLUG",
        "HOTPLUG_NIC",
        "HOTPLUG_RESIZE",
        "DISK_SNAPSHOT",
        "DISK_RESIZE",
        "BACKUP",
      ]),
    );
    expect(VM_LCM_TRANSIENT_STATES).not.toContain("RUNNING");
    expect(VM_LCM_TRANSIENT_STATES.filter((name) => VM_LCM_FAILURE_STATES.includes(name))).toEqual([]);
  });

  it("failure states", () => {
    expect(VM_LCM_FAILURE_STATES).toEqual(
      expect.arrayContaining(["BOOT_FAILURE", "PROLOG_FAILURE", "FAILURE"]),
    );
    expect(VM_LCM_FAILURE_STATES).toHaveLength(15);
  });
});
