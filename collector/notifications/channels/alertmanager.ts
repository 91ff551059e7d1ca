// The Alertmanager channel: each problem is an alert posted to Alertmanager's API v2
// (POST /api/v2/alerts, https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml)
// with the labels alertname, unit, category, check, severity (and incident, the problem's key,
// so a repeat after a crash is the same alert). While a problem is open its alert is sent again
// every resendInterval with endsAt four intervals ahead, so it never lapses between two sends;
// its end is sent with endsAt now. The firing alerts are kept in the database across restarts.
import type { ChannelConfigOf } from "../../../shared/config/notification-channels.js";
import type { Item } from "../model.js";
import { alertTexts } from "../templates/alerts.js";
import type { ChannelContext, ChannelDefinition } from "./channel.js";
import { outcomeOf, post } from "./http.js";

/** endsAt of a firing alert, in resend intervals from now. */
const AHEAD = 4;

const ALERT_NAMES: Record<Item["subject"], string> = {
  check: "GiamsatCheckIncident",
  link: "GiamsatLinkIncident",
  silence: "GiamsatAgentSilenceIncident",
  certificate: "GiamsatCertificateExpiring",
  buffer: "GiamsatAgentBufferDropping",
  disk: "GiamsatCollectorDiskFull",
  remote_write: "GiamsatCollectorRemoteWriteDropping",
};

/** An alert as kept while it fires: everything but endsAt. */
interface FiringAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  generatorURL?: string;
}

export function alertOf(item: Item, link: string | null, lang: "vi" | "en"): FiringAlert {
  const labels: Record<string, string> = { alertname: ALERT_NAMES[item.subject] };
  const named = {
    unit: item.unit,
    category: item.category,
    check: item.check,
    agent: item.agent,
    severity: item.severity,
    incident: item.key,
  };
  // Alertmanager takes no empty label values; a missing one is simply left out.
  for (const [name, value] of Object.entries(named)) if (value) labels[name] = value;
  return {
    labels,
    annotations: alertTexts(item, lang),
    startsAt: new Date(item.since).toISOString(),
    ...(link ? { generatorURL: link } : {}),
  };
}

export const alertmanagerChannel: ChannelDefinition<"alertmanager"> = {
  type: "alertmanager",
  addresses: () => [""],
  create(config: ChannelConfigOf<"alertmanager">, ctx: ChannelContext) {
    const url = `${config.url.replace(/\/+$/, "")}/api/v2/alerts`;
    const headers = {
      ...config.headers,
      "Content-Type": "application/json",
      ...(config.bearerToken ? { Authorization: `Bearer ${config.bearerToken}` } : {}),
    };
    const secrets = config.bearerToken ? [config.bearerToken] : [];
    const ahead = (now: number) => new Date(now + AHEAD * config.resendInterval).toISOString();
    let lastResend = Number.NEGATIVE_INFINITY;
    const postAlerts = (alerts: unknown[], signal: AbortSignal) =>
      post(url, JSON.stringify(alerts), { headers, timeoutMs: config.timeout, signal, secrets });

    return {
      async send({ message }, signal) {
        const now = ctx.clock();
        const alerts = message.items.map((item) => {
          const alert = alertOf(item, message.link, message.lang);
          const endsAt = item.state === "resolved" ? new Date(now).toISOString() : ahead(now);
          return { item, alert, endsAt };
        });
        const answer = await postAlerts(
          alerts.map(({ alert, endsAt }) => ({ ...alert, endsAt })),
          signal,
        );
        const outcome = "kind" in answer ? answer : outcomeOf(answer);
        if (outcome.kind === "sent") {
          for (const { item, alert } of alerts) {
            if (item.state === "resolved") ctx.state.delete(`alert:${item.key}`);
            else ctx.state.put(`alert:${item.key}`, alert);
          }
        }
        return outcome;
      },
      async tick(now, signal) {
        if (now - lastResend < config.resendInterval) return;
        lastResend = now;
        const firing = ctx.state.list<FiringAlert>("alert:");
        if (firing.length === 0) return;
        const endsAt = ahead(now);
        const answer = await postAlerts(
          firing.map(({ value }) => ({ ...value, endsAt })),
          signal,
        );
        const outcome = "kind" in answer ? answer : outcomeOf(answer);
        if (outcome.kind !== "sent") {
          ctx.log.warn(
            { error: outcome.error, alerts: firing.length },
            "could not send the firing alerts to Alertmanager again; trying at the next interval",
          );
        }
      },
      async close() {},
    };
  },
};
