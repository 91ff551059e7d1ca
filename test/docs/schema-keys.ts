// The keys a config file may hold, read from its zod schema: every key path down to the values, with
// arrays written `[]` and the variants of a discriminated union (the check kinds) kept apart.
import type { z } from "zod";

export type Segment = { key: string } | { array: true } | { variant: string };

/** The parts of a zod definition the walk looks at (zod 4's `schema._zod.def`). */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: readonly z.ZodType[];
  discriminator?: string;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  values?: readonly unknown[];
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return schema._zod.def as Def;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly"]);

/** The object a variant of a discriminated union is, under its wrappers. */
function variantName(schema: z.ZodType, discriminator: string): string {
  let def = defOf(schema);
  while (def.innerType && WRAPPERS.has(def.type)) def = defOf(def.innerType);
  const tag = def.shape?.[discriminator];
  const value = tag ? defOf(tag).values?.[0] : undefined;
  return String(value);
}

/**
 * Adds the key paths under `schema` to `out`; true when the schema has keys of its own (an object,
 * or a union or array of objects), false for a value (string, number, record, transform, ...).
 */
function walk(schema: z.ZodType, path: Segment[], out: Segment[][]): boolean {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) || def.type === "nonoptional") {
    return def.innerType ? walk(def.innerType, path, out) : false;
  }
  switch (def.type) {
    case "pipe": {
      const before = def.in ? walk(def.in, path, out) : false;
      const after = def.out ? walk(def.out, path, out) : false;
      return before || after;
    }
    case "lazy":
      return def.getter ? walk(def.getter(), path, out) : false;
    case "array":
      return def.element ? walk(def.element, [...path, { array: true }], out) : false;
    case "union": {
      let keyed = false;
      for (const option of def.options ?? []) {
        const where = def.discriminator
          ? [...path, { variant: variantName(option, def.discriminator) }]
          : path;
        keyed = walk(option, where, out) || keyed;
      }
      return keyed;
    }
    case "object": {
      const entries = Object.entries(def.shape ?? {});
      for (const [key, value] of entries) {
        const child = [...path, { key }];
        if (!walk(value, child, out)) out.push(child);
      }
      return entries.length > 0;
    }
    default:
      return false;
  }
}

/** Every leaf key path of a config schema (a key whose value is not itself an object of keys). */
export function leafPaths(schema: z.ZodType): Segment[][] {
  const out: Segment[][] = [];
  walk(schema, [], out);
  return out;
}

/** A path as the docs write it: `remoteWrite[].queue.maxSamples`. */
export function formatPath(path: readonly Segment[]): string {
  let text = "";
  for (const segment of path) {
    if ("key" in segment)
      text += text === "" || text.endsWith(".") ? segment.key : `.${segment.key}`;
    else if ("array" in segment) text += "[]";
  }
  return text;
}
