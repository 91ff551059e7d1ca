// Central checks: checks a unit's agents run, held by the collector (collector.yaml units[].checks,
// the web and the API) and pushed to the agents. The collector validates each with its kind's schema,
// the one the agent parses it with (shared/config/checks/), and keeps it as written: the agent
// applies the defaults itself, and an interval stays "5m" on the page.
import { createHash } from "node:crypto";
import { z } from "zod";
import { formatPath, issueMessage, type PathNamer } from "../issues.js";
import { CHECK_NAME, MAX_CENTRAL_CHECKS } from "../protocol.js";
import { checkBaseShape } from "./agent.js";
import { CHECK_KINDS, checkSchemaOf } from "./checks/index.js";

/** A check as written, valid for its kind; its fields are kept as written for the agent. */
export type CentralCheck = { name: string; kind: string } & Record<string, unknown>;

/** The fields every check has, for a check whose kind is unknown (its own fields cannot be judged). */
const commonFields = z.looseObject(checkBaseShape);

/**
 * What is wrong with a central check, each with its path in the check (empty when nothing is): the
 * issues of its kind's schema, or an unknown kind listing the known ones.
 */
export function centralCheckIssues(
  check: Record<string, unknown>,
): { path: PropertyKey[]; message: string }[] {
  const schema = checkSchemaOf(check.kind);
  const issues: { path: PropertyKey[]; message: string }[] = [];
  if (!schema) {
    const given =
      check.kind === undefined ? "is required" : `unknown kind ${JSON.stringify(check.kind)}`;
    issues.push({ path: ["kind"], message: `${given}: write one of ${CHECK_KINDS.join(", ")}` });
  }
  const parsed = (schema ?? commonFields).safeParse(check, { reportInput: true });
  for (const issue of parsed.error?.issues ?? []) {
    const message = issueMessage(issue);
    // A secret written wrongly is still a secret: its value is not repeated.
    const secret = SECRET_FIELD.test(String(issue.path[0] ?? ""));
    issues.push({
      path: issue.path,
      message: secret ? message.replace(/, got .*$/s, "") : message,
    });
  }
  return issues;
}

/** The problems of a stored check as people read them ("url: must be an http:// ..."); none: []. */
export function centralCheckProblems(check: Record<string, unknown>): string[] {
  return centralCheckIssues(check).map(
    (issue) => `${formatPath(issue.path) || "(check)"}: ${issue.message}`,
  );
}

/**
 * Names the central checks of collector.yaml in its errors: units[0].checks[2] (portal) and
 * units[0].agents.pc-02.checks[0] (printer), as agent.yaml's errors name its checks.
 */
export function centralCheckNames(data: unknown): PathNamer {
  return (path) => {
    const at = path.length - 2;
    if (path[0] !== "units" || path[at] !== "checks" || typeof path[at + 1] !== "number") {
      return undefined;
    }
    let value: unknown = data;
    for (const key of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<PropertyKey, unknown>)[key];
    }
    const name = (value as { name?: unknown } | null | undefined)?.name;
    return typeof name === "string" && CHECK_NAME.test(name) ? name : undefined;
  };
}

/** A check as written, refused with its kind's issues (each at its path) or kept unchanged. */
export const centralCheckSchema = z
  .looseObject({})
  .superRefine((check, ctx) => {
    for (const issue of centralCheckIssues(check)) ctx.addIssue({ code: "custom", ...issue });
  })
  .transform((check) => check as CentralCheck);

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
