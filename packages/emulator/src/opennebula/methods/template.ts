/** `one.template.*` and `one.templatepool.info`: VM templates and `instantiate`. */
import { ErrorCode, failures, OneFailure } from "../errors.js";
import { DEFAULT_PERMISSIONS, nowSeconds, type OneTemplate, type OpenNebulaState } from "../state.js";
import { getAttr, getVectors, mergeTemplate, renderTemplate, setAttr, type Template } from "../template.js";
import { createVm } from "../vm-create.js";
import {
  applyChmod,
  authorize,
  bool,
  type Ctx,
  int,
  lookup,
  type MethodDef,
  type Operation,
  ownerXml,
  permissionsXml,
  poolFilter,
  range,
  str,
} from "./context.js";
import { parseOrInternalError, renameMethod, updateMethod } from "./edit.js";
import { chmodImage, cloneImage, deleteImage } from "./image.js";
import { checkLock, lockMethods, lockXml } from "./lock.js";
import { chmodOperation, chownNamed } from "./owned.js";
import { parseOrAllocateError } from "./vm.js";

export function templateXml(state: OpenNebulaState, t: OneTemplate): string {
  return `<VMTEMPLATE>${ownerXml(state, t)}${lockXml(t.lock)}${permissionsXml(t.permissions)}<REGTIME>${t.regtime}</REGTIME>${renderTemplate("TEMPLATE", t.template)}</VMTEMPLATE>`;
}

/** Looks the template up, authorizes `op` and checks its lock (`lock = false`: info, lock, unlock). */
function getTemplate(ctx: Ctx, id: number, op: Operation, lock = true): OneTemplate {
  const t = lookup(ctx.state.templates, id, "virtual machine template");
  authorize(ctx, t, op, "TEMPLATE");
  if (lock) checkLock(ctx, t, op, "TEMPLATE");
  return t;
}

/**
 * VMTemplatePool::allocate's NAME rules (PoolObjectSQL::name_is_valid, unique among the owner's
 * templates); 7.4's TemplateAPI::pool_allocate answers them as INTERNAL.
 */
export function checkTemplateName(state: OpenNebulaState, uid: number, name: string): void {
  if (name === "") throw failures.internal("Invalid NAME, it cannot be empty");
  if (name.length > 128) throw failures.internal("Invalid NAME, max length is 128 chars");
  const taken = [...state.templates.values()].find((t) => t.uid === uid && t.name === name);
  if (taken) throw failures.internal(`NAME is already taken by TEMPLATE ${taken.id}.`);
}

/** The DISKs of a template that name an image (IMAGE_ID, or IMAGE of IMAGE_UID/IMAGE_UNAME or the caller), in order. */
function diskImages(
  ctx: Ctx,
  t: Template,
): Array<{ index: number; disk: Record<string, string>; imageId: number }> {
  return getVectors(t, "DISK").flatMap((disk, index) => {
    if (disk.IMAGE_ID !== undefined) return [{ index, disk, imageId: Number(disk.IMAGE_ID) }];
    if (disk.IMAGE === undefined) return [];
    const owner =
      disk.IMAGE_UID !== undefined
        ? Number(disk.IMAGE_UID)
        : disk.IMAGE_UNAME !== undefined
          ? [...ctx.state.users.values()].find((u) => u.name === disk.IMAGE_UNAME)?.id
          : ctx.user.id;
    const image = [...ctx.state.images.values()].find((i) => i.name === disk.IMAGE && i.uid === owner);
    return image ? [{ index, disk, imageId: image.id }] : [];
  });
}

/** What an image call's failure left in oned's `resp_msg` (the text after the method's prefix). */
function respMsg(e: OneFailure): string {
  if (e.code === ErrorCode.ALLOCATE) return e.message.replace(/^Error allocating a new [^.]*\. ?/, "");
  if (e.code === ErrorCode.AUTHORIZATION) return e.message.replace(/^User \[\d+\] : /, "").replace(/\.$/, "");
  if (e.code === ErrorCode.NO_EXISTS) return "";
  return e.message;
}

/**
 * `one.template.clone` (TemplateAPI::clone): a copy named `name` (the caller's, unlocked);
 * `recursive` also clones each DISK's image as `<name>-disk-<n>` and points the DISK at it; a failed image clone removes what was made (ACTION `Failed to clone
 * images: …`).
 */
function cloneTemplate(ctx: Ctx, id: number, name: string, recursive: boolean): OneTemplate {
  const t = getTemplate(ctx, id, "USE");
  checkTemplateName(ctx.state, ctx.user.id, name);
  const copy: OneTemplate = {
    id: ctx.state.nextId.template++,
    name,
    uid: ctx.user.id,
    gid: ctx.user.gid,
    permissions: [...DEFAULT_PERMISSIONS],
    regtime: nowSeconds(ctx.state),
    template: t.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
    lock: null,
  };
  ctx.state.templates.set(copy.id, copy);
  if (!recursive) return copy;
  const made: number[] = [];
  try {
    for (const { index, disk, imageId } of diskImages(ctx, copy.template)) {
      const image = cloneImage(ctx, imageId, `${name}-disk-${index}`, -1);
      made.push(image.id);
      for (const k of ["IMAGE", "IMAGE_UNAME", "IMAGE_UID", "OPENNEBULA_MANAGED"]) delete disk[k];
      disk.IMAGE_ID = String(image.id);
    }
  } catch (e) {
    if (!(e instanceof OneFailure)) throw e;
    ctx.state.templates.delete(copy.id);
    for (const iid of made) {
      try {
        deleteImage(ctx, iid, true);
      } catch {
        // oned logs it and goes on
      }
    }
    throw failures.action(`Failed to clone images: ${respMsg(e)}`);
  }
  return copy;
}

