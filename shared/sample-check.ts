// A hand-written check of one sample, for the collector's hot path: it accepts exactly what
// `sampleSchema` accepts (a property test holds the two together) at several times the speed.
import { labelNameProblem, METRIC_NAME } from "./metric-names.js";
import {
  MAX_LABEL_VALUE,
  MAX_LABELS,
  MAX_METRIC_NAME,
  MAX_TS,
  MIN_TS,
  type Sample,
} from "./protocol.js";

const KEYS = new Set(["metric", "labels", "ts", "value"]);
/** Metric names repeat endlessly; each valid one is checked once. */
const knownMetrics = new Set<string>();
/** So are label names: each one that is allowed is checked once. */
const knownLabels = new Set<string>();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Undefined when the sample is valid; otherwise "path: message" relative to the sample. */
export function checkSample(value: unknown): string | undefined {
  if (!isPlainObject(value)) return "expected a sample object";
  for (const key in value) if (!KEYS.has(key)) return `unknown key "${key}"`;
  const { metric, labels, ts } = value;
  if (typeof metric !== "string") return "metric: is required";
  if (!knownMetrics.has(metric)) {
    if (
      metric.length > MAX_METRIC_NAME ||
      !METRIC_NAME.test(metric) ||
      !metric.startsWith("giamsat_")
    ) {
      return `metric: invalid metric name "${metric.slice(0, 40)}"`;
    }
    if (knownMetrics.size < 100_000) knownMetrics.add(metric);
  }
  if (!isPlainObject(labels)) return "labels: expected a mapping";
  let count = 0;
  for (const name in labels) {
    count++;
    if (!knownLabels.has(name)) {
      const problem = labelNameProblem(name);
      if (problem) return `labels.${name}: ${problem}`;
      if (knownLabels.size < 100_000) knownLabels.add(name);
    }
    const text = labels[name];
    if (typeof text !== "string" || text.length > MAX_LABEL_VALUE) {
      return `labels.${name}: expected a string of at most ${MAX_LABEL_VALUE} characters`;
    }
  }
  if (count > MAX_LABELS) return `labels: at most ${MAX_LABELS} labels`;
  if (typeof ts !== "number" || !Number.isInteger(ts) || ts < MIN_TS || ts > MAX_TS) {
    return "ts: expected milliseconds since the epoch between 2000 and 2200";
  }
  if (typeof value.value !== "number" || !Number.isFinite(value.value))
    return "value: expected a number";
  return undefined;
}

/** Checks every sample; the first problem is returned with its index. */
export function checkSamples(samples: readonly unknown[]): string | undefined {
  for (let i = 0; i < samples.length; i++) {
    const problem = checkSample(samples[i]);
    if (problem) return `samples[${i}].${problem}`;
  }
  return undefined;
}

export type { Sample };
