// bench:store's timings: every JSON API call (handler and JSON.stringify) and every leaders' page
// (data, then HTML, as the server renders them for a city user), in this process, at the end of
// the generated time; p50 and p95 of CALLS runs each.
import type { AgentStore } from "../../collector/agents/registry.js";
import type { Db } from "../../collector/db/database.js";
import { createApi } from "../../collector/http/api/router.js";
import { html } from "../../collector/http/pages/html.js";
import { type PageRequest, type Rendered, renderPages } from "../../collector/http/pages/pages.js";
import type { History } from "../../collector/inspection/history.js";
import { inspectionReaders } from "../../collector/inspection/readers.js";

const HOUR = 3_600_000;

export interface Timing {
  name: string;
  p50: number;
  p95: number;
  /** Of a page: its size. */
  bytes?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export function quarter(ts: number): string {
  const local = new Date(ts + 7 * HOUR);
  return `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
}

function timed(runs: number, run: (i: number) => number | undefined): Omit<Timing, "name"> {
  const times: number[] = [];
  let bytes: number | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    bytes = run(i * 7);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    ...(bytes === undefined ? {} : { bytes }),
  };
}

export function measureTimings(
  deps: { db: Db; history: History; agents: AgentStore; units: readonly string[]; end: number },
  calls: number,
): { api: Timing[]; pages: Timing[] } {
  const { db, history, agents, units, end } = deps;
  const unitAt = (i: number) => units[i % units.length] as string;
  const api = createApi({ history, agents, clock: () => end });
  const month = new Date(end + 7 * HOUR).toISOString().slice(0, 7);
  // The month before: a finished period, as the Steering Board reads it at the start of a month.
  const lastMonth = new Date(Date.parse(`${month}-01T00:00:00Z`) - 1).toISOString().slice(0, 7);
  const apiCalls: [string, (i: number) => string][] = [
    ["units, 24h", () => "/api/v1/units?window=24h"],
    ["units, 30d", () => "/api/v1/units?window=30d"],
    ["one unit, 24h", (i) => `/api/v1/units/${unitAt(i)}?window=24h`],
    ["checks of a unit, 7d", (i) => `/api/v1/units/${unitAt(i)}/checks?window=7d`],
    ["incidents of a unit, 30d", (i) => `/api/v1/incidents?unit=${unitAt(i)}&window=30d`],
    ["incidents, city, open", () => "/api/v1/incidents?state=open"],
    ["incidents, city, website, 7d", () => "/api/v1/incidents?category=website&window=7d"],
    ["inventory of a unit", (i) => `/api/v1/inventory?unit=${unitAt(i)}`],
    ["summary of a unit, month", (i) => `/api/v1/units/${unitAt(i)}/summary?period=${month}`],
    [
      "summary of a unit, quarter",
      (i) => `/api/v1/units/${unitAt(i)}/summary?period=${quarter(end)}`,
    ],
  ];
  const apiTimings = apiCalls.map(([name, path]) => ({
    name,
    ...timed(calls, (i) => {
      const response = api(new URL(path(i), "http://collector"));
      JSON.stringify(response.body);
      if (response.status !== 200) throw new Error(`${path(i)}: ${JSON.stringify(response.body)}`);
      return undefined;
    }),
  }));

  const pages = renderPages({ db, ctx: inspectionReaders({ history, agents, clock: () => end }) });
  const asCity = (path: string, params: Record<string, string> = {}): PageRequest => {
    const url = new URL(path, "http://collector");
    return {
      url,
      query: Object.fromEntries(url.searchParams),
      params,
      user: { id: 1, name: "bench", role: "city", unit: null },
      csrf: () => "",
      header: html``,
    };
  };
  const pageCalls: [string, (i: number) => PageRequest, (request: PageRequest) => Rendered][] = [
    ["overview, 24h", () => asCity("/"), pages.overview],
    ["overview, 30d", () => asCity("/?window=30d"), pages.overview],
    ["unit page, 24h", (i) => asCity("/", { id: unitAt(i) }), pages.unitPage],
    ["unit page, 30d", (i) => asCity("/?window=30d", { id: unitAt(i) }), pages.unitPage],
    ["unit report, month", (i) => asCity(`/?period=${month}`, { unit: unitAt(i) }), pages.report],
    [
      "unit report, quarter",
      (i) => asCity(`/?period=${quarter(end)}`, { unit: unitAt(i) }),
      pages.report,
    ],
    [
      "unit report, month, csv",
      (i) => asCity(`/?period=${month}&format=csv`, { unit: unitAt(i) }),
      pages.report,
    ],
    ["city report, month", () => asCity(`/?period=${month}`), pages.cityReport],
    ["city report, last month", () => asCity(`/?period=${lastMonth}`), pages.cityReport],
  ];
  const pageTimings = pageCalls.map(([name, request, render]) => ({
    name,
    // The city report renders every unit's summary: 20 runs tell enough.
    ...timed(name.startsWith("city") ? Math.min(20, calls) : calls, (i) => {
      return render(request(i)).body.length;
    }),
  }));
  return { api: apiTimings, pages: pageTimings };
}

/** The timing lines printed for `timings`, with another build's beside them when given. */
export function timingLines(ours: Timing[], theirs: Timing[] | undefined): string[] {
  return ours.map((t) => {
    const other = theirs?.find((b) => b.name === t.name);
    const size = t.bytes === undefined ? "" : `   ${(t.bytes / 1024).toFixed(0).padStart(4)} KiB`;
    const beside = other
      ? `   baseline p50 ${other.p50.toFixed(1).padStart(7)}   p95 ${other.p95.toFixed(1).padStart(7)}   ×${(t.p95 / other.p95).toFixed(2)}`
      : "";
    return `  ${t.name.padEnd(30)} p50 ${t.p50.toFixed(1).padStart(7)}   p95 ${t.p95.toFixed(1).padStart(7)}${size}${beside}`;
  });
}
