// Wire protocol v1 between agent and collector: JSON text frames over one WebSocket.
import { z } from "zod";
import { CATEGORIES } from "./categories.js";
import { discoveredDeviceSchema, discoveryRequestSchema } from "./discovery.js";
import { labelNameProblem, METRIC_NAME } from "./metric-names.js";

export const PROTOCOL_VERSION = 1;
/** Largest frame either side accepts; the collector closes with 1009 past it. */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const AGENT_PATH = "/agent";

/** Why a check is down: a small fixed set, so it can be counted, translated and alerted on. */
export const REASONS = [
  "timeout",
  "refused",
  "unreachable",
  "dns",
  "tls",
  "status",
  "content",
  "auth",
  "not_found",
  "protocol",
  "error",
] as const;
export type Reason = (typeof REASONS)[number];

/** Milliseconds since the epoch, between 2000 and 2200: anything else is a broken clock or a bug. */
export const MIN_TS = 946_684_800_000;
export const MAX_TS = 7_258_118_400_000;
const timestamp = z.number().int().min(MIN_TS).max(MAX_TS);
/**
 * How far ahead of the collector's clock a result's or sample's timestamp may be, once the batch is
 * corrected for the agent's clock (judged by its sentAt); anything further ahead is refused.
 */
export const MAX_AHEAD_MS = 120_000;
export const MAX_LABELS = 16;
export const MAX_LABEL_VALUE = 256;
export const MAX_METRIC_NAME = 128;
/**
 * Characters of one sample's label names and values together: every series keeps its labels in
 * memory, so this and the series caps bound the collector's memory. A probe's longest (an SNMP
 * interface's or a mount's name with the check's labels) is under 400.
 */
export const MAX_SERIES_LABEL_CHARS = 512;
export const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** An agent's name in its unit, as enrolled (giamsat-collector enroll --name, or its hostname). */
export const AGENT_NAME = CHECK_NAME;
const checkName = z.string().regex(CHECK_NAME, "must be 1-64 letters, digits, '_', '.' or '-'");
/** A check's display title (agent.yaml `title`), at most this long. */
export const MAX_TITLE = 200;
/** Titles one hello may carry: more checks than any agent runs. */
export const MAX_TITLES = 2000;
const kind = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

