// The contract every probe file fulfils: a kind, the schema of its checks (from shared/), and run().
import type { z } from "zod";
import type { CheckBase } from "../../shared/config/agent.js";
import { hasInventory } from "../../shared/config/checks/check-schema.js";
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

/**
 * Builds a probe of the kind `schema` describes (shared/config/checks/, where the collector
 * validates central checks with it too): `run` takes checks parsed with it. A schema with
 * inventoryInterval sets the probe's inventoryInterval().
 */
export function defineProbe<
  S extends z.ZodObject & { shape: { kind: z.ZodLiteral<string> } },
>(def: {
  schema: S;
  files?: readonly (keyof z.output<S> & string)[];
  run: (check: z.output<S>, ctx: ProbeContext) => Promise<ProbeOutcome>;
}): Probe<z.output<S> & CheckBase, S> {
  const kind = def.schema.shape.kind.value;
  return {
    kind: String(kind),
    schema: def.schema,
    files: def.files,
    run: def.run,
    ...(hasInventory(def.schema) ? { inventoryInterval } : {}),
  };
}
/** The interval the schema set on a check of a probe with `inventory: true`. */
function inventoryInterval(check: object): number {
  if ("inventoryInterval" in check && typeof check.inventoryInterval === "number") {
    return check.inventoryInterval;
  }
  throw new Error("check has no inventoryInterval: it was not parsed by its probe's schema");
}
