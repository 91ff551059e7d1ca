// Query strings checked against the zod schemas in shared/api-query.ts; a bad one is a 400 whose
// message starts with the parameter's name.
import type { z } from "zod";
import { HttpError } from "../../../shared/errors.js";
import { formatPath, issueMessage } from "../../../shared/issues.js";

export function parseQuery<S extends z.ZodType>(
  url: URL,
  schema: S,
  known: readonly string[],
): z.output<S> {
  const values: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!known.includes(key)) {
      const allowed = known.length ? ` (known: ${known.join(", ")})` : " (none are taken here)";
      throw new HttpError(400, `${key}: unknown parameter${allowed}`);
    }
    if (key in values) throw new HttpError(400, `${key}: given more than once`);
    values[key] = value;
  }
  const parsed = schema.safeParse(values, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? formatPath(issue.path) : "";
    throw new HttpError(400, `${where || "query"}: ${issue ? issueMessage(issue) : "invalid"}`);
  }
  return parsed.data;
}

/** The keys of a zod object schema (refined or not). */
export function keysOf(schema: { shape: Record<string, unknown> }): string[] {
  return Object.keys(schema.shape);
}
