// Schema of collector.yaml: where to listen, the SQLite file, the city's units, how long data is
// kept, when a failing check becomes an incident and who is told about it.
import { z } from "zod";
import { duration } from "../duration.js";
import { AGENT_NAME, CHECK_NAME } from "../protocol.js";
import { isLoopback, listenSchema } from "./address.js";
import { publicKeyText } from "./agent.js";
import { centralChecksSchema } from "./central-checks.js";
import { discoveryConfigSchema } from "./discovery.js";
import { maintenanceWindowSchema, unknownMaintenanceUnits } from "./maintenance.js";
import { httpUrl } from "./notification-channels.js";
import { addressFields, notificationsSchema, unknownNames } from "./notifications.js";
import { duplicateEndpointNames, remoteWriteSchema } from "./remote-write.js";

export const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const UNIT_KINDS = ["department", "district", "agency", "other"] as const;

const person = z.strictObject({
  name: z.string().min(1).max(200),
  title: z.string().max(200).optional(),
  phone: z.string().max(50).optional(),
  /** email, telegramChatId and zaloUserId: where notifications reach the person. */
  ...addressFields,
});

export const unitSchema = z
  .strictObject({
    id: z.string().regex(UNIT_ID, "must be lower-case letters, digits and '-' ([a-z0-9-]+)"),
    /** As leaders read it; the id when left out. */
    name: z.string().min(1).max(200).optional(),
    kind: z.enum(UNIT_KINDS).default("department"),
    /** The leader in charge of IT in the unit, as the directive requires. */
    leader: person.optional(),
    /** The unit's IT contact. */
    contact: person.optional(),
    /**
     * The check (by name, on each agent that has it) the unit's remote checks depend on unless
     * they name their own dependsOn: its gateway or its data-center link.
     */
    root: z.string().regex(CHECK_NAME, "must be a check's name").optional(),
    /** Checks every agent of the unit runs, pushed over the WebSocket (central checks). */
    checks: centralChecksSchema.optional(),
    /**
     * Checks one agent of the unit runs besides the unit's, by the name it enrolled with (one not
     * enrolled yet is kept and applies when it enrolls). It is sent both as one set.
     */
    agents: z
      .record(
        z
          .string()
          .regex(AGENT_NAME, "must be an agent's name: 1-64 letters, digits, '_', '.' or '-'"),
        z.strictObject({ checks: centralChecksSchema }),
      )
      .optional(),
    /** The networks the unit owns and how its agent may discover what is on them. */
    discovery: discoveryConfigSchema.optional(),
  })
  .superRefine((unit, ctx) => {
    const ofUnit = new Set((unit.checks ?? []).map((check) => check.name));
    for (const [agent, own] of Object.entries(unit.agents ?? {})) {
      own.checks.forEach((check, index) => {
        if (!ofUnit.has(check.name)) return;
        ctx.addIssue({
          code: "custom",
          path: ["agents", agent, "checks", index, "name"],
          message: `"${check.name}" is also in units (${unit.id}).checks: the agent runs both as one set; rename one`,
        });
      });
    }
  })
  .transform((unit) => ({ ...unit, name: unit.name ?? unit.id }));
export type UnitConfig = z.infer<typeof unitSchema>;

/**
 * How the printed inspection reports present themselves, in the administrative format: the place
 * in "Đà Nẵng, ngày 05 tháng 12 năm 2026", the body above the units (printed above each unit's
 * name), who issues and signs the city summary, and the recipients ("Nơi nhận"; the pages' own
 * list when none is given).
 */
export const reportsSchema = z.strictObject({
  place: z.string().max(100).default(""),
  authority: z.string().max(200).default(""),
  issuer: z.string().max(200).default(""),
  /** Printed only: a name and a title, no addresses (notifications go to units' people). */
  signer: z
    .strictObject({ name: z.string().min(1).max(200), title: z.string().max(200).optional() })
    .optional(),
  recipients: z.array(z.string().min(1).max(200)).min(1).max(8).optional(),
});
export type ReportsConfig = z.infer<typeof reportsSchema>;

const DAY = 86_400_000;
/** Retention periods may be written in years ("2y"); ten years is more than any plan needs. */
const retentionPeriod = () => duration({ min: DAY, max: 10 * 365 * DAY });

export const retentionSchema = z
  .strictObject({
    /** Raw samples, as agents sent them. */
    raw: retentionPeriod().prefault("7d"),
    /** 5-minute rollups. */
    fiveMinute: retentionPeriod().prefault("90d"),
    /** 1-hour rollups, daily availability and incidents. */
    hourly: retentionPeriod().prefault("2y"),
  })
  .superRefine((retention, ctx) => {
    // Rollups are computed from raw samples, and hourly ones from 5-minute ones: a coarser level
    // kept for less time than a finer one would leave holes the finer one cannot fill.
    if (retention.fiveMinute < retention.raw) {
      ctx.addIssue({ code: "custom", path: ["fiveMinute"], message: "must be at least raw" });
    }
    if (retention.hourly < retention.fiveMinute) {
      ctx.addIssue({ code: "custom", path: ["hourly"], message: "must be at least fiveMinute" });
    }
  });
export type RetentionConfig = z.infer<typeof retentionSchema>;

