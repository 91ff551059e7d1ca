// The samples the collector takes from agents: the agent metrics of the metric table
// (shared/metrics.ts) with no label the metric does not declare, and a check's extra metrics (an
// SNMP check's `oids`, named in agent.yaml), which carry the check's labels and at most
// MAX_EXTRA_LABELS of their own. Agents run only the probes giamsat ships, so anything else is a
// bug or a forgery; it is refused sample by sample, the rest of the batch is stored. So is a sample
// whose labels are longer than any probe's (MAX_SERIES_LABEL_CHARS): each series keeps them in
// memory.
import { CHECK_LABELS, MAX_EXTRA_LABELS, METRIC_BY_NAME } from "../../shared/metrics.js";
import { MAX_SERIES_LABEL_CHARS, type RefusalReason, type Sample } from "../../shared/protocol.js";

export interface SampleRefusal {
  reason: RefusalReason;
  /** What is wrong, naming the metric, for the agent's log and the collector's. */
  why: string;
}

/** The label names each agent metric declares, looked up per sample. */
const DECLARED = new Map(
  [...METRIC_BY_NAME.values()]
    .filter((def) => def.source === "agent" && !def.fromResults)
    .map((def) => [def.name, new Set(def.labels ?? [])]),
);

/** Undefined when the collector takes the sample; otherwise why not. */
export function judgeSample(sample: Sample): SampleRefusal | undefined {
  return declaredLabels(sample) ?? labelLength(sample);
}

function labelLength({ metric, labels }: Sample): SampleRefusal | undefined {
  let chars = 0;
  for (const name in labels) chars += name.length + (labels[name] as string).length;
  if (chars <= MAX_SERIES_LABEL_CHARS) return undefined;
  return {
    reason: "labels_too_long",
    why: `${metric} has ${chars} characters of labels; at most ${MAX_SERIES_LABEL_CHARS} are taken`,
  };
}

function declaredLabels(sample: Sample): SampleRefusal | undefined {
  const { metric, labels } = sample;
  const declared = DECLARED.get(metric);
  if (declared) {
    for (const name in labels) {
      if (!declared.has(name)) {
        return {
          reason: "undeclared_label",
          why: `${metric} does not take the label "${name}" (it takes ${[...declared].join(", ")})`,
        };
      }
    }
    return undefined;
  }
  let own = 0;
  for (const _name in labels) own++;
  for (const name of CHECK_LABELS) {
    if (labels[name] === undefined) {
      return {
        reason: "unknown_metric",
        why: `${metric} is not in the metric table, nor a check's extra metric (those carry the labels ${CHECK_LABELS.join(", ")})`,
      };
    }
    own--;
  }
  if (own > MAX_EXTRA_LABELS) {
    return {
      reason: "undeclared_label",
      why: `${metric} is a check's extra metric with ${own} labels of its own; at most ${MAX_EXTRA_LABELS} are taken`,
    };
  }
  return undefined;
}
