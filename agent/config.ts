// agent.yaml: the shared base schema plus the checks, whose union is built from the table of kinds.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { agentBaseShape, type CheckBase } from "../shared/config/agent.js";
import { hostCheckSchema } from "../shared/config/checks/host.js";
import { checkSchema } from "../shared/config/checks/index.js";
import { loadConfigFile } from "../shared/config/load.js";
import { ConfigError } from "../shared/errors.js";
import { formatPath, type PathNamer } from "../shared/issues.js";
import { CHECK_NAME } from "../shared/protocol.js";
import { PROBE_BY_KIND } from "./probes/index.js";

/** The host section is the host probe's check without name, category, kind and dependsOn. */
const hostSection = hostCheckSchema.omit({
  name: true,
  category: true,
  kind: true,
  dependsOn: true,
});

/** agent.yaml as written: checks in the order and at the index the file has them. */
const agentFileSchema = z
  .strictObject({
    ...agentBaseShape,
    /** This machine, checked as category equipment; false turns it off. */
    host: z.union([z.literal(false), hostSection]).prefault({}),
    checks: z.array(checkSchema).default([]),
  })
  .superRefine((config, ctx) => {
    for (const field of ["tlsCa", "tlsPin"] as const) {
      if (config[field] !== undefined && !config.collector.startsWith("wss:")) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "applies only to a wss:// collector URL",
        });
      }
    }
    const seen = new Set<string>(config.host === false ? [] : ["host"]);
    config.checks.forEach((check, index) => {
      const { name } = check;
      if (seen.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["checks", index, "name"],
          message: `duplicate check name "${name}"${name === "host" ? ' ("host" is the host section)' : ""}`,
        });
      }
      seen.add(name);
    });
    for (const issue of dependencyIssues(config.checks, seen))
      ctx.addIssue({ code: "custom", ...issue });
  });

/**
 * dependsOn names checks of this file (or "host"), never the check itself, and follows no cycle:
 * each is said naming the checks, where the check that closes it names the first.
 */
export function dependencyIssues(
  checks: readonly { name: string; dependsOn?: string[] | undefined }[],
  names: ReadonlySet<string>,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const parents = new Map(checks.map((c) => [c.name, c.dependsOn ?? []]));
  checks.forEach((check, index) => {
    (check.dependsOn ?? []).forEach((parent, p) => {
      const path = ["checks", index, "dependsOn", p];
      if (parent === check.name) issues.push({ path, message: "a check cannot depend on itself" });
      else if (!names.has(parent)) {
        issues.push({ path, message: `no check named "${parent}" in this file` });
      }
    });
  });
  // Depth-first from each check; a check met again on the path closes a cycle.
  const reported = new Set<string>();
  /** Checks from which no cycle can be reached. */
  const clear = new Set<string>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(name);
    if (at >= 0) return [...path.slice(at), name];
    if (clear.has(name)) return undefined;
    for (const parent of parents.get(name) ?? []) {
      if (parent === name) continue;
      const cycle = walk(parent, [...path, name]);
      if (cycle) return cycle;
    }
    clear.add(name);
    return undefined;
  };
  checks.forEach((check, index) => {
    const cycle = walk(check.name, []);
    if (!cycle || cycle[0] !== check.name) return;
    const key = [...cycle.slice(0, -1)].sort().join("\u0000");
    if (reported.has(key)) return;
    reported.add(key);
    issues.push({
      path: ["checks", index, "dependsOn"],
      message: `a cycle of dependencies: ${cycle.join(" → ")}; one of them must not depend on the other`,
    });
  });
  return issues;
}

/** The host section becomes the first check. */
function withHostCheck({ host, checks, ...rest }: z.output<typeof agentFileSchema>) {
  const hostCheck: CheckBase[] =
    host === false ? [] : [{ ...host, name: "host", category: "equipment", kind: "host" }];
  return { ...rest, checks: [...hostCheck, ...checks] };
}

export const agentConfigSchema = agentFileSchema.transform(withHostCheck);

export type AgentConfig = z.output<typeof agentConfigSchema>;

/** Loads agent.yaml; relative paths in it are taken from the file's folder. */
export function loadAgentConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const parsed = loadConfigFile(file, agentFileSchema, env, checkNames);
  const folder = dirname(resolve(file));
  resolveCheckFiles(file, folder, parsed.checks, checkNames(parsed));
  const config = withHostCheck(parsed);
  if (!isAbsolute(config.buffer.path)) config.buffer.path = resolve(folder, config.buffer.path);
  if (config.tlsCa !== undefined) config.tlsCa = readCa(file, resolve(folder, config.tlsCa));
  return config;
}

/** The tlsCa path, checked now so a wrong path is a config error naming the field. */
function readCa(file: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${file}: tlsCa: cannot read ${JSON.stringify(path)} (${code === "ENOENT" ? "no such file" : String(code)})`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(`${file}: tlsCa: ${JSON.stringify(path)} holds no PEM certificate`);
  }
  return path;
}

/**
 * Names `checks[i]` in error messages by the check's name as written, `checks[1] (portal)`, so the
 * reader finds the check without counting from 0. Only a name that is a valid one is shown.
 */
export function checkNames(data: unknown): PathNamer {
  const checks = (data as { checks?: unknown } | null)?.checks;
  return (path) => {
    if (path.length !== 2 || path[0] !== "checks" || typeof path[1] !== "number") return undefined;
    if (!Array.isArray(checks)) return undefined;
    const name = (checks[path[1]] as { name?: unknown } | null)?.name;
    return typeof name === "string" && CHECK_NAME.test(name) ? name : undefined;
  };
}

/**
 * Makes the file paths probes declare (`Probe.files`) absolute, taken from the config file's folder,
 * and refuses files that cannot be read, naming the field as schema errors do.
 */
export function resolveCheckFiles(
  file: string,
  folder: string,
  checks: readonly CheckBase[],
  name: PathNamer,
): void {
  const problems: string[] = [];
  checks.forEach((check, index) => {
    // By the names its probe declares: the kind's own fields, which CheckBase does not list.
    const fields: Readonly<Record<string, unknown>> = { ...check };
    for (const field of PROBE_BY_KIND.get(check.kind)?.files ?? []) {
      const value = fields[field];
      if (typeof value !== "string") continue;
      const path = resolve(folder, value);
      try {
        readFileSync(path);
        Object.assign(check, { [field]: path });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        problems.push(
          `${file}: ${formatPath(["checks", index, field], name)}: cannot read ${JSON.stringify(value)} (${code === "ENOENT" ? "no such file" : String(code)})`,
        );
      }
    }
  });
  if (problems.length) throw new ConfigError(problems.join("\n"));
}