const labels = z
  .unknown()
  .superRefine((value, ctx) => {
    // A record schema passes over a "__proto__" key (it guards against prototype pollution), so
    // that label, reserved like every name beginning with __, is looked for here.
    if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
      const message = labelNameProblem("__proto__") as string;
      ctx.addIssue({ code: "custom", path: ["__proto__"], message });
    }
  })
  .pipe(
    z
      .record(
        z.string().superRefine((name, ctx) => {
          const problem = labelNameProblem(name);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
        z.string().max(MAX_LABEL_VALUE),
      )
      .refine((value) => Object.keys(value).length <= MAX_LABELS, {
        message: `at most ${MAX_LABELS} labels`,
      }),
  );

export const resultSchema = z.strictObject({
  check: checkName,
  category: z.enum(CATEGORIES),
  kind,
  ts: timestamp,
  up: z.boolean(),
  reason: z.enum(REASONS).optional(),
  message: z.string().max(512).optional(),
  /** Seconds the run took. */
  duration: z.number().min(0).max(86_400),
  /** The checks of the same agent this one depends on (agent.yaml's dependsOn). */
  dependsOn: z.array(checkName).min(1).max(16).optional(),
});
export type CheckResult = z.infer<typeof resultSchema>;

export const sampleSchema = z.strictObject({
  metric: z.string().max(MAX_METRIC_NAME).regex(METRIC_NAME).startsWith("giamsat_"),
  labels: labels,
  ts: timestamp,
  value: z.number(),
});
export type Sample = z.infer<typeof sampleSchema>;

export const inventorySchema = z.strictObject({
  check: checkName,
  kind,
  ts: timestamp,
  data: z.record(z.string().max(64), z.unknown()),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const helloSchema = z.strictObject({
  type: z.literal("hello"),
  v: z.number().int(),
  agentVersion: z.string().max(64),
  hostname: z.string().max(255),
  os: z.string().max(255),
  bootId: z.string().max(64),
  /**
   * The display titles of the agent's checks, by check name: optional, so older agents still say
   * hello; when present it replaces the titles the collector kept for this agent.
   */
  titles: z
    .record(checkName, z.string().min(1).max(MAX_TITLE))
    .refine((titles) => Object.keys(titles).length <= MAX_TITLES, {
      message: `at most ${MAX_TITLES} titles`,
    })
    .optional(),
  /**
   * What this agent understands beyond version 1 (AGENT_FEATURES): the collector sends a feature's
   * messages only to agents that name it, so older agents never see them.
   */
  features: z.array(z.string().max(32)).max(16).optional(),
  /** Node.js version the agent runs on, e.g. "v24.2.0" (the fleet view). */
  node: z.string().max(32).optional(),
  /** When the agent process started, ms since the epoch (the fleet view's uptime). */
  startedAt: timestamp.optional(),
  /** Where the agent runs, as packages are named: `process.platform-process.arch` ("linux-x64"). */
  platform: z
    .string()
    .regex(/^[a-z0-9]+-[a-z0-9]+$/)
    .max(32)
    .optional(),
});
export type Hello = z.infer<typeof helloSchema>;

/** The feature an agent names in its hello when it takes checks from the collector. */
export const CENTRAL_CONFIG = "central-config";
/** The feature an agent names in its hello when it runs discovery of its unit's LAN. */
export const DISCOVERY = "discovery";
/** The feature an agent names in its hello when it installs packages the collector serves. */
export const UPGRADE = "upgrade";
/** Features this agent announces in its hello. */
export const AGENT_FEATURES = [CENTRAL_CONFIG, DISCOVERY, UPGRADE] as const;
/** Central checks one config message may carry, at most. */
export const MAX_CENTRAL_CHECKS = 500;

/**
 * The agent's answer to a `config` message: applied (it runs those checks now) or refused (it goes
 * on with what it ran before), with the reasons in the words of its config errors.
 */
export const configResultSchema = z.strictObject({
  type: z.literal("config_result"),
  v: z.number().int(),
  hash: z.string().max(128),
  state: z.enum(["applied", "refused"]),
  errors: z.array(z.string().max(1000)).max(50).optional(),
});
export type ConfigResult = z.infer<typeof configResultSchema>;

/** A discovery run's report, sent while it runs (progress) and once at its end (the devices). */
export const discoveryReportSchema = z.strictObject({
  type: z.literal("discovery"),
  id: z.number().int().positive(),
  state: z.enum(["running", "done", "failed"]),
  progress: z.strictObject({ swept: z.number().int().min(0), total: z.number().int().min(0) }),
  devices: z.array(discoveredDeviceSchema).max(2048).optional(),
  /** Why a failed run failed, in words; never a credential. */
  error: z.string().max(1024).optional(),
});
export type DiscoveryReport = z.infer<typeof discoveryReportSchema>;

/** The collector asks for a discovery run (only of an agent whose hello announced "discovery"). */
export const discoverSchema = discoveryRequestSchema.extend({ type: z.literal("discover") });
export type Discover = z.infer<typeof discoverSchema>;

/** The steps of an upgrade the agent reports, in the order they happen. */
export const UPGRADE_STATES = [
  "downloading",
  "verified",
  "refused",
  "installing",
  "restarted",
  "confirmed",
  "rolled_back",
] as const;
export type UpgradeState = (typeof UPGRADE_STATES)[number];

/** A step of an upgrade (see `upgrade`), as the agent reached it; `reason` for refused and rolled_back. */
export const upgradeStatusSchema = z.strictObject({
  type: z.literal("upgrade_status"),
  /** The version being installed (or refused, or rolled back from). */
  version: z.string().max(64),
  state: z.enum(UPGRADE_STATES),
  reason: z.string().max(1024).optional(),
});
export type UpgradeStatus = z.infer<typeof upgradeStatusSchema>;

export const batchSchema = z.strictObject({
  type: z.literal("batch"),
  v: z.number().int(),
  /** Increases per agent, never reused, also across agent restarts. */
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  sentAt: timestamp,
  results: z.array(resultSchema).max(10_000),
  samples: z.array(sampleSchema).max(50_000),
  inventory: z.array(inventorySchema).max(64).optional(),
});
export type Batch = z.infer<typeof batchSchema>;

/**
 * The batch as ingest parses it: samples are checked by `checkSample` (shared/sample-check.ts),
 * which accepts exactly what `sampleSchema` accepts but is several times faster on the hot path.
 */
export const batchEnvelopeSchema = batchSchema.extend({
  samples: z.array(z.unknown()).max(50_000),
});

export const agentMessageSchema = z.discriminatedUnion("type", [
  helloSchema,
  batchSchema,
  configResultSchema,
  discoveryReportSchema,
  upgradeStatusSchema,
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;

export const welcomeSchema = z.strictObject({
  type: z.literal("welcome"),
  v: z.number().int(),
  agent: z.string(),
  unit: z.string(),
  serverTime: timestamp,
  /** Highest seq the collector has stored for this agent; the agent numbers new batches above it. */
  lastSeq: z.number().int().min(0),
});
export type Welcome = z.infer<typeof welcomeSchema>;

export const ackSchema = z.strictObject({
  type: z.literal("ack"),
  seq: z.number().int().positive(),
});
export type Ack = z.infer<typeof ackSchema>;

export const errorMessageSchema = z.strictObject({
  type: z.literal("error"),
  code: z.string(),
  message: z.string(),
  /** The batch the error is about, when it is about one. */
  seq: z.number().int().optional(),
});
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

/**
 * Why the collector refused some samples of a batch it otherwise stored. The agent drops them
 * (they would be refused again) and counts them.
 */
export const REFUSAL_REASONS = [
  /** A giamsat_ name that is neither in the metric table nor a check's extra metric. */
  "unknown_metric",
  /** A label the metric does not declare, or too many labels on a check's extra metric. */
  "undeclared_label",
  /** Label names and values together longer than MAX_SERIES_LABEL_CHARS. */
  "labels_too_long",
  /** A timestamp more than MAX_AHEAD_MS ahead of the collector's clock. */
  "future_timestamp",
  /** A new series of an agent at limits.seriesPerAgent. */
  "agent_series_limit",
  /** A new series while the collector is at limits.seriesPerCollector. */
  "collector_series_limit",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Sent before the ack of a batch some of whose samples were refused; the rest is stored. */
export const refusedSchema = z.strictObject({
  type: z.literal("refused"),
  seq: z.number().int().positive(),
  /**
   * Samples refused, by reason; a check result counts as two (its giamsat_check_up and
   * giamsat_check_duration_seconds). Any reason is taken, so a newer collector's are counted too.
   */
  samples: z.record(z.string(), z.number().int().min(0)),
  /** The first refused sample or result and why, for the agent's log. */
  message: z.string(),
});
export type Refused = z.infer<typeof refusedSchema>;

/**
 * The checks the collector holds for this agent (its unit's central checks), sent after the welcome
 * to an agent whose hello named CENTRAL_CONFIG and again whenever they change. Each check is as an
 * agent.yaml check is written; the agent validates them with its own schema and answers with a
 * `config_result`. `hash` names this set of checks.
 */
export const configMessageSchema = z.strictObject({
  type: z.literal("config"),
  v: z.number().int(),
  hash: z.string().max(128),
  checks: z.array(z.record(z.string(), z.unknown())).max(MAX_CENTRAL_CHECKS),
});
export type ConfigMessage = z.infer<typeof configMessageSchema>;

/**
 * A package the agent should run instead of its own version (only to a hello naming UPGRADE). It is
 * downloaded from the collector the agent is connected to, GET /agent/packages/<file> with the
 * agent's token, and installed only if its size, SHA-256 and Ed25519 signature (base64, made with
 * the city's key over the file's bytes) match.
 */
export const upgradeSchema = z.strictObject({
  type: z.literal("upgrade"),
  version: z.string().max(64),
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
  signature: z.string().max(200),
});
export type Upgrade = z.infer<typeof upgradeSchema>;

export const collectorMessageSchema = z.discriminatedUnion("type", [
  welcomeSchema,
  configMessageSchema,
  ackSchema,
  refusedSchema,
  errorMessageSchema,
  discoverSchema,
  upgradeSchema,
]);
export type CollectorMessage = z.infer<typeof collectorMessageSchema>;
