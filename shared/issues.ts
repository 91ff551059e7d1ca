// Turns zod issues into the one-line messages people read: "checks[3].http.url: Invalid URL".
import type { z } from "zod";

/**
 * What a part of the file is called by its author, e.g. the name of the check at `checks[1]`:
 * given a path into the file, a name or undefined.
 */
export type PathNamer = (path: readonly PropertyKey[]) => string | undefined;

/**
 * Formats a zod path as people read it: checks[3].http.url, or with `name` giving the check's name,
 * checks[3] (portal).http.url.
 */
export function formatPath(path: readonly PropertyKey[], name?: PathNamer): string {
  let out = "";
  path.forEach((key, index) => {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
    const named = name?.(path.slice(0, index + 1));
    if (named !== undefined) out += ` (${named})`;
  });
  return out;
}

export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `expected ${issue.expected}, got ${describe(issue.input)}`;
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator) {
        const given = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        const options = (issue as { options?: unknown[] }).options ?? [];
        return `${given === undefined ? "is required" : `unknown ${issue.discriminator} ${describe(given)}`} (one of ${options.join(", ")})`;
      }
      return issue.message;
    case "invalid_key":
    case "invalid_element": {
      const inner = issue.issues[0];
      return inner ? issueMessage(inner) : issue.message;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(issue.input)}`;
    default:
      return issue.message;
  }
}

/** The first problem of a failed parse as people read it: where ("" at the top) and what. */
export function firstIssue(error: z.ZodError): { where: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { where: "", message: "not accepted" };
  return { where: formatPath(issue.path), message: issueMessage(issue) };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return String(value);
}

/**
 * For a plain union (e.g. `false` or a mapping), the branch the author most likely meant: the first
 * whose issues lie below the value itself rather than refusing its type outright.
 */
function expandUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union" || ("discriminator" in issue && issue.discriminator)) {
      return [issue];
    }
    const branch = issue.errors.find((branchIssues) =>
      branchIssues.every((i) => i.path.length > 0 || i.code === "unrecognized_keys"),
    );
    if (!branch) return [issue];
    return expandUnions(branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
  });
}

/** One line per problem: "agent.yaml: checks[0] (gateway).interval: invalid duration ..." */
export function formatIssues(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  name?: PathNamer,
): string {
  return expandUnions(issues)
    .map((issue) => {
      const path = formatPath(issue.path, name);
      let message = issueMessage(issue);
      // A secret written wrongly (a number for a community) is still a secret: not echoed.
      if (SECRET_FIELDS.has(String(issue.path.at(-1)))) message = message.replace(/, got .*$/s, "");
      return `${file}: ${path ? `${path}: ` : ""}${message}`;
    })
    .join("\n");
}

/** Fields whose values are never repeated in an error message (see also shared/log.ts). */
const SECRET_FIELDS = new Set(["token", "community", "authKey", "privKey", "password"]);
