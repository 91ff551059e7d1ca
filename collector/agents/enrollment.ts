// POST /agent/enroll: an agent's installer trades an enrollment code for a token of the agent's own.
// The only door that takes a code: small JSON bodies, read within seconds; an address that keeps
// presenting bad codes is held back (429) before its codes are even looked at; each code is found by
// its selector and compared as a hash in constant time; a use, the new agent and its audit entry are
// one transaction.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import {
  agentNameFor,
  type EnrollResponse,
  enrollRequestSchema,
  MAX_ENROLL_BYTES,
} from "../../shared/enrollment.js";
import { HttpError } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import { recordAudit } from "../auth/audit.js";
import { readBody } from "../auth/form.js";
import { AddressLimiter, addressKey } from "../auth/rate-limit.js";
import type { Db } from "../db/database.js";
import { EnrollmentCodes, REFUSALS } from "./enrollment-codes.js";
import type { AgentStore } from "./registry.js";

export interface EnrollmentDeps {
  db: Db;
  agents: AgentStore;
  log: Logger;
  /** Refused codes (or bodies) per remote address; past it the address is answered 429. */
  failuresPerMinute: number;
  now?: () => number;
}

export class EnrollmentDesk {
  readonly #failures: AddressLimiter;
  readonly #codes: EnrollmentCodes;
  readonly #now: () => number;

  constructor(private readonly deps: EnrollmentDeps) {
    this.#failures = new AddressLimiter(deps.failuresPerMinute);
    this.#codes = new EnrollmentCodes(deps.db);
    this.#now = deps.now ?? Date.now;
  }

  /** Answers the request: 200 with the agent's token, or an HttpError to send. */
  async enroll(request: IncomingMessage): Promise<EnrollResponse> {
    const now = this.#now();
    const remote = request.socket.remoteAddress;
    const address = addressKey(remote);
    const wait = this.#failures.retryAfterMs(address, now);
    if (wait > 0) {
      request.resume();
      if (this.#failures.shouldReport(address, now)) {
        this.deps.log.warn({ remote }, "enrollments refused for a while: too many bad codes");
      }
      throw new HttpError(429, "too many refused enrollment codes from this address; try later", {
        headers: { "Retry-After": String(Math.ceil(wait / 1000)) },
      });
    }
    let body: z.infer<typeof enrollRequestSchema>;
    try {
      body = enrollRequestSchema.parse(await readJson(request));
    } catch (error) {
      this.#failures.fail(address, now);
      if (error instanceof HttpError) throw error;
      const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      throw new HttpError(400, `bad enrollment request: ${where}${issue?.message ?? "not JSON"}`);
    }
    const { db, agents, log } = this.deps;
    const outcome = db
      .transaction(() => {
        const redeemed = this.#codes.redeem(body.code, now);
        if (!redeemed.ok) return redeemed;
        const unit = redeemed.code.unit;
        const name = freeName(agents, unit, agentNameFor(body.hostname));
        const { agent, token } = agents.enroll(unit, name, now);
        agents.recordHello(agent.id, body, now);
        recordAudit(
          db,
          {
            actor: `code:${redeemed.code.selector}`,
            action: "enroll",
            unit,
            target: name,
            detail: { hostname: body.hostname, code: redeemed.code.id, remote: remote ?? null },
          },
          now,
        );
        return { ok: true as const, unit, agent: name, token };
      })
      .immediate();
    if (!outcome.ok) {
      this.#failures.fail(address, now);
      // The code is never logged: a mistyped one is nearly a valid one.
      log.warn(
        { remote, reason: outcome.refusal, unit: outcome.code?.unit, code: outcome.code?.id },
        "enrollment refused",
      );
      throw new HttpError(403, REFUSALS[outcome.refusal]);
    }
    log.info(
      { unit: outcome.unit, agent: outcome.agent, hostname: body.hostname, remote },
      "agent enrolled with a code",
    );
    return { unit: outcome.unit, agent: outcome.agent, token: outcome.token };
  }

  /** The route's handler: JSON in, JSON out. */
  async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = await this.enroll(request);
    const body = `${JSON.stringify(answer)}\n`;
    response.writeHead(200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-store",
    });
    response.end(body);
  }
}

/** The name, or the name with the first free "-N" (2-99) when an active agent already has it. */
function freeName(agents: AgentStore, unit: string, base: string): string {
  for (let n = 1; n < 100; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!agents.isActive(unit, name)) return name;
  }
  throw new HttpError(409, `unit ${unit} already has 99 agents named ${base}; revoke some first`);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const body = await readBody(request, {
    type: "application/json",
    maxBytes: MAX_ENROLL_BYTES,
    a: "an enrollment request",
    the: "the enrollment request",
  });
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "bad enrollment request: not JSON", { cause: error });
  }
}
