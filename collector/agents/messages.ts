// Decoding what an agent sends: one WebSocket text frame, bounded in depth before it is parsed,
// its protocol version looked at first, then the schema; and the checks of a batch the schema
// cannot make (names of the collector's own series) and the shift of its timestamps for a skewed
// clock.
import type { RawData } from "ws";
import { ProtocolError } from "../../shared/errors.js";
import { firstIssue } from "../../shared/issues.js";
import { ownedByCollector } from "../../shared/metrics.js";
import {
  type AgentMessage,
  agentMessageSchema,
  type Batch,
  batchEnvelopeSchema,
  PROTOCOL_VERSION,
} from "../../shared/protocol.js";
import { checkSamples } from "../../shared/sample-check.js";
import { nestsDeeperThan } from "./json-depth.js";

/** Deepest JSON nesting a message may have; a batch with inventory needs about 8. */
const MAX_JSON_DEPTH = 32;

/** The message in a text frame; ProtocolError (with the batch's seq when known) otherwise. */
export function parseMessage(data: RawData): AgentMessage {
  const bytes = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data);
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new ProtocolError(
      "invalid_message",
      `message nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(data.toString());
  } catch {
    throw new ProtocolError("invalid_message", "message is not valid JSON");
  }
  // The version is looked at first: a newer agent's message may not fit this version's schema at all.
  const version = (json as { v?: unknown } | null)?.v;
  if (
    typeof json === "object" &&
    json !== null &&
    version !== undefined &&
    version !== PROTOCOL_VERSION
  ) {
    throw new ProtocolError(
      "unsupported_version",
      `protocol version ${JSON.stringify(version)} is not supported (this collector speaks ${PROTOCOL_VERSION})`,
    );
  }
  const parsed = (
    (json as { type?: unknown } | null)?.type === "batch" ? batchEnvelopeSchema : agentMessageSchema
  ).safeParse(json);
  if (!parsed.success) {
    const { where, message } = firstIssue(parsed.error);
    const seq = (json as { seq?: unknown } | null)?.seq;
    throw new ProtocolError(
      "invalid_message",
      `invalid message: ${where ? `${where}: ` : ""}${message}`,
      Number.isSafeInteger(seq) ? { seq: seq as number } : {},
    );
  }
  if (parsed.data.type === "batch") {
    const problem = checkSamples(parsed.data.samples);
    if (problem) {
      throw new ProtocolError("invalid_message", `invalid message: ${problem}`, {
        seq: parsed.data.seq,
      });
    }
  }
  return parsed.data as AgentMessage;
}

/**
 * Refuses a batch carrying a name of the collector's own series (its table entries, the series it
 * derives from results, its prefixes): only a forged message has one, and exposing it would give
 * /metrics a second HELP and TYPE and let an agent spoof the collector's health.
 */
export function checkBatch(batch: Batch): void {
  for (const [i, sample] of batch.samples.entries()) {
    if (ownedByCollector(sample.metric)) {
      throw new ProtocolError(
        "invalid_message",
        `samples[${i}].metric: ${sample.metric} is the collector's own, not an agent's`,
        { seq: batch.seq },
      );
    }
  }
}

/** Moves every timestamp of the batch by `delta` ms (clock-skew correction). */
export function shiftTimestamps(batch: Batch, delta: number): void {
  for (const result of batch.results) result.ts += delta;
  for (const sample of batch.samples) sample.ts += delta;
  for (const item of batch.inventory ?? []) item.ts += delta;
}
