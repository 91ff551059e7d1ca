// The schema side of a kind of check: the fields every check shares, the kind's own, and the rules
// across them. The agent's probes run checks parsed with these schemas; the collector validates the
// central checks it sends with the very same ones.
import { z } from "zod";
import { duration } from "../../duration.js";
import { type CheckBase, checkBaseShape } from "../agent.js";

/**
 * What the table of kinds needs of a schema: an object schema with a literal `kind`, so the union of
 * checks can be built from them, whose output is a check. Every schema defineCheckSchema builds is.
 */
export type CheckSchema<C extends CheckBase = CheckBase> = z.ZodType<C, unknown> &
  z.core.$ZodTypeDiscriminable;

/** What a kind with `inventory: true` adds to its checks: how often they report an inventory. */
const INVENTORY_FIELDS = { inventoryInterval: duration({ min: 60_000 }).prefault("24h") };

/** The schema defineCheckSchema builds: the common fields, the kind's, inventoryInterval if `I`, the kind. */
export type KindSchema<K extends string, F extends z.ZodRawShape, I extends boolean> = z.ZodObject<
  typeof checkBaseShape &
    F &
    (I extends true ? typeof INVENTORY_FIELDS : Record<never, never>) & { kind: z.ZodLiteral<K> },
  z.core.$strict
>;

/**
 * The schema of a kind's checks: the common fields plus `fields`, unknown keys refused. `refine`
 * adds checks across fields (e.g. SNMP v3 needs a user). `inventory` adds `inventoryInterval`
 * (default a day).
 */
export function defineCheckSchema<
  K extends string,
  F extends z.ZodRawShape,
  I extends boolean = false,
>(def: {
  kind: K;
  fields: F;
  inventory?: I;
  refine?: (check: z.output<z.ZodObject<typeof checkBaseShape & F>>, ctx: z.RefinementCtx) => void;
}): KindSchema<K, F, I> {
  const schema = z.strictObject({
    ...checkBaseShape,
    ...def.fields,
    ...(def.inventory ? INVENTORY_FIELDS : {}),
    kind: z.literal(def.kind),
  });
  // zod 4 adds a refinement to the object schema itself: its shape stays readable (omit, shape).
  return (def.refine ? schema.superRefine(def.refine as never) : schema) as never;
}

/** Whether checks of this schema report an inventory (it has inventoryInterval). */
export function hasInventory(schema: z.ZodObject): boolean {
  return "inventoryInterval" in schema.shape;
}
