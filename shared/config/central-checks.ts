// Central checks: checks a unit's agents run, held by the collector (collector.yaml units[].checks,
// the web and the API) and pushed to the agents. The collector checks what every check shares with
// the same schema fields agent.yaml uses (checkBaseShape); the fields of each kind are checked by
// the agent with its probe's schema, and a check it refuses comes back with the agent's words.
import { createHash } from "node:crypto";
import { z } from "zod";
import { MAX_CENTRAL_CHECKS } from "../protocol.js";
import { checkBaseShape } from "./agent.js";

/** A check as written: the common fields checked, the kind's own fields kept for the agent. */
export const centralCheckSchema = z
  .looseObject({
    name: checkBaseShape.name,
    title: checkBaseShape.title,
    category: checkBaseShape.category,
    kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, "must be a kind of check, e.g. http or ping"),
    interval: z.string().optional(),
    timeout: z.string().optional(),
  })
  .superRefine((check, ctx) => {
    // Durations are checked as agent.yaml checks them, and kept as written for the agent.
    for (const field of ["interval", "timeout"] as const) {
      const value = check[field];
      if (value === undefined) continue;
      const parsed = checkBaseShape[field].safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ code: "custom", path: [field], message: issue.message });
      }
    }
  });
export type CentralCheck = z.input<typeof centralCheckSchema> & Record<string, unknown>;

/** A unit's central checks: names unique, as on one agent. */
export const centralChecksSchema = z
  .array(centralCheckSchema)
  .max(MAX_CENTRAL_CHECKS)
  .superRefine((checks, ctx) => {
    const seen = new Set<string>();
    checks.forEach((check, index) => {
      if (seen.has(check.name)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `duplicate check name "${check.name}"`,
        });
      }
      seen.add(check.name);
    });
  });

/** Fields that hold secrets: kept from every page and API answer. */
const SECRET_FIELD = /community|key|password|secret|token|headers/i;
/** What a secret reads as on a page or in an API answer; sent back unchanged, it keeps the value. */
export const HIDDEN = "(hidden)";

/** The check with its secrets replaced by HIDDEN. */
export function redactCheck(check: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(check).map(([field, value]) => [
      field,
      SECRET_FIELD.test(field) && value !== undefined ? HIDDEN : value,
    ]),
  );
}

/** A new check whose secret fields read HIDDEN takes those fields from the stored check of its name. */
export function restoreSecrets(
  check: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const restored = { ...check };
  for (const [field, value] of Object.entries(check)) {
    if (value !== HIDDEN || !SECRET_FIELD.test(field)) continue;
    if (stored?.[field] === undefined) delete restored[field];
    else restored[field] = stored[field];
  }
  return restored;
}

/** Names one set of central checks: the same checks in the same order give the same hash. */
export function centralChecksHash(checks: readonly Record<string, unknown>[]): string {
  return createHash("sha256").update(JSON.stringify(checks)).digest("hex").slice(0, 16);
}
