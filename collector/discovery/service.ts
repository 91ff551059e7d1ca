// Discovery as the collector runs it: a request for a unit (from the API, the unit's own users,
// operators and admins) is checked against the networks the unit owns in collector.yaml, refused
// and audited when it names any other, and sent to a connected agent of the unit that announced
// it can discover. The agent's reports are kept (store.ts); the API reads them back. Runs also start
// on the unit's schedule (scheduler.ts). A run is never left "running" for good: an agent sends its
// last run's report again after each reconnection, and a run of an agent that comes back without
// it (restarted meanwhile) is failed, saying so.
import type { UnitConfig } from "../../shared/config/collector.js";
import { errorMessage, HttpError } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import { parseNetwork, within } from "../../shared/networks.js";
import type { Discover, DiscoveryReport } from "../../shared/protocol.js";
import type { AgentIdentity } from "../agents/registry.js";
import { recordAudit } from "../auth/audit.js";
import type { Db } from "../db/database.js";
import { type ProposedCheck, proposals } from "./proposals.js";
import { decisionOf, networksOf } from "./request-bodies.js";
import { DiscoveryScheduler, type NextScheduledRun } from "./scheduler.js";
import { DiscoveryStore } from "./store.js";

/** How often the units' schedules are looked at. */
const SCHEDULES_EVERY_MS = 5000;
/** How long after an agent's hello its running runs must have been reported again. */
export const REPORT_AGAIN_WITHIN_MS = 10_000;

export interface DiscoveryAgents {
  /** An agent of the unit able to discover now, with how to ask it. */
  discoveryAgent(
    unit: string,
  ): { agent: AgentIdentity; discover(request: Discover): boolean } | undefined;
  /** Whether the agent is connected now (a run of one that is not no longer holds up a schedule). */
  isConnected(agentId: number): boolean;
}

/** GET /api/v1/units/:id/discovery, the minimal form of the issue and a little more. */
export interface DiscoveryView {
  id: number | null;
  state: "running" | "done" | "failed" | "none";
  networks: string[];
  progress: { swept: number; total: number };
  error?: string;
  /** The next run the unit's schedule starts (units[].discovery.schedule); null without one. */
  next: NextScheduledRun | null;
  devices: {
    address: string;
    sysName?: string;
    sysObjectID?: string;
    type: string;
    neighbours?: unknown[];
    firstSeen: number;
    lastSeen: number;
    status: string;
    decision: string | null;
    /** What discovery proposes to check on it and what it depends on. */
    proposal: { checks: ProposedCheck[]; dependsOn: string[] };
  }[];
}

/**
 * Where approved checks go: recorded with the device, and made the unit's central checks with their
 * approved parents' checks as dependsOn (central-approvals.ts). Without it (tests of discovery
 * alone) they are only recorded with the device.
 */
export interface ApprovedChecks {
  add(unit: string, address: string, checks: ProposedCheck[], by: string, now: number): void;
}

export interface DiscoveryOptions {
  clock?: () => number;
  /** The clock schedules are read by (a test clock with GIAMSAT_TEST_SCHEDULE_AT). */
  scheduleClock?: () => number;
  approved?: ApprovedChecks;
  reportAgainWithinMs?: number;
}

