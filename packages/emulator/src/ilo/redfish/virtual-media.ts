/**
 * `Managers/1/VirtualMedia/{1,2}`: the floppy and CD/DVD drives, their OEM insert/eject actions
 * (iLO 4 and 5), the DMTF ones (iLO 5) and PATCH.
 */
import type { RouteResponse } from "../../common/route-table.js";
import { type IloState, touch, type VirtualMediaDevice } from "../state.js";
import { ejectMedia, insertMedia, mediaStatus, setBootOption, setWriteProtected } from "../virtual-media.js";
import {
  boolProp,
  type Ctx,
  checkIfMatch,
  fail,
  type Json,
  needPrivilege,
  onlyKeys,
  parseBody,
  type Resource,
  success,
} from "./context.js";
import { collection, oemOf, V1 } from "./resources.js";

export const VM_IDS: Record<string, VirtualMediaDevice> = { "1": "floppy", "2": "cd" };

export function virtualMedia(state: IloState, id: string, device: VirtualMediaDevice): object {
  const oem = oemOf(state);
  const base = `/redfish/v1/Managers/1/VirtualMedia/${id}/`;
  const vm = mediaStatus(state, device);
  const oemActions = {
    [`#${oem.prefix}iLOVirtualMedia.EjectVirtualMedia`]: {
      target: `${base}Actions/Oem/${oem.key}/${oem.prefix}iLOVirtualMedia.EjectVirtualMedia/`,
    },
    [`#${oem.prefix}iLOVirtualMedia.InsertVirtualMedia`]: {
      target: `${base}Actions/Oem/${oem.key}/${oem.prefix}iLOVirtualMedia.InsertVirtualMedia/`,
    },
  };
  return {
    "@odata.context": "/redfish/v1/$metadata#VirtualMedia.VirtualMedia",
    "@odata.id": base,
    "@odata.type": "#VirtualMedia.v1_2_0.VirtualMedia",
    Id: id,
    ...(state.generation === "ilo4"
      ? {}
      : {
          Actions: {
            "#VirtualMedia.EjectMedia": { target: `${base}Actions/VirtualMedia.EjectMedia/` },
            "#VirtualMedia.InsertMedia": { target: `${base}Actions/VirtualMedia.InsertMedia/` },
          },
        }),
    ConnectedVia: vm.image ? "URI" : "NotConnected",
    Description: "Virtual Removable Media",
    Image: vm.image ?? "",
    ImageName: vm.image ? (vm.image.split("/").pop() ?? "") : "",
    Inserted: vm.inserted,
    MediaTypes: device === "cd" ? ["CD", "DVD"] : ["Floppy", "USBStick"],
    Name: "VirtualMedia",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}iLOVirtualMedia.v2_2_0.${oem.prefix}iLOVirtualMedia`,
        Actions: oemActions,
        BootOnNextServerReset: vm.bootOption === "BOOT_ONCE",
      },
    },
    WriteProtected: vm.writeProtected,
  };
}

function vmDevice(ctx: Ctx): VirtualMediaDevice {
  const device = VM_IDS[ctx.id];
  if (!device) fail(ctx.state, 404, "ResourceMissingAtURI", [ctx.req.path]);
  return device;
}

/** Inserts `image` or answers why not; `action` names the request in ActionParameterMissing. */
function insert(ctx: Ctx, device: VirtualMediaDevice, image: unknown, action: string): void {
  if (image === undefined || image === null)
    fail(ctx.state, 400, "ActionParameterMissing", [action, "Image"]);
  if (insertMedia(ctx.state, device, image) === "invalid-url")
    fail(ctx.state, 400, "ActionParameterValueNotInList", [String(image), "Image"]);
}

function eject(ctx: Ctx, device: VirtualMediaDevice): void {
  if (ejectMedia(ctx.state, device) === "no-image") fail(ctx.state, 400, "NoVirtualMediaConnectionAvailable");
}

function vmAction(ctx: Ctx, kind: "insert" | "eject"): RouteResponse {
  const device = vmDevice(ctx);
  const body = parseBody(ctx);
  needPrivilege(ctx, "virtualMedia");
  if (kind === "insert") {
    const wp = boolProp(ctx, body, "WriteProtected");
    insert(ctx, device, body.Image, "InsertMedia");
    if (wp !== undefined) setWriteProtected(ctx.state, device, wp);
  } else eject(ctx, device);
  return success(ctx.state);
}

function patchVirtualMedia(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const device = vmDevice(ctx);
  const body = parseBody(ctx);
  needPrivilege(ctx, "virtualMedia");
  checkIfMatch(ctx, virtualMedia(state, ctx.id, device));
  const oem = oemOf(state).key;
  onlyKeys(ctx, body, ["Image", "Inserted", "WriteProtected", "Oem"]);
  const wp = boolProp(ctx, body, "WriteProtected");
  const inserted = boolProp(ctx, body, "Inserted");
  let bootOnNext: boolean | undefined;
  if (body.Oem !== undefined) {
    const o = body.Oem as Json;
    onlyKeys(ctx, o, [oem], "Oem/");
    const inner = (o[oem] ?? {}) as Json;
    onlyKeys(ctx, inner, ["BootOnNextServerReset"], `Oem/${oem}/`);
    bootOnNext = boolProp(ctx, inner, "BootOnNextServerReset");
  }
  if ("Image" in body) {
    if (body.Image === null || body.Image === "") eject(ctx, device);
    else insert(ctx, device, body.Image, "PATCH");
  } else if (inserted === false && mediaStatus(state, device).inserted) eject(ctx, device);
  if (wp !== undefined) setWriteProtected(state, device, wp);
  if (bootOnNext !== undefined) {
    if (bootOnNext && !mediaStatus(state, device).inserted)
      fail(state, 400, "NoVirtualMediaConnectionAvailable");
    setBootOption(state, device, bootOnNext ? "BOOT_ONCE" : "NO_BOOT");
  }
  touch(state);
  return success(state);
}

export function virtualMediaResources(state: IloState): Resource[] {
  const oem = oemOf(state);
  const member = `${V1}/managers/1/virtualmedia/:id`;
  const oemVm = `${member}/actions/oem/${oem.key.toLowerCase()}/${oem.prefix.toLowerCase()}ilovirtualmedia`;
  const table: Resource[] = [
    {
      path: `${V1}/managers/1/virtualmedia`,
      get: () =>
        collection(`${V1}/Managers/1/VirtualMedia/`, "VirtualMediaCollection", "Virtual Media Services", [
          `${V1}/Managers/1/VirtualMedia/1/`,
          `${V1}/Managers/1/VirtualMedia/2/`,
        ]),
    },
    { path: member, get: (ctx) => virtualMedia(state, ctx.id, vmDevice(ctx)), patch: patchVirtualMedia },
    { path: `${oemVm}.insertvirtualmedia`, post: (ctx) => vmAction(ctx, "insert") },
    { path: `${oemVm}.ejectvirtualmedia`, post: (ctx) => vmAction(ctx, "eject") },
  ];
  if (state.generation !== "ilo4") {
    table.push(
      { path: `${member}/actions/virtualmedia.insertmedia`, post: (ctx) => vmAction(ctx, "insert") },
      { path: `${member}/actions/virtualmedia.ejectmedia`, post: (ctx) => vmAction(ctx, "eject") },
    );
  }
  return table;
}
