// The names agents may give metrics and labels: the Prometheus grammar, the label names Prometheus
// keeps for itself (https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels: those
// beginning with __ are reserved for internal use) and the labels the collector sets on every
// series. A label that differs from one of those only by case is refused too: it would read as
// the collector's own, and some tools fold case.

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Longest label name an agent may send: every series keeps its label names in memory. */
export const MAX_LABEL_NAME = 64;

/** Labels the collector sets itself; an agent cannot choose them. */
export const RESERVED_LABELS = ["unit", "agent"] as const;

/** Why an agent may not use `name` as a label name; undefined when it may. */
export function labelNameProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL_NAME || !LABEL_NAME.test(name)) return "invalid label name";
  if (name.startsWith("__")) return "names beginning with __ are reserved by Prometheus";
  const lower = name.toLowerCase();
  for (const reserved of RESERVED_LABELS) {
    if (name === reserved) return "label is set by the collector";
    if (lower === reserved) {
      return `differs only by case from "${reserved}", which the collector sets`;
    }
  }
  return undefined;
}
