// The unit page's charts as inline SVG, no script: a status timeline per category (up, down, no
// data, planned maintenance) and availability month by month against the target line. Each slot
// and bar has a title a mouse or a screen reader can read; the legend says the colours in words.
import type { MonthFigure, TimelineSlot, TimelineState } from "../../inspection/timeline.js";
import { TIMELINE_STATES } from "../../inspection/timeline.js";
import { Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

const WIDTH = 600;
const BAR_HEIGHT = 16;

/** Runs of slots in the same state, drawn as one rectangle each. */
function runs(slots: readonly TimelineSlot[]): { first: number; slots: TimelineSlot[] }[] {
  const out: { first: number; slots: TimelineSlot[] }[] = [];
  slots.forEach((slot, i) => {
    const last = out[out.length - 1];
    if (last && last.slots[0]?.state === slot.state) last.slots.push(slot);
    else out.push({ first: i, slots: [slot] });
  });
  return out;
}

/** One category's line of slots; `label` names it for screen readers. */
export function timeline(
  f: Formatter,
  scope: string,
  label: string,
  slots: readonly TimelineSlot[],
): Html {
  const size = WIDTH / Math.max(1, slots.length);
  const rects = runs(slots).map(({ first, slots: run }) => {
    const state = run[0]?.state as TimelineState;
    const from = run[0]?.from ?? 0;
    const to = run[run.length - 1]?.to ?? 0;
    const down = run.reduce((sum, s) => sum + s.downMs, 0);
    const detail = state === "down" ? ` (${f.duration(down)})` : "";
    const title = `${f.dateTime(from)} – ${f.dateTime(to)}: ${f.t.timeline[state]}${detail}`;
    return html`<rect class="t-${state}" x="${(first * size).toFixed(1)}" y="0" width="${(run.length * size + 0.3).toFixed(1)}" height="${BAR_HEIGHT}"><title>${title}</title></rect>`;
  });
  return html`<svg class="chart" data-timeline="${scope}" viewBox="0 0 ${WIDTH} ${BAR_HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${label}">${rects}</svg>`;
}

/** The colours of the timeline in words, maintenance included. */
export function timelineLegend(f: Formatter): Html {
  const items = TIMELINE_STATES.map(
    (state) => html`<li><span class="key t-${state}"></span>${f.t.timeline[state]}</li>`,
  );
  return html`<ul class="legend" aria-label="${f.t.timeline.legend}">${items}</ul>`;
}

/** The times under the timelines: where the window starts, its middle, and now. */
export function timeAxis(f: Formatter, from: number, to: number): Html {
  const middle = from + (to - from) / 2;
  return html`<div class="small muted axis-times"><span>${f.dateTime(from)}</span><span>${f.dateTime(middle)}</span><span>${f.t.timeline.now}</span></div>`;
}

const CHART_HEIGHT = 150;
const PLOT_TOP = 8;
const PLOT_BOTTOM = 120;
const PLOT_LEFT = 48;

/** Availability month by month as bars, with the target as a dashed line across them. */
export function monthsChart(f: Formatter, months: readonly MonthFigure[], target: number): Html {
  // From the first month with figures (the months before the unit was watched say nothing), and
  // at least the last two.
  const first = months.findIndex((m) => m.availability !== null);
  const shown = months.slice(
    Math.max(0, Math.min(first < 0 ? months.length : first, months.length - 2)),
  );
  const values = shown.flatMap((m) => (m.availability === null ? [] : [m.availability]));
  // The axis starts at a round 5% below the lowest figure and the target, so a month at 99.2% and
  // one at 99.9% look different; its start is written on the axis.
  const floor = Math.max(0, Math.floor(Math.min(target - 0.01, ...values) * 20) / 20);
  const y = (v: number) => PLOT_BOTTOM - ((v - floor) / (1 - floor)) * (PLOT_BOTTOM - PLOT_TOP);
  const step = (WIDTH - PLOT_LEFT) / Math.max(1, shown.length);
  const bars = shown.map((m, i) => {
    const x = PLOT_LEFT + i * step;
    const label = f.period(m.period);
    const short = `${m.period.id.slice(5).replace(/^0/, "")}/${m.period.id.slice(2, 4)}`;
    const text = html`<text x="${(x + step / 2).toFixed(1)}" y="${PLOT_BOTTOM + 16}" text-anchor="middle">${short}</text>`;
    if (m.availability === null) {
      return html`<g><title>${label}: ${f.t.status.no_data}</title>${text}</g>`;
    }
    const top = y(m.availability);
    const low = m.availability < target ? " low" : "";
    return html`<g><title>${label}: ${f.percent(m.availability)}</title><rect class="bar${low}" x="${(x + step * 0.18).toFixed(1)}" y="${top.toFixed(1)}" width="${(step * 0.64).toFixed(1)}" height="${(PLOT_BOTTOM - top).toFixed(1)}"></rect>${text}</g>`;
  });
  const targetY = y(target).toFixed(1);
  const axis = new Html(
    `<line class="axis" x1="${PLOT_LEFT}" y1="${PLOT_BOTTOM}" x2="${WIDTH}" y2="${PLOT_BOTTOM}"></line>`,
  );
  return html`<svg class="chart" data-chart="months" viewBox="0 0 ${WIDTH} ${CHART_HEIGHT}" role="img" aria-label="${f.t.unit.months}">
${axis}<text x="${PLOT_LEFT - 4}" y="${PLOT_BOTTOM}" text-anchor="end">${f.percent(floor)}</text>
<text x="${PLOT_LEFT - 4}" y="${PLOT_TOP + 8}" text-anchor="end">${f.percent(1)}</text>
${bars}
<line class="target" x1="${PLOT_LEFT}" y1="${targetY}" x2="${WIDTH}" y2="${targetY}"><title>${f.t.unit.target} ${f.percent(target)}</title></line>
</svg>`;
}
