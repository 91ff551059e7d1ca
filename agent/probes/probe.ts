// The contract every probe file fulfils: a kind, the schema of its checks, and run().
import { z } from "zod";
import { type CheckBase, checkBaseShape } from "../../shared/config/agent.js";
import { duration } from "../../shared/duration.js";
import type { Logger } from "../../shared/log.js";
import type { Reason } from "../../shared/protocol.js";

export interface ProbeContext {
  /** Aborted when the check's timeout passes or the agent stops; probes stop their I/O then. */
  signal: AbortSignal;
  log: Logger;
  /** True when the check's inventory is due (for probes that report one). */
  inventoryDue: boolean;
  /**
   * Where a probe may keep something open from one run to the next (an SNMP session), shared by
   * the checks of the same target: the scheduler closes what is kept when it stops. Absent when the
   * probe runs alone (tests), then the probe closes everything at the end of the run.
   */
  keep?: Keeper;
}

/** Something open a probe keeps between runs. */
export interface Kept {
  /** Never rejects. */
  close(): Promise<void> | void;
}

/**
 * Kept things by a key the probe chooses (target and credentials): taken out while a run uses one,
 * put back when it is still good.
 */
export interface Keeper {
  take(key: string): Kept | undefined;
  /** Closed at once instead when enough are kept under the key or the scheduler has stopped. */
  put(key: string, kept: Kept): void;
}

export interface ProbeSample {
  metric: string;
  labels?: Record<string, string>;
  value: number;
}

/** What one run found. A down target is an outcome with up=false, never a thrown error. */
export interface ProbeOutcome {
  up: boolean;
  reason?: Reason;
  /** Short human explanation, e.g. "HTTP 503" or "connect ECONNREFUSED 10.0.0.1:443". */
  message?: string;
  samples?: ProbeSample[];
  /** Values worth a column in `giamsat-agent check`, e.g. { rtt: "1.2 ms" }. */
  summary?: Record<string, string>;
  inventory?: Record<string, unknown>;
}

/**
 * What the table of kinds needs of a schema: an object schema with a literal `kind`, so agent/config.ts
 * builds a discriminated union of them, whose output is a check. Every schema defineProbe builds is.
 */
export type CheckSchema<C extends CheckBase = CheckBase> = z.ZodType<C, unknown> &
  z.core.$ZodTypeDiscriminable;

/** `S` is the schema's own type where it is known (a probe from defineProbe), e.g. to omit fields. */
export interface Probe<C extends CheckBase = CheckBase, S = z.ZodType<C, unknown>> {
  readonly kind: string;
  readonly schema: S;
  /**
   * Fields holding file paths (e.g. a CA's PEM file): the loader resolves them against the config
   * file's folder and refuses the config when one cannot be read.
   */
  readonly files?: readonly string[];
  run(check: C, ctx: ProbeContext): Promise<ProbeOutcome>;
  /**
   * Milliseconds between a check's inventories (ProbeContext.inventoryDue); absent for probes
   * that report none.
   */
  inventoryInterval?(check: C): number;
}

/** What a probe with `inventory: true` adds to its checks: how often they report an inventory. */
const INVENTORY_FIELDS = { inventoryInterval: duration({ min: 60_000 }).prefault("24h") };

/** The schema defineProbe builds: the common fields, the probe's, inventoryInterval if `I`, the kind. */
type ProbeSchema<K extends string, F extends z.ZodRawShape, I extends boolean> = z.ZodObject<
  typeof checkBaseShape &
    F &
    (I extends true ? typeof INVENTORY_FIELDS : Record<never, never>) & { kind: z.ZodLiteral<K> },
  z.core.$strict
>;

/**
 * Builds a probe whose check schema is the common fields plus `fields`, unknown keys refused.
 * `refine` adds checks across fields (e.g. SNMP v3 needs a user). `inventory` adds
 * `inventoryInterval` (default a day) to the schema and sets the probe's inventoryInterval().
 */
export function defineProbe<
  K extends string,
  F extends z.ZodRawShape,
  I extends boolean = false,
>(def: {
  kind: K;
  fields: F;
  inventory?: I;
  files?: readonly (keyof F & string)[];
  refine?: (check: z.output<z.ZodObject<typeof checkBaseShape & F>>, ctx: z.RefinementCtx) => void;
  run: (
    check: z.output<z.ZodObject<typeof checkBaseShape & F>> & { kind: K },
    ctx: ProbeContext,
  ) => Promise<ProbeOutcome>;
}): Probe<CheckBase & z.output<z.ZodObject<F>> & { kind: K }, ProbeSchema<K, F, I>> {
  let schema: z.ZodType = z.strictObject({
    ...checkBaseShape,
    ...def.fields,
    ...(def.inventory ? INVENTORY_FIELDS : {}),
    kind: z.literal(def.kind),
  });
  if (def.refine) schema = schema.superRefine(def.refine as never);
  return {
    kind: def.kind,
    schema: schema as never,
    files: def.files,
    run: def.run as never,
    ...(def.inventory ? { inventoryInterval } : {}),
  };
}

/** The interval the schema set on a check of a probe with `inventory: true`. */
function inventoryInterval(check: object): number {
  if ("inventoryInterval" in check && typeof check.inventoryInterval === "number") {
    return check.inventoryInterval;
  }
  throw new Error("check has no inventoryInterval: it was not parsed by its probe's schema");
}
