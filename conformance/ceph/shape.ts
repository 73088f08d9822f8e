/**
 * Structural comparison of two JSON values: the same keys and value types, recursively. Values
 * are not compared (ids, sizes, times differ between two clusters). The elements of an array are
 * merged into one shape first (union of keys and types over all elements), so the order of a list
 * does not matter; an empty array matches any array.
 */
export interface ShapeDifference {
  /** `health.checks[].summary.count` style path. */
  path: string;
  message: string;
}

interface Shape {
  kinds: Set<string>;
  keys?: Map<string, Shape>;
  items?: Shape;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function merge(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: Shape = { kinds: new Set([...a.kinds, ...b.kinds]) };
  if (a.keys !== undefined || b.keys !== undefined) {
    out.keys = new Map(a.keys);
    for (const [key, shape] of b.keys ?? []) out.keys.set(key, merge(out.keys.get(key), shape)!);
  }
  const items = merge(a.items, b.items);
  if (items !== undefined) out.items = items;
  return out;
}

export function shapeOf(value: unknown): Shape {
  const k = kind(value);
  const shape: Shape = { kinds: new Set([k]) };
  if (k === "object") {
    shape.keys = new Map(
      Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, shapeOf(v)]),
    );
  } else if (k === "array") {
    let items: Shape | undefined;
    for (const item of value as unknown[]) items = merge(items, shapeOf(item));
    if (items !== undefined) shape.items = items;
  }
  return shape;
}

function diffShapes(a: Shape, b: Shape, path: string): ShapeDifference[] {
  const ka = [...a.kinds].sort().join("|");
  const kb = [...b.kinds].sort().join("|");
  const out: ShapeDifference[] = [];
  if (ka !== kb) out.push({ path: path || "(root)", message: `type: real ${ka}, emulator ${kb}` });
  if (a.keys !== undefined && b.keys !== undefined) {
    for (const [key, shape] of a.keys) {
      const sub = path ? `${path}.${key}` : key;
      const other = b.keys.get(key);
      if (other === undefined) out.push({ path: sub, message: "only in real Ceph" });
      else out.push(...diffShapes(shape, other, sub));
    }
    for (const key of b.keys.keys()) {
      if (!a.keys.has(key))
        out.push({ path: path ? `${path}.${key}` : key, message: "only in the emulator" });
    }
  }
  if (a.items !== undefined && b.items !== undefined) out.push(...diffShapes(a.items, b.items, `${path}[]`));
  return out;
}

export function shapeDiff(real: unknown, emulated: unknown): ShapeDifference[] {
  return diffShapes(shapeOf(real), shapeOf(emulated), "");
}
