// GET and PUT /api/v1/units/:id/central-checks, and the unit page's form that posts the same as
// YAML or JSON: a unit's own users for their unit, operators and admins for any (auth/roles.ts,
// action central). Secrets are never sent back (shared/config/central-checks.ts, redactCheck);
// every change is audited in the transaction that makes it and reaches the unit's agents at once.
import { z } from "zod";
import {
  type CentralCheck,
  centralCheckProblems,
  centralChecksHash,
  centralChecksSchema,
  redactCheck,
  restoreSecrets,
} from "../../../shared/config/central-checks.js";
import { parseYaml } from "../../../shared/config/load.js";
import { errorMessage, HttpError } from "../../../shared/errors.js";
import { formatIssues, type PathNamer } from "../../../shared/issues.js";
import { CHECK_NAME } from "../../../shared/protocol.js";
import { recordAudit } from "../../auth/audit.js";
import type { User } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import {
  type CentralSource,
  listCentralChecks,
  replaceApiChecks,
  type StoredCentralCheck,
} from "../../fleet/central-checks.js";

export interface CentralChecksView {
  unit: string;
  /** Names the whole set the unit's agents are sent (the fleet view shows it per agent). */
  hash: string;
  checks: {
    source: CentralSource;
    check: Record<string, unknown>;
    updatedAt: number;
    updatedBy: string;
    /**
     * What the rules refuse in a check stored before them ("url: must be ..."); absent when it
     * is valid. The agents refuse the whole set until it is changed.
     */
    problems?: string[];
  }[];
}

/** A stored check as the API and the page show it: secrets hidden, its problems when it has any. */
export function shownCheck(stored: StoredCentralCheck): CentralChecksView["checks"][number] {
  const problems = centralCheckProblems(stored.check);
  return {
    ...stored,
    check: redactCheck(stored.check),
    ...(problems.length > 0 ? { problems } : {}),
  };
}

const bodySchema = z.strictObject({ checks: z.array(z.unknown()) });

/**
 * `body.checks` (`{checks: [...]}`) as valid central checks, a secret sent back as (hidden) taking
 * its value from the check of that name in `before`; a mistake is a 400 naming the check and field.
 */
export function checksOfBody(body: unknown, before: readonly CentralCheck[]): CentralCheck[] {
  const shape = bodySchema.safeParse(body ?? {});
  if (!shape.success) {
    throw new HttpError(400, formatIssues("body", shape.error.issues).replace(/^body: /, ""));
  }
  // A secret sent back as (hidden) is restored first: the check is judged as the agent gets it.
  const byName = new Map(before.map((check) => [check.name, check] as const));
  const sent = shape.data.checks.map((check) => {
    if (typeof check !== "object" || check === null || Array.isArray(check)) return check;
    const fields = check as Record<string, unknown>;
    return restoreSecrets(fields, byName.get(String(fields.name)));
  });
  const parsed = centralChecksSchema.safeParse(sent, { reportInput: true });
  if (!parsed.success) {
    // "checks[1] (portal).url: ...", one line a problem, as agent.yaml's errors read.
    const issues = parsed.error.issues.map((i) => ({ ...i, path: ["checks", ...i.path] }));
    const named: PathNamer = (path) => {
      const name = (sent[Number(path[1])] as { name?: unknown } | null)?.name;
      return path.length === 2 && typeof name === "string" && CHECK_NAME.test(name)
        ? name
        : undefined;
    };
    const lines = formatIssues("", issues, named).split("\n");
    throw new HttpError(400, lines.map((line) => line.replace(/^: /, "")).join("\n"));
  }
  return parsed.data;
}

/** A form's text (YAML or JSON, a list of checks or `{checks: [...]}`) as the API's body. */
export function bodyOfText(text: string): unknown {
  let data: unknown;
  try {
    data = text.trim() === "" ? [] : parseYaml("checks", text);
  } catch (error) {
    throw new HttpError(400, errorMessage(error));
  }
  return Array.isArray(data) ? { checks: data } : data;
}

export class CentralCheckActions {
  constructor(
    private readonly db: Db,
    /** Sends the unit's checks to its connected agents. */
    private readonly push: (unit: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  view(unit: string): CentralChecksView {
    this.#known(unit);
    const stored = listCentralChecks(this.db, unit);
    return {
      unit,
      hash: centralChecksHash(stored.map((s) => s.check)),
      checks: stored.map(shownCheck),
    };
  }

  /** The checks of the web and the API for `unit` become `body.checks`; collector.yaml's stay. */
  update(user: User, unit: string, body: unknown): CentralChecksView {
    this.#known(unit);
    const before = listCentralChecks(this.db, unit).map((s) => s.check);
    const valid = checksOfBody(body, before);
    const now = this.clock();
    this.db.transaction(() => {
      replaceApiChecks(this.db, unit, valid, user.name, now);
      recordAudit(
        this.db,
        {
          actor: user.name,
          action: "central.update",
          unit,
          target: "central checks",
          // Names and kinds only: a check's fields may hold secrets.
          detail: { checks: valid.map((check) => `${check.name} (${check.kind})`) },
        },
        now,
      );
    })();
    this.push(unit);
    return this.view(unit);
  }

  /** The form's text: YAML or JSON, a list of checks or `{checks: [...]}`. */
  updateFromText(user: User, unit: string, text: string): CentralChecksView {
    return this.update(user, unit, bodyOfText(text));
  }

  #known(unit: string): void {
    if (!this.db.prepare("SELECT 1 FROM units WHERE id = ?").get(unit)) {
      throw new HttpError(404, `no unit "${unit}"`);
    }
  }
}
