// The documented answer to each fuzzing frame, written from the protocol page rather than from the
// collector's code: the error and close code of a frame it refuses; for a batch it stores, the ack
// and what a `refused` message before it counts, by reason. What an agent has stored (its last seq,
// its series against limits.seriesPerAgent) is followed per agent, as the collector follows it.
import { nestsDeeperThan } from "../../collector/agents/json-depth.js";
import { PROTOCOL_ERRORS, type ProtocolErrorCode } from "../../shared/errors.js";
import { METRIC_BY_NAME } from "../../shared/metrics.js";
import { agentMessageSchema, MAX_FRAME_BYTES } from "../../shared/protocol.js";

/** What the collector must answer: a message, or an error code and close code. */
export type Expected =
  | { answer: "welcome" }
  | { answer: "ack"; seq: number; refused?: Record<string, number> }
  | { answer: "error"; code: ProtocolErrorCode; close: number }
  | { answer: "close"; close: number };

const SKEW_MS = 60_000;
const AHEAD_MS = 120_000;
const CHECK_LABELS = ["check", "category", "kind"];
const EXTRA_LABELS = 8;
const LABEL_CHARS = 512;

/** What the collector has stored of one agent. */
export class AgentModel {
  lastSeq = 0;
  readonly series = new Set<string>();
  constructor(readonly seriesCap: number) {}
}

function refuse(code: ProtocolErrorCode): Expected {
  return { answer: "error", code, close: PROTOCOL_ERRORS[code] };
}

/** How deeply a parsed value nests (iteratively: the values here may be 200,000 deep). */
function depth(value: unknown): number {
  let most = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, level] = stack.pop() as [unknown, number];
    if (typeof item !== "object" || item === null) continue;
    most = Math.max(most, level + 1);
    for (const child of Object.values(item)) stack.push([child, level + 1]);
  }
  return most;
}

/** The collector's own names: derived from results, its table entries, its prefixes. */
function collectors(metric: string): boolean {
  const def = METRIC_BY_NAME.get(metric);
  if (def) return def.source === "collector" || def.fromResults === true;
  return metric.startsWith("giamsat_collector_") || metric.startsWith("giamsat_remote_write_");
}

/** The name or labels' reason for refusal, as the protocol page's table says; undefined when taken. */
function allowed(metric: string, labels: Record<string, string>): string | undefined {
  const names = Object.keys(labels);
  const def = METRIC_BY_NAME.get(metric);
  if (def) {
    if (!names.every((n) => def.labels?.includes(n))) return "undeclared_label";
  } else if (!CHECK_LABELS.every((n) => names.includes(n))) {
    return "unknown_metric";
  } else if (names.length - CHECK_LABELS.length > EXTRA_LABELS) {
    return "undeclared_label";
  }
  const chars = names.reduce((sum, n) => sum + n.length + (labels[n] as string).length, 0);
  return chars > LABEL_CHARS ? "labels_too_long" : undefined;
}

const key = (metric: string, labels: Record<string, string>) =>
  `${metric}${JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((n) => [n, labels[n]]),
  )}`;

/** The documented answer to `data`, sent at `now` (after a hello when `greeted`) by `agent`. */
export function expectedAnswer(
  data: string | Uint8Array,
  binary: boolean,
  greeted: boolean,
  agent: AgentModel,
  now: number,
): Expected {
  const bytes = Buffer.from(data);
  if (bytes.length > MAX_FRAME_BYTES) return { answer: "close", close: 1009 };
  if (binary) return refuse("unsupported_version");
  // The WebSocket layer refuses a text frame that is not UTF-8 (RFC 6455 section 8.1).
  if (typeof data !== "string") return { answer: "close", close: 1007 };
  // Checked before parsing, as parsing 200,000 levels takes the test itself a quarter second.
  if (nestsDeeperThan(bytes, 32)) return refuse("invalid_message");
  let json: unknown;
  try {
    // As the collector reads it: unpaired surrogates became U+FFFD on the way.
    json = JSON.parse(bytes.toString());
  } catch {
    return refuse("invalid_message");
  }
  if (depth(json) > 32) return refuse("invalid_message");
  const v = (json as { v?: unknown } | null)?.v;
  if (typeof json === "object" && json !== null && v !== undefined && v !== 1) {
    return refuse("unsupported_version");
  }
  const parsed = agentMessageSchema.safeParse(json);
  if (!parsed.success) return refuse("invalid_message");
  const batch = parsed.data;
  if (batch.type === "hello") return { answer: "welcome" };
  // The generators make hellos and batches; a discovery report is answered by nothing at all.
  if (batch.type === "discovery") throw new Error("the fuzz model has no discovery reports");
  if (!greeted) return refuse("invalid_message");
  // Its answer is none at all, which the fuzzer cannot wait for: it makes none of these.
  if (batch.type === "config_result") throw new Error("the fuzzer made a config_result");
  if (batch.type === "upgrade_status") throw new Error("the fuzzer made an upgrade_status");
  if (batch.samples.some((s) => collectors(s.metric))) return refuse("invalid_message");
  if (batch.seq <= agent.lastSeq) return { answer: "ack", seq: batch.seq };
  agent.lastSeq = batch.seq;

  // A clock more than 60 s off moves every timestamp by the offset; then each is judged.
  const offset = batch.sentAt - now;
  const shift = Math.abs(offset) > SKEW_MS ? -offset : 0;
  const ahead = (ts: number) => ts + shift > now + AHEAD_MS;
  const refused: Record<string, number> = {};
  const count = (reason: string, n: number) => {
    refused[reason] = (refused[reason] ?? 0) + n;
  };
  /** Admits the series (all or none) unless the agent's cap is in the way. */
  const admit = (keys: string[]): boolean => {
    const fresh = keys.filter((k) => !agent.series.has(k));
    if (agent.series.size + fresh.length > agent.seriesCap) return false;
    for (const k of fresh) agent.series.add(k);
    return true;
  };
  for (const r of batch.results) {
    const labels = { category: r.category, check: r.check, kind: r.kind };
    if (ahead(r.ts)) count("future_timestamp", 2);
    else if (
      !admit([key("giamsat_check_up", labels), key("giamsat_check_duration_seconds", labels)])
    ) {
      count("agent_series_limit", 2);
    }
  }
  for (const s of batch.samples) {
    const not = allowed(s.metric, s.labels);
    if (not) count(not, 1);
    else if (ahead(s.ts)) count("future_timestamp", 1);
    else if (!admit([key(s.metric, s.labels)])) count("agent_series_limit", 1);
  }
  return Object.keys(refused).length > 0
    ? { answer: "ack", seq: batch.seq, refused }
    : { answer: "ack", seq: batch.seq };
}
