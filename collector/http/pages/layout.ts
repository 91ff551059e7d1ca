// The frame of every leader-facing page: language switch, who is logged in, small CSS that prints
// on A4, and the status colours. No script anywhere: the pages work on an old office PC as they are.
import { type Html, html } from "./html.js";
import { Formatter, langOf, type Status } from "./i18n/index.js";
import { CSS } from "./styles.js";

export interface Chrome {
  f: Formatter;
  /** The request's URL, for the language switch and sort links. */
  url: URL;
  /** Who is logged in, with the log-out button (login.ts). */
  header: Html;
}

/** The frame of a page for this request: its language, and who is logged in. */
export function chromeOf(url: URL, header: Html): Chrome {
  return { f: Formatter.of(langOf(url)), url, header };
}

/** The same page in the other language. */
export function otherLanguage(url: URL, lang: string): string {
  const next = new URL(url);
  if (lang === "vi") next.searchParams.set("lang", "en");
  else next.searchParams.delete("lang");
  return `${next.pathname}${next.search}`;
}

/** A link within the site that keeps the language chosen. */
export function link(chrome: Chrome, path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, "http://collector");
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (chrome.f.lang === "en") url.searchParams.set("lang", "en");
  return `${url.pathname}${url.search}`;
}

export function statusCell(chrome: Chrome, status: Status, extra: Html | string = ""): Html {
  return html`<span class="cell s-${status}">${chrome.f.t.status[status]}</span>${extra}`;
}

export function layout(chrome: Chrome, title: string, body: Html): string {
  const { t, lang } = chrome.f;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · giamsat</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
<strong><a href="${link(chrome, "/")}">giamsat</a></strong>
<span class="muted">${t.title}</span>
<a href="${otherLanguage(chrome.url, lang)}" hreflang="${lang === "vi" ? "en" : "vi"}">${t.otherLanguage}</a>
${chrome.header}
</header>
<main>
${body}
</main>
</body>
</html>
`.text;
}
