// How one entry of the metric table is written: its type, who sends it and the labels it takes.
// Apart from metrics.ts so the parts of the table in other files can build entries with it.

export type MetricType = "gauge" | "counter";

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Who writes the series: agents (validated at ingest) or the collector itself. */
  readonly source: "agent" | "collector";
  /** Agent metrics: the label names a sample may carry (unit and agent are the collector's). */
  readonly labels?: readonly string[];
  /** Made by the collector from each check result; agents never send it themselves. */
  readonly fromResults?: true;
}

/** Labels every sample of a check carries: the scheduler adds them to what the probe reports. */
export const CHECK_LABELS = ["check", "category", "kind"] as const;

export function agent(
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[] = CHECK_LABELS,
): MetricDef {
  return { name, type, help, source: "agent", labels };
}

export function collector(name: string, type: MetricType, help: string): MetricDef {
  return { name, type, help, source: "collector" };
}
