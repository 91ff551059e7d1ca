// Reads a YAML config file: ${ENV} substitution, schema validation, and errors that name file and field.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";

/** Formats a zod path as people read it: checks[3].http.url */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
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
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(issue.input)}`;
    default:
      return issue.message;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return String(value);
}

/** One line per problem: "agent.yaml: checks[0].interval: invalid duration ..." */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = formatPath(issue.path);
      return `${file}: ${path ? `${path}: ` : ""}${issueMessage(issue)}`;
    })
    .join("\n");
}

/** Validates already-parsed data, throwing ConfigError whose message names the file and field. */
export function validate<S extends z.ZodType>(file: string, schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new ConfigError(formatIssues(file, parsed.error.issues));
  return parsed.data;
}

/** Replaces ${NAME} in every string value with the environment variable NAME. */
export function substituteEnv(
  file: string,
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new ConfigError(
          `${file}: ${formatPath(path) || "(top)"}: environment variable ${name} is not set`,
        );
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(file, v, env, [...path, i]));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(file, v, env, [...path, k])]),
    );
  }
  return value;
}

/** Parses YAML text into plain data, with a clear error for syntax problems. */
export function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    throw new ConfigError(`${file}:${line ?? "?"}: ${first.message.split("\n")[0]}`);
  }
  return doc.toJS() ?? {};
}

export function loadConfigFile<S extends z.ZodType>(
  file: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${file}: cannot read (${code === "ENOENT" ? "no such file" : String(code)})`,
      { cause: error },
    );
  }
  return validate(file, schema, substituteEnv(file, parseYaml(file, text), env));
}
