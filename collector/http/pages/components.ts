// Small pieces the pages are built from: table heads and cells (a cell may carry its column's name,
// which a phone shows before it when the table folds into cards), a check named as leaders read it,
// technical details for IT staff, and the window and period choosers.
import type { Period } from "../../../shared/api-query.js";
import { escapeHtml, Html, html } from "./html.js";
import type { Catalogue, Formatter, Kind } from "./i18n/index.js";
import type { Chrome } from "./layout.js";

export function th(content: unknown, attributes: Html | "" = ""): Html {
  return html`<th${attributes ? html` ${attributes}` : ""}>${content}</th>`;
}

/** A heading of a column of numbers (right-aligned). */
export function thNum(content: unknown): Html {
  return html`<th class="num">${content}</th>`;
}

export function thead(cells: readonly Html[]): Html {
  return html`<thead><tr>${cells}</tr></thead>`;
}

/** A cell; `label` names its column where a phone shows the row as a card. */
export function td(content: unknown, label?: string): Html {
  return label === undefined
    ? html`<td>${content}</td>`
    : html`<td data-label="${label}">${content}</td>`;
}

/** A cell of a column of numbers (right-aligned). */
export function tdNum(content: unknown, label?: string): Html {
  return label === undefined
    ? html`<td class="num">${content}</td>`
    : html`<td class="num" data-label="${label}">${content}</td>`;
}

export function muted(content: unknown): Html {
  return html`<span class="muted">${content}</span>`;
}

/** A paragraph in grey: an empty list's "nothing here". */
export function none(content: unknown): Html {
  return html`<p class="muted">${content}</p>`;
}

/** What leaders read for a check: its title, or its name when it has none. */
export function checkName(check: { check: string | null; title: string | null }): string {
  return check.title ?? check.check ?? "";
}

/** A check's kind in words; a kind the catalogue does not know as it is. */
export function kindName(t: Catalogue, kind: string): string {
  return (t.kinds as Record<string, string>)[kind as Kind] ?? kind;
}

/** Something only IT staff need (an error as the probe wrote it, ids), folded away. */
export function technical(t: Catalogue, content: Html | string): Html {
  return html`<details><summary>${t.technical}</summary><code>${content}</code></details>`;
}

/** " inactive" after the name of a unit removed from collector.yaml. */
export function inactiveBadge(t: Catalogue, active: boolean): Html | "" {
  return active ? "" : html` <span class="badge muted">${t.unit.inactive}</span>`;
}

/** The windows a page can be seen over, the one shown in bold. */
export const WINDOWS = ["24h", "7d", "30d"] as const;
export type WindowName = (typeof WINDOWS)[number];

export function windowChoice(t: Catalogue, shown: string, href: (window: string) => string): Html {
  const items = WINDOWS.map((w) =>
    w === shown
      ? html`<strong aria-current="true">${t.windows[w]}</strong>`
      : html`<a href="${href(w)}">${t.windows[w]}</a>`,
  );
  return html`<span>${t.windows.label}: ${joined(items, " · ")}</span>`;
}

/**
 * The period shown, the ones before and after it as links, and a form (GET, no script) to choose
 * any of `choices`; `href` makes a link to the page for a period.
 */
export function periodChoice(
  chrome: Chrome,
  shown: Period,
  choices: readonly Period[],
  neighbours: { previous: Period; next: Period | undefined },
  href: (period: string) => string,
  hidden: Record<string, string> = {},
): Html {
  const { f } = chrome;
  const { t } = f;
  const options = choices.map(
    (p) =>
      html`<option value="${p.id}"${p.id === shown.id ? html` selected` : ""}>${f.period(p)}</option>`,
  );
  const inputs = Object.entries({ ...hidden, ...(f.lang === "en" ? { lang: "en" } : {}) }).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  const previous = html`<a href="${href(neighbours.previous.id)}" rel="prev">‹ ${f.period(neighbours.previous)}</a>`;
  const next = neighbours.next
    ? html`<a href="${href(neighbours.next.id)}" rel="next">${f.period(neighbours.next)} ›</a>`
    : "";
  const action = new URL(href(shown.id), "http://collector").pathname;
  return html`<span>${previous}</span> <strong>${f.period(shown)}</strong> <span>${next}</span>
<form method="get" action="${action}" class="noprint"><label class="inline">${t.period.choose}
<select name="period">${options}</select></label>${inputs}<button type="submit">${t.period.show}</button></form>`;
}

/** `data-name="value"` attributes, in the order given, each value escaped. */
export function dataset(values: Readonly<Record<string, string | number>>): Html {
  const attributes = Object.entries(values).map(
    ([name, value]) => `data-${name}="${escapeHtml(value)}"`,
  );
  return new Html(attributes.join(" "));
}

/** The parts with `separator` between them. */
export function joined(parts: readonly (Html | string)[], separator: string): Html {
  return html`${parts.map((part, i) => html`${i ? separator : ""}${part}`)}`;
}

/** The period's first and last day, as a document writes them. */
export function periodSpan(f: Formatter, period: { from: number; to: number }): [string, string] {
  return [f.date(period.from), f.date(period.to - 1)];
}
