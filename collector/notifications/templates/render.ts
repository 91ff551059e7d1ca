// A notification said in one language: a subject, a plain text and an HTML body for e-mail (a small
// table), and a short text for chats. Every value from an agent is escaped in the HTML.

import { Html, html } from "../../http/pages/html.js";
import { Formatter, type Lang } from "../../http/pages/i18n/index.js";
import { reasonWithMessage } from "../../http/pages/incidents.js";
import type { AffectedCheck, Item, NotificationKind } from "../model.js";
import { en } from "./en.js";
import { vi } from "./vi.js";
import type { Said, Words } from "./words.js";

export const WORDS: Record<Lang, Words> = { vi, en };

export interface NotificationText {
  kind: NotificationKind;
  unit: { id: string; name: string } | null;
  items: readonly Item[];
  link: string | null;
  dedupeKey: string;
  createdAt: number;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
  short: string;
}

function said(f: Formatter, item: Item | AffectedCheck, what: string, now: number): Said {
  const category = item.category
    ? ((f.t.categoryLong as Record<string, string>)[item.category] ?? item.category)
    : "";
  return {
    f,
    what,
    category,
    reason: reasonWithMessage(f, item.reason, item.message),
    since: f.dateTime(item.since),
    until: f.dateTime(item.until),
    lasted: f.duration((item.until ?? now) - item.since),
  };
}

/** The check, agent, endpoint or figure an item is about. */
function whatOf(f: Formatter, item: Item): string {
  switch (item.subject) {
    case "silence":
    case "buffer":
      return item.agent ?? "";
    case "remote_write":
      return item.detail.endpoint ?? "";
    case "disk":
      return f.percent(item.detail.freeRatio ?? 0);
    default:
      return item.checkTitle ?? item.check ?? "";
  }
}

/** One sentence about an item. */
export function sentence(lang: Lang, item: Item, now: number): string {
  const f = Formatter.of(lang);
  const w = WORDS[lang];
  const s = said(f, item, whatOf(f, item), now);
  if (item.state === "repeat") return w.repeat(s);
  if (item.state === "resolved") return w.resolved[item.subject](s);
  if (item.subject === "certificate") {
    const notAfter = item.detail.notAfter ?? now;
    const days = Math.max(0, Math.floor((notAfter - now) / 86_400_000));
    return w.open.certificate(s, days, f.date(notAfter));
  }
  return w.open[item.subject](s);
}

/** The affected checks of a link item, one line each. */
function affectedLines(lang: Lang, item: Item, now: number): string[] {
  const f = Formatter.of(lang);
  const w = WORDS[lang];
  return item.affected.map((a) => {
    const s = said(f, a, a.checkTitle ?? a.check, now);
    const state =
      item.state === "open"
        ? s.reason
        : a.until === null
          ? w.stillDown
          : `${w.recovered} ${s.until}`;
    return `${s.what} (${a.agent}, ${s.category}): ${state}`;
  });
}

/** What the subject says after the unit's name. */
function headline(lang: Lang, kind: NotificationKind, items: readonly Item[]): string {
  const w = WORDS[lang];
  const link = items.find((i) => i.subject === "link");
  if (link?.state === "open") return w.subject.linkDown(link.affected.length);
  if (link?.state === "resolved" && items.length === 1) return w.subject.linkBack;
  const first = items[0];
  if (items.length === 1 && first) {
    const f = Formatter.of(lang);
    return `${w.states[first.state]}: ${whatOf(f, first)}`;
  }
  if (kind === "resolved") return w.subject.resolved(items.length);
  if (kind === "repeat") return w.subject.repeat(items.length);
  return w.subject.problems(items.length);
}

export function renderNotification(lang: Lang, n: NotificationText): Rendered {
  const f = Formatter.of(lang);
  const w = WORDS[lang];
  const who = n.unit?.name ?? w.subject.collector;
  const subject = `${w.prefix} ${who}: ${headline(lang, n.kind, n.items)}`;
  const lines: string[] = [];
  for (const item of n.items) {
    lines.push(`- ${sentence(lang, item, n.createdAt)}`);
    if (item.affected.length > 0) {
      lines.push(`  ${w.affected}:`);
      for (const line of affectedLines(lang, item, n.createdAt)) lines.push(`    • ${line}`);
    }
  }
  const link = n.link ? `${w.unitPage}: ${n.link}` : "";
  const footer = w.footer(n.dedupeKey);
  const text = [who, "", ...lines, "", ...(link ? [link, ""] : []), footer, ""].join("\n");
  const short = [`${w.prefix} ${who}`, ...lines, ...(link ? [link] : []), footer].join("\n");
  return { subject, text, html: htmlBody(f, w, who, n, footer).text, short };
}

function htmlBody(f: Formatter, w: Words, who: string, n: NotificationText, footer: string): Html {
  const lang = f.lang;
  const row = (item: Item) => {
    const state = w.states[item.state];
    const reason =
      item.reason || item.message ? reasonWithMessage(f, item.reason, item.message) : "";
    const affected = affectedLines(lang, item, n.createdAt);
    const list = affected.length
      ? html`<div>${w.affected}:</div><ul>${affected.map((a) => html`<li>${a}</li>`)}</ul>`
      : "";
    return html`<tr><td>${sentence(lang, item, n.createdAt)}${list}</td><td>${state}</td>
<td>${f.dateTime(item.since)}</td><td>${reason}</td></tr>`;
  };
  // The same style on every cell: mail readers ignore <style>.
  const cell = 'style="border:1px solid #999;padding:4px 8px;text-align:left"';
  const table = html`<table style="border-collapse:collapse">
<thead><tr><th>${w.table.what}</th><th>${w.table.state}</th><th>${w.table.since}</th><th>${w.table.reason}</th></tr></thead>
<tbody>${n.items.map(row)}</tbody></table>`;
  const link = n.link ? html`<p><a href="${n.link}">${w.unitPage}</a></p>` : "";
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head><body>
<h2>${who}</h2>
${new Html(table.text.replace(/<(td|th)>/g, `<$1 ${cell}>`))}
${link}
<p style="color:#666;font-size:small">${footer}</p>
</body></html>`;
}
