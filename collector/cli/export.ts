// `giamsat-collector export`: stored raw samples as NDJSON, from the head and the compressed
// chunks alike, one series at a time so memory stays small whatever the size. One
// {"metric","labels","ts","value"} object per line, ts in ms.
import type { Writable } from "node:stream";
import { ConfigError } from "../../shared/errors.js";
import type { Db } from "../db/database.js";
import { SampleReader } from "../tsdb/index.js";

export interface ExportFilter {
  unit?: string;
  agent?: string;
  metric?: string;
  /** Inclusive, ms. */
  from?: number;
  /** Exclusive, ms. */
  to?: number;
}

/** Accepts an ISO 8601 date or date-time (UTC unless it says otherwise) or milliseconds since the epoch. */
export function parseTime(option: string, text: string): number {
  if (/^\d{10,16}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const iso =
      text.length === 10
        ? `${text}T00:00:00Z`
        : /Z|[+-]\d{2}:?\d{2}$/.test(text)
          ? text
          : `${text}Z`;
    const ms = Date.parse(iso.replace(" ", "T"));
    if (!Number.isNaN(ms)) return ms;
  }
  throw new ConfigError(
    `--${option}: "${text}" is not a time (write 2026-11-01, 2026-11-01T08:00:00+07:00 or milliseconds)`,
  );
}

export async function exportSamples(db: Db, filter: ExportFilter, out: Writable): Promise<number> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.unit !== undefined) {
    where.push("a.unit_id = ?");
    params.push(filter.unit);
  }
  if (filter.agent !== undefined) {
    where.push("a.name = ?");
    params.push(filter.agent);
  }
  if (filter.metric !== undefined) {
    where.push("s.metric = ?");
    params.push(filter.metric);
  }
  const series = db
    .prepare(`
      SELECT s.id, s.agent_id AS agentId, a.unit_id AS unit, a.name AS agent, s.metric, s.labels
      FROM series s JOIN agents a ON a.id = s.agent_id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY s.agent_id, s.id`)
    .all(...params) as {
    id: number;
    agentId: number;
    unit: string;
    agent: string;
    metric: string;
    labels: string;
  }[];
  const raw = new SampleReader(db);
  const from = filter.from ?? 0;
  const to = filter.to ?? Number.MAX_SAFE_INTEGER;
  let count = 0;
  let chunk = "";
  // One agent at a time: its head rows are read once for all its series.
  let agentSamples = new Map<number, { ts: number[]; values: number[] }>();
  let agentId = -1;
  for (const [i, row] of series.entries()) {
    if (row.agentId !== agentId) {
      agentId = row.agentId;
      const ids: number[] = [];
      for (let j = i; j < series.length && series[j]?.agentId === agentId; j++) {
        ids.push((series[j] as { id: number }).id);
      }
      agentSamples = raw.readAgent(agentId, ids, from, to);
    }
    // Labels are stored as canonical JSON; unit and agent go first, as on /metrics.
    const rest = row.labels === "{}" ? "" : `,${row.labels.slice(1, -1)}`;
    const prefix = `{"metric":${JSON.stringify(row.metric)},"labels":{"unit":${JSON.stringify(row.unit)},"agent":${JSON.stringify(row.agent)}${rest}},"ts":`;
    const samples = agentSamples.get(row.id) ?? { ts: [], values: [] };
    agentSamples.delete(row.id);
    for (let i = 0; i < samples.ts.length; i++) {
      chunk += `${prefix}${samples.ts[i]},"value":${numberJson(samples.values[i] as number)}}\n`;
      count++;
      if (chunk.length > 64 * 1024) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
        chunk = "";
      }
    }
  }
  if (chunk) out.write(chunk);
  return count;
}

/** JSON has no NaN or infinities; they are written as the strings Prometheus uses. */
function numberJson(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"+Inf"' : '"-Inf"';
}
