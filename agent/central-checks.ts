// Checks the collector sends (central checks): validated with the probes' schemas as agent.yaml's
// checks are, refused when a name is also a check of agent.yaml, and kept on disk beside the buffer
// as the last good set, which the agent runs when it starts while the collector is out of reach.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { z } from "zod";
import type { CheckBase } from "../shared/config/agent.js";
import { checkSchema } from "../shared/config/checks/index.js";
import { errorMessage } from "../shared/errors.js";
import { formatIssues } from "../shared/issues.js";
import type { Logger } from "../shared/log.js";
import { type AgentConfig, checkNames, dependencyIssues, resolveCheckFiles } from "./config.js";

/** The central checks the agent runs: as sent (kept on disk) and as parsed. */
export interface CentralSet {
  hash: string;
  sent: Record<string, unknown>[];
  checks: CheckBase[];
}

/**
 * Where the last good set is kept: beside the buffer, in the state folder the agent may write, named
 * after it so two agents sharing a folder keep theirs apart (agent-buffer.central-checks.json).
 */
export function centralChecksFile(bufferPath: string): string {
  return join(
    dirname(bufferPath),
    `${basename(bufferPath, extname(bufferPath))}.central-checks.json`,
  );
}

const WHERE = "central checks";

/**
 * The set parsed, or the reasons it is refused, one line each in the words of agent.yaml's errors
 * ("central checks: checks[0] (portal).url: Invalid URL"). `local` are agent.yaml's checks (with
 * host); `folder` is agent.yaml's, which file paths (a CA) are taken from.
 */
export function parseCentralChecks(
  hash: string,
  sent: Record<string, unknown>[],
  local: readonly CheckBase[],
  folder: string,
): { set: CentralSet } | { errors: string[] } {
  const data = { checks: sent };
  const parsed = z.array(checkSchema).safeParse(sent);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      ...issue,
      path: ["checks", ...issue.path],
    }));
    return { errors: formatIssues(WHERE, issues, checkNames(data)).split("\n") };
  }
  const checks: CheckBase[] = parsed.data;
  const errors: string[] = [];
  const localNames = new Set(local.map((check) => check.name));
  const names = new Set(localNames);
  checks.forEach((check, index) => {
    if (localNames.has(check.name)) {
      errors.push(
        `${WHERE}: checks[${index}] (${check.name}): "${check.name}" is also a check of agent.yaml; rename one of them`,
      );
    } else if (names.has(check.name)) {
      errors.push(`${WHERE}: checks[${index}] (${check.name}): duplicate check name`);
    }
    names.add(check.name);
  });
  for (const issue of dependencyIssues(checks, names)) {
    errors.push(`${WHERE}: ${issue.path.join(".")}: ${issue.message}`);
  }
  if (errors.length === 0) {
    try {
      resolveCheckFiles(WHERE, folder, checks, checkNames(data));
    } catch (error) {
      errors.push(...errorMessage(error).split("\n"));
    }
  }
  return errors.length > 0 ? { errors } : { set: { hash, sent, checks } };
}

/** Writes the set as the last good one: whole or not at all, readable by the agent's user only. */
export function saveCentralChecks(file: string, set: CentralSet): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, `${JSON.stringify({ hash: set.hash, checks: set.sent })}\n`, {
    mode: 0o600,
  });
  renameSync(partial, file);
}

/** The last good set, or undefined when there is none; throws when it is unreadable. */
export function readCentralChecks(
  file: string,
): { hash: string; checks: Record<string, unknown>[] } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return z
    .strictObject({ hash: z.string(), checks: z.array(z.record(z.string(), z.unknown())) })
    .parse(JSON.parse(text));
}

/** agent.yaml's checks, then the central ones. */
export function withCentral(local: AgentConfig, central: CentralSet | undefined): AgentConfig {
  return central ? { ...local, checks: [...local.checks, ...central.checks] } : local;
}

/** The last good central checks kept on disk, when they still fit agent.yaml; undefined otherwise. */
export function lastGoodCentral(
  file: string,
  local: AgentConfig,
  folder: string,
  log: Logger,
): CentralSet | undefined {
  let kept: ReturnType<typeof readCentralChecks>;
  try {
    kept = readCentralChecks(file);
  } catch (error) {
    log.error(
      { file, err: errorMessage(error) },
      "the last central checks cannot be read; waiting for the collector's",
    );
    return undefined;
  }
  if (!kept) return undefined;
  const parsed = parseCentralChecks(kept.hash, kept.checks, local.checks, folder);
  if ("errors" in parsed) {
    log.error(
      { file, errors: parsed.errors },
      "the last central checks no longer fit agent.yaml; waiting for the collector's",
    );
    return undefined;
  }
  log.info(
    { file, checks: parsed.set.checks.length, hash: kept.hash },
    "running the last central checks until the collector sends its own",
  );
  return parsed.set;
}
