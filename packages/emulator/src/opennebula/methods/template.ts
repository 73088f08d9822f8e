/** `one.template.*` and `one.templatepool.info`: VM templates and `instantiate`. */
import { failures, OneFailure } from "../errors.js";
import { createVm } from "../lifecycle.js";
import { DEFAULT_PERMISSIONS, nowSeconds, type OneTemplate, type OpenNebulaState } from "../state.js";
import { getAttr, mergeTemplate, renderTemplate, type Template } from "../template.js";
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
import { parseOrActionError, renameMethod, updateMethod } from "./edit.js";
import { checkLock, lockMethods, lockXml } from "./lock.js";
import { chownNamed } from "./owned.js";
import { parseOrAllocateError } from "./vm.js";

export function templateXml(state: OpenNebulaState, t: OneTemplate): string {
  return `<VMTEMPLATE>${ownerXml(state, t)}${lockXml(t.lock)}${permissionsXml(t.permissions)}<REGTIME>${t.regtime}</REGTIME>${renderTemplate("TEMPLATE", t.template)}</VMTEMPLATE>`;
}

/** Looks the template up, authorizes `op` and checks its lock (`lock = false`: info, lock, unlock). */
function getTemplate(ctx: Ctx, id: number, op: Operation, lock = true): OneTemplate {
  const t = lookup(ctx.state.templates, id, "virtual machine template");
  authorize(ctx, t, op, "TEMPLATE");
  if (lock) checkLock(t, op, "virtual machine template");
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

/** SharedAPI::allocate: a template that does not parse is INTERNAL with the parser's message. */
function parseOrInternal(text: string): Template {
  try {
    return parseOrActionError(text);
  } catch (e) {
    if (e instanceof OneFailure) throw failures.internal(e.message);
    throw e;
  }
}

export const templateMethods: Record<string, MethodDef> = {
  "one.template.allocate": {
    params: [str()],
    run(ctx, [text]) {
      const tmpl = parseOrInternal(text as string);
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
      const t = getTemplate(ctx, id as number, "MANAGE");
      applyChmod(t, rest.slice(0, 9) as number[]);
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
    run(ctx, [id]) {
      const t = getTemplate(ctx, id as number, "MANAGE");
      ctx.state.templates.delete(t.id);
      return t.id;
    },
  },
  "one.template.clone": {
    params: [int(), str(), bool(false)],
    run(ctx, [id, name]) {
      const t = getTemplate(ctx, id as number, "USE");
      checkTemplateName(ctx.state, ctx.user.id, name as string);
      const nid = ctx.state.nextId.template++;
      ctx.state.templates.set(nid, {
        ...t,
        lock: null,
        id: nid,
        name: name as string,
        uid: ctx.user.id,
        gid: ctx.user.gid,
        permissions: [...DEFAULT_PERMISSIONS],
        regtime: nowSeconds(ctx.state),
        template: t.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
      });
      return nid;
    },
  },
  "one.template.instantiate": {
    params: [int(), str(), bool(false), str(""), bool(false)],
    run(ctx, [id, name, hold, extra]) {
      const t = getTemplate(ctx, id as number, "USE");
      const merged = mergeTemplate(
        t.template.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]),
        parseOrAllocateError(extra as string, "virtual machine"),
        true,
      );
      const submitOnHold = getAttr(merged, "SUBMIT_ON_HOLD")?.toUpperCase() === "YES";
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