export const templateMethods: Record<string, MethodDef> = {
  "one.template.allocate": {
    params: [str()],
    run(ctx, [text]) {
      const tmpl = parseOrInternalError(text as string);
      const name = getAttr(tmpl, "NAME") ?? "";
      checkTemplateName(ctx.state, ctx.user.id, name);
      const id = ctx.state.nextId.template++;
      ctx.state.templates.set(id, {
        id,
        name,
        uid: ctx.user.id,
        gid: ctx.user.gid,
        permissions: [...DEFAULT_PERMISSIONS],
        regtime: nowSeconds(ctx.state),
        template: tmpl.filter(([k]) => k !== "NAME"),
      });
      return id;
    },
  },
  "one.template.info": {
    params: [int(), bool(false), bool(false)],
    run: (ctx, [id]) => templateXml(ctx.state, getTemplate(ctx, id as number, "USE", false)),
  },
  "one.template.update": updateMethod((ctx, id) => getTemplate(ctx, id, "MANAGE"), "template"),
  "one.template.rename": renameMethod((ctx, id) => getTemplate(ctx, id, "MANAGE"), {
    obj: "virtual machine template",
    taken: (ctx, t, name) =>
      [...ctx.state.templates.values()].find((x) => x.uid === t.uid && x.name === name),
  }),
  "one.template.chmod": {
    params: [int(), int(), int(), int(), int(), int(), int(), int(), int(), int(), bool(false)],
    run(ctx, [id, ...rest]) {
      const bits = rest.slice(0, 9) as number[];
      const current = lookup(ctx.state.templates, id as number, "virtual machine template");
      const t = getTemplate(ctx, current.id, chmodOperation(current.permissions, bits));
      applyChmod(t, bits);
      if (!rest[9]) return t.id;
      // TemplateAPI::chmod recursive: the images of its disks too
      const failed: number[] = [];
      for (const iid of new Set(diskImages(ctx, t.template).map((d) => d.imageId))) {
        try {
          chmodImage(ctx, iid, bits);
        } catch (e) {
          if (!(e instanceof OneFailure)) throw e;
          failed.push(iid);
        }
      }
      if (failed.length > 0)
        throw failures.action(`Cannot chmod image: ${failed.sort((x, y) => x - y).join(",")}`);
      return t.id;
    },
  },
  "one.template.chown": {
    params: [int(), int(), int()],
    run(ctx, [id, uid, gid]) {
      const t = getTemplate(ctx, id as number, "MANAGE");
      chownNamed(ctx, t, ctx.state.templates, "virtual machine template", uid as number, gid as number);
      return t.id;
    },
  },
  ...lockMethods("one.template", (ctx, id) => getTemplate(ctx, id, "MANAGE", false)),
  "one.template.delete": {
    params: [int(), bool(false)],
    run(ctx, [id, recursive]) {
      const t = getTemplate(ctx, id as number, "MANAGE");
      ctx.state.templates.delete(t.id);
      // TemplateAPI::drop recursive: its disks' images too; one that cannot go stays (oned logs it)
      if (recursive)
        for (const iid of new Set(diskImages(ctx, t.template).map((d) => d.imageId))) {
          try {
            deleteImage(ctx, iid, false);
          } catch (e) {
            if (!(e instanceof OneFailure)) throw e;
          }
        }
      return t.id;
    },
  },
  "one.template.clone": {
    params: [int(), str(), bool(false)],
    run: (ctx, [id, name, recursive]) =>
      cloneTemplate(ctx, id as number, name as string, recursive as boolean).id,
  },
  "one.template.instantiate": {
    params: [int(), str(), bool(false), str(""), bool(false)],
    run(ctx, [id, name, hold, extra]) {
      // `persistent` (a private copy of template and images) is not modelled: the copies would be
      // LOCKED, and the emulator's VMs cannot take LOCKED images yet
      const t = getTemplate(ctx, id as number, "USE");
      const merged = mergeTemplate(
        t.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
        parseOrAllocateError(extra as string, "virtual machine"),
        true,
      );
      const submitOnHold = getAttr(merged, "SUBMIT_ON_HOLD")?.toUpperCase() === "YES";
      // VMTemplateInstantiate records the hold in the VM's template, as oned 7.4 shows it
      if (hold as boolean) setAttr(merged, "SUBMIT_ON_HOLD", "YES");
      return createVm(ctx.state, ctx.user, merged, {
        hold: (hold as boolean) || submitOnHold,
        name: (name as string) || `${t.name}-${ctx.state.nextId.vm}`,
        templateId: t.id,
      }).id;
    },
  },
  "one.templatepool.info": {
    params: [int(), int(), int()],
    run(ctx, [flag, start, end]) {
      const visible = poolFilter(ctx, flag as number);
      const list = range(
        ctx.state,
        [...ctx.state.templates.values()].filter(visible),
        start as number,
        end as number,
      );
      return `<VMTEMPLATE_POOL>${list.map((t) => templateXml(ctx.state, t)).join("")}</VMTEMPLATE_POOL>`;
    },
  },
};
