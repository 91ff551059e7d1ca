// Small pieces the pages are built from: table heads and cells, a check named with its agent,
// muted text and badges. Each writes exactly its markup, no whitespace around it, so pages can
// be put together from them without changing a byte of what they show.
import { escapeHtml, Html, html } from "./html.js";
import type { Catalogue } from "./i18n/index.js";

export function th(content: unknown): Html {
  return html`<th>${content}</th>`;
}

/** A heading of a column of numbers (right-aligned). */
export function thNum(content: unknown): Html {
  return html`<th class="num">${content}</th>`;
}

export function thead(cells: readonly Html[]): Html {
  return html`<thead><tr>${cells}</tr></thead>`;
}

export function td(content: unknown): Html {
  return html`<td>${content}</td>`;
}

/** A cell of a column of numbers (right-aligned). */
export function tdNum(content: unknown): Html {
  return html`<td class="num">${content}</td>`;
}

export function muted(content: unknown): Html {
  return html`<span class="muted">${content}</span>`;
}

/** A paragraph in grey: an empty list's "nothing here". */
export function none(content: unknown): Html {
  return html`<p class="muted">${content}</p>`;
}

/** A check, with the agent that runs it after it in grey. */
export function checkOf(check: string, agent: string): Html {
  return html`${check} ${muted(agent)}`;
}

/** " inactive" after the name of a unit removed from collector.yaml. */
export function inactiveBadge(t: Catalogue, active: boolean): Html | "" {
  return active ? "" : html` <span class="badge muted">${t.unit.inactive}</span>`;
}

/** The windows a page can be seen over, the one shown in bold. */
export const WINDOWS = ["24h", "7d", "30d"] as const;

export function windowChoice(shown: string, href: (window: string) => string): Html[] {
  return WINDOWS.map((w) =>
    w === shown ? html`<strong>${w}</strong>` : html`<a href="${href(w)}">${w}</a>`,
  );
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
