// Alertmanager silences that mirror planned maintenance: for each Alertmanager channel, every
// occurrence of a window that is on now or starts within the next hour is a silence matching the
// window's units (and agents, categories, checks), from its start to its end; an occurrence ended
// early or no longer planned has its silence expired. The silences are found again by their
// comment, so nothing is kept here across restarts. Alertmanager API v2:
// https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
import type { ChannelConfigOf } from "../../shared/config/notification-channels.js";
import type { Logger } from "../../shared/log.js";
import type { Maintenance, Occurrence } from "../inspection/maintenance.js";

/** Occurrences starting this soon get their silence ahead of time. */
const LEAD_MS = 3_600_000;
const MARK = "giamsat maintenance";

interface Silence {
  id: string;
  comment: string;
  status: { state: "active" | "pending" | "expired" };
}

/** The comment that names an occurrence's silence: how it is found again. */
export function silenceComment(o: Occurrence): string {
  return `${MARK} ${o.window.id}@${o.scheduled}: ${o.window.reason}`;
}

function regex(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/** The silence of one occurrence, as POST /api/v2/silences takes it. */
export function silenceOf(o: Occurrence) {
  const { scope } = o.window;
  const matchers = [{ name: "unit", value: regex(scope.units), isRegex: true, isEqual: true }];
  for (const [name, values] of [
    ["agent", scope.agents],
    ["category", scope.categories],
    ["check", scope.checks],
  ] as const) {
    if (values) matchers.push({ name, value: regex(values), isRegex: true, isEqual: true });
  }
  return {
    matchers,
    startsAt: new Date(o.start).toISOString(),
    endsAt: new Date(o.end).toISOString(),
    createdBy: o.window.createdBy,
    comment: silenceComment(o),
  };
}

export class AlertmanagerSilences {
  #running = false;

  constructor(
    private readonly maintenance: Maintenance,
    private readonly channels: readonly ChannelConfigOf<"alertmanager">[],
    private readonly log: Logger,
  ) {}

  /** Brings every Alertmanager's silences in step with the windows; failures are logged. */
  async sync(now: number): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const wanted = new Map<string, Occurrence>();
      for (const unit of this.maintenance.units()) {
        for (const o of this.maintenance.unitOccurrences(unit, now, now + LEAD_MS)) {
          if (o.end > now) wanted.set(silenceComment(o), o);
        }
      }
      for (const channel of this.channels) {
        try {
          await this.#syncChannel(channel, wanted);
        } catch (error) {
          this.log.warn(
            { channel: channel.name, error: (error as Error).message },
            "could not mirror maintenance windows as Alertmanager silences; trying again",
          );
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #syncChannel(
    channel: ChannelConfigOf<"alertmanager">,
    wanted: ReadonlyMap<string, Occurrence>,
  ): Promise<void> {
    const base = channel.url.replace(/\/+$/, "");
    const headers = {
      ...channel.headers,
      "Content-Type": "application/json",
      ...(channel.bearerToken ? { Authorization: `Bearer ${channel.bearerToken}` } : {}),
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(channel.timeout),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok)
        throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
      return text;
    };
    const existing = (JSON.parse(await call("GET", "/api/v2/silences")) as Silence[]).filter(
      (s) => s.status.state !== "expired" && s.comment.startsWith(MARK),
    );
    const have = new Set(existing.map((s) => s.comment));
    for (const [comment, o] of wanted) {
      if (!have.has(comment)) await call("POST", "/api/v2/silences", silenceOf(o));
    }
    for (const silence of existing) {
      if (!wanted.has(silence.comment)) await call("DELETE", `/api/v2/silence/${silence.id}`);
    }
  }
}
