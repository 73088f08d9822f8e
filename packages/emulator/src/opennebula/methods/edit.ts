/**
 * The edits many OpenNebula objects share: `update(id, text, append)` merging or replacing a
 * template, and a plain `rename(id, name)`.
 */
import { failures, type ObjectName } from "../errors.js";
import { mergeTemplate, parseTemplate, type Template, TemplateSyntaxError } from "../template.js";
import { type Ctx, int, type MethodDef, str } from "./context.js";

function parse(text: string, onError: (msg: string) => Error): Template {
  try {
    return parseTemplate(text);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw onError(e.message);
    throw e;
  }
}

/** Parses a template from an allocate call, failing with ALLOCATE for `obj`. */
export function parseOrAllocateError(text: string, obj: Parameters<typeof failures.allocate>[0]): Template {
  return parse(text, (msg) => failures.allocate(obj, msg));
}

/** Parses a template from any other call, failing with ACTION (as oned does on update). */
export function parseOrActionError(text: string): Template {
  return parse(text, (msg) => failures.action(msg));
}

/**
 * Parses a template where oned answers INTERNAL for a syntax error (`parse_str_or_xml` failing in
 * attachpci, updatenic, updateconf, …).
 */
export function parseOrInternalError(text: string): Template {
  return parse(text, (msg) => failures.internal(msg));
}

/**
 * `update(id, text, append)`: `get` looks the object up and authorizes the call; `check` may
 * refuse the new template before it replaces the old one.
 */
export function updateMethod<K extends string, T extends { id: number } & Record<K, Template>>(
  get: (ctx: Ctx, id: number) => T,
  key: K,
  check?: (ctx: Ctx, o: T, next: Template) => void,
): MethodDef {
  return {
    params: [int(), str(), int(0)],
    run(ctx, [id, text, append]) {
      const o = get(ctx, id as number);
      const next = mergeTemplate(o[key], parseOrActionError(text as string), append === 1);
      check?.(ctx, o, next);
      (o as Record<K, Template>)[key] = next;
      return o.id;
    },
  };
}

/**
 * `rename(id, name)`. With `unique`, as oned's `SharedAPI::rename`: the same name succeeds at
 * once, a name `unique.taken` finds on another object fails with ACTION `<obj> cannot be renamed
 * to <name> because it collides with <obj> <id>`, and an empty or over-long name with
 * `PoolObjectSQL::set_name`'s message; without it, no rule beyond what `get` authorizes.
 */
export function renameMethod<T extends { id: number; name: string }>(
  get: (ctx: Ctx, id: number) => T,
  unique?: { obj: ObjectName; taken(ctx: Ctx, o: T, name: string): { id: number } | undefined },
): MethodDef {
  return {
    params: [int(), str()],
    run(ctx, [id, name]) {
      const o = get(ctx, id as number);
      const n = name as string;
      if (unique && n !== o.name) {
        const other = unique.taken(ctx, o, n);
        if (other && other.id !== o.id) {
          // no object ID in the answer (oned 7.4, conformance/opennebula-oned)
          throw failures.action(
            `${unique.obj} cannot be renamed to ${n} because it collides with ${unique.obj} ${other.id}`,
          );
        }
        if (n === "") throw failures.action("Invalid NAME, it cannot be empty", o.id);
        if (n.length > 128) throw failures.action("Invalid NAME, max length is 128 chars", o.id);
      }
      o.name = n;
      return o.id;
    },
  };
}