export class Discovery {
  readonly store: DiscoveryStore;
  readonly scheduler: DiscoveryScheduler;
  private readonly clock: () => number;
  private readonly approved: ApprovedChecks;
  /** When each running run was last reported, to tell a run the agent lost from one it goes on with. */
  readonly #reportedAt = new Map<number, number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #reportAgainWithinMs: number;
  #immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly db: Db,
    private readonly units: () => readonly UnitConfig[],
    private readonly agents: DiscoveryAgents,
    private readonly log: Logger,
    options: DiscoveryOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.#reportAgainWithinMs = options.reportAgainWithinMs ?? REPORT_AGAIN_WITHIN_MS;
    this.store = new DiscoveryStore(db);
    const store = this.store;
    this.approved = options.approved ?? {
      add: (unit, address, checks, by, now) => {
        store.decide(unit, address, "approved", checks, by, now);
      },
    };
    this.scheduler = new DiscoveryScheduler(
      db,
      units,
      {
        start: (unit, networks) => this.#startScheduled(unit, networks),
        // A run of an agent that went away holds up nothing: the agent may never come back.
        running: (unit) => {
          const latest = this.store.latest(unit);
          if (latest?.state !== "running") return false;
          const agentId = this.store.get(latest.id)?.agentId;
          return agentId != null && this.agents.isConnected(agentId);
        },
      },
      options.scheduleClock ?? this.clock,
      log,
    );
  }

  #startScheduled(unit: string, networks: readonly string[] | undefined): number | undefined {
    try {
      return this.request("schedule", unit, networks ? { networks } : undefined).id;
    } catch (error) {
      // No agent of the unit can discover now: the run starts when one connects.
      if (error instanceof HttpError && error.status === 409) return undefined;
      throw error;
    }
  }

  /**
   * An agent said hello: its runs still running must be reported again soon (it does so at once);
   * one that is not was lost with the agent (restarted meanwhile) and is failed. A scheduled run
   * due while no agent could take it starts now.
   */
  agentConnected(agent: AgentIdentity): void {
    const helloAt = this.clock();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      for (const run of this.store.runningOf(agent.id)) {
        if ((this.#reportedAt.get(run) ?? 0) >= helloAt) continue;
        this.store.fail(
          run,
          "the agent reconnected without this run (it was restarted while running it); start it again",
          this.clock(),
        );
        this.log.warn({ agent: agent.name, run }, "discovery run lost by its agent");
      }
    }, this.#reportAgainWithinMs);
    timer.unref();
    this.#timers.add(timer);
    this.#immediate = setImmediate(() => this.tick([agent.unit]));
  }

  /** Looks at the units' schedules from now on, every few seconds, until close(). */
  startSchedules(): void {
    const timer = setInterval(() => this.tick(), SCHEDULES_EVERY_MS);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Starts the scheduled runs due now (of these units); a failure is logged, never thrown. */
  tick(units?: readonly string[]): void {
    try {
      this.scheduler.tick(units);
    } catch (error) {
      this.log.error({ err: errorMessage(error) }, "discovery schedules not looked at");
    }
  }

  close(): void {
    // clearTimeout clears an interval too (the same timer object in Node).
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#immediate) clearImmediate(this.#immediate);
  }

  /** Starts a run for the unit; `body.networks` defaults to every network the unit owns. */
  request(actor: string, unitId: string, body: unknown): { id: number } {
    const unit = this.units().find((u) => u.id === unitId);
    if (!unit) throw new HttpError(404, `no unit ${unitId}`);
    const config = unit.discovery;
    if (!config) {
      throw new HttpError(
        409,
        `unit ${unitId} owns no networks: list them in collector.yaml under units[].discovery.networks`,
      );
    }
    const asked = networksOf(body) ?? config.networks;
    const owned = config.networks.flatMap((text) => {
      const network = parseNetwork(text);
      return typeof network === "string" ? [] : [network];
    });
    const now = this.clock();
    for (const text of asked) {
      const network = parseNetwork(text);
      if (typeof network === "string") throw new HttpError(400, `networks: ${network}`);
      if (!owned.some((mine) => within(network, mine))) {
        recordAudit(
          this.db,
          { actor, action: "discovery.refused", unit: unitId, detail: { networks: asked } },
          now,
        );
        throw new HttpError(
          403,
          `networks: ${network.text} is not among unit ${unitId}'s networks (${config.networks.join(", ")})`,
        );
      }
    }
    const agent = this.agents.discoveryAgent(unitId);
    if (!agent) {
      throw new HttpError(
        409,
        `no agent of unit ${unitId} is connected that can discover (agents announce it from this version on)`,
      );
    }
    const id = this.db.transaction(() => {
      const run = this.store.start(unitId, agent.agent.id, asked, actor, now);
      this.#reportedAt.set(run, now);
      recordAudit(
        this.db,
        {
          actor,
          action: "discovery.start",
          unit: unitId,
          target: agent.agent.name,
          detail: { run, networks: asked },
        },
        now,
      );
      return run;
    })();
    const { snmp, port, rate, concurrency } = config;
    if (!agent.discover({ type: "discover", id, networks: asked, snmp, port, rate, concurrency })) {
      this.store.fail(id, "the agent disconnected before it was asked", now);
    }
    // Networks only: the unit's credentials are never logged.
    this.log.info({ unit: unitId, run: id, networks: asked }, "discovery requested");
    return { id };
  }

  report(agent: AgentIdentity, report: DiscoveryReport): void {
    const now = this.clock();
    if (this.store.report(agent.id, report, now)) {
      if (report.state === "running") this.#reportedAt.set(report.id, now);
      else this.#reportedAt.delete(report.id);
      return;
    }
    // The agent sends its last run's report again after each reconnection: once taken, it is known.
    const known = this.store.get(report.id);
    if (known?.agentId === agent.id && known.state !== "running") return;
    this.log.warn({ agent: agent.name, run: report.id }, "discovery report for no running run");
  }

  /** Approves (with the proposed checks, or the edited ones given) or ignores a device. */
  decide(
    actor: string,
    unitId: string,
    address: string,
    body: unknown,
  ): DiscoveryView["devices"][number] {
    const { decision, checks } = decisionOf(body);
    const view = this.view(unitId).devices.find((d) => d.address === address);
    if (!view) throw new HttpError(404, `unit ${unitId} has no discovered device ${address}`);
    const now = this.clock();
    const approved = decision === "approved" ? (checks ?? view.proposal.checks) : null;
    this.db.transaction(() => {
      this.store.decide(unitId, address, decision, null, actor, now);
      if (approved) this.approved.add(unitId, address, approved, actor, now);
      recordAudit(
        this.db,
        {
          actor,
          action: "discovery.decide",
          unit: unitId,
          target: address,
          // Names and kinds only, as every audit entry: never a credential.
          detail: { decision, checks: approved?.map((c) => `${c.name} (${c.kind})`) },
        },
        now,
      );
    })();
    return this.view(unitId).devices.find((d) => d.address === address) ?? view;
  }

  view(unitId: string): DiscoveryView {
    const run = this.store.latest(unitId);
    const known = this.store.devices(unitId);
    const proposed = new Map(proposals(known.map((k) => k.device)).map((p) => [p.address, p]));
    const devices = known.map((known) => {
      const { address, sysName, sysObjectID, type, neighbours } = known.device;
      return {
        address,
        ...(sysName === undefined ? {} : { sysName }),
        ...(sysObjectID === undefined ? {} : { sysObjectID }),
        type,
        ...(neighbours === undefined ? {} : { neighbours }),
        firstSeen: known.firstSeen,
        lastSeen: known.lastSeen,
        status: known.status,
        decision: known.decision,
        proposal: {
          checks: proposed.get(address)?.checks ?? [],
          dependsOn: proposed.get(address)?.dependsOn ?? [],
        },
      };
    });
    const next = this.scheduler.next(unitId) ?? null;
    if (!run) {
      const progress = { swept: 0, total: 0 };
      return { id: null, state: "none", networks: [], progress, next, devices };
    }
    return {
      id: run.id,
      state: run.state,
      networks: run.networks,
      progress: run.progress,
      ...(run.error === null ? {} : { error: run.error }),
      next,
      devices,
    };
  }
}
