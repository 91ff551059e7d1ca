#!/usr/bin/env node
// giamsat-collector: serve, enroll, revoke and rotate agents, enrollment codes, users, export samples,
// test a notification channel, install as a service.
import { parseApiTime } from "../../shared/api-query.js";
import { parseCommand, requireOption, runMain, untilSignal } from "../../shared/cli.js";
import { parseDuration } from "../../shared/duration.js";
import { ConfigError, errorMessage } from "../../shared/errors.js";
import { createLogger, type Logger } from "../../shared/log.js";
import { AGENT_PATH } from "../../shared/protocol.js";
import { AgentStore } from "../agents/registry.js";
import { cliActor, recordAudit } from "../auth/audit.js";
import { type CollectorOptions, startCollector } from "../collector.js";
import { loadCollectorConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { syncUnits } from "../inspection/units.js";
import { agentUrl, agentYaml, certificatePin } from "./enrollment.js";
import { CODE_HELP, enrollCodeCommand } from "./enrollment-codes.js";
import { type ExportFilter, exportSamples, parseTime } from "./export.js";
import { INSTALL_HELP } from "./install.js";
import { NOTIFY_HELP, notifyCommand } from "./notify.js";
import { PACKAGES_HELP, packageKeyCommand, signPackageCommand } from "./packages.js";
import { USER_HELP, userCommand } from "./users.js";

const HELP = `giamsat-collector: stores what giamsat agents report and serves it to Prometheus and people.

Usage:
  giamsat-collector serve  --config collector.yaml
  giamsat-collector enroll --config collector.yaml --unit ID --name AGENT [--url ws://host:port/agent]
  giamsat-collector revoke --config collector.yaml --unit ID --name AGENT
  giamsat-collector rotate --config collector.yaml --unit ID --name AGENT [--grace 24h] [--url URL]
${CODE_HELP}
${USER_HELP}
${INSTALL_HELP}
  giamsat-collector export --config collector.yaml [--unit ID] [--agent NAME] [--metric NAME]
                           [--from TIME] [--to TIME]
${NOTIFY_HELP}
${PACKAGES_HELP}

  serve    run the collector (HTTP, /metrics, agents' WebSockets on ${AGENT_PATH})
  enroll   create an agent; prints its token once, inside a ready agent.yaml, on standard output
  revoke   revoke an agent's token; a connected agent is disconnected within a second
  rotate   issue a new token (printed once, inside a ready agent.yaml); the old one keeps working
           for --grace (default 24h, 0 ends it now), then its connection is closed
  enroll-code
           a code with which agents of --unit enroll themselves (giamsat-agent install --code):
           at most --uses agents (default 1), until --expires (default 7d, at most 90d); printed
           once on standard output. list shows the codes (id, unit, used/uses, expiry, state,
           made by); revoke --id stops a code from enrolling more agents (those it enrolled stay)
  user     people who may use the web pages; roles: city (read all), unit (read and sign off
           one unit, --unit), operator (read all, agents), admin (everything); the password is
           read from standard input (its first line)
  install  as root: the collector as a systemd service: a system user, /etc/giamsat/collector.yaml
           (mode 0600; --config copies that file, its tls files beside it, database moved to
           /var/lib/giamsat-collector; without it a starting file), a unit, enabled and started.
           uninstall stops and removes the service; config and database stay unless --purge.
           --root DIR: a system in DIR instead of this one
  export   write stored raw samples as NDJSON on standard output, one
           {"metric","labels","ts","value"} a line (ts in ms); TIME is 2026-11-01,
           2026-11-01T08:00:00+07:00 or milliseconds; --from is inclusive, --to exclusive
  notify   test sends a test message through the channel --channel to the unit's IT contact
           (--unit) or to notifications.operators, and prints the receiver's answer (exit 1 when
           it was not sent)
  package-key
           the city's Ed25519 key pair for agent packages: NAME.pem (private, mode 0600) and
           NAME.pub.pem (public: upgrades.publicKey of collector.yaml and agent.yaml)
  sign-package
           writes FILE.sha256 and FILE.sig (the signature of the private key --key) beside an
           agent package, which the collector then offers to agents (upgrades.folder)

Exit codes: 0 success, 2 bad config or usage, 1 anything else.
`;

const common = { config: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  switch (command) {
    case "serve": {
      const { values } = parseCommand(rest, common);
      if (values.help) return help();
      const config = loadCollectorConfig(requireOption(values, "config"));
      const log = createLogger("giamsat-collector");
      const collector = await startCollector(config, log, scheduleOptions(log));
      // SIGHUP: read the TLS certificate and key again, e.g. after a renewal, and the units: their
      // central checks, which reach the running agents, their discovery networks and schedules, and
      // the upgrades' targets, offered to the agents.
      const file = requireOption(values, "config");
      const reload = () => {
        if (config.tls) collector.reloadTls();
        try {
          const next = loadCollectorConfig(file);
          collector.reloadCentralChecks(next.units);
          collector.reloadUpgrades(next.upgrades);
        } catch (error) {
          log.error(
            { file, err: errorMessage(error) },
            "SIGHUP: units not reloaded: collector.yaml has a mistake (err says which); agents keep the checks they had, discovery its networks and schedules, and upgrades their targets",
          );
        }
      };
      process.on("SIGHUP", reload);
      const signal = await untilSignal();
      process.off("SIGHUP", reload);
      log.info({ signal }, "stopping");
      await collector.close();
      return 0;
    }
    case "enroll": {
      const { values } = parseCommand(rest, {
        ...common,
        unit: { type: "string" },
        name: { type: "string" },
        url: { type: "string" },
      });
      if (values.help) return help();
      const config = loadCollectorConfig(requireOption(values, "config"), process.env, {
        for: "database",
      });
      const unit = requireOption(values, "unit");
      const name = requireOption(values, "name");
      const db = openDatabase(config.database);
      try {
        syncUnits(db, config.units, Date.now());
        const { token } = new AgentStore(db).enroll(unit, name, Date.now());
        recordAudit(db, { actor: cliActor(), action: "enroll", unit, target: name }, Date.now());
        const url = values.url ?? agentUrl(config);
        process.stderr.write(
          `Enrolled agent "${name}" in unit "${unit}". Its token is shown only now, in the agent.yaml below.\n`,
        );
        process.stdout.write(agentYaml(url, token, { pin: certificatePin(config) }));
      } finally {
        db.close();
      }
      return 0;
    }
    case "revoke": {
      const { values } = parseCommand(rest, {
        ...common,
        unit: { type: "string" },
        name: { type: "string" },
      });
      if (values.help) return help();
      const config = loadCollectorConfig(requireOption(values, "config"), process.env, {
        for: "database",
      });
      const unit = requireOption(values, "unit");
      const name = requireOption(values, "name");
      const db = openDatabase(config.database);
      try {
        if (!new AgentStore(db).revoke(unit, name, Date.now())) {
          throw new ConfigError(`no active agent "${name}" in unit "${unit}"`);
        }
        recordAudit(db, { actor: cliActor(), action: "revoke", unit, target: name }, Date.now());
      } finally {
        db.close();
      }
      process.stderr.write(`Revoked agent "${name}" of unit "${unit}".\n`);
      return 0;
    }
    case "rotate": {
      const { values } = parseCommand(rest, {
        ...common,
        unit: { type: "string" },
        name: { type: "string" },
        grace: { type: "string" },
        url: { type: "string" },
      });
      if (values.help) return help();
      const config = loadCollectorConfig(requireOption(values, "config"), process.env, {
        for: "database",
      });
      const unit = requireOption(values, "unit");
      const name = requireOption(values, "name");
      const graceText = values.grace ?? "24h";
      const grace = graceText === "0" ? 0 : parseDuration(graceText);
      if (grace === undefined || grace > 366 * 86_400_000) {
        throw new ConfigError(
          `--grace: "${graceText}" is not a duration (write e.g. 0, 1h, 24h, 7d)`,
        );
      }
      const db = openDatabase(config.database);
      try {
        const token = new AgentStore(db).rotate(unit, name, grace, Date.now());
        const until = new Date(Date.now() + grace).toISOString();
        recordAudit(
          db,
          {
            actor: cliActor(),
            action: "rotate",
            unit,
            target: name,
            detail: { graceUntil: until },
          },
          Date.now(),
        );
        process.stderr.write(
          `New token for agent "${name}" of unit "${unit}", shown only now in the agent.yaml below; the old one works until ${until}.\n`,
        );
        process.stdout.write(
          agentYaml(values.url ?? agentUrl(config), token, { pin: certificatePin(config) }),
        );
      } finally {
        db.close();
      }
      return 0;
    }
    case "user":
      return userCommand(rest, help);
    case "enroll-code":
      return enrollCodeCommand(rest, help);
    case "install":
    case "uninstall": {
      const { values } = parseCommand(rest, {
        ...common,
        root: { type: "string" },
        purge: { type: "boolean" },
      });
      if (values.help) return help();
      const { installCollector, uninstallCollector } = await import("./install.js");
      const say = (line: string) => process.stderr.write(`${line}\n`);
      if (command === "install") {
        if (values.purge) throw new ConfigError("--purge applies to uninstall only");
        installCollector(values, say);
      } else {
        if (values.config) throw new ConfigError("--config applies to install only");
        uninstallCollector({ purge: values.purge === true, root: values.root }, say);
      }
      return 0;
    }
    case "notify":
      return notifyCommand(rest, help);
    case "package-key":
      return packageKeyCommand(rest, help);
    case "sign-package":
      return signPackageCommand(rest, help);
    case "export": {
      const { values } = parseCommand(rest, {
        ...common,
        unit: { type: "string" },
        agent: { type: "string" },
        metric: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
      });
      if (values.help) return help();
      const config = loadCollectorConfig(requireOption(values, "config"), process.env, {
        for: "database",
      });
      const filter: ExportFilter = {};
      if (values.unit !== undefined) filter.unit = values.unit;
      if (values.agent !== undefined) filter.agent = values.agent;
      if (values.metric !== undefined) filter.metric = values.metric;
      if (values.from !== undefined) filter.from = parseTime("from", values.from);
      if (values.to !== undefined) filter.to = parseTime("to", values.to);
      const db = openDatabase(config.database, { readonly: true });
      try {
        const count = await exportSamples(db, filter, process.stdout);
        process.stderr.write(`exported ${count} samples\n`);
      } finally {
        db.close();
      }
      return 0;
    }
    default:
      throw new ConfigError(`unknown command "${command}" (see --help)`);
  }
}

/**
 * For tests only: GIAMSAT_TEST_SCHEDULE_AT (a time, e.g. 2027-01-01T08:00:00+07:00) makes the
 * monthly summaries' and the discovery schedules believe the collector started then, the clock
 * running on from there.
 */
function scheduleOptions(log: Logger): CollectorOptions {
  const text = process.env.GIAMSAT_TEST_SCHEDULE_AT;
  if (text === undefined) return {};
  const at = parseApiTime(text);
  if (at === undefined) throw new ConfigError(`GIAMSAT_TEST_SCHEDULE_AT: "${text}" is not a time`);
  const offset = at - Date.now();
  log.warn(
    { at: new Date(at).toISOString() },
    "GIAMSAT_TEST_SCHEDULE_AT: summaries and discovery schedules run on a test clock",
  );
  return { scheduleClock: () => Date.now() + offset };
}

function help(): number {
  process.stdout.write(HELP);
  return 0;
}

runMain(() => main(process.argv.slice(2)));
