// Query strings checked against a route's zod schema (routes.ts), and the one way a refused input
// becomes a 400: told by its first problem. Pages say "query parameter window: ..."; the JSON API
// starts its messages with the parameter's name ("window: ...") and lists the ones it knows.
import type { z } from "zod";
import { HttpError } from "../../shared/errors.js";
import { firstIssue } from "../../shared/issues.js";

/** How a family of routes words what is wrong with a query. */
export interface QueryDialect {
  /** A parameter the route does not take; undefined: the schema itself refuses unknown keys. */
  unknown?: (key: string, known: readonly string[]) => string;
  twice: (key: string) => string;
  problem: (where: string, message: string) => string;
}

export const PAGE_QUERY: QueryDialect = {
  twice: (key) => `query parameter ${key.slice(0, 64)}: given twice`,
  problem: (where, message) =>
    `query${where ? ` parameter ${where.slice(0, 64)}` : ""}: ${message}`,
};

export const API_QUERY: QueryDialect = {
  unknown: (key, known) =>
    `${key}: unknown parameter${known.length ? ` (known: ${known.join(", ")})` : " (none are taken here)"}`,
  twice: (key) => `${key}: given more than once`,
  problem: (where, message) => `${where || "query"}: ${message}`,
};

/** The query parameters, each at most once, as `schema` gives them; HttpError 400 otherwise. */
export function parseQuery<S extends z.ZodType>(
  search: URLSearchParams,
  schema: S,
  dialect: QueryDialect,
): z.output<S> {
  const known = dialect.unknown ? keysOf(schema) : [];
  const values = new Map<string, string>();
  for (const [key, value] of search) {
    if (dialect.unknown && !known.includes(key))
      throw new HttpError(400, dialect.unknown(key, known));
    if (values.has(key)) throw new HttpError(400, dialect.twice(key));
    values.set(key, value);
  }
  // reportInput: the message can then say what was given ("got \"fr\""), not "got undefined".
  const parsed = schema.safeParse(Object.fromEntries(values), { reportInput: true });
  if (!parsed.success) throw badRequest(parsed.error, dialect.problem);
  return parsed.data;
}

/** 400 for input a schema refused, said by `say` from where its first problem is and what. */
export function badRequest(
  error: z.ZodError,
  say: (where: string, message: string) => string,
): HttpError {
  const { where, message } = firstIssue(error);
  return new HttpError(400, say(where, message));
}

/** The keys of a zod object schema (refined or not); none for another kind of schema. */
function keysOf(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
