// `giamsat-collector notify test`: sends a test message through one channel, straight away (not
// through the queue), to the unit's IT contact (--unit) or to the city's operators, and prints
// what the receiver answered. A channel with one destination of its own (a webhook, a group
// chat, Alertmanager) gets one message. Recorded in the audit log.
import { randomBytes } from "node:crypto";
import { asksForHelp, parseCommand, requireOption } from "../../shared/cli.js";
import type { NotifiedPerson } from "../../shared/config/notifications.js";
import { ConfigError } from "../../shared/errors.js";
import { createLogger } from "../../shared/log.js";
import { cliActor, recordAudit } from "../auth/audit.js";
import { loadCollectorConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { escapeHtml } from "../http/pages/html.js";
import { syncUnits } from "../inspection/units.js";
import { addressesOn, createChannel } from "../notifications/channels/index.js";
import { channelState } from "../notifications/channels/state.js";
import type { Item, OutgoingMessage } from "../notifications/model.js";
import { WORDS } from "../notifications/templates/render.js";

export const NOTIFY_HELP = `  giamsat-collector notify test --config collector.yaml --channel NAME [--unit ID]`;

const options = {
  config: { type: "string" },
  channel: { type: "string" },
  unit: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The test message: one item that is already over (Alertmanager shows it resolved). */
function testMessage(channel: string, unit: { id: string; name: string } | null, now: number) {
  const words = WORDS.vi;
  const item: Item = {
    key: `test-${now}`,
    eventKeys: [`test-${now}.resolved`],
    subject: "check",
    state: "resolved",
    severity: "warning",
    unit: unit?.id ?? null,
    category: null,
    check: "giamsat-test",
    agent: null,
    reason: null,
    message: null,
    since: now,
    until: now,
    detail: {},
    affected: [],
  };
  const dedupeKey = `gs-test-${randomBytes(8).toString("hex")}`;
  const body = words.testBody(channel);
  const message: OutgoingMessage = {
    v: 1,
    kind: "test",
    dedupeKey,
    lang: "vi",
    unit,
    link: null,
    subject: `${words.prefix} ${unit?.name ?? words.subject.collector}: ${words.subject.test}`,
    text: `${body}\n\n${words.footer(dedupeKey)}\n`,
    html: `<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body><p>${escapeHtml(body)}</p></body></html>`,
    short: body,
    items: [item],
    attachments: [],
    createdAt: now,
  };
  return message;
}

export async function notifyCommand(args: string[], help: () => number): Promise<number> {
  const [sub, ...rest] = args;
  if (asksForHelp(sub)) return help();
  const { values } = parseCommand(rest, options);
  if (values.help) return help();
  if (sub !== "test") throw new ConfigError(`unknown command "notify ${sub}" (see --help)`);
  const config = loadCollectorConfig(requireOption(values, "config"));
  const name = requireOption(values, "channel");
  const channelConfig = config.notifications.channels.find((c) => c.name === name);
  if (!channelConfig) {
    const known = config.notifications.channels.map((c) => c.name).join(", ") || "none";
    throw new ConfigError(`--channel: no channel "${name}" in notifications.channels (${known})`);
  }
  let people: NotifiedPerson[] = config.notifications.operators;
  let unit: { id: string; name: string } | null = null;
  if (values.unit !== undefined) {
    const found = config.units.find((u) => u.id === values.unit);
    if (!found) throw new ConfigError(`--unit: no unit "${values.unit}" in units`);
    unit = { id: found.id, name: found.name };
    people = found.contact ? [found.contact] : [];
  }
  const addresses = [...new Set(addressesOn(channelConfig, people))];
  if (addresses.length === 0) {
    const who = unit ? `unit "${unit.id}"'s contact` : "notifications.operators";
    throw new ConfigError(`${who} has no address for channel "${name}" (${channelConfig.type})`);
  }
  const db = openDatabase(config.database);
  const log = createLogger("giamsat-collector");
  const channel = createChannel(channelConfig, {
    log: log.child({ channel: name }),
    state: channelState(db, name, Date.now),
    clock: Date.now,
  });
  let failed = 0;
  try {
    syncUnits(db, config.units, Date.now());
    for (const address of addresses) {
      const message = testMessage(name, unit, Date.now());
      const outcome = await channel.send(
        { id: 0, channel: name, address, message },
        new AbortController().signal,
      );
      const to = address ? `${name} ${address}` : name;
      if (outcome.kind === "sent") {
        process.stdout.write(`${to}: sent (${outcome.answer})\n`);
      } else {
        failed++;
        process.stdout.write(`${to}: not sent: ${outcome.error}\n`);
      }
      recordAudit(
        db,
        {
          actor: cliActor(),
          action: "notify.test",
          unit: unit?.id,
          target: to,
          detail: {
            dedupeKey: message.dedupeKey,
            outcome: outcome.kind === "sent" ? "sent" : "failed",
            ...(outcome.kind === "sent" ? { answer: outcome.answer } : { error: outcome.error }),
          },
        },
        Date.now(),
      );
    }
  } finally {
    await channel.close();
    db.close();
  }
  return failed > 0 ? 1 : 0;
}