export const incidentsSchema = z.strictObject({
  /** Consecutive failed results that open an incident (1 = the first failure does). */
  openAfter: z.number().int().min(1).max(100).default(2),
  /** Consecutive good results that close it. */
  closeAfter: z.number().int().min(1).max(100).default(2),
  /** Nothing received from an agent for this long is an incident of its own. */
  silentAfter: duration({ min: 10_000 }).prefault("5m"),
});
export type IncidentsConfig = z.infer<typeof incidentsSchema>;

export const collectorConfigSchema = z
  .strictObject({
    listen: listenSchema.prefault("127.0.0.1:8080"),
    database: z.string().min(1).default("./data/collector.db"),
    units: z.array(unitSchema).default([]),
    /** PEM files (relative to the config file); with them the collector serves HTTPS and WSS. */
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    web: z
      .strictObject({
        /** false turns off logins; allowed only while listening on loopback. */
        auth: z.boolean().default(true),
        /** How long a login lasts. */
        session: duration({ min: 60_000, max: 30 * 86_400_000 }).prefault("12h"),
        /**
         * The address people reach the collector at (behind a proxy or not): the base of every
         * link in a notification. Without it, messages carry no links.
         */
        publicUrl: httpUrl("https://giamsat.danang.gov.vn").optional(),
      })
      .prefault({}),
    /** Limits on what one address or one agent may cost the collector; generous by default. */
    limits: z
      .strictObject({
        /** Refused agent tokens per remote address; past it the upgrade is answered 429. */
        badTokensPerMinute: z.number().int().min(1).max(1_000_000).default(30),
        /** Failed logins per remote address; past it POST /login is answered 429. */
        loginFailuresPerMinute: z.number().int().min(1).max(1_000_000).default(10),
        /** Refused enrollment codes per remote address; past it POST /agent/enroll is answered 429. */
        enrollFailuresPerMinute: z.number().int().min(1).max(1_000_000).default(10),
        /**
         * Messages per agent connection; a faster agent is read more slowly. An agent draining
         * its backlog over a fast link sends a few hundred small batches a second.
         */
        agentMessagesPerSecond: z.number().int().min(1).max(1_000_000).default(500),
        /**
         * Series one agent may have; new ones past it are refused. The largest agent measured (a
         * 48-port switch and its host, docs/developers/performance.md) has 313.
         */
        seriesPerAgent: z.number().int().min(1).max(10_000_000).default(5000),
        /**
         * Series of all agents together: each costs the collector 2 to 5.5 KiB of memory, so this
         * bounds it. A city of 1,000 agents has about 100,000.
         */
        seriesPerCollector: z.number().int().min(1).max(100_000_000).default(250_000),
      })
      .prefault({}),
    health: z
      .strictObject({
        /** Below this much free space on the database's filesystem, /healthz answers 503. */
        minFreeMegabytes: z.number().int().min(0).max(10_000_000).default(512),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** When set, /metrics requires "Authorization: Bearer <token>". */
        token: z.string().min(16).optional(),
        /** Series of an agent silent for longer than this leave /metrics. */
        staleness: duration({ min: 10_000 }).prefault("10m"),
      })
      .prefault({}),
    /** Prometheus remote_write endpoints every stored sample is forwarded to. */
    remoteWrite: z.array(remoteWriteSchema).default([]),
    retention: retentionSchema.prefault({}),
    incidents: incidentsSchema.prefault({}),
    reports: reportsSchema.prefault({}),
    notifications: notificationsSchema.prefault({}),
    /** Agent packages served to agents, and the version each unit's agents should run. */
    upgrades: z
      .strictObject({
        /** Where the packages are (giamsat-agent-<version>-<platform>-<arch>.tar.gz with .sha256 and .sig). */
        folder: z.string().min(1),
        /** The city's public key (PEM text or base64); a package its private key did not sign is not offered. */
        publicKey: publicKeyText,
        /** The version every agent should run; none: agents are not upgraded unless their unit names one. */
        target: z.string().max(64).optional(),
        /** A unit's own target, by unit id, in place of `target`. */
        units: z.record(z.string().regex(UNIT_ID), z.string().max(64)).default({}),
      })
      .optional(),
    /** Planned maintenance windows: their time is not downtime, and what fails then is not announced. */
    maintenance: z.array(maintenanceWindowSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.units.forEach((unit, index) => {
      if (seen.has(unit.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["units", index, "id"],
          message: `duplicate unit id "${unit.id}"`,
        });
      }
      seen.add(unit.id);
    });
    for (const issue of duplicateEndpointNames(config.remoteWrite)) {
      ctx.addIssue({ code: "custom", ...issue });
    }
    for (const issue of unknownMaintenanceUnits(config.maintenance, seen)) {
      ctx.addIssue({ code: "custom", ...issue });
    }
    for (const issue of unknownNames(config.notifications, seen)) {
      ctx.addIssue({ code: "custom", ...issue });
    }
    for (const unit of Object.keys(config.upgrades?.units ?? {})) {
      if (!seen.has(unit)) {
        ctx.addIssue({
          code: "custom",
          path: ["upgrades", "units", unit],
          message: `"${unit}" is not a unit of units[]`,
        });
      }
    }
    if (!config.web.auth && !isLoopback(config.listen.host)) {
      ctx.addIssue({
        code: "custom",
        path: ["web", "auth"],
        message: `false is allowed only while listening on loopback, not on ${config.listen.host}`,
      });
    }
  });
export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
