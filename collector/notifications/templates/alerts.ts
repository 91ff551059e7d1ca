// An item as Alertmanager annotations, in both languages: summary and description in the route's
// language, and summary_vi, summary_en, description_vi, description_en whatever it is.
import type { Lang } from "../../http/pages/i18n/index.js";
import type { Item } from "../model.js";
import { renderNotification, sentence } from "./render.js";

function texts(lang: Lang, item: Item, now: number): { summary: string; description: string } {
  const rendered = renderNotification(lang, {
    kind: item.state === "resolved" ? "resolved" : "problem",
    unit: null,
    items: [item],
    link: null,
    dedupeKey: item.key,
    createdAt: now,
  });
  // The subject without "[giamsat] <who>: "; the sentence and the affected checks.
  const summary = rendered.subject.replace(/^[^:]*: /, "");
  const lines = rendered.text
    .split("\n")
    .filter((line) => line.startsWith("- ") || line.startsWith("  "));
  return { summary, description: lines.join("\n").replace(/^- /, "") || sentence(lang, item, now) };
}

export function alertTexts(
  item: Item,
  lang: Lang = "vi",
  now = Date.now(),
): Record<string, string> {
  const vi = texts("vi", item, now);
  const en = texts("en", item, now);
  const own = lang === "en" ? en : vi;
  return {
    summary: own.summary,
    description: own.description,
    summary_vi: vi.summary,
    description_vi: vi.description,
    summary_en: en.summary,
    description_en: en.description,
  };
}
