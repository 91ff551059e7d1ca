// The weekly digest as a message: the incidents of a unit that touched the week, one line each
// (what, when, how long, why, and whether the data-center link caused it), and their count and
// the time within the week when a check was down.

import { html } from "../../http/pages/html.js";
import type { Lang } from "../../http/pages/i18n/index.js";
import { Formatter } from "../../http/pages/i18n/index.js";
import { reasonWithMessage } from "../../http/pages/incidents.js";
import { union } from "../../inspection/availability.js";
import { length } from "../../inspection/downtime.js";
import type { Incident } from "../../inspection/incident-list.js";
import { WORDS } from "./render.js";
import type { SummaryText } from "./summary.js";

export function weeklyText(
  lang: Lang,
  unit: { id: string; name: string },
  week: { from: number; to: number },
  incidents: readonly Incident[],
  link: string | null,
  dedupeKey: string,
): SummaryText {
  const f = Formatter.of(lang);
  const w = WORDS[lang];
  const from = f.date(week.from);
  const to = f.date(week.to - 1);
  const intro = w.weekly.intro(unit.name, from, to);
  // The time within the week when a check was down, as a union: two checks down in the same
  // hour are one hour. A silent agent is no data, not downtime: listed, not added up.
  const downtime = length(
    union(
      incidents
        .filter((i) => i.kind === "check")
        .map((i) => ({
          start: Math.max(i.start, week.from),
          end: Math.min(i.end ?? week.to, week.to),
        }))
        .filter((i) => i.end > i.start),
    ),
  );
  const lines = incidents.map((i) => {
    const what = i.kind === "silence" ? i.agent : `${i.title ?? i.check ?? ""} (${i.agent})`;
    const category = i.category
      ? `${(f.t.categories as Record<string, string>)[i.category] ?? i.category}: `
      : "";
    const end = i.end === null ? w.weekly.stillOpen : f.dateTime(i.end);
    const cause = i.cause === "link" ? ` (${f.t.unit.causedByLink})` : "";
    const reason = reasonWithMessage(f, i.kind === "silence" ? "silent" : i.reason, i.message);
    return `${category}${what}, ${f.dateTime(i.start)} – ${end}, ${f.duration(i.durationMs)}: ${reason}${cause}`;
  });
  const count = incidents.length
    ? w.weekly.count(incidents.length, f.duration(downtime))
    : w.weekly.none;
  const footer = w.footer(dedupeKey);
  const text = [
    intro,
    count,
    "",
    ...lines.map((l) => `- ${l}`),
    ...(link ? ["", `${w.unitPage}: ${link}`] : []),
    "",
    footer,
    "",
  ].join("\n");
  const body = html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head><body>
<h2>${unit.name}</h2>
<p>${intro}</p>
<p>${count}</p>
<ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>
${link ? html`<p><a href="${link}">${w.unitPage}</a></p>` : ""}
<p style="color:#666;font-size:small">${footer}</p>
</body></html>`;
  return {
    subject: `${w.prefix} ${unit.name}: ${w.weekly.subject(from, to)}`,
    text,
    html: body.text,
    short: [intro, count, ...(link ? [link] : [])].join("\n"),
    attachments: [],
  };
}
