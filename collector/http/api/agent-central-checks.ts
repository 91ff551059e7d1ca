// GET and PUT /api/v1/units/:id/agents/:name/central-checks, and the unit page's form of each agent
// that posts the same as YAML or JSON: the central checks of one agent, run besides its unit's,
// under the same rules as the unit's (api/central-checks.ts): the unit's own users, operators and
// admins; secrets never sent back; every change audited and pushed at once. The agent may not be
// enrolled yet: its checks apply when it enrolls under that name.
import { centralChecksHash } from "../../../shared/config/central-checks.js";
import { HttpError } from "../../../shared/errors.js";
import { AGENT_NAME } from "../../../shared/protocol.js";
import { recordAudit } from "../../auth/audit.js";
import type { User } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import { listAgentChecks, replaceApiAgentChecks } from "../../fleet/agent-checks.js";
import { centralConfigOf } from "../../fleet/central-checks.js";
import { bodyOfText, type CentralChecksView, checksOfBody, shownCheck } from "./central-checks.js";

export interface AgentCentralChecksView extends CentralChecksView {
  agent: string;
  /** False for a name no active agent of the unit has yet. */
  enrolled: boolean;
  /** How many of the unit's checks the agent runs before its own (GET .../central-checks). */
  unitChecks: number;
}

export class AgentCentralCheckActions {
  constructor(
    private readonly db: Db,
    /** Sends the unit's checks, and each agent's own, to its connected agents. */
    private readonly push: (unit: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The agent's own checks; `hash` names the whole set it is sent, as the fleet view shows. */
  view(unit: string, agent: string): AgentCentralChecksView {
    this.#known(unit, agent);
    const own = listAgentChecks(this.db, unit, agent);
    const sent = centralConfigOf(this.db, unit, agent);
    return {
      unit,
      agent,
      enrolled:
        this.db
          .prepare("SELECT 1 FROM agents WHERE unit_id = ? AND name = ? AND revoked_at IS NULL")
          .get(unit, agent) !== undefined,
      unitChecks: sent.checks.length - own.length,
      hash: centralChecksHash(sent.checks),
      checks: own.map(shownCheck),
    };
  }

  /** The agent's checks of the API become `body.checks`; collector.yaml's for it stay. */
  update(user: User, unit: string, agent: string, body: unknown): AgentCentralChecksView {
    this.#known(unit, agent);
    const before = listAgentChecks(this.db, unit, agent).map((s) => s.check);
    const valid = checksOfBody(body, before);
    const now = this.clock();
    this.db.transaction(() => {
      replaceApiAgentChecks(this.db, { unit, agent }, valid, user.name, now);
      recordAudit(
        this.db,
        {
          actor: user.name,
          action: "central.update",
          unit,
          target: `central checks of agent ${agent}`,
          // Names and kinds only: a check's fields may hold secrets.
          detail: { agent, checks: valid.map((check) => `${check.name} (${check.kind})`) },
        },
        now,
      );
    })();
    this.push(unit);
    return this.view(unit, agent);
  }

  /** The form's text: YAML or JSON, a list of checks or `{checks: [...]}`. */
  updateFromText(user: User, unit: string, agent: string, text: string): AgentCentralChecksView {
    return this.update(user, unit, agent, bodyOfText(text));
  }

  #known(unit: string, agent: string): void {
    if (!this.db.prepare("SELECT 1 FROM units WHERE id = ?").get(unit)) {
      throw new HttpError(404, `no unit "${unit}"`);
    }
    if (!AGENT_NAME.test(agent)) {
      throw new HttpError(
        400,
        `"${agent}" is not an agent's name: 1-64 letters, digits, '_', '.' or '-'`,
      );
    }
  }
}
