// Reads a YAML config file: ${ENV} substitution, schema validation, and errors that name file and field.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { formatIssues, formatPath, type PathNamer } from "../issues.js";

/** Names parts of the file as written (e.g. a check by its name), for error messages. */
export type DataNamer = (data: unknown) => PathNamer;

/** Validates already-parsed data, throwing ConfigError whose message names the file and field. */
export function validate<S extends z.ZodType>(
  file: string,
  schema: S,
  data: unknown,
  name?: DataNamer,
): z.output<S> {
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(formatIssues(file, parsed.error.issues, name?.(data)));
  }
  return parsed.data;
}

/** Where a variable that is not set may stay as written (`${NAME}`): values the command never uses. */
export type UnusedPlaces = (path: readonly PropertyKey[]) => boolean;

/**
 * Replaces ${NAME} in every string value with the environment variable NAME; one that is not set
 * is an error naming it, unless `unused` says the command never reads that value.
 */
export function substituteEnv(
  file: string,
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[] = [],
  unused: UnusedPlaces = () => false,
): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (written, name: string) => {
      const found = env[name];
      if (found !== undefined) return found;
      if (unused(path)) return written;
      throw new ConfigError(
        `${file}: ${formatPath(path) || "(top)"}: environment variable ${name} is not set`,
      );
    });
  }
  const inner = (v: unknown, key: PropertyKey) =>
    substituteEnv(file, v, env, [...path, key], unused);
  if (Array.isArray(value)) return value.map(inner);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inner(v, k)]));
  }
  return value;
}

/** Parses YAML text into plain data, with a clear error for syntax problems. */
export function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
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
  name?: DataNamer,
  unused?: UnusedPlaces,
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
  return validate(file, schema, substituteEnv(file, parseYaml(file, text), env, [], unused), name);
}
