// Schema of agent.yaml apart from the checks, and the fields every check shares.
// The union of check kinds is built in agent/config.ts from the probe table.
import { z } from "zod";
import { readPublicKey } from "../agent-package.js";
import { CATEGORIES } from "../categories.js";
import { duration } from "../duration.js";
import { CHECK_NAME, MAX_TITLE } from "../protocol.js";

/** Parents a check may name in dependsOn. */
export const MAX_PARENTS = 16;

/** Fields every check has; each probe adds its own next to these. */
export const checkBaseShape = {
  name: z.string().regex(CHECK_NAME, "must be 1-64 letters, digits, '_', '.' or '-'"),
  /** What leaders read instead of the name, e.g. "Cổng dịch vụ công"; sent with the hello. */
  title: z.string().trim().min(1).max(MAX_TITLE).optional(),
  category: z.enum(CATEGORIES),
  interval: duration({ min: 1000 }).prefault("60s"),
  timeout: duration({ min: 100, max: 600_000 }).prefault("10s"),
  /**
   * Checks of this agent this one depends on (its gateway, its data-center link): while one of
   * them is down, this one failing opens no incident of its own.
   */
  dependsOn: z
    .array(z.string().regex(CHECK_NAME, "must be the name of a check of this agent"))
    .min(1)
    .max(MAX_PARENTS)
    .optional(),
};

export interface CheckBase {
  name: string;
  title?: string | undefined;
  category: (typeof CATEGORIES)[number];
  kind: string;
  /** Milliseconds between runs. */
  interval: number;
  /** Milliseconds a run may take before it is stopped and reported as a timeout. */
  timeout: number;
  dependsOn?: string[] | undefined;
}

const collectorUrl = z.url({ protocol: /^wss?$/, error: "must be a ws:// or wss:// URL" });

export const bufferSchema = z
  .strictObject({
    path: z.string().min(1).default("./data/agent-buffer.db"),
    maxMegabytes: z.number().positive().max(1_000_000).default(256),
    /** While the buffer's disk takes no writes (full), results are held in memory up to this. */
    memoryMegabytes: z.number().positive().max(4096).default(16),
    /** After an outage, older data drains at most this fast (samples per second). */
    backfillPerSecond: z.number().int().min(10).max(1_000_000).default(2000),
  })
  .prefault({});

const PIN_MESSAGE =
  "must be a SHA-256 fingerprint: 64 hex digits (colons allowed) or 44 base64 characters";

/**
 * The SHA-256 fingerprint of a certificate (its DER bytes), as `openssl x509 -noout -fingerprint
 * -sha256` prints it (hex, colons optional) or as base64; undefined when it is neither.
 */
export function parsePin(text: string): string | undefined {
  const trimmed = text.trim();
  const hex = trimmed.replace(/^sha256\s*(?:fingerprint)?\s*[=:/]?\s*/i, "").replace(/:/g, "");
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return hex.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 32 ? bytes.toString("hex") : undefined;
}

/** One fingerprint or a list (e.g. the old and the new certificate while it is replaced). */
const certificatePins = z
  .union([z.string(), z.array(z.string()).min(1).max(8)])
  .transform((value, ctx) => {
    const pins: string[] = [];
    (typeof value === "string" ? [value] : value).forEach((text, index) => {
      const pin = parsePin(text);
      if (pin) pins.push(pin);
      else
        ctx.addIssue({
          code: "custom",
          path: typeof value === "string" ? [] : [index],
          message: PIN_MESSAGE,
        });
    });
    return pins;
  });

/** The city's public key (PEM text or base64): packages signed with its private key may be installed. */
export const publicKeyText = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    try {
      readPublicKey(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/** agent.yaml without `host` and `checks`, which agent/config.ts adds from the probe table. */
export const agentBaseShape = {
  collector: collectorUrl,
  token: z.string().min(16, "is too short to be a giamsat token"),
  /** PEM file of the CA(s) that signed the collector's certificate; default: the system's CAs. */
  tlsCa: z.string().min(1).optional(),
  /** Accept the collector only if its certificate (or one in its chain) has this fingerprint. */
  tlsPin: certificatePins.optional(),
  buffer: bufferSchema,
  /** Checks running at the same time, at most. */
  concurrency: z.number().int().min(1).max(1000).default(16),
  /** Upgrades the collector serves; without a public key the agent installs none. */
  upgrades: z
    .strictObject({
      publicKey: publicKeyText.optional(),
      /** false: refuse every upgrade the collector offers (the fleet view says so). */
      enabled: z.boolean().default(true),
      /** A new version not connected to the collector by then is rolled back by the launcher. */
      confirmWithin: duration({ min: 10_000, max: 3_600_000 }).prefault("5m"),
    })
    .prefault({}),
};
